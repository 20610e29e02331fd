import { randomUUID } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { REPORT_TYPES, type AdDetailRow, type ReportRows, type ReportType } from '../lib/reports';
import { signature } from '../lib/sign';
import { toTsv } from './builders';

export interface FakeAccount {
  customerId: string;
  apiKey: string;
  secretKey: string;
}

export interface FakeData {
  campaigns: Record<string, unknown>[];
  adgroups: Record<string, unknown>[];
  keywords: Record<string, unknown>[];
  /** keywordstool answers per hint keyword (spaces removed). */
  relations: Record<string, Record<string, unknown>[]>;
  reports: { [T in ReportType]?: ReportRows[T][] };
}

/** Faults served to the next matching requests, in order. */
export type Fault =
  | { kind: '429' | '500' | '503' | '1016' | '1018' | 'invalid-signature'; times?: number; path?: string }
  | { kind: 'slow'; delayMs: number; times?: number; path?: string }
  | { kind: 'reset'; times?: number; path?: string }
  /** Downloads: announce the full Content-Length, send part of the body, then cut the connection. */
  | { kind: 'truncate'; times?: number; path?: string };

/**
 * How the next report jobs behave: after RUNNING, WAITING for `waitingPolls` polls, AGGREGATING for `aggregatingPolls`,
 * then the final status (default BUILT, or NONE for a day without rows).
 */
export interface ReportBehaviour {
  waitingPolls?: number;
  aggregatingPolls?: number;
  final?: 'BUILT' | 'NONE' | 'ERROR' | 'CHANGED';
  /** How many jobs this behaviour applies to (default 1). */
  jobs?: number;
}

export interface LoggedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  customerId: string | undefined;
}

interface Job {
  reportJobId: string;
  reportTp: ReportType;
  statDt: string;
  polls: number;
  behaviour: Required<Omit<ReportBehaviour, 'jobs'>>;
  token: string;
  deleted: boolean;
}

/** Retention of each report type in days (outside: 400, code 10004). */
const RETENTION: Record<ReportType, number> = { AD: 365, AD_DETAIL: 180, AD_CONVERSION: 365, AD_CONVERSION_DETAIL: 45 };

export interface FakeNaverOptions {
  accounts?: FakeAccount[];
  data?: FakeData;
  /** "Today" in KST for report retention checks (default: the newest report date + 1 day, or the real date). */
  today?: string;
  /** Largest accepted clock skew of X-Timestamp (default 5 minutes). */
  maxSkewMs?: number;
  /**
   * Report files served as they are (streamed from disk) instead of rows from `data`: for benchmarks with millions
   * of rows. Returns a path, or undefined to fall back to `data`.
   */
  reportFile?: (type: ReportType, date: string) => string | undefined;
}

export const DEFAULT_FAKE_ACCOUNT: FakeAccount = {
  customerId: '1234567',
  apiKey: '0100000000abcdef-test-license',
  secretKey: 'AQAAAAB+test+secret+key==',
};

/**
 * A fake Naver Search Ads API on 127.0.0.1 (random port) for integration tests and the demo. It verifies every
 * signature with the documented algorithm (and rejects bad ones with the gateway's error shape), serves the seeded
 * entities with recordSize/baseSearchId paging, /stats aggregated from the seeded report rows, /keywordstool (with
 * "< 10" counts and Korean compIdx), and the stat-report lifecycle with TSV downloads. Faults are injected on demand.
 */
export class FakeNaverServer {
  readonly requests: LoggedRequest[] = [];
  readonly accounts: FakeAccount[];
  data: FakeData;
  today: string;
  private readonly server: Server;
  private readonly faults: (Fault & { left: number })[] = [];
  private readonly behaviours: (Required<Omit<ReportBehaviour, 'jobs'>> & { left: number })[] = [];
  private readonly jobs = new Map<string, Job>();
  private nextJob = 1000;
  private readonly maxSkewMs: number;
  private readonly reportFile: ((type: ReportType, date: string) => string | undefined) | undefined;
  url = '';

  private constructor(options: FakeNaverOptions) {
    this.accounts = options.accounts ?? [DEFAULT_FAKE_ACCOUNT];
    this.data = options.data ?? { campaigns: [], adgroups: [], keywords: [], relations: {}, reports: {} };
    this.maxSkewMs = options.maxSkewMs ?? 300_000;
    this.reportFile = options.reportFile;
    this.today = options.today ?? defaultToday(this.data);
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => {
        if (!res.headersSent) this.send(res, req, 500, { code: 500, message: String(e) });
      });
    });
  }

  static async start(options: FakeNaverOptions = {}): Promise<FakeNaverServer> {
    const s = new FakeNaverServer(options);
    await new Promise<void>((resolve) => s.server.listen(0, '127.0.0.1', resolve));
    s.url = `http://127.0.0.1:${(s.server.address() as AddressInfo).port}`;
    return s;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }

  inject(fault: Fault): void {
    this.faults.push({ ...fault, left: fault.times ?? 1 });
  }

  /** Drops faults and report behaviours not used up yet. */
  clearFaults(): void {
    this.faults.length = 0;
    this.behaviours.length = 0;
  }

  reportBehaviour(b: ReportBehaviour): void {
    this.behaviours.push({
      waitingPolls: b.waitingPolls ?? 0,
      aggregatingPolls: b.aggregatingPolls ?? 0,
      final: b.final ?? 'BUILT',
      left: b.jobs ?? 1,
    });
  }

  /** Report jobs not deleted yet. */
  get liveJobs(): number {
    return [...this.jobs.values()].filter((j) => !j.deleted).length;
  }

  // --- request handling ------------------------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = req.url ?? '/';
    const q = raw.indexOf('?');
    const path = q >= 0 ? raw.slice(0, q) : raw;
    const query = Object.fromEntries(new URLSearchParams(q >= 0 ? raw.slice(q + 1) : ''));
    const method = req.method ?? 'GET';
    const body = await readBody(req);

    const fault = this.takeFault(path);
    if (fault?.kind === 'reset') {
      this.log(req, path, query, 0);
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'slow') await new Promise((r) => setTimeout(r, fault.delayMs));

    const auth = this.authenticate(req, method, path);
    if (auth.error !== undefined || fault?.kind === 'invalid-signature') {
      const e = auth.error ?? { type: 'invalid-signature', title: 'Invalid Signature', detail: 'signature mismatch' };
      return this.send(
        res,
        req,
        403,
        { status: 403, type: `urn:naver:api:problem:${e.type}`, title: e.title, detail: e.detail },
        path,
        query,
      );
    }
    if (fault?.kind === '429')
      return this.send(
        res,
        req,
        429,
        { code: 429, status: 429, title: 'Too many requests, please try again later.' },
        path,
        query,
      );
    if (fault?.kind === '500' || fault?.kind === '503')
      return this.send(
        res,
        req,
        Number(fault.kind),
        { code: Number(fault.kind), message: 'Internal Server Error' },
        path,
        query,
      );
    if (fault?.kind === '1016')
      return this.send(res, req, 400, { code: 1016, message: 'too many connections' }, path, query);
    if (fault?.kind === '1018') return this.send(res, req, 404, { code: 1018, message: 'no permission' }, path, query);

    const route = `${method} ${path.replace(/^\/stat-reports\/[^/]+$/, '/stat-reports/:id')}`;
    switch (route) {
      case 'GET /ncc/campaigns':
        return this.page(req, res, path, query, this.data.campaigns, 'nccCampaignId');
      case 'GET /ncc/adgroups':
        return this.page(
          req,
          res,
          path,
          query,
          this.data.adgroups.filter((a) => !query['nccCampaignId'] || a['nccCampaignId'] === query['nccCampaignId']),
          'nccAdgroupId',
        );
      case 'GET /ncc/keywords': {
        if (query['ids'] !== undefined) {
          const ids = new Set(query['ids'].split(','));
          return this.send(
            res,
            req,
            200,
            this.data.keywords.filter((k) => ids.has(String(k['nccKeywordId']))),
            path,
            query,
          );
        }
        if (!query['nccAdgroupId'])
          return this.send(res, req, 400, { code: 11001, message: 'nccAdgroupId or ids is required' }, path, query);
        return this.page(
          req,
          res,
          path,
          query,
          this.data.keywords.filter((k) => k['nccAdgroupId'] === query['nccAdgroupId']),
          'nccKeywordId',
        );
      }
      case 'GET /stats':
        return this.stats(req, res, path, query);
      case 'GET /keywordstool':
        return this.keywordTool(req, res, path, query);
      case 'POST /stat-reports':
        return this.createReport(req, res, path, query, body);
      case 'GET /stat-reports/:id':
      case 'DELETE /stat-reports/:id':
        return this.reportJob(req, res, method, path, query);
      case 'GET /report-download':
        return this.download(req, res, path, query, fault?.kind === 'truncate');
      default:
        return this.send(res, req, 404, { code: 404, message: `no route ${method} ${path}` }, path, query);
    }
  }

  private authenticate(
    req: IncomingMessage,
    method: string,
    path: string,
  ): { error?: { type: string; title: string; detail: string } } {
    const h = (k: string) => {
      const v = req.headers[k.toLowerCase()];
      return Array.isArray(v) ? v[0] : v;
    };
    const missing = ['X-Timestamp', 'X-API-KEY', 'X-Customer', 'X-Signature'].filter((k) => !h(k));
    if (missing.length > 0)
      return { error: { type: 'missing-header', title: 'Missing Header', detail: missing.join(', ') } };
    const account = this.accounts.find((a) => a.apiKey === h('X-API-KEY'));
    if (account === undefined)
      return { error: { type: 'invalid-apikey', title: 'Invalid API Key', detail: 'unknown access license' } };
    if (account.customerId !== h('X-Customer'))
      return { error: { type: 'auth-failed', title: 'Authentication Failed', detail: 'customer mismatch' } };
    const ts = h('X-Timestamp') as string;
    if (!/^\d{13}$/.test(ts) || Math.abs(Date.now() - Number(ts)) > this.maxSkewMs) {
      return {
        error: {
          type: 'invalid-timestamp',
          title: 'Invalid Timestamp',
          detail: 'timestamp out of range (milliseconds expected)',
        },
      };
    }
    if (signature(account.secretKey, ts, method, path) !== h('X-Signature')) {
      return { error: { type: 'invalid-signature', title: 'Invalid Signature', detail: 'signature mismatch' } };
    }
    return {};
  }

  private page(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    query: Record<string, string>,
    items: Record<string, unknown>[],
    idField: string,
  ): void {
    const size = Number(query['recordSize'] ?? 1000);
    if (!Number.isInteger(size) || size < 1 || size > 1000)
      return this.send(res, req, 400, { code: 11001, message: 'recordSize must be 1..1000' }, path, query);
    let start = 0;
    if (query['baseSearchId'] !== undefined) {
      if (query['selector'] !== 'NEXT')
        return this.send(res, req, 400, { code: 11001, message: 'selector=NEXT expected' }, path, query);
      start = items.findIndex((i) => String(i[idField]) === query['baseSearchId']) + 1;
      if (start === 0) return this.send(res, req, 400, { code: 11001, message: 'unknown baseSearchId' }, path, query);
    }
    this.send(res, req, 200, items.slice(start, start + size), path, query);
  }

  private stats(req: IncomingMessage, res: ServerResponse, path: string, query: Record<string, string>): void {
    const ids = query['ids'] !== undefined ? query['ids'].split(',') : query['id'] !== undefined ? [query['id']] : [];
    const bad = (message: string) => this.send(res, req, 400, { code: 11001, message }, path, query);
    if (ids.length === 0) return bad('id or ids is required');
    if (ids.length > 200) return bad('too many ids');
    if (query['timeIncrement'] === '1' && ids.length > 1) return bad('timeIncrement=1 needs a single id');
    let fields: string[];
    try {
      fields = JSON.parse(query['fields'] ?? '') as string[];
    } catch {
      return bad('fields must be a JSON array');
    }
    let since: string;
    let until: string;
    if (query['datePreset'] !== undefined) {
      since = shiftDate(this.today, query['datePreset'] === 'last7days' ? -7 : -1);
      until = shiftDate(this.today, -1);
    } else {
      try {
        ({ since, until } = JSON.parse(query['timeRange'] ?? '') as { since: string; until: string });
      } catch {
        return bad('timeRange must be JSON {"since","until"}');
      }
    }
    const rows = (this.data.reports.AD_DETAIL ?? []) as AdDetailRow[];
    const conv = this.data.reports.AD_CONVERSION_DETAIL ?? [];
    const inRange = (d: string) => d >= since && d <= until;
    const matches = (r: { keywordId: string | null; adgroupId: string; campaignId: string }, id: string) =>
      r.keywordId === id || r.adgroupId === id || r.campaignId === id;
    const aggregate = (id: string, from: string, to: string): Record<string, unknown> => {
      let imp = 0;
      let clk = 0;
      let cost = 0;
      let rank = 0;
      let ccnt = 0;
      let convAmt = 0;
      for (const r of rows)
        if (r.date >= from && r.date <= to && matches(r, id)) {
          imp += r.impressions;
          clk += r.clicks;
          cost += r.cost;
          rank += r.sumAdRank;
        }
      for (const r of conv)
        if (r.date >= from && r.date <= to && matches(r, id)) {
          ccnt += r.conversions;
          convAmt += r.conversionRevenue;
        }
      const all: Record<string, number> = {
        impCnt: imp,
        clkCnt: clk,
        salesAmt: cost,
        ctr: imp ? (clk / imp) * 100 : 0,
        cpc: clk ? Math.round(cost / clk) : 0,
        avgRnk: imp ? Math.round((rank / imp) * 10) / 10 : 0,
        ccnt,
        convAmt,
        crto: clk ? (ccnt / clk) * 100 : 0,
        ror: cost ? (convAmt / cost) * 100 : 0,
        cpConv: ccnt ? Math.round(cost / ccnt) : 0,
        viewCnt: 0,
      };
      return { id, ...Object.fromEntries(fields.filter((f) => f in all).map((f) => [f, all[f]])) };
    };
    const data: Record<string, unknown>[] = [];
    for (const id of ids) {
      if (query['timeIncrement'] === '1') {
        for (let d = since; d <= until; d = shiftDate(d, 1)) {
          if (inRange(d)) data.push({ ...aggregate(id, d, d), dateStart: d, dateEnd: d });
        }
      } else data.push(aggregate(id, since, until));
    }
    this.send(res, req, 200, { data, cycleBaseTm: `${this.today.replace(/-/g, '')}0300` }, path, query);
  }

  private keywordTool(req: IncomingMessage, res: ServerResponse, path: string, query: Record<string, string>): void {
    const hints = (query['hintKeywords'] ?? '').split(',').filter((h) => h !== '');
    const bad = (message: string) => this.send(res, req, 400, { code: 11001, message }, path, query);
    if (hints.length === 0) return bad('hintKeywords is required');
    if (hints.length > 5) return bad('at most 5 hintKeywords');
    if (hints.some((h) => /\s/.test(h))) return bad('hintKeywords must not contain spaces');
    const out: Record<string, unknown>[] = [];
    const seen = new Set<string>();
    for (const h of hints) {
      for (const r of this.data.relations[h] ?? [defaultRelation(h)]) {
        if (seen.has(String(r['relKeyword']))) continue;
        seen.add(String(r['relKeyword']));
        out.push(r);
      }
    }
    this.send(res, req, 200, { keywordList: out }, path, query);
  }

  private createReport(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    query: Record<string, string>,
    body: string,
  ): void {
    let b: { reportTp?: string; statDt?: string };
    try {
      b = JSON.parse(body) as typeof b;
    } catch {
      return this.send(res, req, 400, { code: 11001, message: 'body must be JSON' }, path, query);
    }
    if (!REPORT_TYPES.includes(b.reportTp as ReportType))
      return this.send(res, req, 400, { code: 11001, message: `unknown reportTp ${b.reportTp}` }, path, query);
    if (!/^\d{8}$/.test(b.statDt ?? ''))
      return this.send(res, req, 400, { code: 11001, message: 'statDt must be yyyyMMdd' }, path, query);
    const date = `${b.statDt?.slice(0, 4)}-${b.statDt?.slice(4, 6)}-${b.statDt?.slice(6, 8)}`;
    const type = b.reportTp as ReportType;
    if (date >= this.today || date < shiftDate(this.today, -RETENTION[type])) {
      return this.send(
        res,
        req,
        400,
        { code: 10004, message: `statDt ${b.statDt} is outside the ${RETENTION[type]} days of ${type}` },
        path,
        query,
      );
    }
    const rows = (this.data.reports[type] ?? []) as { date: string }[];
    const hasRows = this.reportFile?.(type, date) !== undefined || rows.some((r) => r.date === date);
    const bh = this.behaviours[0];
    const behaviour = bh
      ? { waitingPolls: bh.waitingPolls, aggregatingPolls: bh.aggregatingPolls, final: bh.final }
      : { waitingPolls: 0, aggregatingPolls: 0, final: hasRows ? ('BUILT' as const) : ('NONE' as const) };
    if (bh && --bh.left <= 0) this.behaviours.shift();
    const job: Job = {
      reportJobId: String(this.nextJob++),
      reportTp: type,
      statDt: b.statDt as string,
      polls: 0,
      behaviour,
      token: randomUUID(),
      deleted: false,
    };
    this.jobs.set(job.reportJobId, job);
    this.send(res, req, 200, this.jobView(job, 'REGIST'), path, query);
  }

  private reportJob(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    path: string,
    query: Record<string, string>,
  ): void {
    const id = decodeURIComponent(path.slice('/stat-reports/'.length));
    const job = this.jobs.get(id);
    if (job === undefined || job.deleted)
      return this.send(res, req, 404, { code: 10002, message: `no report job ${id}` }, path, query);
    if (method === 'DELETE') {
      job.deleted = true;
      res.setHeader('x-transaction-id', randomUUID());
      res.statusCode = 204;
      this.log(req, path, query, 204);
      res.end();
      return;
    }
    job.polls++;
    // REGIST (at creation) → RUNNING → WAITING × w → AGGREGATING × a → final
    const { waitingPolls: w, aggregatingPolls: a, final } = job.behaviour;
    const k = job.polls - 1;
    const status = k === 0 ? 'RUNNING' : k <= w ? 'WAITING' : k <= w + a ? 'AGGREGATING' : final;
    this.send(res, req, 200, this.jobView(job, status), path, query);
  }

  private jobView(job: Job, status: string): Record<string, unknown> {
    return {
      reportJobId: Number(job.reportJobId),
      reportTp: job.reportTp,
      statDt: `${job.statDt}`,
      status,
      downloadUrl: status === 'BUILT' ? `${this.url}/report-download?authtoken=${job.token}&fileVersion=v2` : null,
      updateTm: new Date().toISOString(),
      loginId: 'fake',
    };
  }

  private download(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    query: Record<string, string>,
    truncate: boolean,
  ): void {
    if (query['fileVersion'] !== 'v2')
      return this.send(res, req, 400, { code: 11001, message: 'fileVersion is required' }, path, query);
    const job = [...this.jobs.values()].find((j) => j.token === query['authtoken']);
    if (job === undefined) return this.send(res, req, 404, { code: 10002, message: 'unknown authtoken' }, path, query);
    const date = `${job.statDt.slice(0, 4)}-${job.statDt.slice(4, 6)}-${job.statDt.slice(6, 8)}`;
    const file = this.reportFile?.(job.reportTp, date);
    if (file !== undefined) {
      res.setHeader('content-type', 'application/octet-stream');
      res.setHeader('content-length', String(statSync(file).size));
      res.setHeader('x-transaction-id', randomUUID());
      this.log(req, path, query, 200);
      createReadStream(file).pipe(res);
      return;
    }
    const rows = ((this.data.reports[job.reportTp] ?? []) as { date: string }[]).filter((r) => r.date === date);
    const body = Buffer.from(toTsv(job.reportTp, rows as ReportRows[typeof job.reportTp][]), 'utf8');
    res.setHeader('content-type', 'application/octet-stream');
    res.setHeader('content-length', String(body.length));
    res.setHeader('x-transaction-id', randomUUID());
    res.statusCode = 200;
    this.log(req, path, query, 200);
    if (truncate) {
      res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.socket?.destroy());
      return;
    }
    res.end(body);
  }

  private takeFault(path: string): Fault | undefined {
    const i = this.faults.findIndex((f) => f.path === undefined || path.startsWith(f.path));
    if (i < 0) return undefined;
    const f = this.faults[i] as Fault & { left: number };
    if (--f.left <= 0) this.faults.splice(i, 1);
    return f;
  }

  private send(
    res: ServerResponse,
    req: IncomingMessage,
    status: number,
    body: unknown,
    path = '',
    query: Record<string, string> = {},
  ): void {
    const text = JSON.stringify(body);
    res.statusCode = status;
    res.setHeader('content-type', 'application/json;charset=UTF-8');
    res.setHeader('x-transaction-id', randomUUID());
    this.log(req, path, query, status);
    res.end(text);
  }

  private log(req: IncomingMessage, path: string, query: Record<string, string>, status: number): void {
    const c = req.headers['x-customer'];
    this.requests.push({ method: req.method ?? '', path, query, status, customerId: Array.isArray(c) ? c[0] : c });
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

export function shiftDate(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function defaultToday(data: FakeData): string {
  let newest = '';
  for (const t of REPORT_TYPES)
    for (const r of (data.reports[t] ?? []) as { date: string }[]) if (r.date > newest) newest = r.date;
  return newest !== '' ? shiftDate(newest, 1) : new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10);
}

function defaultRelation(hint: string): Record<string, unknown> {
  return {
    relKeyword: hint,
    monthlyPcQcCnt: 1200,
    monthlyMobileQcCnt: 8400,
    monthlyAvePcClkCnt: 12.5,
    monthlyAveMobileClkCnt: 96.1,
    monthlyAvePcCtr: 1.04,
    monthlyAveMobileCtr: 1.14,
    plAvgDepth: 15,
    compIdx: '높음',
  };
}
