/**
 * The ETL end to end: the fake Naver server (@adrank/naver-ads/testing) → `etl` → DuckDB (and Redshift through the
 * Data API against FakeRedshiftDataApi, with the data lake on moto's S3, under CI).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { buildFakeData, DEFAULT_FAKE_ACCOUNT, FakeNaverServer } from '@adrank/naver-ads/testing';
import { resetSharedLimits, type AdConversionDetailRow, type AdDetailRow } from '@adrank/naver-ads';
import { describeIfAvailable, motoAvailable, startMoto, type Moto } from '@adrank/testing';
import { DuckDbWarehouse, RedshiftDataWarehouse, type Warehouse } from '@adrank/warehouse';
import { FakeRedshiftDataApi } from '@adrank/warehouse/testing';
import { MemoryReporter } from '@adrank/job';
import { yesterdayKst } from './cli';
import { runCli, type CliOutcome } from './run-cli';
import type { SyncResult } from './commands/sync.command';

const ROOT = join(__dirname, '..', '..', '..', '..');
const CUSTOMER = DEFAULT_FAKE_ACCOUNT.customerId;
const FROM = '2026-11-07';
const TO = '2026-11-20';
const data = buildFakeData({
  campaigns: 2,
  adgroupsPerCampaign: 2,
  keywordsPerAdgroup: 5,
  days: 14,
  today: '2026-11-21',
});
const perf = (data.reports.AD_DETAIL ?? []) as AdDetailRow[];
const conv = (data.reports.AD_CONVERSION_DETAIL ?? []) as AdConversionDetailRow[];
const round = (x: number) => Math.round(x * 100) / 100;
const EXPECTED = {
  perf: {
    n: perf.length,
    imp: perf.reduce((s, r) => s + r.impressions, 0),
    clk: perf.reduce((s, r) => s + r.clicks, 0),
    cost: round(perf.reduce((s, r) => s + r.cost, 0)),
  },
  conv: {
    n: conv.length,
    conversions: conv.reduce((s, r) => s + r.conversions, 0),
    value: round(conv.reduce((s, r) => s + r.conversionRevenue, 0)),
  },
};

async function totals(w: Warehouse): Promise<typeof EXPECTED> {
  const [p] = await w.query<{ n: number; imp: number; clk: number; cost: number }>(
    'SELECT COUNT(*) AS n, SUM(impressions) AS imp, SUM(clicks) AS clk, SUM(cost) AS cost FROM ad_hourly_performance',
  );
  const [c] = await w.query<{ n: number; conversions: number; value: number }>(
    'SELECT COUNT(*) AS n, SUM(conversions) AS conversions, SUM(conversion_value) AS value FROM ad_hourly_conversions',
  );
  return {
    perf: { n: p?.n ?? 0, imp: p?.imp ?? 0, clk: p?.clk ?? 0, cost: round(p?.cost ?? 0) },
    conv: { n: c?.n ?? 0, conversions: c?.conversions ?? 0, value: round(c?.value ?? 0) },
  };
}

/** `etl sync` of the whole range in a child process (async spawn: the fakes live in this process and must keep answering). */
function runChild(
  env: Record<string, string>,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        join(ROOT, 'tools/scripts/ts-run.cjs'),
        join(ROOT, 'apps/etl/src/main.ts'),
        'sync',
        '--customer',
        CUSTOMER,
        '--from',
        FROM,
        '--to',
        TO,
      ],
      { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'ignore'] },
    );
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), 90_000);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout });
    });
  });
}

jest.setTimeout(60_000);

describe('etl against the fake Naver server → DuckDB', () => {
  let naver: FakeNaverServer;
  let dir: string;
  let env: Record<string, string>;
  const reporter = new MemoryReporter();
  const out: string[] = [];
  const err: string[] = [];
  const cli = (...argv: string[]): Promise<CliOutcome> =>
    runCli(argv, { env, reporter, out: (l) => out.push(l), err: (l) => err.push(l) });
  const open = () => DuckDbWarehouse.open(env['ADRANK_DUCKDB_PATH'] as string);

  beforeAll(async () => {
    naver = await FakeNaverServer.start({ data });
  });
  afterAll(() => naver.close());
  beforeEach(() => {
    resetSharedLimits();
    naver.clearFaults();
    out.length = 0;
    err.length = 0;
    dir = mkdtempSync(join(tmpdir(), 'etl-'));
    env = {
      NAVER_ADS_API_KEY: DEFAULT_FAKE_ACCOUNT.apiKey,
      NAVER_ADS_SECRET_KEY: DEFAULT_FAKE_ACCOUNT.secretKey,
      NAVER_ADS_BASE_URL: naver.url,
      NAVER_ADS_RETRY_BASE_MS: '5',
      NAVER_ADS_CIRCUIT_PAUSE_MS: '100',
      NAVER_ADS_RATE_PER_SEC: '1000',
      NAVER_ADS_KEYWORDTOOL_RATE_PER_SEC: '1000',
      ETL_REPORT_POLL_MS: '5',
      ADRANK_WAREHOUSE: 'duckdb',
      ADRANK_DUCKDB_PATH: join(dir, 'warehouse.duckdb'),
      ADRANK_DATA_LAKE: join(dir, 'lake'),
    };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('loads 14 days × 2 reports with the seeded totals, keeps the raw files, and a re-run changes nothing', async () => {
    const first = await cli('sync', '--customer', CUSTOMER, '--from', FROM, '--to', TO);
    expect(first.code).toBe(0);
    const r1 = first.result as SyncResult;
    expect(r1.partitions.filter((p) => p.status === 'loaded')).toHaveLength(28);
    expect(JSON.parse(out[0] as string)).toMatchObject({
      partitions: { loaded: 28, failed: 0 },
      rowsByTable: { ad_hourly_performance: EXPECTED.perf.n },
    });
    const w = await open();
    try {
      expect(await totals(w)).toEqual(EXPECTED);
      // Keyword-less rows are kept in the fact table and left out of the keyword view.
      const [v] = await w.query<{ n: number }>(
        'SELECT COUNT(*) AS n FROM ad_hourly_performance WHERE keyword_id IS NULL',
      );
      expect(v?.n).toBe(14);
      const [kv] = await w.query<{ imp: number; conversions: number }>(
        'SELECT SUM(impressions) AS imp, SUM(conversions) AS conversions FROM keyword_hourly_performance',
      );
      expect(kv?.imp).toBe(
        EXPECTED.perf.imp - perf.filter((r) => r.keywordId === null).reduce((s, r) => s + r.impressions, 0),
      );
      expect(kv?.conversions).toBe(EXPECTED.conv.conversions);
      const parts = await w.query("SELECT COUNT(*) AS n FROM etl_partitions WHERE status = 'loaded'");
      expect(parts).toEqual([{ n: 28 }]);
      const [run] = await w.query<{ status: string; summary: string }>('SELECT status, summary FROM etl_runs');
      expect(run?.status).toBe('succeeded');
    } finally {
      await w.close();
    }
    expect(readdirSync(join(dir, 'lake', 'raw', 'naver', 'AD_DETAIL', CUSTOMER))).toHaveLength(14);
    expect(existsSync(join(dir, 'lake', 'raw', 'naver', 'AD_CONVERSION_DETAIL', CUSTOMER, `${TO}.tsv`))).toBe(true);

    const second = await cli('sync', '--customer', CUSTOMER, '--from', FROM, '--to', TO);
    expect((second.result as SyncResult).partitions.every((p) => p.status === 'skipped')).toBe(true);
    const forced = await cli('sync', '--customer', CUSTOMER, '--from', FROM, '--to', TO, '--force');
    expect((forced.result as SyncResult).partitions.filter((p) => p.status === 'loaded')).toHaveLength(28);
    const w2 = await open();
    try {
      expect(await totals(w2)).toEqual(EXPECTED); // replaced, not duplicated
    } finally {
      await w2.close();
    }
  });

  it('resumes after being killed in the middle of a partition, with identical totals', async () => {
    const run = (extra: Record<string, string>) => runChild({ ...env, ...extra });
    const killed = await run({ ADRANK_ETL_TEST_KILL_AT: '9' });
    expect(killed.signal).toBe('SIGKILL');
    const resumed = await run({});
    expect(resumed.code).toBe(0);
    const summary = JSON.parse(resumed.stdout.trim().split('\n').pop() as string);
    expect(summary.partitions).toEqual({ loaded: 20, none: 0, skipped: 8, failed: 0 });
    const w = await open();
    try {
      expect(await totals(w)).toEqual(EXPECTED);
      const runs = await w.query<{ status: string }>('SELECT status FROM etl_runs ORDER BY started_at');
      expect(runs.map((r) => r.status)).toEqual(['running', 'succeeded']); // the killed run never finished
    } finally {
      await w.close();
    }
  }, 180_000);

  it('recovers from 429 storms and truncated downloads', async () => {
    naver.inject({ kind: '429', times: 7, path: '/stat-reports' });
    naver.inject({ kind: 'truncate', times: 3, path: '/report-download' });
    naver.inject({ kind: '503', times: 2, path: '/stat-reports' });
    const r = await cli('sync', '--customer', CUSTOMER, '--from', FROM, '--to', TO);
    expect(r.code).toBe(0);
    expect((r.result as SyncResult).retries).toBeGreaterThanOrEqual(12);
    const w = await open();
    try {
      expect(await totals(w)).toEqual(EXPECTED);
    } finally {
      await w.close();
    }
  });

  it('reports failed partitions with exit code 1, keeps the others, and completes them on the next run', async () => {
    naver.inject({ kind: '1018', times: 1, path: '/stat-reports' });
    const r = await cli('sync', '--customer', CUSTOMER, '--from', FROM, '--to', '2026-11-08');
    expect(r.code).toBe(1);
    expect(err.join('\n')).toMatch(/1 partition\(s\) failed:\n {2}AD_DETAIL 2026-11-07: .*code 1018/);
    const again = await cli('sync', '--customer', CUSTOMER, '--from', FROM, '--to', '2026-11-08');
    expect(again.code).toBe(0);
    expect((again.result as SyncResult).partitions.map((p) => p.status)).toEqual([
      'loaded',
      'skipped',
      'skipped',
      'skipped',
    ]);
  });

  it('refuses a report with a row for another customer, naming the row, and loads nothing of it', async () => {
    const bad = buildFakeData({
      campaigns: 1,
      adgroupsPerCampaign: 1,
      keywordsPerAdgroup: 2,
      days: 1,
      today: '2026-11-21',
    });
    const rows = bad.reports.AD_DETAIL as AdDetailRow[];
    rows.splice(3, 0, { ...(rows[0] as AdDetailRow), customerId: '7654321' });
    const other = await FakeNaverServer.start({ data: bad });
    try {
      env['NAVER_ADS_BASE_URL'] = other.url;
      const r = await cli(
        'sync',
        '--customer',
        CUSTOMER,
        '--from',
        '2026-11-20',
        '--to',
        '2026-11-20',
        '--reports',
        'AD_DETAIL',
      );
      expect(r.code).toBe(1);
      expect(err.join('\n')).toContain(
        'AD_DETAIL 2026-11-20: AD_DETAIL 2026-11-20: row 4 is for customer 7654321 on 2026-11-20',
      );
      const w = await open();
      try {
        expect(await w.query('SELECT COUNT(*) AS n FROM ad_hourly_performance')).toEqual([{ n: 0 }]);
        expect(await w.query('SELECT COUNT(*) AS n FROM etl_partitions')).toEqual([{ n: 0 }]);
      } finally {
        await w.close();
      }
    } finally {
      await other.close();
    }
  });

  it('snapshots keywords and keyword-tool relations', async () => {
    expect((await cli('keywords', '--customer', CUSTOMER)).result).toMatchObject({
      campaigns: 2,
      adgroups: 4,
      keywords: 20,
    });
    expect((await cli('keywords', '--customer', CUSTOMER)).code).toBe(0); // replaced, not duplicated
    const words = join(dir, 'words.txt');
    writeFileSync(words, '# given words\n나이키 운동화\n러닝화\n\nrunning shoes\n');
    const rel = await cli('related', '--customer', CUSTOMER, '--given-words-file', words);
    expect(rel.result).toMatchObject({ givenWords: 3, relations: 9 });
    const w = await open();
    try {
      expect(await w.query('SELECT COUNT(*) AS n, COUNT(DISTINCT keyword_id) AS ids FROM naver_keywords')).toEqual([
        { n: 20, ids: 20 },
      ]);
      const [k] = await w.query<{ keyword: string; quality_index: number; use_group_bid: boolean }>(
        "SELECT keyword, quality_index, use_group_bid FROM naver_keywords WHERE keyword = '나이키 운동화' LIMIT 1",
      );
      expect(typeof k?.quality_index).toBe('number');
      const below = await w.query<{
        rel_keyword: string;
        monthly_pc_qc: number | null;
        monthly_pc_qc_below10: boolean;
        comp_idx: string;
      }>(
        "SELECT rel_keyword, monthly_pc_qc, monthly_pc_qc_below10, comp_idx FROM keyword_relations WHERE given_word = '러닝화' ORDER BY rel_keyword",
      );
      expect(below).toEqual([
        { rel_keyword: '러닝화', monthly_pc_qc: expect.any(Number), monthly_pc_qc_below10: false, comp_idx: 'low' },
        { rel_keyword: '러닝화가격', monthly_pc_qc: null, monthly_pc_qc_below10: true, comp_idx: 'high' },
        { rel_keyword: '러닝화추천', monthly_pc_qc: expect.any(Number), monthly_pc_qc_below10: false, comp_idx: 'mid' },
      ]);
    } finally {
      await w.close();
    }
    // Default given words: the customer's own keywords.
    expect((await cli('related', '--customer', CUSTOMER)).code).toBe(0);
  });

  it('refuses bad usage and configuration with exit code 2, naming the flag or variable', async () => {
    expect((await cli('sync', '--customer', 'abc', '--from', FROM, '--to', TO)).code).toBe(2);
    expect(err.join('\n')).toContain('--customer must be a numeric customer id');
    expect((await cli('sync', '--customer', CUSTOMER, '--from', '2026-02-30', '--to', TO)).code).toBe(2);
    expect((await cli('sync', '--customer', CUSTOMER, '--from', FROM, '--to', TO, '--reports', 'AD,BOGUS')).code).toBe(
      2,
    );
    expect(err.join('\n')).toContain('unknown report type(s) BOGUS');
    expect((await cli('sync', '--customer', CUSTOMER, '--from', FROM, '--to', TO, '--verbose')).code).toBe(2);
    delete env['NAVER_ADS_SECRET_KEY'];
    env['ADRANK_WAREHOUSE'] = 'redshift';
    expect((await cli('migrate')).code).toBe(2);
    const msg = err.at(-1) as string;
    expect(msg).toContain('NAVER_ADS_SECRET_KEY is required');
    expect(msg).toContain('REDSHIFT_DATABASE is required with ADRANK_WAREHOUSE=redshift');
    expect(msg).toContain('REDSHIFT_COPY_ROLE_ARN');
    expect(msg).toContain('ADRANK_DATA_LAKE must be s3://bucket/prefix');
  });

  it('runs the scheduled job once with `daily` (a CronJob): the last N days up to yesterday, then the keywords', async () => {
    naver.clearFaults();
    const to = yesterdayKst();
    const from = new Date(Date.parse(`${to}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    const today = naver.today;
    naver.today = new Date(Date.parse(`${to}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10); // the real today
    const errors = err.length;
    const days = await cli('daily', '--customer', CUSTOMER, '--days', '2');
    naver.today = today;
    expect({ code: days.code, err: err.slice(errors) }).toEqual({ code: 0, err: [] });
    const w = await open();
    try {
      const rows = await w.query<{ d: string; n: number | bigint }>(
        `SELECT CAST(stat_date AS VARCHAR) AS d, COUNT(*) AS n FROM etl_partitions
         WHERE customer_id = :c AND stat_date >= CAST(:from AS DATE) AND stat_date <= CAST(:to AS DATE)
         GROUP BY stat_date ORDER BY stat_date`,
        { c: CUSTOMER, from, to },
      );
      expect(rows.map((r) => [r.d, Number(r.n)])).toEqual([
        [from, 2],
        [to, 2],
      ]);
    } finally {
      await w.close();
    }
    expect(JSON.parse(out[out.length - 1] as string)).toEqual({ customers: [CUSTOMER], days: 2, failedPartitions: [] });
    expect((await cli('daily', '--days', '40')).code).toBe(2);
    expect(err.some((l) => l.includes('--days must be 1..31, got 40'))).toBe(true);
  });

  it('serves health in the long-running schedule mode, with the last run in readiness', async () => {
    env['ETL_HEALTH_PORT'] = '0';
    process.env['ETL_HEALTH_HOST'] = '127.0.0.1';
    const started = await cli('schedule', '--customer', CUSTOMER);
    try {
      const server = started.server;
      expect(server).toBeDefined();
      if (!server) return;
      const live = await fetch(`${server.url}/health/live`);
      expect(live.status).toBe(200);
      let ready = await fetch(`${server.url}/health/ready`);
      expect(await ready.json()).toMatchObject({
        status: 'ok',
        details: { warehouse: { status: 'up', dialect: 'duckdb' }, lastRun: { run: 'none yet' } },
      });
      naver.reportBehaviour({ final: 'ERROR', jobs: 10 });
      await server.schedule.tick([CUSTOMER]);
      ready = await fetch(`${server.url}/health/ready`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({
        status: 'error',
        error: { lastRun: { status: 'down', run: 'failed' } },
      });
    } finally {
      delete process.env['ETL_HEALTH_HOST'];
      await started.server?.stop();
    }
  });
});

describeIfAvailable(motoAvailable(), 'ETL Redshift suite')(
  'etl → RedshiftDataWarehouse (fake Data API endpoint) with the data lake on S3 (moto)',
  () => {
    let naver: FakeNaverServer;
    let moto: Moto;
    let redshift: FakeRedshiftDataApi;
    let env: Record<string, string>;
    const reporter = new MemoryReporter();

    beforeAll(async () => {
      naver = await FakeNaverServer.start({ data });
      moto = await startMoto();
      const s3 = new S3Client(moto.clientConfig);
      await s3.send(new CreateBucketCommand({ Bucket: 'adrank-lake' }));
      s3.destroy();
      redshift = await FakeRedshiftDataApi.start({ s3: moto.clientConfig, pageSize: 500 });
    }, 60_000);
    afterAll(async () => {
      await redshift?.close();
      await moto?.stop();
      await naver?.close();
    });

    it('loads the same 14 days × 2 reports through COPY from S3, idempotently, and recovers from faults', async () => {
      resetSharedLimits();
      env = {
        NAVER_ADS_API_KEY: DEFAULT_FAKE_ACCOUNT.apiKey,
        NAVER_ADS_SECRET_KEY: DEFAULT_FAKE_ACCOUNT.secretKey,
        NAVER_ADS_BASE_URL: naver.url,
        NAVER_ADS_RETRY_BASE_MS: '5',
        NAVER_ADS_CIRCUIT_PAUSE_MS: '100',
        NAVER_ADS_RATE_PER_SEC: '1000',
        NAVER_ADS_KEYWORDTOOL_RATE_PER_SEC: '1000',
        ETL_REPORT_POLL_MS: '5',
        ADRANK_WAREHOUSE: 'redshift',
        REDSHIFT_DATABASE: 'adrank',
        REDSHIFT_WORKGROUP: 'adrank-wg',
        REDSHIFT_COPY_ROLE_ARN: 'arn:aws:iam::123456789012:role/adrank-redshift-copy',
        REDSHIFT_DATA_ENDPOINT: redshift.url,
        REDSHIFT_POLL_MS: '2',
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'testing',
        AWS_SECRET_ACCESS_KEY: 'testing',
        ADRANK_DATA_LAKE: 's3://adrank-lake/naver-etl',
        S3_ENDPOINT: moto.endpoint,
      };
      Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' });
      naver.inject({ kind: '429', times: 4, path: '/stat-reports' });
      naver.inject({ kind: 'truncate', times: 2, path: '/report-download' });
      const cli = (...argv: string[]) => runCli(argv, { env, reporter, out: () => undefined, err: () => undefined });
      const first = await cli('sync', '--customer', CUSTOMER, '--from', FROM, '--to', TO);
      expect(first.code).toBe(0);
      expect((first.result as SyncResult).partitions.filter((p) => p.status === 'loaded')).toHaveLength(28);
      const forced = await cli('sync', '--customer', CUSTOMER, '--from', FROM, '--to', TO, '--force');
      expect(forced.code).toBe(0);
      const w = new RedshiftDataWarehouse({
        database: 'adrank',
        workgroupName: 'adrank-wg',
        clientConfig: redshift.clientConfig,
        pollMs: 2,
      });
      try {
        expect(await totals(w)).toEqual(EXPECTED);
      } finally {
        await w.close();
      }
      // COPY reads the raw file kept in the data lake (no second copy of the data), in the transaction's session.
      const copy = redshift.calls.find((c) => c.sql?.startsWith('COPY adrank_raw_'));
      expect(copy?.sql).toContain("FROM 's3://adrank-lake/naver-etl/raw/naver/");
      expect(copy?.sessionId).toBeDefined();
      const s3 = new S3Client(moto.clientConfig);
      const raw = await s3.send(
        new ListObjectsV2Command({ Bucket: 'adrank-lake', Prefix: 'naver-etl/raw/naver/AD_DETAIL/' }),
      );
      s3.destroy();
      expect(raw.KeyCount).toBe(14);
    }, 120_000);
  },
);

describeIfAvailable(motoAvailable(), 'ETL Secrets Manager suite')(
  'etl reads the Naver credentials from Secrets Manager (moto) with NAVER_ADS_SECRET_ARN',
  () => {
    let naver: FakeNaverServer;
    let moto: Moto;
    let dir: string;
    const saved = { ...process.env };
    const err: string[] = [];

    beforeAll(async () => {
      naver = await FakeNaverServer.start({ data });
      moto = await startMoto();
      // the SDK's default credential chain reads these (the pod gets them from its IRSA role)
      process.env['AWS_ACCESS_KEY_ID'] = 'test';
      process.env['AWS_SECRET_ACCESS_KEY'] = 'test';
      dir = mkdtempSync(join(tmpdir(), 'etl-secret-'));
    });
    afterAll(async () => {
      process.env = saved;
      await naver.close();
      await moto.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    const secret = async (name: string, value: string): Promise<string> => {
      const sm = new SecretsManagerClient(moto.clientConfig);
      const r = await sm.send(new CreateSecretCommand({ Name: name, SecretString: value }));
      sm.destroy();
      return r.ARN as string;
    };
    const run = (arn: string, extra: Record<string, string> = {}) =>
      runCli(['keywords', '--customer', CUSTOMER], {
        env: {
          NAVER_ADS_SECRET_ARN: arn,
          AWS_REGION: moto.clientConfig.region,
          AWS_ENDPOINT_URL_SECRETS_MANAGER: moto.endpoint,
          NAVER_ADS_BASE_URL: naver.url,
          ADRANK_WAREHOUSE: 'duckdb',
          ADRANK_DUCKDB_PATH: join(dir, 'warehouse.duckdb'),
          ADRANK_DATA_LAKE: join(dir, 'lake'),
          ...extra,
        },
        reporter: new MemoryReporter(),
        out: () => undefined,
        err: (l) => err.push(l),
      });

    it('signs with the keys from the secret (the fake server checks every signature)', async () => {
      const arn = await secret(
        'adrank/naver-ok',
        JSON.stringify({
          NAVER_ADS_API_KEY: DEFAULT_FAKE_ACCOUNT.apiKey,
          NAVER_ADS_SECRET_KEY: DEFAULT_FAKE_ACCOUNT.secretKey,
        }),
      );
      const r = await run(arn);
      expect({ code: r.code, err }).toEqual({ code: 0, err: [] });
      expect(r.result).toMatchObject({ keywords: 20 });
    });

    it('names what is wrong: a missing secret, a malformed one, a missing key, both ways at once — exit 2', async () => {
      const cases: [string, string, Record<string, string>?][] = [
        [
          await secret('adrank/naver-partial', JSON.stringify({ NAVER_ADS_API_KEY: 'k' })),
          'NAVER_ADS_SECRET_ARN: the secret has no NAVER_ADS_SECRET_KEY',
        ],
        [await secret('adrank/naver-text', 'not json'), 'NAVER_ADS_SECRET_ARN: the secret is not a JSON object'],
        [
          `arn:aws:secretsmanager:${moto.clientConfig.region}:123456789012:secret:adrank/absent-AbCdEf`,
          'NAVER_ADS_SECRET_ARN: cannot read the secret: ResourceNotFoundException',
        ],
        [
          await secret('adrank/naver-both', '{}'),
          'give NAVER_ADS_SECRET_ARN or NAVER_ADS_API_KEY/NAVER_ADS_SECRET_KEY, not both',
          { NAVER_ADS_API_KEY: 'a', NAVER_ADS_SECRET_KEY: 'b' },
        ],
        ['arn:nope', 'NAVER_ADS_SECRET_ARN must be a Secrets Manager secret ARN'],
      ];
      for (const [arn, message, extra] of cases) {
        err.length = 0;
        const r = await run(arn, extra);
        expect({ arn, code: r.code, err: err.join('\n') }).toEqual({
          arn,
          code: 2,
          err: expect.stringContaining(message),
        });
      }
    });
  },
);
