import { DuckDbWarehouse } from './duckdb';
import { RedshiftDataWarehouse } from './redshift';
import { WarehouseError, type Warehouse } from './types';

/** The settings `openWarehouseFromEnv` reads (values as strings, as in the environment, or already typed). */
export type WarehouseEnv = Record<string, string | number | undefined>;

/**
 * Every problem with the warehouse variables of `env`, each naming its variable (empty = fine):
 * `ADRANK_WAREHOUSE` duckdb (default; `ADRANK_DUCKDB_PATH`, default `.adrank/warehouse.duckdb`; optional
 * `ADRANK_DUCKDB_MEMORY_LIMIT`, DuckDB's memory_limit — it spills to disk beyond it) or redshift
 * (`REDSHIFT_DATABASE`, `REDSHIFT_CLUSTER_ID` or `REDSHIFT_WORKGROUP`, `REDSHIFT_SECRET_ARN` or `REDSHIFT_DB_USER` for a
 * cluster, optional `REDSHIFT_COPY_ROLE_ARN`, `REDSHIFT_DATA_ENDPOINT`, `REDSHIFT_POLL_MS`, `AWS_REGION`).
 */
export function warehouseEnvProblems(env: WarehouseEnv, options: { requireCopyRole?: boolean } = {}): string[] {
  const p: string[] = [];
  const str = (k: string): string | undefined => {
    const v = env[k];
    return v === undefined || v === '' ? undefined : String(v);
  };
  const kind = str('ADRANK_WAREHOUSE') ?? 'duckdb';
  if (kind !== 'duckdb' && kind !== 'redshift') p.push(`ADRANK_WAREHOUSE must be duckdb or redshift (got "${kind}")`);
  const mem = str('ADRANK_DUCKDB_MEMORY_LIMIT');
  if (mem !== undefined && !/^\d+(\.\d+)?\s*(KB|MB|GB|KiB|MiB|GiB)$/i.test(mem))
    p.push(`ADRANK_DUCKDB_MEMORY_LIMIT must be a size like 512MB or 2GiB (got "${mem}")`);
  if (kind !== 'redshift') return p;
  if (!str('REDSHIFT_DATABASE')) p.push('REDSHIFT_DATABASE is required with ADRANK_WAREHOUSE=redshift');
  const cluster = str('REDSHIFT_CLUSTER_ID');
  const workgroup = str('REDSHIFT_WORKGROUP');
  if (!cluster && !workgroup)
    p.push('REDSHIFT_CLUSTER_ID or REDSHIFT_WORKGROUP is required with ADRANK_WAREHOUSE=redshift');
  if (cluster && workgroup) p.push('REDSHIFT_CLUSTER_ID and REDSHIFT_WORKGROUP are exclusive: set one');
  const secret = str('REDSHIFT_SECRET_ARN');
  if (cluster && !secret && !str('REDSHIFT_DB_USER'))
    p.push('REDSHIFT_SECRET_ARN (a Secrets Manager ARN) or REDSHIFT_DB_USER is required for a cluster');
  if (secret && !/^arn:aws:secretsmanager:/.test(secret))
    p.push(`REDSHIFT_SECRET_ARN must be a Secrets Manager ARN (got "${secret}")`);
  const role = str('REDSHIFT_COPY_ROLE_ARN');
  if (role ? !/^arn:aws:iam::\d{12}:role\/.+/.test(role) : options.requireCopyRole)
    p.push(`REDSHIFT_COPY_ROLE_ARN must be an IAM role ARN${role ? ` (got "${role}")` : ''}`);
  const endpoint = str('REDSHIFT_DATA_ENDPOINT');
  if (endpoint && !/^https?:\/\/\S+$/.test(endpoint))
    p.push(`REDSHIFT_DATA_ENDPOINT must be an http(s) URL (got "${endpoint}")`);
  const poll = str('REDSHIFT_POLL_MS');
  if (poll !== undefined && !(/^\d+$/.test(poll) && Number(poll) >= 1))
    p.push(`REDSHIFT_POLL_MS must be a positive integer (got "${poll}")`);
  return p;
}

/** Opens the warehouse the variables describe (checked first: a WarehouseError('CONFIG') lists every problem). */
export async function openWarehouseFromEnv(env: WarehouseEnv): Promise<Warehouse> {
  const problems = warehouseEnvProblems(env);
  if (problems.length > 0)
    throw new WarehouseError('CONFIG', `invalid warehouse configuration:\n  - ${problems.join('\n  - ')}`);
  const str = (k: string): string | undefined => {
    const v = env[k];
    return v === undefined || v === '' ? undefined : String(v);
  };
  if ((str('ADRANK_WAREHOUSE') ?? 'duckdb') === 'duckdb') {
    const memoryLimit = str('ADRANK_DUCKDB_MEMORY_LIMIT');
    return DuckDbWarehouse.open(
      str('ADRANK_DUCKDB_PATH') ?? '.adrank/warehouse.duckdb',
      memoryLimit ? { memoryLimit } : {},
    );
  }
  const opt = (key: string, name: string): Record<string, string> => {
    const v = str(key);
    return v === undefined ? {} : { [name]: v };
  };
  const region = str('AWS_REGION');
  const endpoint = str('REDSHIFT_DATA_ENDPOINT');
  return new RedshiftDataWarehouse({
    database: str('REDSHIFT_DATABASE') as string,
    ...opt('REDSHIFT_CLUSTER_ID', 'clusterIdentifier'),
    ...opt('REDSHIFT_WORKGROUP', 'workgroupName'),
    ...opt('REDSHIFT_SECRET_ARN', 'secretArn'),
    ...opt('REDSHIFT_DB_USER', 'dbUser'),
    ...opt('REDSHIFT_COPY_ROLE_ARN', 'copyIamRole'),
    ...(str('REDSHIFT_POLL_MS') ? { pollMs: Number(str('REDSHIFT_POLL_MS')) } : {}),
    clientConfig: { ...(region ? { region } : {}), ...(endpoint ? { endpoint } : {}) },
  });
}
