import { Inject, Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { BatchHistogram } from './batch-histogram';
import { ModelsService } from './models.service';
import type { ModelName, ScoreDistribution } from './serving/serving-model';

/**
 * Population stability index of observed bin counts against the expected bin fractions:
 * Σ (a − e) · ln(a / e), shares floored at 1e-4 so an empty bin does not make it infinite.
 */
export function psi(counts: readonly number[], expected: readonly number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return 0;
  let s = 0;
  counts.forEach((c, i) => {
    const a = Math.max(c / total, 1e-4);
    const e = Math.max(expected[i] ?? 0, 1e-4);
    s += (a - e) * Math.log(a / e);
  });
  return s;
}

/**
 * Prometheus metrics (prom-client): request durations by route and status, rows scored per model, the active model
 * version, model loads and consecutive load failures, query-embedding cache hits and misses, prediction scores per
 * model, and each model's score drift (PSI) against the distribution the trainer measured on its holdout
 * (`score_distribution.json`), counted since the active model was loaded.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private readonly duration: Histogram<'route' | 'method' | 'status'>;
  private readonly predictions: Counter<'model'>;
  private readonly scores: BatchHistogram<'model'>;
  private drift: { version: string; counts: Record<ModelName, number[]> } | null = null;

  constructor(@Inject(ModelsService) private readonly models: ModelsService) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.duration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by route, method and status',
      labelNames: ['route', 'method', 'status'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.predictions = new Counter({
      name: 'adrank_predictions_total',
      help: 'Rows scored, by model',
      labelNames: ['model'],
      registers,
    });
    this.scores = new BatchHistogram(
      'adrank_prediction_score',
      'Predicted probabilities (ctr, conversion)',
      'model',
      [0.001, 0.003, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1],
      this.registry,
    );
    const status = () => this.models.registry.status();
    new Gauge({
      name: 'adrank_model_info',
      help: 'The active model bundle (value 1, labelled by version)',
      labelNames: ['version'],
      registers,
      collect() {
        this.reset();
        const v = status().activeVersion;
        if (v !== null) this.set({ version: v }, 1);
      },
    });
    new Gauge({
      name: 'adrank_model_ready',
      help: '1 when a verified bundle is active',
      registers,
      collect() {
        this.set(status().ready ? 1 : 0);
      },
    });
    new Gauge({
      name: 'adrank_model_loads',
      help: 'Successful model loads since start',
      registers,
      collect() {
        this.set(status().loads);
      },
    });
    new Gauge({
      name: 'adrank_model_load_failures',
      help: 'Consecutive failed model loads (0 after a success); the old model keeps serving meanwhile',
      registers,
      collect() {
        this.set(status().consecutiveFailures);
      },
    });
    const cache = () => this.models.registry.current()?.model.queries.stats;
    new Gauge({
      name: 'adrank_query_embedding_cache_hits',
      help: 'Query embedding cache hits (active model)',
      registers,
      collect() {
        this.set(cache()?.hits ?? 0);
      },
    });
    new Gauge({
      name: 'adrank_query_embedding_cache_misses',
      help: 'Query embedding cache misses (active model)',
      registers,
      collect() {
        this.set(cache()?.misses ?? 0);
      },
    });
    const states = () => this.models.registry.current()?.model.keywordStates;
    new Gauge({
      name: 'adrank_keyword_state_cache',
      help: 'Keyword split-state cache of the active model: hits, misses (rows computed in full) and keywords held',
      labelNames: ['kind'],
      registers,
      collect() {
        const c = states();
        this.set({ kind: 'hits' }, c?.hits ?? 0);
        this.set({ kind: 'misses' }, c?.misses ?? 0);
        this.set({ kind: 'size' }, c?.size ?? 0);
      },
    });
    const registryOf = () => this.models.registry;
    const drift = () => this.drift;
    new Gauge({
      name: 'adrank_score_psi',
      help: 'Population stability index of scores since the model was loaded vs its training holdout',
      labelNames: ['model'],
      registers,
      collect() {
        this.reset();
        const active = registryOf().current();
        const dist = active?.model.scoreDistribution;
        const seen = drift();
        if (!active || !dist || seen?.version !== active.version) return;
        for (const m of ['ctr', 'conversion', 'ranker'] as const) {
          const d = dist[m];
          if (d) this.set({ model: m }, psi(seen.counts[m], d.fractions));
        }
      },
    });
  }

  observeRequest(route: string, method: string, status: number, seconds: number): void {
    this.duration.observe({ route, method, status: String(status) }, seconds);
  }

  /** Scores of one request, for the counters, the score histogram and the drift bins of the model version. */
  observeScores(model: ModelName, version: string, dist: ScoreDistribution | null, scores: ArrayLike<number>): void {
    this.predictions.inc({ model }, scores.length);
    if (model !== 'ranker') this.scores.observeMany(model, scores);
    const d = dist?.[model];
    if (!d) return;
    if (this.drift?.version !== version)
      this.drift = {
        version,
        counts: { ctr: new Array(10).fill(0), conversion: new Array(10).fill(0), ranker: new Array(10).fill(0) },
      };
    const counts = this.drift.counts[model];
    for (let i = 0; i < scores.length; i++) {
      const x = scores[i] as number;
      let b = 0;
      while (b < d.edges.length && x >= (d.edges[b] as number)) b++;
      counts[b] = (counts[b] as number) + 1;
    }
  }
}
