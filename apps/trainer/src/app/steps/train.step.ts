import { Predictor, train, type EngineName } from '@adrank/lightgbm';
import type { Reporter } from '@adrank/job';
import { MODEL_KINDS, type ModelKind, type ParamsFile } from '../params';
import { modelData } from '../split';
import type { FeatureSet } from './features.step';

export interface TrainedModel {
  kind: ModelKind;
  modelText: string;
  predictor: Predictor;
  engine: 'native' | 'builtin';
  bestIteration: number;
  iterations: number;
  /** The validation metric per iteration (early stopping watched it). */
  evals: { metric: string | null; values: number[] };
  rows: { train: number; valid: number };
  ms: number;
}

export type TrainedModels = Record<ModelKind, TrainedModel>;

/**
 * Step 5: the CTR regressor, the conversion classifier and the LambdaMART ranker, each with early stopping on the
 * validation slice (the days before the holdout, never the holdout).
 */
export class TrainStep {
  constructor(private readonly reporter: Reporter) {}

  run(fs: FeatureSet, params: ParamsFile, engine: EngineName): TrainedModels {
    const out = {} as TrainedModels;
    for (const kind of MODEL_KINDS) {
      const t0 = performance.now();
      const tr = modelData(fs, kind, fs.split.train);
      const va = modelData(fs, kind, fs.split.valid);
      const p = params.models[kind];
      const planned = Number(p.params['num_iterations'] ?? 100);
      const r = train({
        engine,
        objective: p.objective,
        params: p.params,
        train: tr,
        valid: va,
        featureNames: [...fs.rows.schema.names],
        onIteration: ({ iteration }) => {
          if (iteration % 10 === 0 || iteration === planned)
            this.reporter.progress(iteration, planned, `${kind} trees`);
        },
      });
      const m: TrainedModel = {
        kind,
        modelText: r.modelText,
        predictor: Predictor.fromText(r.modelText),
        engine: r.engine,
        bestIteration: r.bestIteration,
        iterations: r.evals.values.length,
        evals: r.evals,
        rows: { train: tr.nRows, valid: va.nRows },
        ms: Math.round(performance.now() - t0),
      };
      this.reporter.progress(planned, planned, `${kind} trees`);
      this.reporter.info(`trained ${kind}`, {
        engine: m.engine,
        bestIteration: m.bestIteration,
        iterations: m.iterations,
        valid: r.evals.metric ? { [r.evals.metric]: r.evals.values[m.bestIteration - 1] } : undefined,
        rows: m.rows,
        ms: m.ms,
      });
      out[kind] = m;
    }
    return out;
  }
}
