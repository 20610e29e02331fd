import { once } from 'node:events';
import { createWriteStream, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { resolveConfig, type NaverAdsConfig, type ResolvedConfig } from './config';
import { NaverApiError, NaverConfigError, NaverResponseError, ReportJobError } from './errors';
import { Transport } from './http';
import { parseReport, type ParseOptions, type ReportRows, type ReportType } from './reports';
import { encodePath } from './sign';

// --- entities --------------------------------------------------------------------------------------------------------

export type CampaignType = 'WEB_SITE' | 'SHOPPING' | 'BRAND_SEARCH' | 'PLACE' | 'POWER_CONTENTS' | (string & {});

export interface Campaign {
  nccCampaignId: string;
  customerId: string;
  name: string;
  campaignTp: CampaignType;
  status: string;
  dailyBudget: number | null;
  raw: Record<string, unknown>;
}

export interface AdGroup {
  nccAdgroupId: string;
  nccCampaignId: string;
  name: string;
  bidAmt: number | null;
  adgroupType: string | null;
  status: string;
  raw: Record<string, unknown>;
}

export interface Keyword {
  nccKeywordId: string;
  nccAdgroupId: string;
  nccCampaignId: string | null;
  keyword: string;
  bidAmt: number;
  useGroupBidAmt: boolean;
  status: string;
  inspectStatus: string | null;
  /** nccQi.qiGrade (an ordinal; the scale is not documented). */
  qualityIndex: number | null;
  regTm: string | null;
  editTm: string | null;
  raw: Record<string, unknown>;
}

// --- stats -----------------------------------------------------------------------------------------------------------

// prettier-ignore
export const STAT_FIELDS = [
  'impCnt', 'clkCnt', 'salesAmt', 'ctr', 'cpc', 'avgRnk', 'ccnt', 'convAmt', 'crto', 'ror', 'cpConv', 'recentAvgRnk',
  'recentAvgCpc', 'pcNxAvgRnk', 'mblNxAvgRnk', 'viewCnt',
] as const;
export type StatField = (typeof STAT_FIELDS)[number];
export type DatePreset = 'today' | 'yesterday' | 'last7days' | 'last30days' | 'lastweek' | 'lastmonth' | 'lastquarter';
export type Breakdown = 'pcMblTp' | 'dayw' | 'hh24' | 'regnNo';

export interface StatsQuery {
  ids: readonly string[];
  fields: readonly StatField[];
  /** KST dates YYYY-MM-DD; or datePreset (which wins, as in the API). */
  timeRange?: { since: string; until: string };
  datePreset?: DatePreset;
  /** 'daily' = timeIncrement 1 (one id per request, as the API requires), 'allDays' (default). */
  timeIncrement?: 'daily' | 'allDays';
  breakdown?: Breakdown;
}

export interface StatsRow {
  id: string;
  values: Partial<Record<StatField, number>>;
  dateStart?: string;
  dateEnd?: string;
  breakdowns?: unknown[];
}

export interface StatsResult {
  rows: StatsRow[];
  /** yyyyMMddHHmm: the latest moment whose stats are final (the earliest over the chunks). */
  cycleBaseTm: string | null;
}

// --- keyword tool ----------------------------------------------------------------------------------------------------

/** A monthly count: exact, or "below 10" (the API's `"< 10"` / `"<10"`). */
export type MonthlyCount = { below10: false; value: number } | { below10: true; value: null };
export type Competition = 'low' | 'mid' | 'high';

export interface RelatedKeyword {
  relKeyword: string;
  monthlyPcQcCnt: MonthlyCount;
  monthlyMobileQcCnt: MonthlyCount;
  monthlyAvePcClkCnt: number | null;
  monthlyAveMobileClkCnt: number | null;
  monthlyAvePcCtr: number | null;
  monthlyAveMobileCtr: number | null;
  plAvgDepth: number | null;
  compIdx: Competition | null;
  /** The hint keyword(s) of the call that returned it. */
  hints: string[];
}

// --- stat reports ----------------------------------------------------------------------------------------------------

export type ReportStatus = 'REGIST' | 'RUNNING' | 'WAITING' | 'AGGREGATING' | 'BUILT' | 'NONE' | 'ERROR' | 'CHANGED';
const REPORT_STATUSES = new Set<string>([
  'REGIST',
  'RUNNING',
  'WAITING',
  'AGGREGATING',
  'BUILT',
  'NONE',
  'ERROR',
  'CHANGED',
]);
const PENDING = new Set<string>(['REGIST', 'RUNNING', 'WAITING', 'AGGREGATING']);

export interface ReportJob {
  reportJobId: string;
  reportTp: string;
  /** YYYYMMDD as sent. */
  statDt: string;
  status: ReportStatus;
  downloadUrl: string | null;
  raw: Record<string, unknown>;
}

export interface WaitOptions {
  /** First poll delay, backoff factor and cap (defaults 2,000 ms, ×1.5, 60,000 ms). */
  pollMs?: number;
  factor?: number;
  maxPollMs?: number;
  /** Give up after this long (default 3 hours: AGGREGATING can last from 01 to 03 KST). */
  timeoutMs?: number;
  onStatus?: (job: ReportJob) => void;
}

export interface PageOptions {
  /** 1..1000 (default 1000). */
  recordSize?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * The Naver Search Ads API, signed and typed. Every call goes through one transport with a timeout, retries
 * (429, 1016, 5xx, timeouts, connection resets; never other 4xx), the customer's rate limits and the 429 circuit.
 */
export class NaverAdsClient {
  readonly config: ResolvedConfig;
  private readonly http: Transport;

  constructor(config: NaverAdsConfig) {
    this.config = resolveConfig(config);
    this.http = new Transport(this.config);
  }

  /** Never prints the secret key (console.log, JSON.stringify, util.inspect). */
  toJSON(): Record<string, unknown> {
    return { baseUrl: this.config.baseUrl, customerId: this.config.customerId, apiKey: '***', secretKey: '***' };
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `NaverAdsClient(${JSON.stringify(this.toJSON())})`;
  }

  // --- entities ------------------------------------------------------------------------------------------------------

  listCampaigns(options: PageOptions = {}): Promise<Campaign[]> {
    return collect(this.pages('listCampaigns', '/ncc/campaigns', {}, 'nccCampaignId', toCampaign, options));
  }

  listAdGroups(campaignId: string, options: PageOptions = {}): Promise<AdGroup[]> {
    requireId('campaignId', campaignId);
    return collect(
      this.pages('listAdGroups', '/ncc/adgroups', { nccCampaignId: campaignId }, 'nccAdgroupId', toAdGroup, options),
    );
  }

  /** Pages of an ad group's keywords (recordSize per page, baseSearchId + selector=NEXT to the end). */
  keywordPages(adgroupId: string, options: PageOptions = {}): AsyncGenerator<Keyword[]> {
    requireId('adgroupId', adgroupId);
    return this.pages('listKeywords', '/ncc/keywords', { nccAdgroupId: adgroupId }, 'nccKeywordId', toKeyword, options);
  }

  listKeywords(adgroupId: string, options: PageOptions = {}): Promise<Keyword[]> {
    return collect(this.keywordPages(adgroupId, options));
  }

  /** Keywords by id, 100 ids per request. */
  async getKeywords(ids: readonly string[]): Promise<Keyword[]> {
    ids.forEach((i, k) => requireId(`ids[${k}]`, i));
    const out: Keyword[] = [];
    for (const part of chunks(unique(ids), 100)) {
      const body = await this.http.json<unknown>({
        operation: 'getKeywords',
        method: 'GET',
        path: '/ncc/keywords',
        query: { ids: part.join(',') },
      });
      out.push(...arrayOf(body, 'getKeywords').map((o, i) => toKeyword(o, `getKeywords[${i}]`)));
    }
    return out;
  }

  private async *pages<T>(
    operation: string,
    path: string,
    query: Record<string, string>,
    idField: string,
    convert: (o: unknown, where: string) => T,
    options: PageOptions,
  ): AsyncGenerator<T[]> {
    const recordSize = options.recordSize ?? 1000;
    if (!Number.isInteger(recordSize) || recordSize < 1 || recordSize > 1000) {
      throw new NaverConfigError(`recordSize must be an integer in 1..1000, got ${recordSize}`);
    }
    let baseSearchId: string | undefined;
    const seen = new Set<string>();
    for (let page = 0; ; page++) {
      const body = await this.http.json<unknown>({
        operation,
        method: 'GET',
        path,
        query: { ...query, recordSize, ...(baseSearchId ? { baseSearchId, selector: 'NEXT' } : {}) },
      });
      const items = arrayOf(body, operation);
      const converted = items.map((o, i) => convert(o, `${operation} page ${page}[${i}]`));
      const fresh = converted.filter((_, i) => {
        const key = String((items[i] as Record<string, unknown>)[idField]);
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
      if (fresh.length > 0) yield fresh;
      if (items.length < recordSize || fresh.length === 0) return; // last page (or a server repeating itself)
      baseSearchId = String((items[items.length - 1] as Record<string, unknown>)[idField]);
    }
  }

  // --- stats ---------------------------------------------------------------------------------------------------------

  /**
   * GET /stats, split into safe requests: at most 100 ids per call, and one id per call for daily increments (the API
   * allows timeIncrement=1 only with a single id). Rows come back in the order of the ids.
   */
  async stats(q: StatsQuery): Promise<StatsResult> {
    if (!Array.isArray(q.ids) || q.ids.length === 0) throw new NaverConfigError('stats: ids must be a non-empty array');
    q.ids.forEach((i, k) => requireId(`stats ids[${k}]`, i));
    if (!Array.isArray(q.fields) || q.fields.length === 0)
      throw new NaverConfigError('stats: fields must be a non-empty array');
    for (const f of q.fields) {
      if (!(STAT_FIELDS as readonly string[]).includes(f)) {
        throw new NaverConfigError(`stats: unknown field "${f}" (known: ${STAT_FIELDS.join(', ')})`);
      }
    }
    if (q.datePreset === undefined && q.timeRange === undefined)
      throw new NaverConfigError('stats: give timeRange or datePreset');
    if (q.timeRange !== undefined) {
      for (const k of ['since', 'until'] as const) {
        if (!/^\d{4}-\d{2}-\d{2}$/.test(q.timeRange[k] ?? '')) {
          throw new NaverConfigError(`stats: timeRange.${k} must be YYYY-MM-DD, got ${String(q.timeRange[k])}`);
        }
      }
      if (q.timeRange.since > q.timeRange.until) throw new NaverConfigError('stats: timeRange.since is after until');
    }
    const daily = q.timeIncrement === 'daily';
    const rows: StatsRow[] = [];
    let cycle: string | null = null;
    for (const part of chunks(unique(q.ids), daily ? 1 : 100)) {
      const body = await this.http.json<unknown>({
        operation: 'stats',
        method: 'GET',
        path: '/stats',
        query: {
          ...(part.length === 1 ? { id: part[0] } : { ids: part.join(',') }),
          fields: JSON.stringify(q.fields),
          ...(q.datePreset ? { datePreset: q.datePreset } : { timeRange: JSON.stringify(q.timeRange) }),
          ...(daily ? { timeIncrement: '1' } : { timeIncrement: 'allDays' }),
          ...(q.breakdown ? { breakdown: q.breakdown } : {}),
        },
      });
      const o = objectOf(body, 'stats');
      for (const [i, d] of arrayOf(o['data'], 'stats.data').entries()) rows.push(toStatsRow(d, `stats.data[${i}]`));
      const c = o['cycleBaseTm'];
      if (typeof c === 'string' && (cycle === null || c < cycle)) cycle = c;
    }
    return { rows, cycleBaseTm: cycle };
  }

  // --- keyword tool --------------------------------------------------------------------------------------------------

  /**
   * GET /keywordstool for any number of hint keywords: spaces removed (the API rejects them), duplicates dropped,
   * `hintsPerCall` (at most five, the default) per call, on the keyword tool's own (much smaller) rate budget. Related
   * keywords that several calls return are kept once, with every hint of the calls that returned them (one hint per
   * call attributes each related keyword exactly, at five times the calls).
   */
  async keywordTool(hints: readonly string[], options: { hintsPerCall?: number } = {}): Promise<RelatedKeyword[]> {
    const perCall = options.hintsPerCall ?? 5;
    if (!Number.isInteger(perCall) || perCall < 1 || perCall > 5) {
      throw new NaverConfigError(`keywordTool: hintsPerCall must be 1..5, got ${perCall}`);
    }
    if (!Array.isArray(hints) || hints.length === 0)
      throw new NaverConfigError('keywordTool: hints must be a non-empty array');
    const cleaned = unique(
      hints.map((h, i) => {
        if (typeof h !== 'string') throw new NaverConfigError(`keywordTool: hints[${i}] is not a string`);
        const c = h.replace(/\s+/gu, '');
        if (c === '') throw new NaverConfigError(`keywordTool: hints[${i}] is empty`);
        if (c.includes(',')) throw new NaverConfigError(`keywordTool: hints[${i}] contains a comma`);
        return c;
      }),
    );
    const byKeyword = new Map<string, RelatedKeyword>();
    for (const part of chunks(cleaned, perCall)) {
      const body = await this.http.json<unknown>({
        operation: 'keywordTool',
        method: 'GET',
        path: '/keywordstool',
        query: { hintKeywords: part.join(','), showDetail: '1' },
        bucket: 'keywordTool',
      });
      const list = arrayOf(objectOf(body, 'keywordTool')['keywordList'], 'keywordTool.keywordList');
      list.forEach((o, i) => {
        const r = toRelated(o, `keywordTool.keywordList[${i}]`, part);
        const prev = byKeyword.get(r.relKeyword);
        if (prev) prev.hints.push(...part.filter((h) => !prev.hints.includes(h)));
        else byKeyword.set(r.relKeyword, r);
      });
    }
    return [...byKeyword.values()];
  }

  // --- stat reports --------------------------------------------------------------------------------------------------

  async createStatReport(reportTp: ReportType, statDate: string): Promise<ReportJob> {
    const statDt = statDate.replace(/-/g, '');
    if (!/^\d{8}$/.test(statDt))
      throw new NaverConfigError(`createStatReport: date must be YYYY-MM-DD or YYYYMMDD, got ${statDate}`);
    const body = await this.http.json<unknown>({
      operation: 'createStatReport',
      method: 'POST',
      path: '/stat-reports',
      body: { reportTp, statDt },
    });
    return toJob(body, 'createStatReport');
  }

  async getStatReport(reportJobId: string): Promise<ReportJob> {
    requireId('reportJobId', reportJobId);
    const body = await this.http.json<unknown>({
      operation: 'getStatReport',
      method: 'GET',
      path: encodePath('stat-reports', reportJobId),
    });
    return toJob(body, 'getStatReport');
  }

  async deleteStatReport(reportJobId: string): Promise<void> {
    requireId('reportJobId', reportJobId);
    await this.http.json<unknown>({
      operation: 'deleteStatReport',
      method: 'DELETE',
      path: encodePath('stat-reports', reportJobId),
    });
  }

  /** Polls with backoff until the job leaves REGIST/RUNNING/WAITING/AGGREGATING; returns the final job. */
  async waitForStatReport(reportJobId: string, options: WaitOptions = {}): Promise<ReportJob> {
    const factor = options.factor ?? 1.5;
    const maxPoll = options.maxPollMs ?? 60_000;
    const deadline = Date.now() + (options.timeoutMs ?? 3 * 3600_000);
    let delay = options.pollMs ?? 2000;
    for (;;) {
      const job = await this.getStatReport(reportJobId);
      options.onStatus?.(job);
      if (!PENDING.has(job.status)) return job;
      if (Date.now() + delay > deadline) {
        throw new ReportJobError(reportJobId, job.status, `still ${job.status} when the wait timed out`);
      }
      await sleep(delay);
      delay = Math.min(maxPoll, delay * factor);
    }
  }

  /**
   * The report file as a stream. The request goes to the configured base URL with the path and every query
   * parameter of downloadUrl (fileVersion included), signed as `GET./report-download`; credentials are never sent to
   * another host.
   */
  async openReportDownload(
    job: Pick<ReportJob, 'downloadUrl' | 'reportJobId'>,
  ): Promise<{ body: Readable; contentLength: number | undefined }> {
    const { path, query } = downloadTarget(job);
    return this.http.stream({
      operation: 'downloadReport',
      method: 'GET',
      path,
      query,
      timeoutMs: this.config.downloadTimeoutMs,
    });
  }

  /**
   * Downloads the report to `file` (temporary file, then rename). A body shorter than its Content-Length, a reset
   * connection or a timeout is retried like a 5xx; the file appears only when complete. Returns the byte count.
   */
  async downloadReport(job: Pick<ReportJob, 'downloadUrl' | 'reportJobId'>, file: string): Promise<number> {
    const { path, query } = downloadTarget(job);
    mkdirSync(dirname(file), { recursive: true });
    // One temporary file per attempt: a failed attempt's stream may still be closing when the next one starts.
    let attempt = 0;
    let tmp = '';
    const parts: string[] = [];
    const spec = {
      operation: 'downloadReport',
      method: 'GET' as const,
      path,
      query,
      timeoutMs: this.config.downloadTimeoutMs,
    };
    try {
      const bytes = await this.http.withRetries(spec, async (res) => {
        tmp = `${file}.part-${process.pid}-${++attempt}`;
        parts.push(tmp);
        const expected = res.headers.get('content-length');
        let n = 0;
        const counter = new Transform({
          transform(chunk: Buffer, _e, cb) {
            n += chunk.length;
            cb(null, chunk);
          },
        });
        const ws = createWriteStream(tmp);
        try {
          if (res.body === null) throw new Error('no body');
          await pipeline(Readable.fromWeb(res.body as Parameters<typeof Readable.fromWeb>[0]), counter, ws);
        } catch (e) {
          if (!ws.closed) await once(ws, 'close'); // its file is complete (or gone) before anything else touches it
          throw new NaverApiError({
            status: 0,
            message: `download interrupted after ${n} bytes: ${(e as Error).message}`,
            method: 'GET',
            path,
            retryable: true,
            cause: e,
          });
        }
        if (expected !== null && /^\d+$/.test(expected) && Number(expected) !== n) {
          throw new NaverApiError({
            status: res.status,
            message: `download truncated: ${n} of ${expected} bytes`,
            method: 'GET',
            path,
            retryable: true,
            transactionId: res.headers.get('x-transaction-id') ?? undefined,
          });
        }
        return n;
      });
      renameSync(tmp, file);
      for (const p of parts) if (p !== tmp) rmSync(p, { force: true });
      return bytes;
    } catch (e) {
      for (const p of parts) rmSync(p, { force: true });
      throw e;
    }
  }

  /**
   * One day's report end to end: create → wait → (CHANGED: create again, up to `maxRestarts`) → BUILT: download to
   * `file` → delete the job. NONE (no data) resolves with status NONE and no file; ERROR throws ReportJobError.
   */
  async fetchStatReport(
    reportTp: ReportType,
    statDate: string,
    file: string,
    options: WaitOptions & { maxRestarts?: number; keepJob?: boolean } = {},
  ): Promise<{ status: 'BUILT' | 'NONE'; bytes: number; job: ReportJob }> {
    const maxRestarts = options.maxRestarts ?? 3;
    for (let restart = 0; ; restart++) {
      const created = await this.createStatReport(reportTp, statDate);
      let job: ReportJob;
      try {
        job = await this.waitForStatReport(created.reportJobId, options);
        if (job.status === 'CHANGED') {
          if (restart >= maxRestarts)
            throw new ReportJobError(job.reportJobId, job.status, `data restated ${restart + 1} times in a row`);
          continue;
        }
        if (job.status === 'ERROR')
          throw new ReportJobError(job.reportJobId, job.status, 'Naver could not build the report');
        if (job.status === 'NONE') return { status: 'NONE', bytes: 0, job };
        const bytes = await this.downloadReport(job, file);
        return { status: 'BUILT', bytes, job };
      } finally {
        if (!options.keepJob) await this.deleteStatReport(created.reportJobId).catch(() => undefined); // only 100 jobs are kept
      }
    }
  }

  /** Downloads and parses in one stream (no file): batches of typed rows. */
  async *streamReport<T extends ReportType>(
    reportTp: T,
    job: Pick<ReportJob, 'downloadUrl' | 'reportJobId'>,
    options: ParseOptions = {},
  ): AsyncGenerator<ReportRows[T][]> {
    const { body } = await this.openReportDownload(job);
    yield* parseReport(reportTp, body, options);
  }
}

// --- helpers ---------------------------------------------------------------------------------------------------------

function downloadTarget(job: Pick<ReportJob, 'downloadUrl' | 'reportJobId'>): { path: string; query: URLSearchParams } {
  if (!job.downloadUrl) throw new ReportJobError(job.reportJobId, 'BUILT', 'has no downloadUrl');
  let u: URL;
  try {
    u = new URL(job.downloadUrl, 'https://api.searchad.naver.com');
  } catch {
    throw new ReportJobError(job.reportJobId, 'BUILT', `downloadUrl "${job.downloadUrl}" is not a URL`);
  }
  return { path: u.pathname, query: u.searchParams };
}

async function collect<T>(pages: AsyncGenerator<T[]>): Promise<T[]> {
  const out: T[] = [];
  for await (const p of pages) out.push(...p);
  return out;
}

function* chunks<T>(xs: readonly T[], n: number): Generator<T[]> {
  for (let i = 0; i < xs.length; i += n) yield xs.slice(i, i + n);
}

function unique(xs: readonly string[]): string[] {
  return [...new Set(xs)];
}

function requireId(name: string, v: unknown): void {
  if (typeof v !== 'string' || v.trim() === '') throw new NaverConfigError(`${name} must be a non-empty string`);
}

function objectOf(v: unknown, where: string): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw new NaverResponseError(where, 'expected a JSON object');
  return v as Record<string, unknown>;
}

function arrayOf(v: unknown, where: string): unknown[] {
  if (!Array.isArray(v))
    throw new NaverResponseError(where, `expected an array, got ${v === null ? 'null' : typeof v}`);
  return v;
}

function str(o: Record<string, unknown>, k: string, where: string): string {
  const v = o[k];
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  throw new NaverResponseError(where, `${k} is missing or not a string (${JSON.stringify(v)})`);
}

function optStr(o: Record<string, unknown>, k: string): string | null {
  const v = o[k];
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null;
}

function optNum(o: Record<string, unknown>, k: string, where: string): number | null {
  const v = o[k];
  if (v === undefined || v === null || v === '') return null;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : NaN;
  if (!Number.isFinite(n)) throw new NaverResponseError(where, `${k} is not a number (${JSON.stringify(v)})`);
  return n;
}

function toCampaign(v: unknown, where: string): Campaign {
  const o = objectOf(v, where);
  return {
    nccCampaignId: str(o, 'nccCampaignId', where),
    customerId: str(o, 'customerId', where),
    name: str(o, 'name', where),
    campaignTp: str(o, 'campaignTp', where),
    status: str(o, 'status', where),
    dailyBudget: optNum(o, 'dailyBudget', where),
    raw: o,
  };
}

function toAdGroup(v: unknown, where: string): AdGroup {
  const o = objectOf(v, where);
  return {
    nccAdgroupId: str(o, 'nccAdgroupId', where),
    nccCampaignId: str(o, 'nccCampaignId', where),
    name: str(o, 'name', where),
    bidAmt: optNum(o, 'bidAmt', where),
    adgroupType: optStr(o, 'adgroupType'),
    status: str(o, 'status', where),
    raw: o,
  };
}

function toKeyword(v: unknown, where: string): Keyword {
  const o = objectOf(v, where);
  const bid = optNum(o, 'bidAmt', where);
  if (bid === null) throw new NaverResponseError(where, 'bidAmt is missing');
  const qi = o['nccQi'];
  let qualityIndex: number | null = null;
  if (qi !== undefined && qi !== null)
    qualityIndex = optNum(objectOf(qi, `${where}.nccQi`), 'qiGrade', `${where}.nccQi`);
  const ug = o['useGroupBidAmt'];
  if (ug !== undefined && typeof ug !== 'boolean')
    throw new NaverResponseError(where, `useGroupBidAmt is not a boolean (${JSON.stringify(ug)})`);
  return {
    nccKeywordId: str(o, 'nccKeywordId', where),
    nccAdgroupId: str(o, 'nccAdgroupId', where),
    nccCampaignId: optStr(o, 'nccCampaignId'),
    keyword: str(o, 'keyword', where),
    bidAmt: bid,
    useGroupBidAmt: ug === true,
    status: str(o, 'status', where),
    inspectStatus: optStr(o, 'inspectStatus'),
    qualityIndex,
    regTm: optStr(o, 'regTm'),
    editTm: optStr(o, 'editTm'),
    raw: o,
  };
}

function toStatsRow(v: unknown, where: string): StatsRow {
  const o = objectOf(v, where);
  const values: Partial<Record<StatField, number>> = {};
  for (const f of STAT_FIELDS) {
    const n = optNum(o, f, where);
    if (n !== null) values[f] = n;
  }
  const row: StatsRow = { id: str(o, 'id', where), values };
  const ds = optStr(o, 'dateStart');
  const de = optStr(o, 'dateEnd');
  if (ds !== null) row.dateStart = ds;
  if (de !== null) row.dateEnd = de;
  if (Array.isArray(o['breakdowns'])) row.breakdowns = o['breakdowns'];
  return row;
}

/** A count that may be the string "< 10" or "<10". */
export function parseMonthlyCount(v: unknown, where = 'count'): MonthlyCount {
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return { below10: false, value: v };
  if (typeof v === 'string') {
    const s = v.replace(/\s+/g, '');
    if (s === '<10') return { below10: true, value: null };
    if (/^\d+(\.\d+)?$/.test(s)) return { below10: false, value: Number(s) };
  }
  throw new NaverResponseError(where, `not a count or "< 10": ${JSON.stringify(v)}`);
}

const COMPETITION: Record<string, Competition> = {
  낮음: 'low',
  중간: 'mid',
  높음: 'high',
  low: 'low',
  mid: 'mid',
  medium: 'mid',
  high: 'high',
};

export function parseCompetition(v: unknown, where = 'compIdx'): Competition | null {
  if (v === undefined || v === null || v === '') return null;
  const c = typeof v === 'string' ? (COMPETITION[v.trim().toLowerCase()] ?? COMPETITION[v.trim()]) : undefined;
  if (c === undefined)
    throw new NaverResponseError(where, `compIdx ${JSON.stringify(v)} is not 낮음/중간/높음 (low/mid/high)`);
  return c;
}

function toRelated(v: unknown, where: string, hints: string[]): RelatedKeyword {
  const o = objectOf(v, where);
  const n = (k: string): number | null => {
    const x = o[k];
    if (typeof x === 'string' && x.replace(/\s+/g, '') === '<10') return null; // clicks can be "< 10" too
    return optNum(o, k, where);
  };
  return {
    relKeyword: str(o, 'relKeyword', where),
    monthlyPcQcCnt: parseMonthlyCount(o['monthlyPcQcCnt'], `${where}.monthlyPcQcCnt`),
    monthlyMobileQcCnt: parseMonthlyCount(o['monthlyMobileQcCnt'], `${where}.monthlyMobileQcCnt`),
    monthlyAvePcClkCnt: n('monthlyAvePcClkCnt'),
    monthlyAveMobileClkCnt: n('monthlyAveMobileClkCnt'),
    monthlyAvePcCtr: n('monthlyAvePcCtr'),
    monthlyAveMobileCtr: n('monthlyAveMobileCtr'),
    plAvgDepth: n('plAvgDepth'),
    compIdx: parseCompetition(o['compIdx'], `${where}.compIdx`),
    hints: [...hints],
  };
}

function toJob(v: unknown, where: string): ReportJob {
  const o = objectOf(v, where);
  const status = str(o, 'status', where);
  if (!REPORT_STATUSES.has(status)) throw new NaverResponseError(where, `unknown report status ${status}`);
  return {
    reportJobId: str(o, 'reportJobId', where),
    reportTp: str(o, 'reportTp', where),
    statDt: str(o, 'statDt', where),
    status: status as ReportStatus,
    downloadUrl: optStr(o, 'downloadUrl'),
    raw: o,
  };
}
