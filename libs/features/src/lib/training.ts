import { TrailingWindow, addInto } from './history';
import { fitBetaPrior, type Priors } from './priors';
import {
  checkRecord,
  compareRecords,
  dayNumber,
  dayOfWeek,
  EMPTY_AGG,
  pairKey,
  type HistoryAgg,
  type PerformanceRecord,
  type RelationFigures,
} from './records';
import { ROW_V1_WIDTH, writeRowV1 } from './row';
import { SCHEMA_V1, type FeatureSchema } from './schema';

export interface TrainingOptions {
  /** Similarity of a search term and a keyword (the trainer computes it with the bundle's embedder). */
  similarity: (searchTerm: string, keyword: string) => number;
  /** Keyword-tool figures of (search term, keyword) relations. */
  relation?: (searchTerm: string, keyword: string) => RelationFigures | undefined;
  /** Trailing window of the history features in days (default 28). */
  windowDays?: number;
  /** Smoothing priors; default: fitted on the given records (the training window). */
  priors?: Priors;
  /** Rows for days before this are history only, not emitted (default: every day emits rows). */
  firstRowDate?: string;
  /**
   * Rows expected in total (TrainingRowBuilder): the matrix and labels are allocated once at this size and filled in
   * place, so a large set never exists twice (it grows by doubling when exceeded).
   */
  capacity?: number;
  /** Keep `keys` (one object per row; default true). Off for large sets: `dayRows` still gives each day's rows. */
  keepKeys?: boolean;
}

export interface TrainingRows {
  schema: FeatureSchema;
  /** rows × schema.width, row-major; NaN = missing. */
  matrix: Float64Array;
  rows: number;
  labels: {
    /** clicks / impressions (NaN when no impressions). */
    ctr: Float64Array;
    /** impressions: the CTR model's row weight. */
    weight: Float64Array;
    /** 1 when the row converted (≥ 1 conversion), 0 when it had clicks but none, NaN without clicks. */
    converted: Float64Array;
    /**
     * Ranking grade 0–4 (see relevanceGrade) of the (search term, keyword) pair's totals over the row's whole day —
     * the same for all its hour/device rows: the day's outcome grades the keyword for the query, a single hour is
     * too noisy to.
     */
    relevance: Float64Array;
  };
  /** Sizes of the consecutive (search term, day) groups, in row order (for lambdarank). */
  groups: number[];
  /** Per row (empty with `keepKeys: false`). */
  keys: { date: string; hour: number; device: 'PC' | 'MOBILE'; searchTerm: string; keyword: string }[];
  /** The days that emitted rows, ascending, and the first row of each (`start`) and its row count. */
  dayRows: { date: string; start: number; rows: number }[];
  priors: Priors;
}

/**
 * Relevance grade of a row for ranking, from its own outcome: 4 converted; 3 CTR ≥ 5%; 2 CTR ≥ 2%; 1 clicked at
 * all; 0 shown without a click (or not shown).
 */
export function relevanceGrade(r: Pick<PerformanceRecord, 'impressions' | 'clicks' | 'conversions'>): number {
  if (r.conversions > 0) return 4;
  if (r.impressions <= 0 || r.clicks <= 0) return 0;
  const ctr = r.clicks / r.impressions;
  return ctr >= 0.05 ? 3 : ctr >= 0.02 ? 2 : 1;
}

/** Priors fitted on keyword totals of the records (the training window only). */
export function fitPriors(records: Iterable<PerformanceRecord>): Priors {
  const byKeyword = new Map<string, HistoryAgg>();
  for (const r of records) {
    let a = byKeyword.get(r.keyword);
    if (a === undefined) byKeyword.set(r.keyword, (a = { ...EMPTY_AGG }));
    addInto(a, r);
  }
  const aggs = [...byKeyword.values()];
  return {
    ctr: fitBetaPrior(
      aggs.map((a) => ({ successes: a.clicks, trials: a.impressions })),
      50,
    ),
    cvr: fitBetaPrior(
      aggs.map((a) => ({ successes: a.conversions, trials: a.clicks })),
      10,
    ),
  };
}

/**
 * Training rows, point in time: a row on day D sees only the keyword's and the pair's totals over
 * [D − window, D − 1]; its own counts are its labels. Rows come out sorted by (day, search term, keyword, hour,
 * device), so the result does not depend on the order of `records`, and (search term, day) groups are contiguous.
 * For inputs larger than memory, feed day by day through TrainingRowBuilder.
 */
export function buildTrainingRows(records: readonly PerformanceRecord[], options: TrainingOptions): TrainingRows {
  records.forEach(checkRecord);
  const sorted = [...records].sort(compareRecords);
  const priors = options.priors ?? fitPriors(sorted);
  const first = options.firstRowDate;
  const capacity = first === undefined ? sorted.length : sorted.filter((r) => r.date >= first).length;
  const b = new TrainingRowBuilder({ capacity, ...options, priors });
  let i = 0;
  while (i < sorted.length) {
    const date = (sorted[i] as PerformanceRecord).date;
    let j = i;
    while (j < sorted.length && (sorted[j] as PerformanceRecord).date === date) j++;
    b.addDay(date, sorted.slice(i, j));
    i = j;
  }
  return b.finish();
}

/**
 * The streaming form: `addDay(date, records)` for each day in ascending order (records of that day in any order),
 * then `finish()`. Memory holds the trailing window's daily totals and the output, not the input.
 */
export class TrainingRowBuilder {
  private readonly keywords: TrailingWindow;
  private readonly pairs: TrailingWindow;
  private readonly priors: Priors;
  private readonly firstRowDay: number;
  private lastDay = -Infinity;
  private rows = 0;
  private capacity: number;
  private matrix: Float64Array;
  private ctr: Float64Array;
  private weight: Float64Array;
  private converted: Float64Array;
  private relevance: Float64Array;
  private readonly groups: number[] = [];
  private readonly keys: TrainingRows['keys'] = [];
  private readonly dayRows: TrainingRows['dayRows'] = [];
  private readonly keepKeys: boolean;

  constructor(private readonly options: TrainingOptions & { priors: Priors }) {
    const window = options.windowDays ?? 28;
    this.keywords = new TrailingWindow(window);
    this.pairs = new TrailingWindow(window);
    this.priors = options.priors;
    this.firstRowDay = options.firstRowDate ? dayNumber(options.firstRowDate) : -Infinity;
    this.keepKeys = options.keepKeys ?? true;
    const cap = options.capacity ?? 1024;
    if (!Number.isInteger(cap) || cap < 0) throw new Error(`capacity must be a non-negative integer, got ${cap}`);
    this.capacity = Math.max(cap, 1);
    this.matrix = new Float64Array(this.capacity * ROW_V1_WIDTH);
    this.ctr = new Float64Array(this.capacity);
    this.weight = new Float64Array(this.capacity);
    this.converted = new Float64Array(this.capacity);
    this.relevance = new Float64Array(this.capacity);
  }

  /** Rows emitted so far. */
  get rowCount(): number {
    return this.rows;
  }

  private ensure(rows: number): void {
    if (rows <= this.capacity) return;
    let cap = this.capacity;
    while (cap < rows) cap *= 2;
    const grow = (a: Float64Array, width: number): Float64Array => {
      const b = new Float64Array(cap * width);
      b.set(a.subarray(0, this.rows * width));
      return b;
    };
    this.matrix = grow(this.matrix, ROW_V1_WIDTH);
    this.ctr = grow(this.ctr, 1);
    this.weight = grow(this.weight, 1);
    this.converted = grow(this.converted, 1);
    this.relevance = grow(this.relevance, 1);
    this.capacity = cap;
  }

  addDay(date: string, dayRecords: readonly PerformanceRecord[]): void {
    const day = dayNumber(date);
    if (day <= this.lastDay)
      throw new Error(`days must be added in ascending order (${date} after day ${this.lastDay})`);
    this.lastDay = day;
    dayRecords.forEach((r, i) => {
      checkRecord(r, i);
      if (r.date !== date) throw new Error(`records[${i}] is for ${r.date}, not ${date}`);
    });
    const recs = [...dayRecords].sort(compareRecords);
    this.keywords.advanceTo(day);
    this.pairs.advanceTo(day);
    if (day >= this.firstRowDay) {
      const w = ROW_V1_WIDTH;
      this.ensure(this.rows + recs.length);
      const out = this.matrix;
      const base = this.rows;
      const dow = dayOfWeek(date);
      const pairDayGrade = new Map<string, number>();
      {
        const totals = new Map<string, HistoryAgg>();
        for (const r of recs) accumulate(totals, pairKey(r.searchTerm, r.keyword), r);
        for (const [k, a] of totals) pairDayGrade.set(k, relevanceGrade(a));
      }
      let groupStart = 0;
      recs.forEach((r, k) => {
        const at = base + k;
        writeRowV1(out, at * w, {
          similarity: this.options.similarity(r.searchTerm, r.keyword),
          hour: r.hour,
          dayOfWeek: dow,
          device: r.device,
          bidAmt: r.bidAmt,
          qualityIndex: r.qualityIndex,
          isBrand: r.isBrand,
          isSeason: r.isSeason,
          keyword: this.keywords.get(r.keyword),
          pair: this.pairs.get(pairKey(r.searchTerm, r.keyword)),
          relation: this.options.relation?.(r.searchTerm, r.keyword),
          priors: this.priors,
        });
        this.ctr[at] = r.impressions > 0 ? r.clicks / r.impressions : NaN;
        this.weight[at] = r.impressions;
        this.converted[at] = r.clicks > 0 ? (r.conversions > 0 ? 1 : 0) : NaN;
        this.relevance[at] = pairDayGrade.get(pairKey(r.searchTerm, r.keyword)) as number;
        if (this.keepKeys)
          this.keys.push({
            date: r.date,
            hour: r.hour,
            device: r.device,
            searchTerm: r.searchTerm,
            keyword: r.keyword,
          });
        const next = recs[k + 1];
        if (next === undefined || next.searchTerm !== r.searchTerm) {
          this.groups.push(k + 1 - groupStart);
          groupStart = k + 1;
        }
      });
      if (recs.length > 0) this.dayRows.push({ date, start: base, rows: recs.length });
      this.rows += recs.length;
    }
    // The day is over: its totals become history for the following days.
    const kwDay = new Map<string, HistoryAgg>();
    const pairDay = new Map<string, HistoryAgg>();
    for (const r of recs) {
      accumulate(kwDay, r.keyword, r);
      accumulate(pairDay, pairKey(r.searchTerm, r.keyword), r);
    }
    this.keywords.advanceTo(day + 1);
    this.pairs.advanceTo(day + 1);
    for (const [k, a] of kwDay) this.keywords.add(day, k, a);
    for (const [k, a] of pairDay) this.pairs.add(day, k, a);
  }

  /** The rows so far; arrays are views of the builder's buffers (no copy). */
  finish(): TrainingRows {
    const n = this.rows;
    return {
      schema: SCHEMA_V1,
      matrix: this.matrix.subarray(0, n * ROW_V1_WIDTH),
      rows: n,
      labels: {
        ctr: this.ctr.subarray(0, n),
        weight: this.weight.subarray(0, n),
        converted: this.converted.subarray(0, n),
        relevance: this.relevance.subarray(0, n),
      },
      groups: this.groups,
      keys: this.keys,
      dayRows: this.dayRows,
      priors: this.priors,
    };
  }

  /** The trailing windows as they stand (for the serving snapshot at the end of the training window). */
  windows(): { keywords: TrailingWindow; pairs: TrailingWindow } {
    return { keywords: this.keywords, pairs: this.pairs };
  }
}

function accumulate(m: Map<string, HistoryAgg>, key: string, r: HistoryAgg): void {
  let a = m.get(key);
  if (a === undefined) m.set(key, (a = { ...EMPTY_AGG }));
  addInto(a, r);
}
