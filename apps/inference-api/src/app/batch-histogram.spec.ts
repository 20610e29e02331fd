import { Histogram, Registry } from 'prom-client';
import { BatchHistogram } from './batch-histogram';

describe('BatchHistogram', () => {
  it("exposes exactly what prom-client's Histogram exposes for the same observations", async () => {
    const buckets = [0.001, 0.01, 0.1, 0.5, 1];
    const theirs = new Registry();
    const ours = new Registry();
    const h = new Histogram({ name: 'score', help: 'h', labelNames: ['model'], buckets, registers: [theirs] });
    const b = new BatchHistogram('score', 'h', 'model', buckets, ours);
    // bucket edges included (le is "less than or equal"), values above the last bound, several label values
    const values = {
      ctr: [0, 0.001, 0.0010001, 0.01, 0.05, 0.1, 0.3, 0.5, 0.99, 1, 1.5, 7],
      conversion: Array.from({ length: 500 }, (_, i) => ((i * 7919) % 1000) / 997),
    };
    for (const [model, xs] of Object.entries(values)) {
      for (const x of xs) h.observe({ model }, x);
      b.observeMany(model, Float64Array.from(xs));
    }
    expect(await ours.metrics()).toBe(await theirs.metrics());
  });

  it('skips NaN, and rejects bounds that do not increase', () => {
    const r = new Registry();
    const b = new BatchHistogram('s', 'h', 'model', [1, 2], r);
    b.observeMany('x', [NaN, 1.5]);
    expect(b.get().values.find((v) => v.metricName === 's_count')?.value).toBe(1);
    b.reset();
    expect(b.get().values).toEqual([]);
    expect(() => new BatchHistogram('t', 'h', 'model', [1, 1], r)).toThrow('bucket bounds must increase');
  });
});
