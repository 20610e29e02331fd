import { ReportParseError } from './errors';

export type ReportType = 'AD' | 'AD_DETAIL' | 'AD_CONVERSION' | 'AD_CONVERSION_DETAIL';
export const REPORT_TYPES: readonly ReportType[] = ['AD', 'AD_DETAIL', 'AD_CONVERSION', 'AD_CONVERSION_DETAIL'];

/**
 * Which cost a row carries. Naver changed the convention on 2026-03-30: before, cost is VAT-excluded with decimals;
 * from that date, VAT-included whole numbers.
 */
export type CostConvention = 'vat_excluded' | 'vat_included';
export const COST_CONVENTION_CHANGE = '2026-03-30';
export const VAT_RATE = 0.1;

export interface ReportRowBase {
  /** YYYY-MM-DD (KST). */
  date: string;
  customerId: string;
  campaignId: string;
  adgroupId: string;
  /** null for rows without a keyword (`-` in the file). */
  keywordId: string | null;
  adId: string;
  businessChannelId: string;
  mediaCode: string;
  device: 'PC' | 'MOBILE';
}

export interface AdRow extends ReportRowBase {
  impressions: number;
  clicks: number;
  /** As in the file; see costConvention. */
  cost: number;
  costConvention: CostConvention;
  /** Sum of ad rank over impressions (average rank = sumAdRank / impressions). */
  sumAdRank: number;
  viewCount: number;
}

export interface AdDetailRow extends AdRow {
  /** 0–23 (KST). */
  hour: number;
  regionCode: string;
}

export interface AdConversionRow extends ReportRowBase {
  conversionMethod: 'direct' | 'indirect';
  /** The conversion type as a string; integers 1–5 (before 2024-07-03) are kept as their digits. */
  conversionType: string;
  /** Whether conversionType came as a legacy integer code. */
  legacyConversionType: boolean;
  conversions: number;
  conversionRevenue: number;
}

export interface AdConversionDetailRow extends AdConversionRow {
  hour: number;
  regionCode: string;
}

export interface ReportRows {
  AD: AdRow;
  AD_DETAIL: AdDetailRow;
  AD_CONVERSION: AdConversionRow;
  AD_CONVERSION_DETAIL: AdConversionDetailRow;
}

/** Column order of each header-less TSV report (the API reference). */
// prettier-ignore
export const REPORT_COLUMNS: Record<ReportType, readonly string[]> = {
  AD: ['date', 'customerId', 'campaignId', 'adgroupId', 'keywordId', 'adId', 'businessChannelId', 'mediaCode', 'device',
    'impressions', 'clicks', 'cost', 'sumAdRank', 'viewCount'],
  AD_DETAIL: ['date', 'customerId', 'campaignId', 'adgroupId', 'keywordId', 'adId', 'businessChannelId', 'hour',
    'regionCode', 'mediaCode', 'device', 'impressions', 'clicks', 'cost', 'sumAdRank', 'viewCount'],
  AD_CONVERSION: ['date', 'customerId', 'campaignId', 'adgroupId', 'keywordId', 'adId', 'businessChannelId', 'mediaCode',
    'device', 'conversionMethod', 'conversionType', 'conversions', 'conversionRevenue'],
  AD_CONVERSION_DETAIL: ['date', 'customerId', 'campaignId', 'adgroupId', 'keywordId', 'adId', 'businessChannelId',
    'hour', 'regionCode', 'mediaCode', 'device', 'conversionMethod', 'conversionType', 'conversions', 'conversionRevenue'],
};

/** Cost in today's convention (VAT included, KRW): pre-2026-03-30 costs are multiplied by 1.1. */
export function costIncludingVat(row: Pick<AdRow, 'cost' | 'costConvention'>): number {
  return row.costConvention === 'vat_included' ? row.cost : Math.round(row.cost * (1 + VAT_RATE) * 100) / 100;
}

export function costConventionOn(date: string): CostConvention {
  return date < COST_CONVENTION_CHANGE ? 'vat_excluded' : 'vat_included';
}

export interface ParseOptions {
  /** Rows per yielded batch (default 2,048). */
  batchSize?: number;
  /** Longest accepted line in characters (default 65,536): anything longer is corruption, not a report row. */
  maxLineLength?: number;
}

/**
 * Parses a header-less TSV report as it streams in: bytes are decoded incrementally and split into lines, so memory
 * holds one chunk and one batch of rows, never the file. Yields batches of typed rows; a malformed line throws a
 * ReportParseError naming the line, the column and the value.
 */
export async function* parseReport<T extends ReportType>(
  type: T,
  source: AsyncIterable<Uint8Array | string>,
  options: ParseOptions = {},
): AsyncGenerator<ReportRows[T][]> {
  const parseLine = LINE_PARSERS[type] as (f: string[], line: number) => ReportRows[T];
  if (parseLine === undefined) throw new ReportParseError(String(type), 0, undefined, 'unknown report type');
  const batchSize = options.batchSize ?? 2048;
  const maxLine = options.maxLineLength ?? 65_536;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let rest = '';
  let lineNo = 0;
  let batch: ReportRows[T][] = [];
  const columns = REPORT_COLUMNS[type].length;
  const handle = (line: string): void => {
    lineNo++;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (lineNo === 1 && line.charCodeAt(0) === 0xfeff) line = line.slice(1);
    if (line === '') return;
    const f = line.split('\t');
    if (f.length !== columns) {
      throw new ReportParseError(
        type,
        lineNo,
        undefined,
        `${f.length} columns, ${type} has ${columns} (${REPORT_COLUMNS[type].join(', ')})`,
      );
    }
    batch.push(parseLine(f, lineNo));
  };
  for await (const chunk of source) {
    let text: string;
    try {
      text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    } catch {
      throw new ReportParseError(type, lineNo + 1, undefined, 'not valid UTF-8');
    }
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      handle(rest + text.slice(start, nl));
      rest = '';
      start = nl + 1;
    }
    rest += text.slice(start);
    if (rest.length > maxLine)
      throw new ReportParseError(type, lineNo + 1, undefined, `line longer than ${maxLine} characters`);
    if (batch.length >= batchSize) {
      yield batch;
      batch = [];
    }
  }
  try {
    rest += decoder.decode();
  } catch {
    throw new ReportParseError(type, lineNo + 1, undefined, 'file ends inside a UTF-8 sequence');
  }
  if (rest !== '') handle(rest);
  if (batch.length > 0) yield batch;
}

/** Row by row, on top of parseReport. */
export async function* parseReportRows<T extends ReportType>(
  type: T,
  source: AsyncIterable<Uint8Array | string>,
  options: ParseOptions = {},
): AsyncGenerator<ReportRows[T]> {
  for await (const batch of parseReport(type, source, options)) yield* batch;
}

// --- field parsers ---------------------------------------------------------------------------------------------------

type Fields = string[];

function bad(type: ReportType, line: number, column: string, value: string, what: string): never {
  throw new ReportParseError(type, line, column, `${JSON.stringify(value.slice(0, 40))} is not ${what}`);
}

/** Dates already validated (a report holds one day, or a few): each spelling is checked once. */
const DATES = new Map<string, string>();

function date(type: ReportType, f: Fields, i: number, line: number): string {
  const v = f[i] as string;
  const known = DATES.get(v);
  if (known !== undefined) return known;
  const m = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(v);
  if (m === null) bad(type, line, 'date', v, 'a date (YYYYMMDD)');
  const iso = `${m[1]}-${m[2]}-${m[3]}`;
  const d = new Date(`${iso}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== iso) bad(type, line, 'date', v, 'a calendar date');
  if (DATES.size >= 4096) DATES.clear();
  DATES.set(v, iso);
  return iso;
}

function id(type: ReportType, f: Fields, i: number, line: number): string {
  const v = f[i] as string;
  if (v === '' || v === '-' || /\s/.test(v)) bad(type, line, REPORT_COLUMNS[type][i] as string, v, 'an id');
  return v;
}

function keywordId(type: ReportType, f: Fields, line: number): string | null {
  return f[4] === '-' ? null : id(type, f, 4, line);
}

const NUM = /^-?\d+(\.\d+)?$/;

function count(type: ReportType, f: Fields, i: number, line: number, decimals = false): number {
  const v = f[i] as string;
  if (!NUM.test(v)) bad(type, line, REPORT_COLUMNS[type][i] as string, v, decimals ? 'a number' : 'a count');
  const n = Number(v);
  if (n < 0 || (!decimals && !Number.isInteger(n))) {
    bad(
      type,
      line,
      REPORT_COLUMNS[type][i] as string,
      v,
      decimals ? 'a non-negative number' : 'a non-negative integer',
    );
  }
  return n;
}

function device(type: ReportType, f: Fields, i: number, line: number): 'PC' | 'MOBILE' {
  const v = f[i] as string;
  if (v === 'P') return 'PC';
  if (v === 'M') return 'MOBILE';
  return bad(type, line, 'device', v, 'P or M');
}

function hour(type: ReportType, f: Fields, i: number, line: number): number {
  const v = f[i] as string;
  const h = Number(v);
  if (!/^\d{1,2}$/.test(v) || h > 23) bad(type, line, 'hour', v, 'an hour 0–23');
  return h;
}

function text(type: ReportType, f: Fields, i: number, line: number): string {
  const v = f[i] as string;
  if (v === '') bad(type, line, REPORT_COLUMNS[type][i] as string, v, 'a non-empty value');
  return v;
}

function conversionMethod(type: ReportType, f: Fields, i: number, line: number): 'direct' | 'indirect' {
  const m = f[i] as string;
  if (m === '1') return 'direct';
  if (m === '2') return 'indirect';
  return bad(type, line, 'conversionMethod', m, '1 (direct) or 2 (indirect)');
}

// One object literal per report type (no spreads): the parsers run once per row of files with millions of rows.
function adRow(f: Fields, line: number): AdRow {
  const t = 'AD';
  const d = date(t, f, 0, line);
  return {
    date: d,
    customerId: id(t, f, 1, line),
    campaignId: id(t, f, 2, line),
    adgroupId: id(t, f, 3, line),
    keywordId: keywordId(t, f, line),
    adId: id(t, f, 5, line),
    businessChannelId: id(t, f, 6, line),
    mediaCode: text(t, f, 7, line),
    device: device(t, f, 8, line),
    impressions: count(t, f, 9, line),
    clicks: count(t, f, 10, line),
    cost: count(t, f, 11, line, true),
    costConvention: costConventionOn(d),
    sumAdRank: count(t, f, 12, line, true),
    viewCount: count(t, f, 13, line),
  };
}

function adDetailRowOf(f: Fields, line: number): AdDetailRow {
  const t = 'AD_DETAIL';
  const d = date(t, f, 0, line);
  return {
    date: d,
    customerId: id(t, f, 1, line),
    campaignId: id(t, f, 2, line),
    adgroupId: id(t, f, 3, line),
    keywordId: keywordId(t, f, line),
    adId: id(t, f, 5, line),
    businessChannelId: id(t, f, 6, line),
    hour: hour(t, f, 7, line),
    regionCode: text(t, f, 8, line),
    mediaCode: text(t, f, 9, line),
    device: device(t, f, 10, line),
    impressions: count(t, f, 11, line),
    clicks: count(t, f, 12, line),
    cost: count(t, f, 13, line, true),
    costConvention: costConventionOn(d),
    sumAdRank: count(t, f, 14, line, true),
    viewCount: count(t, f, 15, line),
  };
}

function conversionRow(f: Fields, line: number): AdConversionRow {
  const t = 'AD_CONVERSION';
  const type = text(t, f, 10, line);
  return {
    date: date(t, f, 0, line),
    customerId: id(t, f, 1, line),
    campaignId: id(t, f, 2, line),
    adgroupId: id(t, f, 3, line),
    keywordId: keywordId(t, f, line),
    adId: id(t, f, 5, line),
    businessChannelId: id(t, f, 6, line),
    mediaCode: text(t, f, 7, line),
    device: device(t, f, 8, line),
    conversionMethod: conversionMethod(t, f, 9, line),
    conversionType: type,
    legacyConversionType: LEGACY_TYPE.test(type),
    conversions: count(t, f, 11, line),
    conversionRevenue: count(t, f, 12, line, true),
  };
}

function conversionDetailRow(f: Fields, line: number): AdConversionDetailRow {
  const t = 'AD_CONVERSION_DETAIL';
  const type = text(t, f, 12, line);
  return {
    date: date(t, f, 0, line),
    customerId: id(t, f, 1, line),
    campaignId: id(t, f, 2, line),
    adgroupId: id(t, f, 3, line),
    keywordId: keywordId(t, f, line),
    adId: id(t, f, 5, line),
    businessChannelId: id(t, f, 6, line),
    hour: hour(t, f, 7, line),
    regionCode: text(t, f, 8, line),
    mediaCode: text(t, f, 9, line),
    device: device(t, f, 10, line),
    conversionMethod: conversionMethod(t, f, 11, line),
    conversionType: type,
    legacyConversionType: LEGACY_TYPE.test(type),
    conversions: count(t, f, 13, line),
    conversionRevenue: count(t, f, 14, line, true),
  };
}

/** Conversion types 1–5 are the integer codes used before 2024-07-03. */
const LEGACY_TYPE = /^[1-5]$/;

const LINE_PARSERS: { [T in ReportType]: (f: Fields, line: number) => ReportRows[T] } = {
  AD: adRow,
  AD_DETAIL: adDetailRowOf,
  AD_CONVERSION: conversionRow,
  AD_CONVERSION_DETAIL: conversionDetailRow,
};
