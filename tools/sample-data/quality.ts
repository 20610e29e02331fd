/**
 * Trains the three models on generated data with @adrank/features rows and @adrank/lightgbm's built-in engine, and
 * scores them on a time-based holdout beside trivial baselines. Used by the quality test and `npm run sample-data --
 * --quality` (the README's numbers).
 */
import { LexicalEmbedder } from '@adrank/embeddings';
import {
  buildTrainingRows,
  fitPriors,
  pairKey,
  SCHEMA_V1,
  type RelationFigures,
  type TrainingRows,
} from '@adrank/features';
import { auc, ndcgAt, Predictor, rmse, train } from '@adrank/lightgbm';
import type { SampleData } from './sample-data';

export interface QualityReport {
  rows: { train: number; holdout: number };
  ctr: { model: number; constant: number };
  conversion: { auc: number; similarityAuc: number };
  ranking: { ndcg10: number; similarityNdcg10: number };
  seconds: number;
}

/** Cosine similarities by the lexical embedder, each text embedded once. */
export function lexicalSimilarity(texts: Iterable<string>): (a: string, b: string) => number {
  const e = new LexicalEmbedder();
  const list = [...new Set(texts)];
  const m = e.embedSync(list);
  const at = new Map(list.map((t, i) => [t, i]));
  return (a, b) => {
    const i = at.get(a);
    const j = at.get(b);
    if (i === undefined || j === undefined) return NaN;
    let s = 0;
    for (let d = 0; d < e.dim; d++) s += (m[i * e.dim + d] as number) * (m[j * e.dim + d] as number);
    return s;
  };
}

function subset(rows: TrainingRows, keep: (i: number) => boolean, label: Float64Array, weight?: Float64Array) {
  const w = SCHEMA_V1.width;
  const idx: number[] = [];
  for (let i = 0; i < rows.rows; i++) if (keep(i)) idx.push(i);
  const m = new Float64Array(idx.length * w);
  idx.forEach((i, k) => m.set(rows.matrix.subarray(i * w, (i + 1) * w), k * w));
  return {
    idx,
    data: {
      rows: m,
      nRows: idx.length,
      nFeatures: w,
      labels: Float64Array.from(idx, (i) => label[i] as number),
      ...(weight ? { weights: Float64Array.from(idx, (i) => weight[i] as number) } : {}),
    },
  };
}

/** Groups (consecutive equal (search term, day)) of a subset of rows. */
function groupsOf(rows: TrainingRows, idx: number[]): number[] {
  const g: number[] = [];
  let prev = '';
  for (const i of idx) {
    const k = rows.keys[i] as TrainingRows['keys'][number];
    const key = `${k.date}|${k.searchTerm}`;
    if (key === prev) g[g.length - 1]! += 1;
    else g.push(1);
    prev = key;
  }
  return g;
}

export function evaluateSample(
  s: SampleData,
  o: { windowDays?: number; holdoutDays?: number; iterations?: number } = {},
): QualityReport {
  const t0 = performance.now();
  const windowDays = o.windowDays ?? 14;
  const holdoutDays = o.holdoutDays ?? 5;
  const days = s.days;
  const holdoutStart = days[days.length - holdoutDays] as string;
  const validStart = days[days.length - holdoutDays - 3] as string;
  const firstRow = days[Math.min(windowDays, days.length - holdoutDays - 4)] as string;
  const relations = new Map<string, RelationFigures>(
    s.relations.map((r) => [pairKey(r.searchTerm, r.keyword), r.figures]),
  );
  const similarity = lexicalSimilarity([...s.searchTerms, ...s.keywords.map((k) => k.keyword)]);
  const priors = fitPriors(s.records.filter((r) => r.date < holdoutStart)); // fitted on the training window only
  const rows = buildTrainingRows(s.records, {
    similarity,
    relation: (a, b) => relations.get(pairKey(a, b)),
    windowDays,
    priors,
    firstRowDate: firstRow,
  });
  const date = (i: number) => (rows.keys[i] as TrainingRows['keys'][number]).date;
  const isTrain = (i: number) => date(i) < validStart;
  const isValid = (i: number) => date(i) >= validStart && date(i) < holdoutStart;
  const isHold = (i: number) => date(i) >= holdoutStart;
  const params = {
    num_leaves: 31,
    learning_rate: 0.08,
    num_iterations: o.iterations ?? 150,
    min_data_in_leaf: 40,
    early_stopping_round: 20,
    num_threads: 1,
    verbosity: -1,
  };
  const fit = (
    objective: 'regression' | 'binary' | 'lambdarank',
    tr: ReturnType<typeof subset>,
    va: ReturnType<typeof subset>,
    extra: Record<string, unknown> = {},
  ) =>
    Predictor.fromText(
      train({
        engine: 'builtin',
        objective,
        params: { ...params, ...extra } as never,
        train: tr.data,
        valid: va.data,
        featureNames: [...SCHEMA_V1.names],
      }).modelText,
    );

  // CTR: weighted regression on rows with impressions.
  const hasImp = (i: number) => (rows.labels.weight[i] as number) > 0;
  const ctrTr = subset(rows, (i) => isTrain(i) && hasImp(i), rows.labels.ctr, rows.labels.weight);
  const ctrVa = subset(rows, (i) => isValid(i) && hasImp(i), rows.labels.ctr, rows.labels.weight);
  const ctrHo = subset(rows, (i) => isHold(i) && hasImp(i), rows.labels.ctr, rows.labels.weight);
  const ctrModel = fit('regression', ctrTr, ctrVa);
  const ctrPred = ctrModel.predict(ctrHo.data.rows, ctrHo.data.nRows);
  const wTr = ctrTr.data.weights as Float64Array;
  const mean = ctrTr.data.labels.reduce((a, y, i) => a + y * (wTr[i] as number), 0) / wTr.reduce((a, b) => a + b, 0);
  const ctr = {
    model: rmse(ctrPred, ctrHo.data.labels, ctrHo.data.weights),
    constant: rmse(new Float64Array(ctrHo.data.nRows).fill(mean), ctrHo.data.labels, ctrHo.data.weights),
  };

  // Conversion: binary on rows with clicks.
  const clicked = (i: number) => !Number.isNaN(rows.labels.converted[i] as number);
  const cvTr = subset(rows, (i) => isTrain(i) && clicked(i), rows.labels.converted);
  const cvVa = subset(rows, (i) => isValid(i) && clicked(i), rows.labels.converted);
  const cvHo = subset(rows, (i) => isHold(i) && clicked(i), rows.labels.converted);
  const cvPred = fit('binary', cvTr, cvVa, { metric: 'auc' }).predict(cvHo.data.rows, cvHo.data.nRows);
  const simIdx = SCHEMA_V1.indexOf('similarity');
  const simOf = (d: { rows: Float64Array; nRows: number }) =>
    Float64Array.from({ length: d.nRows }, (_, i) => d.rows[i * SCHEMA_V1.width + simIdx] as number);
  const conversion = { auc: auc(cvPred, cvHo.data.labels), similarityAuc: auc(simOf(cvHo.data), cvHo.data.labels) };

  // Ranking: lambdarank over (search term, day) groups.
  const rkTr = subset(rows, isTrain, rows.labels.relevance);
  const rkVa = subset(rows, isValid, rows.labels.relevance);
  const rkHo = subset(rows, isHold, rows.labels.relevance);
  const withGroups = (x: ReturnType<typeof subset>) => ({ ...x, data: { ...x.data, groups: groupsOf(rows, x.idx) } });
  const ranker = fit('lambdarank', withGroups(rkTr), withGroups(rkVa), { metric: 'ndcg@10' });
  const rkPred = ranker.predict(rkHo.data.rows, rkHo.data.nRows, { raw: true });
  const hoGroups = groupsOf(rows, rkHo.idx);
  const ranking = {
    ndcg10: ndcgAt(10, rkPred, rkHo.data.labels, hoGroups),
    similarityNdcg10: ndcgAt(10, simOf(rkHo.data), rkHo.data.labels, hoGroups),
  };
  return {
    rows: { train: rkTr.idx.length + rkVa.idx.length, holdout: rkHo.idx.length },
    ctr,
    conversion,
    ranking,
    seconds: (performance.now() - t0) / 1000,
  };
}
