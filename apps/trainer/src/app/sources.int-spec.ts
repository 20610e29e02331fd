/**
 * The extract step on every source it supports, against real local stand-ins: the embedded DuckDB warehouse, the
 * Redshift Data API (FakeRedshiftDataApi: the Data API protocol, SQL run on DuckDB), Parquet and CSV files on disk, and
 * Parquet objects on S3 (moto). Every source yields the same columns.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { MemoryReporter } from '@adrank/job';
import { describeIfAvailable, motoAvailable, startMoto, type Moto } from '@adrank/testing';
import { DuckDbWarehouse, openWarehouseFromEnv } from '@adrank/warehouse';
import { FakeRedshiftDataApi } from '@adrank/warehouse/testing';
import { loadConfig } from './config';
import type { ExtractedData } from './data';
import { ExtractError, ExtractStep } from './steps/extract.step';

const ROOT = join(__dirname, '..', '..', '..', '..');
const WINDOW = { windowDays: 10, historyDays: 5 };

function digest(d: ExtractedData) {
  const c = d.columns;
  let imp = 0;
  let clk = 0;
  let cost = 0;
  for (let i = 0; i < c.length; i++) {
    imp += c.impressions[i] as number;
    clk += c.clicks[i] as number;
    cost += c.cost[i] as number;
  }
  return {
    rows: c.length,
    days: c.days.map((x) => `${x.date}:${x.rows}`),
    terms: c.terms.size,
    keywords: c.keywords.size,
    imp,
    clk,
    cost: Math.round(cost),
    first: c.record(0, c.days[0]?.date as string),
    window: d.window,
  };
}

describe('extract sources', () => {
  let dir: string;
  let duck: ReturnType<typeof digest>;
  let duckRelations = 0;
  const extract = (env: Record<string, string>, source: string) =>
    new ExtractStep(loadConfig({ TRAINER_WORK_DIR: join(dir, 'work'), ...env }), new MemoryReporter()).run({
      source,
      ...WINDOW,
    });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'adrank-sources-'));
    execFileSync(
      process.execPath,
      [
        join(ROOT, 'tools/scripts/ts-run.cjs'),
        join(ROOT, 'tools/sample-data/generate.ts'),
        '--keywords',
        '120',
        '--days',
        '20',
        '--seed',
        '5',
        '--out',
        join(dir, 'sample'),
        '--duckdb',
        join(dir, 'w.duckdb'),
      ],
      { stdio: 'ignore' },
    );
    const w = await DuckDbWarehouse.open(join(dir, 'w.duckdb'));
    for (const t of ['search_term_hourly_performance', 'keyword_relations', 'naver_keywords'])
      await w.execute(`COPY ${t} TO '${join(dir, `${t}.parquet`)}' (FORMAT parquet)`);
    await w.execute(`COPY search_term_hourly_performance TO '${join(dir, 'rows.csv')}' (HEADER)`);
    await w.close();
    const d = await extract({ ADRANK_DUCKDB_PATH: join(dir, 'w.duckdb') }, 'warehouse');
    duck = digest(d);
    duckRelations = d.relations.length;
    expect(duck.rows).toBeGreaterThan(1000);
    expect(d.accountKeywords.length).toBe(120);
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads Parquet and CSV files (a file or a directory) into the same columns as the warehouse', async () => {
    expect(digest(await extract({}, `file:${join(dir, 'search_term_hourly_performance.parquet')}`))).toEqual(duck);
    expect(digest(await extract({}, `file:${join(dir, 'rows.csv')}`))).toEqual(duck);
  });

  it('names what is wrong with a file source', async () => {
    await expect(extract({}, `file:${join(dir, 'nope.csv')}`)).rejects.toThrow(
      /source path .*nope\.csv does not exist/,
    );
    await expect(extract({}, `file:${join(dir, 'keyword_relations.parquet')}`)).rejects.toThrow(
      /missing column\(s\) stat_date, stat_hour, device, search_term, keyword, impressions/,
    );
    await expect(extract({}, `file:${join(dir, 'sample')}`)).rejects.toThrow(ExtractError);
  });

  it('runs the same SQL through the Redshift Data API', async () => {
    const redshift = await FakeRedshiftDataApi.start({ pageSize: 700 });
    try {
      const env = {
        ADRANK_WAREHOUSE: 'redshift',
        REDSHIFT_DATABASE: 'adrank',
        REDSHIFT_WORKGROUP: 'adrank-wg',
        REDSHIFT_DATA_ENDPOINT: redshift.url,
        REDSHIFT_POLL_MS: '2',
        AWS_REGION: 'us-east-1',
      };
      Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' });
      const w = await openWarehouseFromEnv(env);
      await w.migrate();
      // seeding only: the fake executes on DuckDB, which reads the Parquet exports directly
      for (const t of ['search_term_hourly_performance', 'keyword_relations', 'naver_keywords'])
        await w.execute(`INSERT INTO ${t} SELECT * FROM read_parquet('${join(dir, `${t}.parquet`)}')`);
      await w.close();
      const d = await extract(env, 'warehouse');
      expect(digest(d)).toEqual(duck);
      expect(d.relations.length).toBe(duckRelations);
      // the result came back in pages (pageSize 700), through the Data API's NextToken
      expect(redshift.calls.filter((c) => c.operation === 'GetStatementResult').length).toBeGreaterThan(3);
    } finally {
      await redshift.close();
    }
  }, 60_000);

  describeIfAvailable(motoAvailable(), 'S3 source (moto)')('on S3', () => {
    let moto: Moto;
    beforeAll(async () => (moto = await startMoto()), 30_000);
    afterAll(() => moto?.stop());

    it('downloads the Parquet objects under a prefix and reads them', async () => {
      const s3 = new S3Client(moto.clientConfig);
      await s3.send(new CreateBucketCommand({ Bucket: 'lake' }));
      await s3.send(
        new PutObjectCommand({
          Bucket: 'lake',
          Key: 'exports/training/part-0.parquet',
          Body: readFileSync(join(dir, 'search_term_hourly_performance.parquet')),
        }),
      );
      await s3.send(new PutObjectCommand({ Bucket: 'lake', Key: 'exports/training/_SUCCESS', Body: '' }));
      s3.destroy();
      Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' });
      const env = { S3_ENDPOINT: moto.endpoint, AWS_REGION: 'us-east-1' };
      expect(digest(await extract(env, 's3://lake/exports/training/'))).toEqual(duck);
      await expect(extract(env, 's3://lake/nothing/')).rejects.toThrow(
        's3://lake/nothing/: no .csv or .parquet objects',
      );
    }, 60_000);
  });
});
