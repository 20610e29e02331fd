import { dayNumber, type PerformanceRecord, type RelationFigures } from '@adrank/features';

/** Strings → dense ids (search terms, keywords): each distinct text stored once. */
export class Interner {
  readonly values: string[] = [];
  private readonly ids = new Map<string, number>();
  id(s: string): number {
    let i = this.ids.get(s);
    if (i === undefined) {
      i = this.values.length;
      this.values.push(s);
      this.ids.set(s, i);
    }
    return i;
  }
  get(s: string): number | undefined {
    return this.ids.get(s);
  }
  get size(): number {
    return this.values.length;
  }
}

const NULL_I8 = -1;

/**
 * The extracted training grain held column by column in typed arrays (about 60 bytes a row, strings interned), in
 * (date, search term, keyword, hour, device) order. Row objects exist only for one day at a time (`day(d)`), never
 * for the whole set.
 */
export class PerformanceColumns {
  readonly terms = new Interner();
  readonly keywords = new Interner();
  private cap: number;
  length = 0;
  day!: Int32Array; // day number
  hour!: Uint8Array;
  mobile!: Uint8Array;
  term!: Int32Array;
  keyword!: Int32Array;
  impressions!: Float64Array;
  clicks!: Float64Array;
  conversions!: Float64Array;
  cost!: Float64Array;
  sumAdRank!: Float64Array;
  bidAmt!: Float64Array;
  qualityIndex!: Float64Array; // NaN = null
  isBrand!: Int8Array; // -1 = null
  isSeason!: Int8Array;
  /** Days present, ascending, with their first row and row count (rows must arrive in date order). */
  readonly days: { day: number; date: string; start: number; rows: number }[] = [];

  constructor(capacity = 1 << 16) {
    this.cap = Math.max(16, capacity);
    this.alloc(this.cap, 0);
  }

  private alloc(cap: number, keep: number): void {
    const grow = <A extends { subarray(a: number, b: number): A; set(x: A): void }>(
      make: new (n: number) => A,
      old: A | undefined,
    ): A => {
      const a = new make(cap);
      if (old !== undefined && keep > 0) a.set(old.subarray(0, keep));
      return a;
    };
    this.day = grow(Int32Array, this.day);
    this.hour = grow(Uint8Array, this.hour);
    this.mobile = grow(Uint8Array, this.mobile);
    this.term = grow(Int32Array, this.term);
    this.keyword = grow(Int32Array, this.keyword);
    this.impressions = grow(Float64Array, this.impressions);
    this.clicks = grow(Float64Array, this.clicks);
    this.conversions = grow(Float64Array, this.conversions);
    this.cost = grow(Float64Array, this.cost);
    this.sumAdRank = grow(Float64Array, this.sumAdRank);
    this.bidAmt = grow(Float64Array, this.bidAmt);
    this.qualityIndex = grow(Float64Array, this.qualityIndex);
    this.isBrand = grow(Int8Array, this.isBrand);
    this.isSeason = grow(Int8Array, this.isSeason);
  }

  /** Appends one row; values are taken as given (validation judges them later and names the row). */
  push(r: {
    date: string;
    hour: number;
    device: string;
    searchTerm: string;
    keyword: string;
    impressions: number;
    clicks: number;
    conversions: number;
    cost: number;
    sumAdRank: number;
    bidAmt: number | null;
    qualityIndex: number | null;
    isBrand: boolean | null;
    isSeason: boolean | null;
  }): void {
    if (this.length === this.cap) {
      this.cap *= 2;
      this.alloc(this.cap, this.length);
    }
    const i = this.length++;
    const d = dayNumber(r.date);
    const last = this.days[this.days.length - 1];
    if (last === undefined || last.day !== d) {
      if (last !== undefined && d < last.day)
        throw new Error(`rows must come in date order (${r.date} after ${last.date})`);
      this.days.push({ day: d, date: r.date, start: i, rows: 0 });
    }
    (this.days[this.days.length - 1] as { rows: number }).rows++;
    this.day[i] = d;
    this.hour[i] = Number.isInteger(r.hour) && r.hour >= 0 && r.hour <= 23 ? r.hour : 255;
    this.mobile[i] = r.device === 'MOBILE' ? 1 : r.device === 'PC' ? 0 : 255;
    this.term[i] = this.terms.id(r.searchTerm);
    this.keyword[i] = this.keywords.id(r.keyword);
    this.impressions[i] = r.impressions;
    this.clicks[i] = r.clicks;
    this.conversions[i] = r.conversions;
    this.cost[i] = r.cost;
    this.sumAdRank[i] = r.sumAdRank;
    this.bidAmt[i] = r.bidAmt ?? NaN;
    this.qualityIndex[i] = r.qualityIndex ?? NaN;
    this.isBrand[i] = r.isBrand === null ? NULL_I8 : r.isBrand ? 1 : 0;
    this.isSeason[i] = r.isSeason === null ? NULL_I8 : r.isSeason ? 1 : 0;
  }

  /** Row i as a record (for the features builder, one day at a time). */
  record(i: number, date: string): PerformanceRecord {
    const b = this.isBrand[i] as number;
    const s = this.isSeason[i] as number;
    const q = this.qualityIndex[i] as number;
    const bid = this.bidAmt[i] as number;
    return {
      date,
      hour: this.hour[i] as number,
      device: this.mobile[i] === 1 ? 'MOBILE' : 'PC',
      searchTerm: this.terms.values[this.term[i] as number] as string,
      keyword: this.keywords.values[this.keyword[i] as number] as string,
      impressions: this.impressions[i] as number,
      clicks: this.clicks[i] as number,
      conversions: this.conversions[i] as number,
      cost: this.cost[i] as number,
      sumAdRank: this.sumAdRank[i] as number,
      bidAmt: Number.isNaN(bid) ? 0 : bid,
      qualityIndex: Number.isNaN(q) ? null : q,
      isBrand: b === NULL_I8 ? null : b === 1,
      isSeason: s === NULL_I8 ? null : s === 1,
    };
  }

  /** The records of one day (index into `days`). */
  dayRecords(k: number): PerformanceRecord[] {
    const d = this.days[k];
    if (d === undefined) return [];
    const out: PerformanceRecord[] = new Array(d.rows);
    for (let j = 0; j < d.rows; j++) out[j] = this.record(d.start + j, d.date);
    return out;
  }

  /** Records of the days in [fromDay, toDay] (day numbers), lazily. */
  *records(fromDay = -Infinity, toDay = Infinity): Generator<PerformanceRecord> {
    for (const d of this.days) {
      if (d.day < fromDay || d.day > toDay) continue;
      for (let j = 0; j < d.rows; j++) yield this.record(d.start + j, d.date);
    }
  }

  /** Approximate bytes held by the columns. */
  get bytes(): number {
    return this.cap * (4 + 1 + 1 + 4 + 4 + 8 * 8 + 1 + 1);
  }
}

/** What the extract step produces. */
export interface ExtractedData {
  /** Released (replaced by an empty set) once the features are built. */
  columns: PerformanceColumns;
  /** Keyword-tool figures by (search term, keyword). */
  relations: { searchTerm: string; keyword: string; figures: RelationFigures }[];
  /** The account's keywords (the nearest-keyword universe), beside those seen in the performance data. */
  accountKeywords: string[];
  /** The requested window: rows from `from` to `to`; `historyFrom` is where history extraction started. */
  window: { historyFrom: string; from: string; to: string };
  source: string;
}

export function dateOf(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}
