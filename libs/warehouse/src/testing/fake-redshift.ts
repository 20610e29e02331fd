import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { DuckDBConnection, DuckDBInstance, DuckDBTypeId, type DuckDBResultReader } from '@duckdb/node-api';
import { parseNamed } from '../lib/params';

export interface FakeRedshiftOptions {
  /** S3 settings used to read `COPY … FROM 's3://…'` (e.g. moto's endpoint). */
  s3?: S3ClientConfig;
  /** Records per GetStatementResult page (default 1000; small values exercise NextToken paging). */
  pageSize?: number;
  /** DescribeStatement answers STARTED this many times before the final status (exercises polling). */
  startedPolls?: number;
}

interface Statement {
  id: string;
  sql: string;
  status: 'SUBMITTED' | 'STARTED' | 'FINISHED' | 'FAILED' | 'ABORTED';
  error?: string;
  describes: number;
  hasResultSet: boolean;
  resultRows: number;
  records: Record<string, unknown>[][];
  columns: { name: string; label: string; typeName: string }[];
  sessionId?: string;
  done: Promise<void>;
  createdAt: number;
}

/** One connection and the chain of statements queued on it (the main lane, or a Data API session). */
interface Lane {
  conn: Promise<DuckDBConnection>;
  chain: Promise<void>;
}

/** Logged for assertions: which operations the SDK sent. */
export interface LoggedCall {
  operation: string;
  sql?: string;
  parameters?: { name: string; value: string }[];
  sessionId?: string;
}

const TYPE_NAMES: Partial<Record<number, string>> = {
  [DuckDBTypeId.BOOLEAN]: 'bool',
  [DuckDBTypeId.SMALLINT]: 'int2',
  [DuckDBTypeId.INTEGER]: 'int4',
  [DuckDBTypeId.BIGINT]: 'int8',
  [DuckDBTypeId.HUGEINT]: 'numeric',
  [DuckDBTypeId.DOUBLE]: 'float8',
  [DuckDBTypeId.FLOAT]: 'float4',
  [DuckDBTypeId.DECIMAL]: 'numeric',
  [DuckDBTypeId.DATE]: 'date',
  [DuckDBTypeId.TIMESTAMP]: 'timestamp',
  [DuckDBTypeId.TIMESTAMP_TZ]: 'timestamptz',
  [DuckDBTypeId.VARCHAR]: 'varchar',
};

/**
 * A Redshift-Data-API-compatible endpoint for tests: speaks the Data API's JSON 1.1 protocol (ExecuteStatement with
 * named parameters and sessions, DescribeStatement, GetStatementResult with NextToken pages, CancelStatement) and
 * executes the SQL on DuckDB. `COPY t (cols) FROM 's3://…' IAM_ROLE '…'` reads the object through the configured S3
 * endpoint. Statements run asynchronously, as on Redshift: the client must poll.
 */
export class FakeRedshiftDataApi {
  readonly calls: LoggedCall[] = [];
  url = '';
  private readonly server: Server;
  private readonly statements = new Map<string, Statement>();
  private readonly sessions = new Map<string, Lane>();
  private main!: Lane;
  private instance!: DuckDBInstance;
  private readonly s3: S3Client | undefined;
  private readonly tmp = mkdtempSync(join(tmpdir(), 'fake-redshift-'));

  private constructor(private readonly options: FakeRedshiftOptions) {
    this.s3 = options.s3 ? new S3Client(options.s3) : undefined;
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  static async start(options: FakeRedshiftOptions = {}): Promise<FakeRedshiftDataApi> {
    const f = new FakeRedshiftDataApi(options);
    f.instance = await DuckDBInstance.create(':memory:');
    f.main = { conn: f.instance.connect(), chain: Promise.resolve() };
    await new Promise<void>((r) => f.server.listen(0, '127.0.0.1', r));
    f.url = `http://127.0.0.1:${(f.server.address() as AddressInfo).port}`;
    return f;
  }

  /** SDK client settings pointing at this endpoint. */
  get clientConfig(): {
    endpoint: string;
    region: string;
    credentials: { accessKeyId: string; secretAccessKey: string };
  } {
    return {
      endpoint: this.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    };
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
    for (const s of this.statements.values()) await s.done.catch(() => undefined);
    for (const s of [...this.sessions.values(), this.main]) (await s.conn).closeSync();
    this.instance.closeSync();
    this.s3?.destroy();
    rmSync(this.tmp, { recursive: true, force: true });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const parts: Buffer[] = [];
    for await (const c of req) parts.push(c as Buffer);
    const target = String(req.headers['x-amz-target'] ?? '');
    const op = target.startsWith('RedshiftData.') ? target.slice('RedshiftData.'.length) : target;
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(Buffer.concat(parts).toString('utf8') || '{}') as Record<string, unknown>;
    } catch {
      return this.error(res, 'ValidationException', 'body is not JSON');
    }
    try {
      switch (op) {
        case 'ExecuteStatement':
          return this.reply(res, this.executeStatement(body));
        case 'DescribeStatement':
          return this.reply(res, this.describe(body));
        case 'GetStatementResult':
          return this.reply(res, this.result(body));
        case 'CancelStatement': {
          const s = this.get(body);
          if (s.status !== 'FINISHED' && s.status !== 'FAILED') s.status = 'ABORTED';
          return this.reply(res, { Status: true });
        }
        default:
          return this.error(res, 'UnknownOperationException', `operation ${op} is not supported by the fake`);
      }
    } catch (e) {
      const err = e as Error & { type?: string };
      return this.error(res, err.type ?? 'ValidationException', err.message);
    }
  }

  private executeStatement(b: Record<string, unknown>): Record<string, unknown> {
    const sql = String(b['Sql'] ?? '');
    const params = (b['Parameters'] as { name: string; value: string }[] | undefined) ?? [];
    const sessionIn = b['SessionId'] as string | undefined;
    this.calls.push({
      operation: 'ExecuteStatement',
      sql,
      parameters: params,
      ...(sessionIn ? { sessionId: sessionIn } : {}),
    });
    if (sql.trim() === '') throw validation('Sql is required');
    if (sessionIn === undefined) {
      if (!b['Database']) throw validation('Database is required');
      if (!b['ClusterIdentifier'] === !b['WorkgroupName'])
        throw validation('exactly one of ClusterIdentifier and WorkgroupName');
      if (b['ClusterIdentifier'] && !b['SecretArn'] && !b['DbUser'])
        throw validation('a cluster needs SecretArn or DbUser');
    } else if (!this.sessions.has(sessionIn)) {
      throw validation(`session ${sessionIn} does not exist`);
    }
    for (const p of params) {
      if (typeof p.value !== 'string' || p.value === '')
        throw validation(`parameter ${p.name} needs a non-empty string value`);
    }
    const id = randomUUID();
    let sessionId = sessionIn;
    if (sessionId === undefined && b['SessionKeepAliveSeconds'] !== undefined) sessionId = randomUUID();
    const st: Statement = {
      id,
      sql,
      status: 'SUBMITTED',
      describes: 0,
      hasResultSet: false,
      resultRows: -1,
      records: [],
      columns: [],
      done: Promise.resolve(),
      createdAt: Date.now(),
      ...(sessionId ? { sessionId } : {}),
    };
    this.statements.set(id, st);
    const lane = sessionId ? this.session(sessionId) : this.main;
    st.done = lane.chain = lane.chain.then(async () => this.run(st, await lane.conn, params));
    return {
      Id: id,
      CreatedAt: st.createdAt / 1000,
      Database: b['Database'],
      ...(sessionId ? { SessionId: sessionId } : {}),
    };
  }

  private session(id: string): Lane {
    let s = this.sessions.get(id);
    if (s === undefined) {
      s = { conn: this.instance.connect(), chain: Promise.resolve() };
      this.sessions.set(id, s);
    }
    return s;
  }

  private async run(st: Statement, conn: DuckDBConnection, params: { name: string; value: string }[]): Promise<void> {
    if (st.status === 'ABORTED') return;
    st.status = 'STARTED';
    try {
      const copy = /^\s*COPY\s+(\w+)\s*\(([^)]*)\)\s+FROM\s+'(s3:\/\/[^']+)'\s+IAM_ROLE\s+'([^']*)'/is.exec(st.sql);
      if (copy !== null) {
        st.resultRows = await this.copyFromS3(
          conn,
          copy[1] as string,
          copy[2] as string,
          copy[3] as string,
          copy[4] as string,
        );
      } else {
        const parsed = parseNamed(st.sql);
        let sql = parsed.text[0] as string;
        parsed.names.forEach((n, k) => (sql += `$${n}${parsed.text[k + 1] as string}`));
        const values = Object.fromEntries(params.map((p) => [p.name, p.value]));
        const missing = parsed.names.filter((n) => !(n in values));
        if (missing.length > 0) throw new Error(`parameter(s) ${missing.join(', ')} not supplied`);
        if (/^\s*(SELECT|WITH|VALUES|SHOW)\b/i.test(sql)) {
          const r = await conn.runAndReadAll(sql, values);
          this.capture(st, r);
        } else {
          const r = await conn.run(sql, values);
          st.resultRows = Number(r.rowsChanged);
        }
      }
      if ((st.status as Statement['status']) !== 'ABORTED') st.status = 'FINISHED';
    } catch (e) {
      st.status = 'FAILED';
      st.error = `ERROR: ${(e as Error).message}`;
    }
  }

  private capture(st: Statement, r: DuckDBResultReader): void {
    const names = r.deduplicatedColumnNames();
    st.columns = names.map((n, i) => ({ name: n, label: n, typeName: TYPE_NAMES[r.columnTypeId(i)] ?? 'varchar' }));
    const rows = r.getRowsJson() as unknown[][];
    st.records = rows.map((row) =>
      row.map((v, i) => {
        if (v === null) return { isNull: true };
        const t = st.columns[i]?.typeName;
        if (t === 'bool') return { booleanValue: v };
        if (t === 'int2' || t === 'int4' || t === 'int8') return { longValue: Number(v) };
        if (t === 'float4' || t === 'float8') return { doubleValue: Number(v) };
        return { stringValue: String(v) };
      }),
    );
    st.hasResultSet = true;
    st.resultRows = rows.length;
  }

  private async copyFromS3(
    conn: DuckDBConnection,
    table: string,
    cols: string,
    uri: string,
    role: string,
  ): Promise<number> {
    if (!/^arn:aws:iam::\d{12}:role\/.+/.test(role)) throw new Error(`IAM_ROLE '${role}' is not a role ARN`);
    if (this.s3 === undefined) throw new Error('the fake was started without S3 settings: COPY from S3 is unavailable');
    const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
    if (m === null) throw new Error(`bad S3 URI ${uri}`);
    const obj = await this.s3.send(new GetObjectCommand({ Bucket: m[1], Key: m[2] }));
    const file = join(this.tmp, `${randomUUID()}.tsv`);
    writeFileSync(
      file,
      Buffer.from(await (obj.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray()),
    );
    try {
      const r = await conn.run(
        `COPY ${table} (${cols}) FROM '${file}' (FORMAT csv, DELIMITER '\t', HEADER false, QUOTE '', ESCAPE '', NULLSTR '\\N', AUTO_DETECT false)`,
      );
      return Number(r.rowsChanged);
    } finally {
      rmSync(file, { force: true });
    }
  }

  private get(b: Record<string, unknown>): Statement {
    const s = this.statements.get(String(b['Id']));
    if (s === undefined)
      throw Object.assign(new Error(`statement ${String(b['Id'])} not found`), { type: 'ResourceNotFoundException' });
    return s;
  }

  private describe(b: Record<string, unknown>): Record<string, unknown> {
    const s = this.get(b);
    this.calls.push({ operation: 'DescribeStatement' });
    s.describes++;
    const hold = s.describes <= (this.options.startedPolls ?? 0) && s.status === 'FINISHED';
    const status = hold ? 'STARTED' : s.status;
    return {
      Id: s.id,
      Status: status,
      QueryString: s.sql,
      HasResultSet: status === 'FINISHED' && s.hasResultSet,
      ResultRows: status === 'FINISHED' ? s.resultRows : -1,
      CreatedAt: s.createdAt / 1000,
      UpdatedAt: Date.now() / 1000,
      ...(s.error && status === 'FAILED' ? { Error: s.error } : {}),
      ...(s.sessionId ? { SessionId: s.sessionId } : {}),
    };
  }

  private result(b: Record<string, unknown>): Record<string, unknown> {
    const s = this.get(b);
    this.calls.push({ operation: 'GetStatementResult' });
    if (s.status !== 'FINISHED' || !s.hasResultSet)
      throw validation(`statement ${s.id} has no result set (${s.status})`);
    const size = this.options.pageSize ?? 1000;
    const start = b['NextToken'] ? Number(Buffer.from(String(b['NextToken']), 'base64').toString()) : 0;
    const end = Math.min(s.records.length, start + size);
    return {
      Records: s.records.slice(start, end),
      ColumnMetadata: s.columns,
      TotalNumRows: s.records.length,
      ...(end < s.records.length ? { NextToken: Buffer.from(String(end)).toString('base64') } : {}),
    };
  }

  private reply(res: ServerResponse, body: unknown): void {
    res.statusCode = 200;
    res.setHeader('content-type', 'application/x-amz-json-1.1');
    res.setHeader('x-amzn-requestid', randomUUID());
    res.end(JSON.stringify(body));
  }

  private error(res: ServerResponse, type: string, message: string): void {
    res.statusCode = type === 'ResourceNotFoundException' ? 404 : 400;
    res.setHeader('content-type', 'application/x-amz-json-1.1');
    res.setHeader('x-amzn-errortype', type);
    res.setHeader('x-amzn-requestid', randomUUID());
    res.end(JSON.stringify({ __type: type, message }));
  }
}

function validation(message: string): Error & { type: string } {
  return Object.assign(new Error(message), { type: 'ValidationException' });
}
