import { openWarehouseFromEnv, warehouseEnvProblems } from './from-env';
import { RedshiftDataWarehouse } from './redshift';

describe('warehouse settings from the environment', () => {
  it('accepts the embedded default and a complete Redshift setup', () => {
    expect(warehouseEnvProblems({})).toEqual([]);
    expect(
      warehouseEnvProblems({
        ADRANK_WAREHOUSE: 'redshift',
        REDSHIFT_DATABASE: 'adrank',
        REDSHIFT_WORKGROUP: 'wg',
        REDSHIFT_COPY_ROLE_ARN: 'arn:aws:iam::123456789012:role/copy',
      }),
    ).toEqual([]);
  });

  it('names every bad variable', () => {
    expect(warehouseEnvProblems({ ADRANK_DUCKDB_MEMORY_LIMIT: 'lots' })).toEqual([
      'ADRANK_DUCKDB_MEMORY_LIMIT must be a size like 512MB or 2GiB (got "lots")',
    ]);
    expect(warehouseEnvProblems({ ADRANK_DUCKDB_MEMORY_LIMIT: '512MB' })).toEqual([]);
    expect(warehouseEnvProblems({ ADRANK_WAREHOUSE: 'sqlite' })).toEqual([
      'ADRANK_WAREHOUSE must be duckdb or redshift (got "sqlite")',
    ]);
    const p = warehouseEnvProblems(
      {
        ADRANK_WAREHOUSE: 'redshift',
        REDSHIFT_CLUSTER_ID: 'c',
        REDSHIFT_SECRET_ARN: 'nope',
        REDSHIFT_DATA_ENDPOINT: 'localhost',
        REDSHIFT_POLL_MS: '0',
      },
      { requireCopyRole: true },
    );
    expect(p).toEqual([
      'REDSHIFT_DATABASE is required with ADRANK_WAREHOUSE=redshift',
      'REDSHIFT_SECRET_ARN must be a Secrets Manager ARN (got "nope")',
      'REDSHIFT_COPY_ROLE_ARN must be an IAM role ARN',
      'REDSHIFT_DATA_ENDPOINT must be an http(s) URL (got "localhost")',
      'REDSHIFT_POLL_MS must be a positive integer (got "0")',
    ]);
    expect(
      warehouseEnvProblems({ ADRANK_WAREHOUSE: 'redshift', REDSHIFT_DATABASE: 'd', REDSHIFT_CLUSTER_ID: 'c' }),
    ).toEqual(['REDSHIFT_SECRET_ARN (a Secrets Manager ARN) or REDSHIFT_DB_USER is required for a cluster']);
  });

  it('opens what the variables describe, and refuses before connecting when they are wrong', async () => {
    await expect(openWarehouseFromEnv({ ADRANK_WAREHOUSE: 'redshift' })).rejects.toThrow(
      /invalid warehouse configuration:\n {2}- REDSHIFT_DATABASE is required/,
    );
    const w = await openWarehouseFromEnv({
      ADRANK_WAREHOUSE: 'redshift',
      REDSHIFT_DATABASE: 'd',
      REDSHIFT_WORKGROUP: 'wg',
      AWS_REGION: 'ap-northeast-2',
      REDSHIFT_DATA_ENDPOINT: 'http://127.0.0.1:1',
    });
    expect(w).toBeInstanceOf(RedshiftDataWarehouse);
    await w.close();
    const d = await openWarehouseFromEnv({ ADRANK_DUCKDB_PATH: ':memory:', ADRANK_DUCKDB_MEMORY_LIMIT: '300MB' });
    expect(await d.query("SELECT current_setting('memory_limit') AS m")).toEqual([{ m: '286.1 MiB' }]);
    expect(d.dialect).toBe('duckdb');
    expect(await d.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    await d.close();
  });
});
