/**
 * One contract, two implementations: every case runs on DuckDbWarehouse and on RedshiftDataWarehouse (the real AWS
 * SDK client against FakeRedshiftDataApi, which speaks the Data API's protocol and runs the SQL on DuckDB). COPY from
 * S3 needs moto (CI); the rest needs nothing outside npm.
 */
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { describeIfAvailable, motoAvailable, startMoto, type Moto } from '@adrank/testing';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeRedshiftDataApi } from '../testing';
import { DuckDbWarehouse } from './duckdb';
import { FACT_TABLES, MIGRATIONS } from './migrations';
import { RedshiftDataWarehouse } from './redshift';
import { WarehouseError, type Warehouse } from './types';

const ROLE = 'arn:aws:iam::123456789012:role/adrank-redshift-copy';

type Setup = { w: Warehouse; fake?: FakeRedshiftDataApi; close(): Promise<void> };

async function duck(): Promise<Setup> {
  const w = await DuckDbWarehouse.open(':memory:');
  return { w, close: () => w.close() };
}

async function redshift(s3?: Moto['clientConfig']): Promise<Setup> {
  const fake = await FakeRedshiftDataApi.start({ pageSize: 7, startedPolls: 1, ...(s3 ? { s3 } : {}) });
  const w = new RedshiftDataWarehouse({
    database: 'adrank',
    clusterIdentifier: 'adrank-test',
    secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:adrank-AbCdEf',
    copyIamRole: ROLE,
    clientConfig: fake.clientConfig,
    pollMs: 2,
    maxPollMs: 20,
  });
  return { w, fake, close: async () => (await w.close(), await fake.close()) };
}

describe.each([
  ['DuckDbWarehouse', duck],
  ['RedshiftDataWarehouse (Data API → fake endpoint)', () => redshift()],
])('%s', (_name, make) => {
  let s: Setup;
  beforeEach(async () => {
    s = await make();
  });
  afterEach(() => s.close());

  it('migrates once, creating every table and the view', async () => {
    expect(await s.w.migrate()).toEqual(MIGRATIONS.map((m) => m.version));
    expect(await s.w.migrate()).toEqual([]);
    const rows = await s.w.query<{ version: number; name: string }>('SELECT version, name FROM schema_migrations');
    expect(rows.map((r) => r.version).sort()).toEqual([1, 2]);
    expect(await s.w.query('SELECT COUNT(*) AS n FROM search_term_hourly_performance')).toEqual([{ n: 0 }]);
    for (const t of Object.values(FACT_TABLES)) {
      expect(await s.w.query(`SELECT COUNT(*) AS n FROM ${t.name}`)).toEqual([{ n: 0 }]);
    }
    expect(await s.w.query('SELECT COUNT(*) AS n FROM keyword_hourly_performance')).toEqual([{ n: 0 }]);
  });

  it('binds named parameters of every kind and decodes values the same way', async () => {
    const rows = await s.w.query(
      `SELECT :text AS t, CAST(:n AS BIGINT) AS n, CAST(:x AS DOUBLE PRECISION) AS x, CAST(:d AS DATE) AS d,
              CAST(:b AS BOOLEAN) AS b, :nothing AS z, 'it''s :not_a_param' AS lit, CAST('7' AS INTEGER) AS cast_ok`,
      { text: "나이키 'quoted' 운동화", n: 9007199254740991, x: 1.5, d: '2026-11-20', b: true, nothing: null },
    );
    expect(rows).toEqual([
      {
        t: "나이키 'quoted' 운동화",
        n: 9007199254740991,
        x: 1.5,
        d: '2026-11-20',
        b: true,
        z: null,
        lit: "it's :not_a_param",
        cast_ok: 7,
      },
    ]);
  });

  it('names missing and unused parameters before sending anything', async () => {
    await expect(s.w.query('SELECT :a AS a', {})).rejects.toThrow(/missing parameter\(s\) :a/);
    await expect(s.w.query('SELECT 1 AS a', { b: 1 })).rejects.toThrow(/unused parameter\(s\) b/);
    await expect(s.w.query('SELECT :a AS a', { a: NaN })).rejects.toMatchObject({ code: 'PARAMS' });
  });

  it('executes, counts changed rows, commits and rolls back transactions', async () => {
    await s.w.execute('CREATE TABLE t (id INTEGER NOT NULL, name VARCHAR(20))');
    expect((await s.w.execute("INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, :n)", { n: 'c' })).rowsAffected).toBe(3);
    await s.w.transaction(async (tx) => {
      await tx.execute('DELETE FROM t WHERE id = CAST(:id AS INTEGER)', { id: 1 });
      expect(await tx.query('SELECT COUNT(*) AS n FROM t')).toEqual([{ n: 2 }]);
    });
    await expect(
      s.w.transaction(async (tx) => {
        await tx.execute('DELETE FROM t');
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await s.w.query('SELECT id FROM t ORDER BY id')).toEqual([{ id: 2 }, { id: 3 }]);
  });

  it('streams large results in batches (Redshift: through NextToken pages)', async () => {
    let n = 0;
    let sum = 0;
    for await (const batch of s.w.stream<{ i: number }>(
      'SELECT CAST(i AS BIGINT) AS i FROM range(0, 20000) r(i)',
      {},
      { batchSize: 5000 },
    )) {
      n += batch.length;
      for (const r of batch) sum += r.i;
    }
    expect(n).toBe(20000);
    expect(sum).toBe((19999 * 20000) / 2);
    if (s.fake) expect(s.fake.calls.filter((c) => c.operation === 'GetStatementResult').length).toBeGreaterThan(2000);
  }, 30_000); // over 2,000 HTTP round trips to the fake Data API: ~3 s idle, more on a loaded machine

  it('turns SQL errors into WarehouseErrors carrying the engine message and the SQL', async () => {
    const e = (await s.w.query('SELECT * FROM no_such_table').catch((x: unknown) => x)) as WarehouseError;
    expect(e).toBeInstanceOf(WarehouseError);
    expect(e.code).toBe('SQL');
    expect(e.message).toMatch(/no_such_table/);
    expect(e.message).toContain('in: SELECT * FROM no_such_table');
    await s.w.ping();
  });
});

describe('DuckDbWarehouse files', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'wh-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('loads tab-separated files with \\N nulls, and keeps data across reopenings', async () => {
    const path = join(dir, 'db', 'adrank.duckdb');
    let w = await DuckDbWarehouse.open(path);
    await w.migrate();
    const t = FACT_TABLES.AD_DETAIL;
    const line = [
      '2026-11-20',
      '1234567',
      'c',
      'g',
      '\\N',
      'a',
      'b',
      '13',
      '01',
      '27758',
      'MOBILE',
      '10',
      '2',
      '330.5',
      'vat_included',
      '30',
      '0',
      'run-1',
    ];
    writeFileSync(join(dir, 'x.tsv'), line.join('\t') + '\n' + line.join('\t') + '\n');
    expect(await w.loadFile(t.name, join(dir, 'x.tsv'), { format: 'tsv', columns: t.columns.map(([c]) => c) })).toBe(2);
    await w.close();
    w = await DuckDbWarehouse.open(path);
    expect(await w.query(`SELECT keyword_id, stat_hour, cost, stat_date FROM ${t.name} LIMIT 1`)).toEqual([
      { keyword_id: null, stat_hour: 13, cost: 330.5, stat_date: '2026-11-20' },
    ]);
    await expect(w.loadFile(t.name, 's3://b/k.tsv', { format: 'tsv', columns: ['x'] })).rejects.toThrow(
      /DuckDB loads local files/,
    );
    await expect(w.loadFile('bad name', join(dir, 'x.tsv'), { format: 'tsv', columns: ['x'] })).rejects.toThrow(
      /not a plain SQL identifier/,
    );
    await w.close();
  });
});

describe('DuckDbWarehouse.insertFromFile', () => {
  it('selects typed columns out of a text file in one statement, with parameters, or fails as a whole', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wh-'));
    const w = await DuckDbWarehouse.open(':memory:');
    try {
      await w.execute('CREATE TABLE t (d DATE NOT NULL, n BIGINT NOT NULL, tag VARCHAR(10) NOT NULL)');
      writeFileSync(join(dir, 'a.tsv'), '20261120\t5\n20261121\t7\n');
      const opts = { rawColumns: ['r_d', 'r_n'], columns: ['d', 'n', 'tag'], params: { tag: 'x' } };
      const select = [
        "CAST(SUBSTRING(r_d, 1, 4) || '-' || SUBSTRING(r_d, 5, 2) || '-' || SUBSTRING(r_d, 7, 2) AS DATE)",
        'CAST(r_n AS BIGINT)',
      ];
      expect(await w.insertFromFile('t', join(dir, 'a.tsv'), { ...opts, select: [...select, ':tag'] })).toBe(2);
      expect(await w.query('SELECT d, n, tag FROM t ORDER BY d')).toEqual([
        { d: '2026-11-20', n: 5, tag: 'x' },
        { d: '2026-11-21', n: 7, tag: 'x' },
      ]);
      writeFileSync(join(dir, 'b.tsv'), '20261122\t5\n20261123\tnope\n');
      await expect(
        w.insertFromFile('t', join(dir, 'b.tsv'), { ...opts, select: [...select, ':tag'] }),
      ).rejects.toMatchObject({ code: 'SQL' });
      expect(await w.query('SELECT COUNT(*) AS n FROM t')).toEqual([{ n: 2 }]);
      await expect(w.insertFromFile('t', join(dir, 'a.tsv'), { ...opts, select })).rejects.toThrow(
        /3 columns, 2 expressions/,
      );
    } finally {
      await w.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('RedshiftDataWarehouse configuration', () => {
  it('names what is missing', () => {
    expect(() => new RedshiftDataWarehouse({ database: '' })).toThrow(/database is required/);
    expect(() => new RedshiftDataWarehouse({ database: 'd' })).toThrow(
      /exactly one of clusterIdentifier and workgroupName/,
    );
    expect(() => new RedshiftDataWarehouse({ database: 'd', clusterIdentifier: 'c' })).toThrow(/secretArn or dbUser/);
    expect(() => new RedshiftDataWarehouse({ database: 'd', workgroupName: 'w', dbUser: 'u' })).toThrow(
      /dbUser is for clusters/,
    );
  });

  it('polls with backoff, and cancels a statement that outlives its timeout', async () => {
    const fake = await FakeRedshiftDataApi.start({ startedPolls: 1000 });
    const w = new RedshiftDataWarehouse({
      database: 'd',
      workgroupName: 'wg',
      clientConfig: fake.clientConfig,
      pollMs: 2,
      statementTimeoutMs: 150,
    });
    try {
      await expect(w.query('SELECT 1 AS x')).rejects.toMatchObject({ code: 'TIMEOUT' });
      expect(fake.calls.filter((c) => c.operation === 'DescribeStatement').length).toBeLessThan(40); // backoff, not a busy loop
    } finally {
      await w.close();
      await fake.close();
    }
  });
});

describeIfAvailable(motoAvailable(), 'Redshift COPY suite')('RedshiftDataWarehouse COPY from S3 (moto)', () => {
  let moto: Moto;
  let s3: S3Client;
  beforeAll(async () => {
    moto = await startMoto();
    s3 = new S3Client(moto.clientConfig);
    await s3.send(new CreateBucketCommand({ Bucket: 'lake' }));
  }, 60_000);
  afterAll(async () => {
    s3?.destroy();
    await moto?.stop();
  });

  it('loads a staged file from the data lake inside a transaction', async () => {
    const s = await redshift(moto.clientConfig);
    try {
      await s.w.migrate();
      const t = FACT_TABLES.AD_CONVERSION_DETAIL;
      const line = [
        '2026-11-20',
        '1234567',
        'c',
        'g',
        'k',
        'a',
        'b',
        '3',
        '01',
        '27758',
        'PC',
        'direct',
        'purchase',
        'false',
        '2',
        '39000',
        'run-1',
      ];
      await s3.send(new PutObjectCommand({ Bucket: 'lake', Key: 'staged/x.tsv', Body: line.join('\t') + '\n' }));
      const cols = t.columns.map(([c]) => c);
      const n = await s.w.transaction((tx) =>
        tx.loadFile(t.name, 's3://lake/staged/x.tsv', { format: 'tsv', columns: cols }),
      );
      expect(n).toBe(1);
      expect(await s.w.query(`SELECT conversions, conversion_value, legacy_conversion_type FROM ${t.name}`)).toEqual([
        { conversions: 2, conversion_value: 39000, legacy_conversion_type: false },
      ]);
      const copy = s.fake?.calls.find((c) => c.sql?.startsWith('COPY'));
      expect(copy?.sql).toContain(`IAM_ROLE '${ROLE}'`);
      expect(copy?.sessionId).toBeDefined();
      await expect(s.w.loadFile(t.name, '/local/file.tsv', { format: 'tsv', columns: cols })).rejects.toThrow(
        /reads s3:\/\/ URIs/,
      );
    } finally {
      await s.close();
    }
  });
});
