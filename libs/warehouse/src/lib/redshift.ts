import {
  CancelStatementCommand,
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  RedshiftDataClient,
  type ColumnMetadata,
  type DescribeStatementCommandOutput,
  type Field,
  type RedshiftDataClientConfig,
  type SqlParameter,
} from '@aws-sdk/client-redshift-data';
import { intValue } from './decode';
import { runMigrations } from './migrations';
import { checkParams, parseNamed, rewrite, textValue } from './params';
import {
  identifier,
  WarehouseError,
  type InsertFromFileOptions,
  type LoadOptions,
  type Row,
  type SqlParams,
  type Warehouse,
  type WarehouseQueries,
} from './types';

export interface RedshiftDataOptions {
  database: string;
  /** A provisioned cluster … */
  clusterIdentifier?: string;
  /** … or a Redshift Serverless workgroup (exactly one of the two). */
  workgroupName?: string;
  /** Secrets Manager secret with the database credentials … */
  secretArn?: string;
  /** … or, for a cluster, a database user for IAM temporary credentials (serverless uses the caller's IAM identity). */
  dbUser?: string;
  /** IAM role Redshift assumes to read the data lake in COPY. */
  copyIamRole?: string;
  /** SDK client settings (region, endpoint, credentials), or a client. */
  client?: RedshiftDataClient;
  clientConfig?: RedshiftDataClientConfig;
  /** First DescribeStatement delay, backoff factor and cap (default 100 ms × 1.5 up to 5 s). */
  pollMs?: number;
  pollFactor?: number;
  maxPollMs?: number;
  /** A statement still running after this is cancelled and fails (default 15 minutes). */
  statementTimeoutMs?: number;
}

/**
 * The warehouse on Amazon Redshift through the Data API: ExecuteStatement with named parameters, DescribeStatement
 * polled with backoff until FINISHED (FAILED/ABORTED become errors carrying Redshift's message), paginated
 * GetStatementResult decoded into plain rows. Transactions run in one Data API session (BEGIN … COMMIT with SessionId);
 * bulk loads are COPY from s3:// with the configured IAM role.
 */
export class RedshiftDataWarehouse implements Warehouse {
  readonly dialect = 'redshift' as const;
  private readonly client: RedshiftDataClient;
  private tempCounter = 0;
  private readonly target: {
    Database: string;
    ClusterIdentifier?: string;
    WorkgroupName?: string;
    SecretArn?: string;
    DbUser?: string;
  };

  constructor(private readonly options: RedshiftDataOptions) {
    const o = options;
    const fail = (m: string): never => {
      throw new WarehouseError('CONFIG', `Redshift: ${m}`);
    };
    if (!o.database) fail('database is required');
    if (!!o.clusterIdentifier === !!o.workgroupName) fail('give exactly one of clusterIdentifier and workgroupName');
    if (o.clusterIdentifier && !o.secretArn && !o.dbUser) fail('a cluster needs secretArn or dbUser');
    if (o.workgroupName && o.dbUser) fail('dbUser is for clusters; a serverless workgroup uses secretArn or IAM');
    this.target = {
      Database: o.database,
      ...(o.clusterIdentifier ? { ClusterIdentifier: o.clusterIdentifier } : {}),
      ...(o.workgroupName ? { WorkgroupName: o.workgroupName } : {}),
      ...(o.secretArn ? { SecretArn: o.secretArn } : {}),
      ...(o.dbUser ? { DbUser: o.dbUser } : {}),
    };
    this.client = o.client ?? new RedshiftDataClient(o.clientConfig ?? {});
  }

  async query<T extends Row = Row>(sql: string, params: SqlParams = {}): Promise<T[]> {
    const out: T[] = [];
    for await (const b of this.stream<T>(sql, params)) out.push(...b);
    return out;
  }

  async execute(sql: string, params: SqlParams = {}): Promise<{ rowsAffected: number }> {
    const d = await this.run(sql, params);
    return { rowsAffected: Number(d.ResultRows ?? 0) };
  }

  async *stream<T extends Row = Row>(
    sql: string,
    params: SqlParams = {},
    _options: { batchSize?: number } = {},
  ): AsyncGenerator<T[]> {
    const d = await this.run(sql, params);
    if (!d.HasResultSet) return;
    yield* this.results<T>(d.Id as string, sql);
  }

  async loadFile(table: string, file: string, options: LoadOptions): Promise<number> {
    return this.loadIn(undefined, table, file, options);
  }

  /** Outside a transaction the temporary table needs a session of its own: the call runs in one. */
  insertFromFile(table: string, file: string, options: InsertFromFileOptions): Promise<number> {
    return this.transaction((tx) => tx.insertFromFile(table, file, options));
  }

  async transaction<R>(fn: (tx: WarehouseQueries) => Promise<R>): Promise<R> {
    const begin = await this.run('BEGIN', {}, { keepAlive: true });
    const session = begin.SessionId;
    if (!session) throw new WarehouseError('SQL', 'Redshift Data API returned no SessionId for BEGIN');
    const tx: WarehouseQueries = {
      query: async <T extends Row>(sql: string, params: SqlParams = {}) => {
        const d = await this.run(sql, params, { session });
        const out: T[] = [];
        if (d.HasResultSet) for await (const b of this.results<T>(d.Id as string, sql)) out.push(...b);
        return out;
      },
      execute: async (sql, params = {}) => ({
        rowsAffected: Number((await this.run(sql, params, { session })).ResultRows ?? 0),
      }),
      loadFile: (table, file, options) => this.loadIn(session, table, file, options),
      insertFromFile: async (table, file, o) => {
        if (o.columns.length !== o.select.length)
          throw new WarehouseError(
            'PARAMS',
            `insertFromFile: ${o.columns.length} columns, ${o.select.length} expressions`,
          );
        const tmp = `adrank_raw_${(this.tempCounter++).toString(36)}`;
        await tx.execute(
          `CREATE TEMP TABLE ${tmp} (${o.rawColumns.map((c) => `${identifier(c)} VARCHAR(1024)`).join(', ')})`,
        );
        await this.loadIn(session, tmp, file, { format: 'tsv', columns: o.rawColumns });
        const sql = `INSERT INTO ${identifier(table)} (${o.columns.map(identifier).join(', ')})\nSELECT ${o.select.join(',\n  ')}\nFROM ${tmp}`;
        const n = (await tx.execute(sql, o.params ?? {})).rowsAffected;
        await tx.execute(`DROP TABLE ${tmp}`);
        return n;
      },
    };
    try {
      const out = await fn(tx);
      await this.run('COMMIT', {}, { session });
      return out;
    } catch (e) {
      await this.run('ROLLBACK', {}, { session }).catch(() => undefined);
      throw e;
    }
  }

  migrate(): Promise<number[]> {
    return runMigrations(this);
  }

  async ping(): Promise<void> {
    await this.query('SELECT 1 AS ok');
  }

  async close(): Promise<void> {
    if (this.options.client === undefined) this.client.destroy();
  }

  // --- internals -------------------------------------------------------------------------------------------------------

  private async loadIn(
    session: string | undefined,
    table: string,
    file: string,
    options: LoadOptions,
  ): Promise<number> {
    if (options.format !== 'tsv') throw new WarehouseError('LOAD', `unsupported format ${String(options.format)}`);
    if (!file.startsWith('s3://')) throw new WarehouseError('LOAD', `Redshift COPY reads s3:// URIs, got ${file}`);
    if (!this.options.copyIamRole)
      throw new WarehouseError('CONFIG', 'Redshift: copyIamRole is required for COPY from S3');
    const cols = options.columns.map(identifier).join(', ');
    const sql =
      `COPY ${identifier(table)} (${cols}) FROM '${file.replace(/'/g, "''")}' IAM_ROLE '${this.options.copyIamRole.replace(/'/g, "''")}' ` +
      `DELIMITER '\\t' NULL AS '\\\\N' DATEFORMAT 'YYYY-MM-DD' TIMEFORMAT 'auto' ACCEPTINVCHARS`;
    const d = await this.run(sql, {}, session ? { session } : {});
    return Number(d.ResultRows ?? 0);
  }

  /** Executes and waits; resolves to the final DescribeStatement. */
  private async run(
    sql: string,
    params: SqlParams,
    opts: { session?: string; keepAlive?: boolean } = {},
  ): Promise<DescribeStatementCommandOutput> {
    const parsed = parseNamed(sql);
    checkParams(parsed, params, sql);
    const text = rewrite(parsed, params, (n) => `:${n}`);
    const used = [...new Set(parsed.names)].filter((n) => params[n] !== null);
    const Parameters: SqlParameter[] = used.map((n) => ({
      name: n,
      value: textValue(params[n] as Exclude<SqlParams[string], null>),
    }));
    let id: string;
    try {
      const res = await this.client.send(
        new ExecuteStatementCommand({
          Sql: text,
          ...(Parameters.length > 0 ? { Parameters } : {}),
          ...(opts.session ? { SessionId: opts.session } : this.target),
          ...(opts.keepAlive ? { SessionKeepAliveSeconds: 600 } : {}),
        }),
      );
      id = res.Id as string;
    } catch (e) {
      throw new WarehouseError('SQL', `ExecuteStatement: ${(e as Error).name}: ${(e as Error).message}`, sql, {
        cause: e,
      });
    }
    return this.wait(id, sql);
  }

  private async wait(id: string, sql: string): Promise<DescribeStatementCommandOutput> {
    const deadline = Date.now() + (this.options.statementTimeoutMs ?? 15 * 60_000);
    let delay = this.options.pollMs ?? 100;
    for (;;) {
      const d = await this.client.send(new DescribeStatementCommand({ Id: id }));
      switch (d.Status) {
        case 'FINISHED':
          return d;
        case 'FAILED':
          throw new WarehouseError('SQL', `Redshift: ${d.Error ?? 'statement failed'}`, sql);
        case 'ABORTED':
          throw new WarehouseError('ABORTED', `Redshift: statement ${id} was aborted`, sql);
      }
      if (Date.now() + delay > deadline) {
        await this.client.send(new CancelStatementCommand({ Id: id })).catch(() => undefined);
        throw new WarehouseError(
          'TIMEOUT',
          `Redshift: statement ${id} still ${d.Status} after ${this.options.statementTimeoutMs ?? 900_000} ms (cancelled)`,
          sql,
        );
      }
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(this.options.maxPollMs ?? 5000, delay * (this.options.pollFactor ?? 1.5));
    }
  }

  private async *results<T extends Row>(id: string, sql: string): AsyncGenerator<T[]> {
    let token: string | undefined;
    let columns: ColumnMetadata[] | undefined;
    do {
      const page = await this.client.send(
        new GetStatementResultCommand({ Id: id, ...(token ? { NextToken: token } : {}) }),
      );
      columns = page.ColumnMetadata ?? columns;
      if (columns === undefined) throw new WarehouseError('SQL', 'GetStatementResult returned no column metadata', sql);
      const cols = columns;
      yield (page.Records ?? []).map((rec) => decodeRecord(rec, cols) as T);
      token = page.NextToken;
    } while (token);
  }
}

const NUMERIC = new Set(['numeric', 'decimal']);

export function decodeRecord(fields: Field[], columns: ColumnMetadata[]): Row {
  const row: Row = {};
  fields.forEach((f, i) => {
    const col = columns[i];
    const name = col?.label ?? col?.name ?? `col${i}`;
    const type = (col?.typeName ?? '').toLowerCase();
    if (f.isNull) row[name] = null;
    else if (f.longValue !== undefined) row[name] = intValue(f.longValue);
    else if (f.doubleValue !== undefined) row[name] = f.doubleValue;
    else if (f.booleanValue !== undefined) row[name] = f.booleanValue;
    else if (f.stringValue !== undefined) {
      row[name] = NUMERIC.has(type)
        ? Number(f.stringValue)
        : /^int[248]?$/.test(type)
          ? intValue(f.stringValue)
          : f.stringValue;
    } else row[name] = null;
  });
  return row;
}
