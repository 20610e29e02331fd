import { HEADLINE, round, type Evaluation, type MetricSet } from './evaluate.step';

/** Baselines a model must not lose to (other entries of `baselines` are references for the report). */
export const TRIVIAL_BASELINES = ['constant', 'similarity'];

export interface GateCheck {
  metric: string;
  /** current (rescored on this holdout), recorded (the current bundle's own holdout), baseline:<name>. */
  against: string;
  ours: number;
  theirs: number;
  /** How much worse ours is, as a fraction of theirs (negative = better). */
  worseBy: number;
  tolerance: number;
  ok: boolean;
}

export interface GateDecision {
  decision: 'publish' | 'hold';
  forced: boolean;
  checks: GateCheck[];
  /** Checks that could not run, and why. */
  skipped: string[];
  summary: string;
}

export interface GateOptions {
  /** Fraction a metric may be worse than the current bundle scored on this holdout (and than a trivial baseline). */
  tolerance: number;
  /** Fraction it may be worse than the current bundle's recorded metrics (another holdout window). */
  driftTolerance: number;
  force: boolean;
}

/**
 * Step 7: publish only when no headline metric is worse than (a) the current bundle scored on the same holdout, by more
 * than `tolerance`; (b) the current bundle's recorded holdout metrics, by more than `driftTolerance` — this is what
 * stops a run on broken data, where both models look equally bad on the same broken holdout; (c) the best trivial
 * baseline, by more than `tolerance`. `force` publishes anyway and says so.
 */
export function decideGate(e: Evaluation, o: GateOptions): GateDecision {
  const checks: GateCheck[] = [];
  const skipped: string[] = [];
  const compare = (against: string, theirs: MetricSet, tolerance: number): void => {
    for (const [metric, better] of Object.entries(HEADLINE)) {
      const ours = e.model[metric];
      const t = theirs[metric];
      if (t === undefined || ours === undefined) continue;
      if (!Number.isFinite(ours)) {
        checks.push({ metric, against, ours, theirs: t, worseBy: Infinity, tolerance, ok: false });
        continue;
      }
      if (!Number.isFinite(t)) continue;
      const diff = better === 'higher' ? t - ours : ours - t;
      const worseBy = t === 0 ? (diff > 0 ? Infinity : 0) : diff / Math.abs(t);
      checks.push({ metric, against, ours, theirs: t, worseBy, tolerance, ok: worseBy <= tolerance });
    }
  };
  if (e.current === null) skipped.push('no current bundle: first publish');
  else {
    if (e.current.scored) compare('current', e.current.scored, o.tolerance);
    else skipped.push(`current bundle ${e.current.version} not rescored: ${e.current.reason ?? 'unknown'}`);
    if (Object.keys(e.current.recorded).some((k) => k in HEADLINE))
      compare('recorded', e.current.recorded, o.driftTolerance);
    else skipped.push(`current bundle ${e.current.version} records no headline metrics`);
  }
  // the best trivial baseline per metric
  const best: MetricSet = {};
  for (const [metric, better] of Object.entries(HEADLINE)) {
    const values = TRIVIAL_BASELINES.map((name) => e.baselines[name]?.[metric]).filter(
      (v): v is number => v !== undefined && Number.isFinite(v),
    );
    if (values.length) best[metric] = better === 'higher' ? Math.max(...values) : Math.min(...values);
  }
  compare('baseline', best, o.tolerance);
  const failed = checks.filter((c) => !c.ok);
  const decision = failed.length === 0 || o.force ? 'publish' : 'hold';
  const summary =
    failed.length === 0
      ? `gate passed (${checks.length} checks)`
      : `${o.force ? 'gate overridden by --force' : 'gate held'}: ${failed
          .map(
            (c) =>
              `${c.metric} ${round(c.ours)} vs ${c.against} ${round(c.theirs)} (${(c.worseBy * 100).toFixed(1)}% worse, tolerance ${(c.tolerance * 100).toFixed(1)}%)`,
          )
          .join('; ')}`;
  return { decision, forced: o.force && failed.length > 0, checks, skipped, summary };
}
