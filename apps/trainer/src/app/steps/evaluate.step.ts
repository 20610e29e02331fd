import { gainImportance, parseModel, type Predictor } from '@adrank/lightgbm';
import type { Reporter } from '@adrank/job';
import {
  auc,
  calibration,
  fitBinnedMap,
  logloss,
  mae,
  mean,
  meanAveragePrecision,
  ndcgPerQuery,
  rmse,
  type CalibrationBin,
} from '../metrics';
import type { ModelKind } from '../params';
import { column, modelData } from '../split';
import type { FeatureSet } from './features.step';
import type { TrainedModels } from './train.step';

/** The numbers the gate compares: name → whether higher is better. */
export const HEADLINE: Record<string, 'higher' | 'lower'> = {
  'ctr.rmse': 'lower',
  'conversion.auc': 'higher',
  'conversion.logloss': 'lower',
  'ranker.ndcg@10': 'higher',
};

export type MetricSet = Record<string, number>;

export interface CurrentBundle {
  version: string;
  /** Its predictors, when it can be scored on this holdout (same feature schema and embedder). */
  predictors: Record<ModelKind, Predictor> | null;
  /** Why it cannot be scored here. */
  reason?: string;
  /** Its own recorded holdout metrics (manifest). */
  recorded: MetricSet;
}

export interface Evaluation {
  holdout: { from: string; to: string; rows: number; queries: number; clickedRows: number };
  /** Headline and secondary metrics of the new models. */
  model: MetricSet;
  baselines: Record<string, MetricSet>;
  current: { version: string; scored: MetricSet | null; reason?: string; recorded: MetricSet } | null;
  calibration: { ctr: CalibrationBin[]; conversion: CalibrationBin[] };
  /** NDCG@10 per holdout query: new model and the similarity baseline. */
  ndcg10PerQuery: { model: number[]; similarity: number[] };
  importance: Record<ModelKind, { feature: string; gain: number }[]>;
  /**
   * Each model's score distribution on the holdout — decile edges (9 cut points) and the fraction of rows in each of
   * the 10 bins — the reference a serving drift monitor (PSI) compares live scores against.
   */
  scoreDistribution: Record<ModelKind, { edges: number[]; fractions: number[]; rows: number }>;
  training: Record<
    ModelKind,
    {
      engine: string;
      bestIteration: number;
      iterations: number;
      rows: { train: number; valid: number };
      ms: number;
      evals: { metric: string | null; values: number[] };
    }
  >;
}

/**
 * Step 6: everything scored on the holdout — CTR weighted RMSE/MAE and calibration, conversion AUC, logloss and
 * calibration, ranker NDCG@5/@10 and MAP — beside trivial baselines (constant, similarity only, input order) and the
 * currently published bundle scored on the same rows.
 */
export class EvaluateStep {
  constructor(private readonly reporter: Reporter) {}

  run(
    fs: FeatureSet,
    models: TrainedModels,
    current: CurrentBundle | null,
    window: { holdoutFrom: string; to: string },
  ): Evaluation {
    const simIdx = fs.rows.schema.indexOf('similarity');
    const ctrTr = modelData(fs, 'ctr', fs.split.train);
    const ctrHo = modelData(fs, 'ctr', fs.split.holdout);
    const cvTr = modelData(fs, 'conversion', fs.split.train);
    const cvHo = modelData(fs, 'conversion', fs.split.holdout);
    const rkHo = modelData(fs, 'ranker', fs.split.holdout);
    const groups = fs.split.holdout.groups;

    const ctrScores = (p: Predictor) => p.predict(ctrHo.rows, ctrHo.nRows);
    const cvScores = (p: Predictor) => p.predict(cvHo.rows, cvHo.nRows);
    const rkScores = (p: Predictor) => p.predict(rkHo.rows, rkHo.nRows, { raw: true });
    const score = (ctr: ArrayLike<number>, cv: ArrayLike<number>, rk: ArrayLike<number>): MetricSet => ({
      'ctr.rmse': rmse(ctr, ctrHo.labels, ctrHo.weights),
      'ctr.mae': mae(ctr, ctrHo.labels, ctrHo.weights),
      'ctr.ece': calibration(ctr, ctrHo.labels, ctrHo.weights).ece,
      'conversion.auc': auc(cv, cvHo.labels),
      'conversion.logloss': logloss(clip(cv), cvHo.labels),
      'conversion.ece': calibration(cv, cvHo.labels).ece,
      'ranker.ndcg@5': mean(ndcgPerQuery(5, rk, rkHo.labels, groups)),
      'ranker.ndcg@10': mean(ndcgPerQuery(10, rk, rkHo.labels, groups)),
      'ranker.map': meanAveragePrecision(rk, rkHo.labels, groups),
    });

    const ctrPred = ctrScores(models.ctr.predictor);
    const cvPred = cvScores(models.conversion.predictor);
    const rkPred = rkScores(models.ranker.predictor);
    const model = score(ctrPred, cvPred, rkPred);

    // Baselines: the training mean; similarity alone (binned similarity → mean label, fitted on training rows);
    // for ranking, similarity order and the input order (no model).
    const ctrMean = weightedMean(ctrTr.labels, ctrTr.weights);
    const cvMean = weightedMean(cvTr.labels);
    const ctrBySim = fitBinnedMap(column(ctrTr, simIdx), ctrTr.labels, ctrTr.weights);
    const cvBySim = fitBinnedMap(column(cvTr, simIdx), cvTr.labels);
    const simCtr = column(ctrHo, simIdx);
    const simCv = column(cvHo, simIdx);
    const simRk = column(rkHo, simIdx);
    const baselines: Record<string, MetricSet> = {
      constant: score(
        new Float64Array(ctrHo.nRows).fill(ctrMean),
        new Float64Array(cvHo.nRows).fill(cvMean),
        new Float64Array(rkHo.nRows),
      ),
      similarity: score(
        simCtr.map(ctrBySim),
        simCv.map(cvBySim),
        simRk.map((s) => (Number.isNaN(s) ? -Infinity : s)),
      ),
    };
    // the CTR model's own ordering as a ranker (what a team without a ranker would ship)
    baselines['ctr-model-order'] = {
      'ranker.ndcg@10': mean(ndcgPerQuery(10, rkScores(models.ctr.predictor), rkHo.labels, groups)),
    };

    let cur: Evaluation['current'] = null;
    if (current) {
      const scored = current.predictors
        ? score(
            ctrScores(current.predictors.ctr),
            cvScores(current.predictors.conversion),
            rkScores(current.predictors.ranker),
          )
        : null;
      cur = {
        version: current.version,
        scored,
        recorded: current.recorded,
        ...(current.reason ? { reason: current.reason } : {}),
      };
    }

    const importance = {} as Evaluation['importance'];
    const training = {} as Evaluation['training'];
    for (const kind of ['ctr', 'conversion', 'ranker'] as const) {
      const gains = gainImportance(parseModel(models[kind].modelText));
      importance[kind] = fs.rows.schema.names
        .map((feature, i) => ({ feature, gain: gains[i] ?? 0 }))
        .sort((a, b) => b.gain - a.gain);
      const m = models[kind];
      training[kind] = {
        engine: m.engine,
        bestIteration: m.bestIteration,
        iterations: m.iterations,
        rows: m.rows,
        ms: m.ms,
        evals: m.evals,
      };
    }
    const evaluation: Evaluation = {
      holdout: {
        from: window.holdoutFrom,
        to: window.to,
        rows: rkHo.nRows,
        queries: groups.length,
        clickedRows: cvHo.nRows,
      },
      model,
      baselines,
      current: cur,
      calibration: {
        ctr: calibration(ctrPred, ctrHo.labels, ctrHo.weights).bins,
        conversion: calibration(cvPred, cvHo.labels).bins,
      },
      ndcg10PerQuery: {
        model: [...ndcgPerQuery(10, rkPred, rkHo.labels, groups)],
        similarity: [
          ...ndcgPerQuery(
            10,
            simRk.map((s) => (Number.isNaN(s) ? -Infinity : s)),
            rkHo.labels,
            groups,
          ),
        ],
      },
      importance,
      training,
      scoreDistribution: {
        ctr: deciles(ctrPred),
        conversion: deciles(cvPred),
        ranker: deciles(rkPred),
      },
    };
    this.reporter.info('evaluated on the holdout', {
      model: pick(model),
      constant: pick(baselines['constant'] as MetricSet),
      similarity: pick(baselines['similarity'] as MetricSet),
      ...(cur ? { current: cur.scored ? pick(cur.scored) : `not scored: ${cur.reason}` } : {}),
    });
    return evaluation;
  }
}

function pick(m: MetricSet): Record<string, number> {
  return Object.fromEntries(Object.keys(HEADLINE).map((k) => [k, round(m[k] as number)]));
}

export function round(x: number, digits = 5): number {
  return Number.isFinite(x) ? Number(x.toPrecision(digits)) : x;
}

function weightedMean(y: ArrayLike<number>, w?: ArrayLike<number>): number {
  let s = 0;
  let t = 0;
  for (let i = 0; i < y.length; i++) {
    const wi = w ? (w[i] as number) : 1;
    s += wi * (y[i] as number);
    t += wi;
  }
  return t > 0 ? s / t : 0;
}

function clip(p: ArrayLike<number>): Float64Array {
  return Float64Array.from(p as ArrayLike<number>, (x) => Math.min(1 - 1e-15, Math.max(1e-15, x)));
}

/** Decile edges of a score sample and the share of rows per bin (ties can make bins uneven). */
export function deciles(scores: ArrayLike<number>): { edges: number[]; fractions: number[]; rows: number } {
  const sorted = Float64Array.from(scores).sort();
  const n = sorted.length;
  const edges: number[] = [];
  for (let q = 1; q < 10; q++) edges.push(n ? (sorted[Math.min(n - 1, Math.floor((q * n) / 10))] as number) : NaN);
  const counts = new Array<number>(10).fill(0);
  for (let i = 0; i < n; i++) {
    let b = 0;
    while (b < 9 && (sorted[i] as number) >= (edges[b] as number)) b++;
    counts[b] = (counts[b] as number) + 1;
  }
  return { edges, fractions: counts.map((c) => (n ? c / n : 0)), rows: n };
}
