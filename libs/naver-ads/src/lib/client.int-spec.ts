import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildFakeData, DEFAULT_FAKE_ACCOUNT, FakeNaverServer, toTsv } from '../testing';
import { NaverAdsClient } from './client';
import type { CallEvent, NaverAdsConfig, RetryEvent } from './config';
import { NaverApiError, NaverConfigError, ReportJobError } from './errors';
import { resetSharedLimits } from './http';
import { parseReportRows, type AdDetailRow } from './reports';

describe('NaverAdsClient against the fake Naver server', () => {
  let server: FakeNaverServer;
  let dir: string;
  let calls: CallEvent[];
  let retries: RetryEvent[];
  const data = buildFakeData({
    campaigns: 2,
    adgroupsPerCampaign: 2,
    keywordsPerAdgroup: 7,
    days: 3,
    today: '2026-11-21',
  });

  function client(extra: Partial<NaverAdsConfig> = {}): NaverAdsClient {
    return new NaverAdsClient({
      ...DEFAULT_FAKE_ACCOUNT,
      baseUrl: server.url,
      timeoutMs: 2000,
      retry: { maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 20 },
      rateLimit: { ratePerSec: 1000, burst: 100, keywordToolRatePerSec: 1000, keywordToolBurst: 100 },
      circuit: { threshold: 50, pauseMs: 10 },
      hooks: { onCall: (e) => calls.push(e), onRetry: (e) => retries.push(e) },
      ...extra,
    });
  }

  beforeAll(async () => {
    server = await FakeNaverServer.start({ data });
  });
  afterAll(() => server.close());
  beforeEach(() => {
    resetSharedLimits();
    calls = [];
    retries = [];
    server.requests.length = 0;
    server.clearFaults();
    dir = mkdtempSync(join(tmpdir(), 'naver-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  describe('entities', () => {
    it('lists campaigns, ad groups and keywords, paging with recordSize/baseSearchId to the end', async () => {
      const c = client();
      const campaigns = await c.listCampaigns({ recordSize: 1 });
      expect(campaigns.map((x) => x.nccCampaignId)).toEqual(data.campaigns.map((x) => x['nccCampaignId']));
      expect(campaigns[0]).toMatchObject({
        name: '캠페인 1',
        campaignTp: 'WEB_SITE',
        status: 'ELIGIBLE',
        dailyBudget: 50000,
      });
      const groups = await c.listAdGroups(campaigns[0]?.nccCampaignId as string);
      expect(groups).toHaveLength(2);
      const kws = await c.listKeywords(groups[0]?.nccAdgroupId as string, { recordSize: 3 }); // 7 keywords: pages 3 + 3 + 1
      expect(kws).toHaveLength(7);
      expect(new Set(kws.map((k) => k.nccKeywordId)).size).toBe(7);
      const pages = server.requests.filter((r) => r.path === '/ncc/keywords');
      expect(pages.map((r) => r.query['baseSearchId'] ?? null)).toEqual([
        null,
        kws[2]?.nccKeywordId,
        kws[5]?.nccKeywordId,
      ]);
      expect(pages.slice(1).every((r) => r.query['selector'] === 'NEXT')).toBe(true);
      expect(kws.some((k) => /[가-힣]/.test(k.keyword))).toBe(true);
      expect(
        kws.filter((k) => /^[\x20-\x7e]+$/.test(k.keyword)).every((k) => k.keyword === k.keyword.toUpperCase()),
      ).toBe(true);
      expect(kws[0]).toMatchObject({ useGroupBidAmt: true, inspectStatus: 'APPROVED' });
      expect(typeof kws[0]?.qualityIndex).toBe('number');
    });

    it('pages exactly at a page boundary and reads keywords by id in chunks of 100', async () => {
      const c = client();
      const grp = data.adgroups[0]?.['nccAdgroupId'] as string;
      expect(await c.listKeywords(grp, { recordSize: 7 })).toHaveLength(7); // a full page, then an empty one
      const ids = data.keywords.map((k) => String(k['nccKeywordId']));
      const many = [...ids, ...Array.from({ length: 150 }, (_, i) => `nkw-missing-${i}`)];
      server.requests.length = 0;
      const got = await c.getKeywords(many);
      expect(got.map((k) => k.nccKeywordId).sort()).toEqual([...ids].sort());
      expect(server.requests.map((r) => r.query['ids']?.split(',').length)).toEqual([100, many.length - 100]);
    });
  });

  describe('stats', () => {
    it('aggregates over a time range, splitting ids into chunks of at most 100', async () => {
      const c = client();
      const ids = data.keywords.map((k) => String(k['nccKeywordId']));
      const res = await c.stats({
        ids,
        fields: ['impCnt', 'clkCnt', 'salesAmt', 'ccnt'],
        timeRange: { since: '2026-11-18', until: '2026-11-20' },
      });
      expect(res.rows).toHaveLength(ids.length);
      expect(res.cycleBaseTm).toBe('202611210300');
      const rows = (data.reports.AD_DETAIL ?? []) as AdDetailRow[];
      const id0 = ids[0] as string;
      const imp = rows.filter((r) => r.keywordId === id0).reduce((s, r) => s + r.impressions, 0);
      expect(res.rows[0]).toMatchObject({ id: id0, values: { impCnt: imp } });
    });

    it('sends one id per request for daily increments', async () => {
      const c = client();
      const ids = data.keywords.slice(0, 3).map((k) => String(k['nccKeywordId']));
      const res = await c.stats({
        ids,
        fields: ['impCnt'],
        timeRange: { since: '2026-11-18', until: '2026-11-20' },
        timeIncrement: 'daily',
      });
      expect(res.rows).toHaveLength(9);
      expect(res.rows.map((r) => r.dateStart).slice(0, 3)).toEqual(['2026-11-18', '2026-11-19', '2026-11-20']);
      expect(
        server.requests
          .filter((r) => r.path === '/stats')
          .map((r) => [r.query['id'], r.query['ids'], r.query['timeIncrement']]),
      ).toEqual(ids.map((i) => [i, undefined, '1']));
    });

    it('checks the query before sending anything', async () => {
      const c = client();
      await expect(c.stats({ ids: [], fields: ['impCnt'], datePreset: 'yesterday' })).rejects.toThrow(NaverConfigError);
      await expect(c.stats({ ids: ['a'], fields: ['bogus' as never], datePreset: 'yesterday' })).rejects.toThrow(
        /unknown field "bogus"/,
      );
      await expect(
        c.stats({ ids: ['a'], fields: ['impCnt'], timeRange: { since: '2026-11-20', until: '2026-11-01' } }),
      ).rejects.toThrow(/after until/);
      expect(server.requests).toHaveLength(0);
    });
  });

  describe('keyword tool', () => {
    it('removes spaces, asks five hints per call, parses "< 10" and Korean competition', async () => {
      const c = client();
      const hints = [
        '나이키 운동화',
        '러닝화',
        '등산화 추천',
        '캠핑 의자',
        '커피 머신',
        '원피스',
        '패딩 할인',
        'running shoes',
        '러닝화',
      ];
      const res = await c.keywordTool(hints);
      const sent = server.requests.filter((r) => r.path === '/keywordstool').map((r) => r.query['hintKeywords']);
      expect(sent).toEqual(['나이키운동화,러닝화,등산화추천,캠핑의자,커피머신', '원피스,패딩할인,runningshoes']);
      expect(server.requests.every((r) => r.query['showDetail'] === '1')).toBe(true);
      const low = res.find((r) => r.relKeyword === '러닝화가격');
      expect(low?.monthlyPcQcCnt).toEqual({ below10: true, value: null }); // "< 10"
      expect(low?.monthlyMobileQcCnt).toEqual({ below10: true, value: null }); // "<10"
      expect(low?.compIdx).toBe('high');
      expect(res.find((r) => r.relKeyword === '러닝화')?.compIdx).toBe('low');
      expect(res.find((r) => r.relKeyword === '러닝화')?.monthlyPcQcCnt.below10).toBe(false);
      expect(res.find((r) => r.relKeyword === '원피스')?.hints).toEqual(['원피스', '패딩할인', 'runningshoes']);
    });

    it('runs on its own, smaller rate budget', async () => {
      const c = client({ rateLimit: { ratePerSec: 1000, burst: 100, keywordToolRatePerSec: 4, keywordToolBurst: 1 } });
      const t0 = performance.now();
      await c.keywordTool(Array.from({ length: 15 }, (_, i) => `키워드${i}`)); // 3 calls at 4/s, burst 1: ≥ 500 ms
      expect(performance.now() - t0).toBeGreaterThanOrEqual(490);
      const t1 = performance.now();
      await c.listCampaigns(); // the main budget is untouched (sharing the keyword tool's would wait 250 ms)
      expect(performance.now() - t1).toBeLessThan(200);
    });
  });

  describe('stat reports', () => {
    it('creates, polls, downloads with every downloadUrl parameter, deletes: BUILT', async () => {
      const c = client();
      const statuses: string[] = [];
      const file = join(dir, 'AD_DETAIL-20261120.tsv');
      const res = await c.fetchStatReport('AD_DETAIL', '2026-11-20', file, {
        pollMs: 5,
        onStatus: (j) => statuses.push(j.status),
      });
      expect(res.status).toBe('BUILT');
      expect(statuses).toEqual(['RUNNING', 'BUILT']);
      const dl = server.requests.find((r) => r.path === '/report-download');
      expect(dl?.query).toEqual({ authtoken: expect.any(String), fileVersion: 'v2' });
      const want = ((data.reports.AD_DETAIL ?? []) as AdDetailRow[]).filter((r) => r.date === '2026-11-20');
      expect(readFileSync(file, 'utf8')).toBe(toTsv('AD_DETAIL', want));
      expect(res.bytes).toBe(Buffer.byteLength(toTsv('AD_DETAIL', want)));
      const parsed: AdDetailRow[] = [];
      for await (const r of parseReportRows('AD_DETAIL', (await import('node:fs')).createReadStream(file)))
        parsed.push(r);
      expect(parsed).toEqual(want);
      expect(server.liveJobs).toBe(0);
    });

    it('waits through WAITING and AGGREGATING with backoff', async () => {
      server.reportBehaviour({ waitingPolls: 2, aggregatingPolls: 4, final: 'BUILT' });
      const c = client();
      const statuses: string[] = [];
      const polls: number[] = [];
      const created = await c.createStatReport('AD_DETAIL', '2026-11-19');
      expect(created.status).toBe('REGIST');
      const job = await c.waitForStatReport(created.reportJobId, {
        pollMs: 2,
        factor: 2,
        maxPollMs: 20,
        onStatus: (j) => {
          statuses.push(j.status);
          polls.push(performance.now());
        },
      });
      expect(job.status).toBe('BUILT');
      expect(statuses).toEqual([
        'RUNNING',
        'WAITING',
        'WAITING',
        'AGGREGATING',
        'AGGREGATING',
        'AGGREGATING',
        'AGGREGATING',
        'BUILT',
      ]);
      const gaps = polls.slice(1).map((t, i) => t - (polls[i] as number));
      expect(gaps[0]).toBeGreaterThanOrEqual(1.5); // 2 ms, then 4, 8, 16, capped at 20
      expect(gaps[3]).toBeGreaterThanOrEqual(15);
      expect(Math.max(...gaps)).toBeLessThan(500);
      await c.deleteStatReport(created.reportJobId);
    });

    it('requests a CHANGED report again, resolves NONE without a file, and throws on ERROR', async () => {
      const c = client();
      server.reportBehaviour({ final: 'CHANGED' });
      const changed = await c.fetchStatReport('AD_DETAIL', '2026-11-18', join(dir, 'c.tsv'), { pollMs: 5 });
      expect(changed.status).toBe('BUILT');
      expect(server.requests.filter((r) => r.method === 'POST' && r.path === '/stat-reports')).toHaveLength(2);

      server.reportBehaviour({ final: 'NONE' });
      const none = await c.fetchStatReport('AD_DETAIL', '2026-11-18', join(dir, 'n.tsv'), { pollMs: 5 });
      expect(none).toMatchObject({ status: 'NONE', bytes: 0 });
      expect(readdirSync(dir).includes('n.tsv')).toBe(false);

      server.reportBehaviour({ final: 'ERROR' });
      await expect(
        c.fetchStatReport('AD_DETAIL', '2026-11-18', join(dir, 'e.tsv'), { pollMs: 5 }),
      ).rejects.toBeInstanceOf(ReportJobError);

      server.reportBehaviour({ final: 'CHANGED', jobs: 3 });
      await expect(
        c.fetchStatReport('AD_DETAIL', '2026-11-18', join(dir, 'cc.tsv'), { pollMs: 5, maxRestarts: 2 }),
      ).rejects.toThrow(/restated 3 times/);
      expect(server.liveJobs).toBe(0);
    });

    it('gives up waiting after timeoutMs, and reports dates outside retention as Naver does (10004)', async () => {
      const c = client();
      server.reportBehaviour({ aggregatingPolls: 1000 });
      await expect(
        c.fetchStatReport('AD_DETAIL', '2026-11-20', join(dir, 't.tsv'), { pollMs: 5, timeoutMs: 60 }),
      ).rejects.toThrow(/still AGGREGATING/);
      const err = await c.createStatReport('AD_DETAIL', '2025-01-01').catch((e: unknown) => e);
      expect(err).toMatchObject({ status: 400, code: 10004, retryable: false, attempts: 1 });
    });

    it('streams a report straight into the parser', async () => {
      const c = client();
      const job = await c.createStatReport('AD_CONVERSION_DETAIL', '20261120');
      const built = await c.waitForStatReport(job.reportJobId, { pollMs: 5 });
      const rows = [];
      for await (const b of c.streamReport('AD_CONVERSION_DETAIL', built)) rows.push(...b);
      expect(rows.length).toBe((data.reports.AD_CONVERSION_DETAIL ?? []).filter((r) => r.date === '2026-11-20').length);
      await c.deleteStatReport(job.reportJobId);
    });
  });

  describe('faults', () => {
    it.each(['429', '500', '503', '1016'] as const)('recovers from a burst of %s', async (kind) => {
      server.inject({ kind, times: 3, path: '/ncc/campaigns' });
      const c = client();
      expect(await c.listCampaigns()).toHaveLength(2);
      expect(retries).toHaveLength(3);
      expect(calls.at(-1)).toMatchObject({ operation: 'listCampaigns', status: 200, attempts: 4 });
    });

    it('rides out a 429 storm longer than maxAttempts, within its own rate-limit budget', async () => {
      server.inject({ kind: '429', times: 9, path: '/ncc/campaigns' });
      expect(await client().listCampaigns()).toHaveLength(2); // maxAttempts 4, but 429s count against maxRateLimited (30)
      expect(retries).toHaveLength(9);
      server.inject({ kind: '429', times: 9, path: '/ncc/campaigns' });
      const err = await client({ retry: { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 2, maxRateLimited: 3 } })
        .listCampaigns()
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ status: 429, attempts: 4 });
    });

    it('gives up after maxAttempts with a typed error carrying the transaction id', async () => {
      server.inject({ kind: '500', times: 10, path: '/ncc/campaigns' });
      const err = (await client()
        .listCampaigns()
        .catch((e: unknown) => e)) as NaverApiError;
      expect(err).toBeInstanceOf(NaverApiError);
      expect(err).toMatchObject({ status: 500, attempts: 4, retryable: true, method: 'GET', path: '/ncc/campaigns' });
      expect(err.transactionId).toMatch(/^[0-9a-f-]{36}$/);
      expect(err.message).toContain(`x-transaction-id ${err.transactionId}`);
      expect(calls.at(-1)?.error).toBe(err);
    });

    it('recovers from a slow answer (timeout) and a reset connection', async () => {
      server.inject({ kind: 'slow', delayMs: 400, path: '/ncc/campaigns' });
      server.inject({ kind: 'reset', path: '/ncc/campaigns' });
      const c = client({ timeoutMs: 150 });
      expect(await c.listCampaigns()).toHaveLength(2);
      expect(retries.map((r) => r.reason)).toEqual([
        expect.stringMatching(/timed out after 150 ms/),
        expect.stringMatching(/no response|fetch failed|socket/i),
      ]);
    });

    it('downloads again after a truncated download; the file appears only when complete', async () => {
      const c = client();
      const job = await c.createStatReport('AD_DETAIL', '20261120');
      const built = await c.waitForStatReport(job.reportJobId, { pollMs: 5 });
      server.inject({ kind: 'truncate', times: 2, path: '/report-download' });
      const file = join(dir, 'r.tsv');
      const bytes = await c.downloadReport(built, file);
      expect(retries).toHaveLength(2);
      // Cut before or after the headers arrived: a transport error either way, retried.
      expect(retries[0]?.reason).toMatch(/download (truncated|interrupted)|terminated|socket/i);
      expect(readFileSync(file).length).toBe(bytes);
      expect(readdirSync(dir)).toEqual(['r.tsv']);
      server.inject({ kind: 'truncate', times: 10, path: '/report-download' });
      await expect(c.downloadReport(built, join(dir, 'never.tsv'))).rejects.toThrow(
        /truncated|interrupted|terminated|socket/i,
      );
      expect(readdirSync(dir)).toEqual(['r.tsv']);
    });

    it('fails fast, without retrying, on an invalid signature and on 1018', async () => {
      const wrong = client({ secretKey: 'not-the-secret' });
      const err = (await wrong.listCampaigns().catch((e: unknown) => e)) as NaverApiError;
      expect(err).toMatchObject({
        status: 403,
        type: 'urn:naver:api:problem:invalid-signature',
        title: 'Invalid Signature',
        attempts: 1,
        retryable: false,
      });
      expect(err.message).not.toContain('not-the-secret');
      server.inject({ kind: '1018', path: '/ncc/campaigns' });
      const e2 = (await client()
        .listCampaigns()
        .catch((e: unknown) => e)) as NaverApiError;
      expect(e2).toMatchObject({ status: 404, code: 1018, attempts: 1, retryable: false });
      expect(retries).toHaveLength(0);
    });

    it('pauses every call of the customer after repeated 429s', async () => {
      const opened: number[] = [];
      const c = client({
        circuit: { threshold: 3, pauseMs: 250 },
        hooks: { onCircuitOpen: (e) => opened.push(e.pauseMs), onRetry: (e) => retries.push(e) },
      });
      server.inject({ kind: '429', times: 3, path: '/ncc/campaigns' });
      const t0 = performance.now();
      expect(await c.listCampaigns()).toHaveLength(2);
      expect(opened).toEqual([250]);
      expect(performance.now() - t0).toBeGreaterThanOrEqual(240);
    });
  });

  describe('configuration', () => {
    it('names the bad setting and never shows the secret', () => {
      expect(() => client({ customerId: 'abc' })).toThrow(/customerId must be digits/);
      expect(() => client({ secretKey: '' })).toThrow(/secretKey is required/);
      expect(() => client({ baseUrl: 'ftp://x' })).toThrow(/baseUrl must be http/);
      expect(() => client({ retry: { maxAttempts: 0 } })).toThrow(/retry.maxAttempts must be a number > 0/);
      const c = client();
      expect(JSON.stringify(c)).not.toContain(DEFAULT_FAKE_ACCOUNT.secretKey);
      expect((require('node:util') as typeof import('node:util')).inspect(c)).not.toContain(
        DEFAULT_FAKE_ACCOUNT.secretKey,
      );
    });
  });
});
