import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  DuckDBConnection,
  DuckDBInstance,
  DuckDBTypeId,
  type DuckDBResult,
  type DuckDBResultReader,
  type DuckDBValue,
} from '@duckdb/node-api';
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

const INT_TYPES = new Set<number>([
  DuckDBTypeId.BIGINT,
  DuckDBTypeId.HUGEINT,
  DuckDBTypeId.UBIGINT,
  DuckDBTypeId.UHUGEINT,
]);

/**
 * The embedded warehouse: a DuckDB database file (or `:memory:`). One connection serialises statements; a
 * transaction holds it until it ends, so other calls wait rather than interleave with it.
 */
export class DuckDbWarehouse implements Warehouse {
  readonly dialect = 'duckdb' as const;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
    readonly path: string,
  ) {}

  /** Opens (creating if needed) the database at `path`; `threads` caps DuckDB's worker threads. */
  /**
   * `checkpointThreshold` (default 128MB): how much WAL accumulates before DuckDB checkpoints into the database file.
   * Commits are durable either way (the WAL is synced); a larger threshold keeps bulk loads from paying a checkpoint
   * every few partitions (measured: 225k → 345k rows/s loading AD_DETAIL days).
   */
  static async open(
    path: string,
    options: { threads?: number; memoryLimit?: string; checkpointThreshold?: string } = {},
  ): Promise<DuckDbWarehouse> {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const config: Record<string, string> = {};
    if (options.threads !== undefined) config['threads'] = String(options.threads);
    if (options.memoryLimit !== undefined) config['memory_limit'] = options.memoryLimit;
    config['checkpoint_threshold'] = options.checkpointThreshold ?? '128MB';
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(path, config);
    } catch (e) {
      throw new WarehouseError('CONFIG', `cannot open DuckDB database ${path}: ${(e as Error).message}`, undefined, {
        cause: e,
      });
    }
    return new DuckDbWarehouse(instance, await instance.connect(), path);
  }

  private serial<R>(fn: () => Promise<R>): Promise<R> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  query<T extends Row = Row>(sql: string, params: SqlParams = {}): Promise<T[]> {
    return this.serial(() => this.queryNow<T>(sql, params));
  }

  execute(sql: string, params: SqlParams = {}): Promise<{ rowsAffected: number }> {
    return this.serial(() => this.executeNow(sql, params));
  }

  loadFile(table: string, file: string, options: LoadOptions): Promise<number> {
    return this.serial(() => this.loadNow(table, file, options));
  }

  insertFromFile(table: string, file: string, options: InsertFromFileOptions): Promise<number> {
    return this.serial(() => this.insertFromFileNow(table, file, options));
  }

  async *stream<T extends Row = Row>(
    sql: string,
    params: SqlParams = {},
    options: { batchSize?: number } = {},
  ): AsyncGenerator<T[]> {
    // A dedicated connection: the stream can be read slowly without blocking other statements.
    const conn = await this.instance.connect();
    try {
      const result = await conn.stream(...this.bind(sql, params));
      const batchSize = options.batchSize ?? 10_000;
      let batch: T[] = [];
      for await (const rows of result.yieldRowObjectJson()) {
        for (const r of rows) batch.push(convert(r as Record<string, unknown>, result) as T);
        if (batch.length >= batchSize) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length > 0) yield batch;
    } catch (e) {
      throw sqlError(e, sql);
    } finally {
      conn.closeSync();
    }
  }

  transaction<R>(fn: (tx: WarehouseQueries) => Promise<R>): Promise<R> {
    return this.serial(async () => {
      await this.conn.run('BEGIN TRANSACTION');
      const tx: WarehouseQueries = {
        query: (sql, params = {}) => this.queryNow(sql, params),
        execute: (sql, params = {}) => this.executeNow(sql, params),
        loadFile: (table, file, options) => this.loadNow(table, file, options),
        insertFromFile: (table, file, options) => this.insertFromFileNow(table, file, options),
      };
      try {
        const out = await fn(tx);
        await this.conn.run('COMMIT');
        return out;
      } catch (e) {
        await this.conn.run('ROLLBACK').catch(() => undefined);
        throw e;
      }
    });
  }

  migrate(): Promise<number[]> {
    return runMigrations(this);
  }

  async ping(): Promise<void> {
    await this.query('SELECT 1 AS ok');
  }

  async close(): Promise<void> {
    await this.queue;
    this.conn.closeSync();
    this.instance.closeSync();
  }

  // --- internals -------------------------------------------------------------------------------------------------------

  private bind(sql: string, params: SqlParams): [string, Record<string, DuckDBValue>] {
    const parsed = parseNamed(sql);
    checkParams(parsed, params, sql);
    const values: Record<string, DuckDBValue> = {};
    for (const n of parsed.names) {
      const v = params[n];
      if (v === null || v === undefined) continue;
      values[n] = v instanceof Date ? textValue(v) : typeof v === 'bigint' ? Number(v) : v;
    }
    return [rewrite(parsed, params, (n) => `$${n}`), values];
  }

  private async queryNow<T extends Row>(sql: string, params: SqlParams): Promise<T[]> {
    let r: DuckDBResultReader;
    try {
      r = await this.conn.runAndReadAll(...this.bind(sql, params));
    } catch (e) {
      throw sqlError(e, sql);
    }
    return (r.getRowObjectsJson() as Record<string, unknown>[]).map((row) => convert(row, r) as T);
  }

  private async executeNow(sql: string, params: SqlParams): Promise<{ rowsAffected: number }> {
    try {
      const r = await this.conn.run(...this.bind(sql, params));
      return { rowsAffected: Number(r.rowsChanged) };
    } catch (e) {
      throw sqlError(e, sql);
    }
  }

  private async insertFromFileNow(table: string, file: string, o: InsertFromFileOptions): Promise<number> {
    if (o.columns.length !== o.select.length)
      throw new WarehouseError('PARAMS', `insertFromFile: ${o.columns.length} columns, ${o.select.length} expressions`);
    const path = localPath(file);
    const raw = o.rawColumns.map((c) => `'${identifier(c)}': 'VARCHAR'`).join(', ');
    const source = `read_csv('${path.replace(/'/g, "''")}', delim = '\t', header = false, quote = '', escape = '', nullstr = '\\N', auto_detect = false, columns = {${raw}})`;
    const sql = `INSERT INTO ${identifier(table)} (${o.columns.map(identifier).join(', ')})\nSELECT ${o.select.join(',\n  ')}\nFROM ${source}`;
    const r = await this.executeNow(sql, o.params ?? {});
    return r.rowsAffected;
  }

  private async loadNow(table: string, file: string, options: LoadOptions): Promise<number> {
    if (options.format !== 'tsv') throw new WarehouseError('LOAD', `unsupported format ${String(options.format)}`);
    const path = localPath(file);
    const cols = options.columns.map(identifier).join(', ');
    const sql = `COPY ${identifier(table)} (${cols}) FROM '${path.replace(/'/g, "''")}' (FORMAT csv, DELIMITER '\t', HEADER false, QUOTE '', ESCAPE '', NULLSTR '\\N', AUTO_DETECT false)`;
    try {
      const r = await this.conn.run(sql);
      return Number(r.rowsChanged);
    } catch (e) {
      throw new WarehouseError('LOAD', `loading ${path} into ${table}: ${(e as Error).message}`, sql, { cause: e });
    }
  }
}

function convert(row: Record<string, unknown>, r: DuckDBResult | DuckDBResultReader): Row {
  const names = r.deduplicatedColumnNames();
  for (let i = 0; i < names.length; i++) {
    const n = names[i] as string;
    const v = row[n];
    if (v === null || v === undefined) continue;
    const t = r.columnTypeId(i);
    if (INT_TYPES.has(t)) row[n] = intValue(v as string);
    else if (t === DuckDBTypeId.DECIMAL) row[n] = Number(v);
  }
  return row;
}

function localPath(file: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(file) && !file.startsWith('file://')) {
    throw new WarehouseError('LOAD', `DuckDB loads local files; fetch ${file} from the data lake first`);
  }
  return file.replace(/^file:\/\//, '');
}

function sqlError(e: unknown, sql: string): WarehouseError {
  if (e instanceof WarehouseError) return e;
  return new WarehouseError('SQL', (e as Error).message, sql, { cause: e });
}
