/**
 * One hour of one keyword shown for one search term on one device — the grain of training data. `date` and `hour`
 * are KST. Counts are this row's outcomes (labels), never features of this row.
 */
export interface PerformanceRecord {
  date: string;
  hour: number;
  device: 'PC' | 'MOBILE';
  searchTerm: string;
  keyword: string;
  impressions: number;
  clicks: number;
  conversions: number;
  /** VAT-included KRW. */
  cost: number;
  sumAdRank: number;
  /** The keyword's settings at that time. */
  bidAmt: number;
  qualityIndex: number | null;
  isBrand: boolean | null;
  isSeason: boolean | null;
}

/** Keyword-tool figures of a (search term, related keyword) relation. */
export interface RelationFigures {
  monthlySearchVolume: number | null;
  competition: 'low' | 'mid' | 'high' | null;
  adDepth: number | null;
}

/** Trailing totals of a keyword or a pair. */
export interface HistoryAgg {
  impressions: number;
  clicks: number;
  conversions: number;
  cost: number;
  sumAdRank: number;
}

export const EMPTY_AGG: Readonly<HistoryAgg> = Object.freeze({
  impressions: 0,
  clicks: 0,
  conversions: 0,
  cost: 0,
  sumAdRank: 0,
});

/** Day number (days since 1970-01-01) of a YYYY-MM-DD date. */
export function dayNumber(date: string): number {
  const t = Date.parse(`${date}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(t)) throw new Error(`"${date}" is not a date (YYYY-MM-DD)`);
  return Math.round(t / 86_400_000);
}

/** 0 = Monday … 6 = Sunday. */
export function dayOfWeek(date: string): number {
  return (dayNumber(date) + 3) % 7; // 1970-01-01 was a Thursday
}

export function pairKey(searchTerm: string, keyword: string): string {
  return `${searchTerm}\u0000${keyword}`;
}

/** Checks a record's fields; the error names the record and the field. */
export function checkRecord(r: PerformanceRecord, i: number): void {
  const bad = (field: string, why: string): never => {
    throw new Error(
      `records[${i}].${field} ${why} (got ${JSON.stringify((r as unknown as Record<string, unknown>)[field])})`,
    );
  };
  dayNumber(r.date);
  if (!Number.isInteger(r.hour) || r.hour < 0 || r.hour > 23) bad('hour', 'must be an integer 0–23');
  if (r.device !== 'PC' && r.device !== 'MOBILE') bad('device', 'must be PC or MOBILE');
  if (typeof r.searchTerm !== 'string' || r.searchTerm === '') bad('searchTerm', 'must be a non-empty string');
  if (typeof r.keyword !== 'string' || r.keyword === '') bad('keyword', 'must be a non-empty string');
  for (const k of ['impressions', 'clicks', 'conversions'] as const) {
    if (!Number.isInteger(r[k]) || r[k] < 0) bad(k, 'must be a non-negative integer');
  }
  if (r.clicks > r.impressions) bad('clicks', `exceeds impressions (${r.impressions})`);
  for (const k of ['cost', 'sumAdRank', 'bidAmt'] as const) if (!(r[k] >= 0)) bad(k, 'must be a non-negative number');
}

/** The canonical order of records: day, search term, keyword, hour, device (sums are always taken in this order). */
export function compareRecords(a: PerformanceRecord, b: PerformanceRecord): number {
  return (
    (a.date < b.date ? -1 : a.date > b.date ? 1 : 0) ||
    (a.searchTerm < b.searchTerm ? -1 : a.searchTerm > b.searchTerm ? 1 : 0) ||
    (a.keyword < b.keyword ? -1 : a.keyword > b.keyword ? 1 : 0) ||
    a.hour - b.hour ||
    (a.device < b.device ? -1 : a.device > b.device ? 1 : 0)
  );
}
