import type { HistoryAgg, RelationFigures } from './records';
import { smoothed, type Priors } from './priors';

/** Everything one feature row is computed from — the same for a training row and a serving row. */
export interface RowInputs {
  similarity: number;
  hour: number;
  dayOfWeek: number;
  device: 'PC' | 'MOBILE';
  bidAmt: number | null;
  qualityIndex: number | null;
  isBrand: boolean | null;
  isSeason: boolean | null;
  /** The keyword's trailing totals (strictly before the row's day); undefined = no history. */
  keyword: HistoryAgg | undefined;
  pair: HistoryAgg | undefined;
  relation: RelationFigures | undefined;
  priors: Priors;
}

const COMPETITION = { low: 0, mid: 1, high: 2 } as const;
const num = (v: number | null | undefined): number => (v === null || v === undefined || !Number.isFinite(v) ? NaN : v);
const flag = (v: boolean | null): number => (v === null ? NaN : v ? 1 : 0);

/**
 * Writes schema v1's features for one row at `out[at … at + 23)`. The single definition both builders call: a
 * serving row equals the training row for the same inputs by construction (and by test).
 */
export function writeRowV1(out: Float64Array, at: number, x: RowInputs): void {
  const kw = x.keyword;
  const pair = x.pair;
  const kwCtr = smoothed(kw?.clicks ?? 0, kw?.impressions ?? 0, x.priors.ctr);
  const kwCvr = smoothed(kw?.conversions ?? 0, kw?.clicks ?? 0, x.priors.cvr);
  // The pair's CTR shrinks toward the keyword's (smoothed) CTR with the same prior strength.
  const strength = x.priors.ctr.alpha + x.priors.ctr.beta;
  const pairCtr = smoothed(pair?.clicks ?? 0, pair?.impressions ?? 0, {
    alpha: kwCtr * strength,
    beta: (1 - kwCtr) * strength,
  });
  out[at] = num(x.similarity);
  out[at + 1] = x.hour;
  out[at + 2] = x.dayOfWeek;
  out[at + 3] = x.device === 'PC' ? 0 : 1;
  out[at + 4] = num(x.bidAmt);
  out[at + 5] = num(x.qualityIndex);
  out[at + 6] = flag(x.isBrand);
  out[at + 7] = flag(x.isSeason);
  out[at + 8] = kw?.impressions ?? 0;
  out[at + 9] = kw?.clicks ?? 0;
  out[at + 10] = kwCtr;
  out[at + 11] = kw !== undefined && kw.clicks > 0 ? kw.cost / kw.clicks : NaN;
  out[at + 12] = kw?.cost ?? 0;
  out[at + 13] = kw?.conversions ?? 0;
  out[at + 14] = kwCvr;
  out[at + 15] = kw !== undefined && kw.impressions > 0 ? kw.sumAdRank / kw.impressions : NaN;
  out[at + 16] = pair?.impressions ?? 0;
  out[at + 17] = pair?.clicks ?? 0;
  out[at + 18] = pairCtr;
  out[at + 19] = pair?.conversions ?? 0;
  out[at + 20] = num(x.relation?.monthlySearchVolume);
  out[at + 21] = x.relation?.competition ? COMPETITION[x.relation.competition] : NaN;
  out[at + 22] = num(x.relation?.adDepth);
}

export const ROW_V1_WIDTH = 23;
