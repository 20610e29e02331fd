import { readFileSync } from 'node:fs';
import { parseModel, Predictor } from '@adrank/lightgbm';
const text = readFileSync('.adrank/bench/models/ctr_model.txt', 'utf8');
for (let k = 0; k < 3; k++) {
  const t0 = performance.now();
  const m = parseModel(text);
  const t1 = performance.now();
  const p = Predictor.compile(m);
  const t2 = performance.now();
  p.predictRow(new Float64Array(8));
  const t3 = performance.now();
  p.predict(new Float64Array(8 * 256), 256);
  const t4 = performance.now();
  console.log({ parse: t1 - t0, compile: t2 - t1, firstRow: t3 - t2, firstBatch: t4 - t3 });
}
