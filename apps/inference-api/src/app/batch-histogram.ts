import type { Registry } from 'prom-client';

/**
 * A Prometheus histogram with one label that takes a whole batch of observations per call. prom-client's Histogram
 * validates labels and hashes them on every `observe` — 300 times per ranking, 3% of the server's CPU under load; this
 * one bins a batch with a binary search per value. Exposed through the same registry in the same text format
 * (`name_bucket{le="…",label="…"}` cumulative, `name_sum`, `name_count`).
 */
export class BatchHistogram<L extends string> {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly series = new Map<string, { counts: Float64Array; sum: number; count: number }>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly labelName: L,
    private readonly upperBounds: readonly number[],
    registry: Registry,
  ) {
    for (let i = 1; i < upperBounds.length; i++) {
      if (!((upperBounds[i] as number) > (upperBounds[i - 1] as number)))
        throw new Error(`${name}: bucket bounds must increase`);
    }
    registry.registerMetric(this as never);
  }

  /** Adds every value of `values` to the series of `label`; NaN values are not counted. */
  observeMany(label: string, values: ArrayLike<number>): void {
    let s = this.series.get(label);
    if (s === undefined) {
      s = { counts: new Float64Array(this.upperBounds.length + 1), sum: 0, count: 0 };
      this.series.set(label, s);
    }
    const ub = this.upperBounds;
    const n = ub.length;
    for (let i = 0; i < values.length; i++) {
      const v = values[i] as number;
      if (v !== v) continue;
      // first bound ≥ v (Prometheus buckets are "less than or equal")
      let lo = 0;
      let hi = n;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((ub[mid] as number) < v) lo = mid + 1;
        else hi = mid;
      }
      s.counts[lo] = (s.counts[lo] as number) + 1;
      s.sum += v;
      s.count++;
    }
  }

  /** The registry's view (prom-client's metric interface). */
  get(): {
    name: string;
    help: string;
    type: string;
    aggregator: string;
    values: { metricName: string; labels: Record<string, string | number>; value: number }[];
  } {
    const values: { metricName: string; labels: Record<string, string | number>; value: number }[] = [];
    for (const [label, s] of this.series) {
      let acc = 0;
      this.upperBounds.forEach((le, i) => {
        acc += s.counts[i] as number;
        values.push({ metricName: `${this.name}_bucket`, labels: { le, [this.labelName]: label }, value: acc });
      });
      values.push({
        metricName: `${this.name}_bucket`,
        labels: { le: '+Inf', [this.labelName]: label },
        value: s.count,
      });
      values.push({ metricName: `${this.name}_sum`, labels: { [this.labelName]: label }, value: s.sum });
      values.push({ metricName: `${this.name}_count`, labels: { [this.labelName]: label }, value: s.count });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {
    this.series.clear();
  }
}
