/** A Beta(alpha, beta) prior for a rate (CTR: clicks of impressions; CVR: conversions of clicks). */
export interface BetaPrior {
  alpha: number;
  beta: number;
}

/** The smoothing priors fitted on the training window and stored with the bundle. */
export interface Priors {
  ctr: BetaPrior;
  cvr: BetaPrior;
}

/**
 * Empirical-Bayes Beta prior by the method of moments over units with at least `minTrials` trials (each unit's rate
 * weighted equally), with the prior strength bounded to [2, 10,000] pseudo-trials. Falls back to the pooled rate with
 * 10 pseudo-trials when there are too few units to estimate a variance.
 */
export function fitBetaPrior(units: readonly { successes: number; trials: number }[], minTrials = 20): BetaPrior {
  let succ = 0;
  let trials = 0;
  for (const u of units) {
    succ += u.successes;
    trials += u.trials;
  }
  const pooled = trials > 0 ? Math.min(Math.max(succ / trials, 1e-6), 1 - 1e-6) : 0.01;
  const rates = units.filter((u) => u.trials >= minTrials).map((u) => u.successes / u.trials);
  let strength = 10;
  if (rates.length >= 10) {
    const mean = rates.reduce((a, b) => a + b, 0) / rates.length;
    const variance = rates.reduce((a, r) => a + (r - mean) * (r - mean), 0) / (rates.length - 1);
    if (variance > 0 && mean > 0 && mean < 1) strength = (mean * (1 - mean)) / variance - 1;
  }
  strength = Math.min(Math.max(strength, 2), 10_000);
  return { alpha: pooled * strength, beta: (1 - pooled) * strength };
}

export function smoothed(successes: number, trials: number, prior: BetaPrior): number {
  return (successes + prior.alpha) / (trials + prior.alpha + prior.beta);
}
