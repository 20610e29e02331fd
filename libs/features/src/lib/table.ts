import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { TrailingWindow, addInto } from './history';
import type { Priors } from './priors';
import {
  compareRecords,
  dayNumber,
  EMPTY_AGG,
  pairKey,
  type HistoryAgg,
  type PerformanceRecord,
  type RelationFigures,
} from './records';
import { SCHEMA_V1 } from './schema';

const MAGIC = 'ADRKFT1\n';
const KW_COLS = 9; // impressions clicks conversions cost sumAdRank | bidAmt qualityIndex isBrand isSeason
const PAIR_COLS = 5;
const REL_COLS = 3; // monthlySearchVolume competition(0/1/2) adDepth
const COMPETITION = ['low', 'mid', 'high'] as const;

interface Header {
  format: 'adrank.keyword-features';
  version: 1;
  schemaHash: string;
  windowDays: number;
  /** History covers [endDate − windowDays + 1, endDate]: features for rows on endDate + 1. */
  endDate: string;
  priors: Priors;
  keywords: string[];
  pairs: [string, string][];
  relations: [string, string][];
}

export interface KeywordStatic {
  bidAmt: number | null;
  qualityIndex: number | null;
  isBrand: boolean | null;
  isSeason: boolean | null;
}

export interface TableBuildOptions {
  endDate: string;
  windowDays?: number;
  priors: Priors;
  relations?: Iterable<{ searchTerm: string; keyword: string; figures: RelationFigures }>;
}

/**
 * The serving-time history: per keyword and per (search term, keyword) pair, the totals over the trailing window that
 * ends on `endDate` (what a training row on endDate + 1 sees), the keyword's latest settings, keyword-tool figures, and
 * the smoothing priors of the training window. Stored as one file — a JSON header (names, priors, window) and one
 * Float64 block — and loaded in one allocation; lookups by keyword text and (search term, keyword).
 */
export class KeywordFeatureTable {
  private readonly kwIndex: Map<string, number>;
  /** search term → keyword → row: no key string is built per lookup (a ranking does two lookups per candidate). */
  private readonly pairIndex: Map<string, Map<string, number>>;
  private readonly relIndex: Map<string, Map<string, number>>;

  private constructor(
    private readonly header: Header,
    private readonly kw: Float64Array,
    private readonly pairData: Float64Array,
    private readonly rel: Float64Array,
  ) {
    this.kwIndex = new Map(header.keywords.map((k, i) => [k, i]));
    this.pairIndex = nested(header.pairs);
    this.relIndex = nested(header.relations);
  }

  get endDate(): string {
    return this.header.endDate;
  }
  get windowDays(): number {
    return this.header.windowDays;
  }
  get priors(): Priors {
    return this.header.priors;
  }
  get schemaHash(): string {
    return this.header.schemaHash;
  }
  get keywordCount(): number {
    return this.header.keywords.length;
  }
  get pairCount(): number {
    return this.header.pairs.length;
  }

  /** Builds the snapshot from records (any order; those after endDate are ignored). */
  static build(records: Iterable<PerformanceRecord>, o: TableBuildOptions): KeywordFeatureTable {
    const windowDays = o.windowDays ?? 28;
    const end = dayNumber(o.endDate);
    const from = end - windowDays + 1;
    // Daily totals, then the same TrailingWindow the training builder uses (same sums, same order, same floats).
    const kwDaily = new Map<string, Map<number, HistoryAgg>>();
    const pairDaily = new Map<string, Map<number, HistoryAgg>>();
    const statics = new Map<string, { at: string; s: KeywordStatic }>();
    const pairNames = new Map<string, [string, string]>();
    // Summed in the canonical record order, as the training builder does: the same floating-point totals.
    for (const r of [...records].sort(compareRecords)) {
      const day = dayNumber(r.date);
      if (day > end) continue;
      const at = `${r.date} ${String(r.hour).padStart(2, '0')}`;
      const prev = statics.get(r.keyword);
      if (prev === undefined || prev.at <= at) {
        statics.set(r.keyword, {
          at,
          s: { bidAmt: r.bidAmt, qualityIndex: r.qualityIndex, isBrand: r.isBrand, isSeason: r.isSeason },
        });
      }
      if (day < from) continue;
      daily(kwDaily, r.keyword, day, r);
      const pk = pairKey(r.searchTerm, r.keyword);
      pairNames.set(pk, [r.searchTerm, r.keyword]);
      daily(pairDaily, pk, day, r);
    }
    const kwWindow = new TrailingWindow(windowDays);
    const pairWindow = new TrailingWindow(windowDays);
    for (let d = from; d <= end; d++) {
      kwWindow.advanceTo(d + 1);
      pairWindow.advanceTo(d + 1);
      for (const [k, days] of kwDaily) {
        const a = days.get(d);
        if (a) kwWindow.add(d, k, a);
      }
      for (const [k, days] of pairDaily) {
        const a = days.get(d);
        if (a) pairWindow.add(d, k, a);
      }
    }
    kwWindow.advanceTo(end + 1);
    pairWindow.advanceTo(end + 1);
    const keywords = [...statics.keys()].sort();
    const kw = new Float64Array(keywords.length * KW_COLS);
    keywords.forEach((k, i) => {
      const a = kwWindow.get(k) ?? EMPTY_AGG;
      const s = (statics.get(k) as { s: KeywordStatic }).s;
      kw.set(
        [
          a.impressions,
          a.clicks,
          a.conversions,
          a.cost,
          a.sumAdRank,
          num(s.bidAmt),
          num(s.qualityIndex),
          flag(s.isBrand),
          flag(s.isSeason),
        ],
        i * KW_COLS,
      );
    });
    const pairKeys = [...pairNames.keys()].sort();
    const pair = new Float64Array(pairKeys.length * PAIR_COLS);
    pairKeys.forEach((pk, i) => {
      const a = pairWindow.get(pk) ?? EMPTY_AGG;
      pair.set([a.impressions, a.clicks, a.conversions, a.cost, a.sumAdRank], i * PAIR_COLS);
    });
    const relList = [...(o.relations ?? [])].sort((a, b) =>
      pairKey(a.searchTerm, a.keyword) < pairKey(b.searchTerm, b.keyword) ? -1 : 1,
    );
    const rel = new Float64Array(relList.length * REL_COLS);
    relList.forEach((r, i) => {
      const c = r.figures.competition;
      rel.set(
        [num(r.figures.monthlySearchVolume), c === null ? NaN : COMPETITION.indexOf(c), num(r.figures.adDepth)],
        i * REL_COLS,
      );
    });
    return new KeywordFeatureTable(
      {
        format: 'adrank.keyword-features',
        version: 1,
        schemaHash: SCHEMA_V1.hash,
        windowDays,
        endDate: o.endDate,
        priors: o.priors,
        keywords,
        pairs: pairKeys.map((pk) => pairNames.get(pk) as [string, string]),
        relations: relList.map((r) => [r.searchTerm, r.keyword]),
      },
      kw,
      pair,
      rel,
    );
  }

  /** Totals over the window, or undefined for a keyword without history in it. */
  keyword(keyword: string): HistoryAgg | undefined {
    const i = this.kwIndex.get(keyword);
    return i === undefined ? undefined : agg(this.kw, i * KW_COLS);
  }

  /**
   * The lookups of one search term: `keyword(k)`, `keywordStatic(k)`, `pair(k)` and `relation(k)` as above, with the
   * search term's pair and relation maps found once, and the keyword's row found once per keyword (the accessor
   * remembers the last keyword it was asked about) — what a ranking does for each of its candidates.
   */
  forSearchTerm(searchTerm: string): SearchTermLookups {
    return new SearchTermLookups(
      this.kwIndex,
      this.kw,
      this.pairIndex.get(searchTerm),
      this.pairData,
      this.relIndex.get(searchTerm),
      this.rel,
    );
  }

  /** The search terms with pair history in the window, and for each the keywords it has history with. */
  pairKeywords(): Map<string, string[]> {
    return new Map([...this.pairIndex].map(([term, m]) => [term, [...m.keys()]]));
  }

  /** True when the table has a row for this keyword (its settings and history are known). */
  hasKeyword(keyword: string): boolean {
    return this.kwIndex.has(keyword);
  }

  keywordStatic(keyword: string): KeywordStatic | undefined {
    const i = this.kwIndex.get(keyword);
    return i === undefined ? undefined : kwStatic(this.kw, i);
  }

  pair(searchTerm: string, keyword: string): HistoryAgg | undefined {
    const i = this.pairIndex.get(searchTerm)?.get(keyword);
    return i === undefined ? undefined : agg(this.pairData, i * PAIR_COLS);
  }

  relation(searchTerm: string, keyword: string): RelationFigures | undefined {
    const i = this.relIndex.get(searchTerm)?.get(keyword);
    return i === undefined ? undefined : relFigures(this.rel, i);
  }

  /** Writes the table atomically (temporary file, fsync, rename). */
  save(path: string): void {
    const json = Buffer.from(JSON.stringify(this.header), 'utf8');
    const headLen = MAGIC.length + 4 + json.length;
    const pad = (8 - (headLen % 8)) % 8;
    const prefix = Buffer.alloc(headLen + pad, 0x20);
    prefix.write(MAGIC, 0, 'latin1');
    prefix.writeUInt32LE(json.length + pad, MAGIC.length);
    json.copy(prefix, MAGIC.length + 4);
    const tmp = `${path}.tmp-${process.pid}`;
    const fd = openSync(tmp, 'w');
    try {
      for (const b of [prefix, this.kw, this.pairData, this.rel]) {
        const bytes = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
        for (let off = 0; off < bytes.length;) off += writeSync(fd, bytes, off, bytes.length - off);
      }
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  }

  /** Reads a table: one read, one Float64 allocation, every size checked against the header. */
  static load(path: string): KeywordFeatureTable {
    const buf = readFileSync(path);
    const fail = (m: string): never => {
      throw new Error(`${path}: ${m}`);
    };
    if (buf.length < MAGIC.length + 4 || buf.toString('latin1', 0, MAGIC.length) !== MAGIC)
      fail('not a keyword feature table');
    const jsonLen = buf.readUInt32LE(MAGIC.length);
    const dataAt = MAGIC.length + 4 + jsonLen;
    if (dataAt > buf.length || dataAt % 8 !== 0) fail('truncated or misaligned header');
    let header: Header;
    try {
      header = JSON.parse(buf.toString('utf8', MAGIC.length + 4, dataAt)) as Header;
    } catch (e) {
      return fail(`header is not JSON: ${(e as Error).message}`);
    }
    if (header.format !== 'adrank.keyword-features' || header.version !== 1)
      fail(`format ${header.format} v${header.version} is not adrank.keyword-features v1`);
    const nKw = header.keywords.length * KW_COLS;
    const nPair = header.pairs.length * PAIR_COLS;
    const nRel = header.relations.length * REL_COLS;
    if (buf.length - dataAt !== (nKw + nPair + nRel) * 8)
      fail(`data is ${buf.length - dataAt} bytes, the header describes ${(nKw + nPair + nRel) * 8}`);
    const all = new Float64Array(nKw + nPair + nRel);
    new Uint8Array(all.buffer).set(buf.subarray(dataAt));
    return new KeywordFeatureTable(
      header,
      all.subarray(0, nKw),
      all.subarray(nKw, nKw + nPair),
      all.subarray(nKw + nPair),
    );
  }
}

function daily(m: Map<string, Map<number, HistoryAgg>>, key: string, day: number, r: HistoryAgg): void {
  let days = m.get(key);
  if (days === undefined) m.set(key, (days = new Map()));
  let a = days.get(day);
  if (a === undefined) days.set(day, (a = { ...EMPTY_AGG }));
  addInto(a, r);
}

function agg(data: Float64Array, at: number): HistoryAgg {
  return {
    impressions: data[at] as number,
    clicks: data[at + 1] as number,
    conversions: data[at + 2] as number,
    cost: data[at + 3] as number,
    sumAdRank: data[at + 4] as number,
  };
}

const num = (v: number | null): number => (v === null ? NaN : v);
// Module-level, not closures in the lookups: the bundle's keepNames wraps every closure it creates in a defineProperty
// call, which cost ~7 % of the API's CPU when keywordStatic made two per candidate.
const orNull = (x: number): number | null => (Number.isNaN(x) ? null : x);
const flagOrNull = (x: number): boolean | null => (Number.isNaN(x) ? null : x === 1);
const flag = (v: boolean | null): number => (v === null ? NaN : v ? 1 : 0);

/** (search term, keyword) pairs → search term → keyword → position in the list. */
function nested(pairs: readonly (readonly [string, string])[]): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  pairs.forEach(([s, k], i) => {
    let m = out.get(s);
    if (m === undefined) out.set(s, (m = new Map()));
    m.set(k, i); // as the flat map did: a repeated pair keeps its last position
  });
  return out;
}

/** {@link KeywordFeatureTable.forSearchTerm}: one search term's lookups, each keyword's row found once. */
export class SearchTermLookups {
  private lastKeyword: string | undefined = undefined;
  private lastRow: number | undefined = undefined;

  /** Made by {@link KeywordFeatureTable.forSearchTerm}, over the table's own arrays. */
  constructor(
    private readonly kwIndex: Map<string, number>,
    private readonly kw: Float64Array,
    private readonly pairs: Map<string, number> | undefined,
    private readonly pairData: Float64Array,
    private readonly relations: Map<string, number> | undefined,
    private readonly rel: Float64Array,
  ) {}

  private row(keyword: string): number | undefined {
    if (keyword !== this.lastKeyword) {
      this.lastKeyword = keyword;
      this.lastRow = this.kwIndex.get(keyword);
    }
    return this.lastRow;
  }

  /** The keyword's row number in the table, −1 when it has none. */
  keywordRow(keyword: string): number {
    return this.row(keyword) ?? -1;
  }

  keyword(keyword: string): HistoryAgg | undefined {
    const i = this.row(keyword);
    return i === undefined ? undefined : agg(this.kw, i * KW_COLS);
  }

  keywordStatic(keyword: string): KeywordStatic | undefined {
    const i = this.row(keyword);
    return i === undefined ? undefined : kwStatic(this.kw, i);
  }

  pair(keyword: string): HistoryAgg | undefined {
    const i = this.pairs?.get(keyword);
    return i === undefined ? undefined : agg(this.pairData, i * PAIR_COLS);
  }

  relation(keyword: string): RelationFigures | undefined {
    const i = this.relations?.get(keyword);
    return i === undefined ? undefined : relFigures(this.rel, i);
  }
}

function kwStatic(kw: Float64Array, i: number): KeywordStatic {
  const b = i * KW_COLS + 5;
  return {
    bidAmt: orNull(kw[b] as number),
    qualityIndex: orNull(kw[b + 1] as number),
    isBrand: flagOrNull(kw[b + 2] as number),
    isSeason: flagOrNull(kw[b + 3] as number),
  };
}

function relFigures(rel: Float64Array, i: number): RelationFigures {
  const b = i * REL_COLS;
  const c = rel[b + 1] as number;
  return {
    monthlySearchVolume: orNull(rel[b] as number),
    competition: Number.isNaN(c) ? null : (COMPETITION[c] ?? null),
    adDepth: orNull(rel[b + 2] as number),
  };
}
