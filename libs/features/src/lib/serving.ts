import { dayOfWeek } from './records';
import { ROW_V1_WIDTH, writeRowV1 } from './row';
import type { KeywordFeatureTable } from './table';

export interface ServingCandidate {
  keyword: string;
  /** Similarity of the query and the keyword (from the embeddings cache or computed on the fly). */
  similarity: number;
  /** The keyword's current settings; each absent one comes from the table's latest snapshot. */
  bidAmt?: number | null;
  qualityIndex?: number | null;
  isBrand?: boolean | null;
  isSeason?: boolean | null;
}

export interface ServingContext {
  /** KST hour 0–23 and day of week (0 = Monday) — or `date` (YYYY-MM-DD, KST) for the day of week. */
  hour: number;
  dayOfWeek?: number;
  date?: string;
  device: 'PC' | 'MOBILE';
}

/**
 * Feature rows (candidates.length × schema width, row-major) for one query — through the same per-row function the
 * training builder uses, with the history the table holds (the training window's end) and its priors. With
 * `keywordRows`, each candidate's row number in the table is written there too (−1: the table has no row for it): a
 * dense key per keyword for the caller's own per-keyword arrays, found by the lookup the features need anyway.
 */
export function buildServingRows(
  query: { searchTerm: string },
  candidates: readonly ServingCandidate[],
  table: KeywordFeatureTable,
  context: ServingContext,
  out: Float64Array = new Float64Array(candidates.length * ROW_V1_WIDTH),
  keywordRows?: Int32Array,
): Float64Array {
  if (!Number.isInteger(context.hour) || context.hour < 0 || context.hour > 23)
    throw new Error(`hour must be 0–23, got ${context.hour}`);
  if (context.device !== 'PC' && context.device !== 'MOBILE')
    throw new Error(`device must be PC or MOBILE, got ${String(context.device)}`);
  const dow = context.dayOfWeek ?? (context.date !== undefined ? dayOfWeek(context.date) : NaN);
  if (!(Number.isInteger(dow) && dow >= 0 && dow <= 6)) throw new Error('give dayOfWeek (0–6) or date');
  if (out.length < candidates.length * ROW_V1_WIDTH)
    throw new Error(`out holds ${out.length} values, ${candidates.length * ROW_V1_WIDTH} needed`);
  if (keywordRows !== undefined && keywordRows.length < candidates.length)
    throw new Error(`keywordRows holds ${keywordRows.length} values, ${candidates.length} needed`);
  const lookups = table.forSearchTerm(query.searchTerm);
  candidates.forEach((c, i) => {
    if (keywordRows !== undefined) keywordRows[i] = lookups.keywordRow(c.keyword);
    const s = lookups.keywordStatic(c.keyword);
    writeRowV1(out, i * ROW_V1_WIDTH, {
      similarity: c.similarity,
      hour: context.hour,
      dayOfWeek: dow,
      device: context.device,
      bidAmt: c.bidAmt !== undefined ? c.bidAmt : (s?.bidAmt ?? null),
      qualityIndex: c.qualityIndex !== undefined ? c.qualityIndex : (s?.qualityIndex ?? null),
      isBrand: c.isBrand !== undefined ? c.isBrand : (s?.isBrand ?? null),
      isSeason: c.isSeason !== undefined ? c.isSeason : (s?.isSeason ?? null),
      keyword: lookups.keyword(c.keyword),
      pair: lookups.pair(c.keyword),
      relation: lookups.relation(c.keyword),
      priors: table.priors,
    });
  });
  return out;
}
