/** A bound parameter value. Dates bind as ISO strings; cast non-text parameters in SQL (`CAST(:d AS DATE)`). */
export type SqlValue = string | number | boolean | bigint | Date | null;
export type SqlParams = Record<string, SqlValue>;
export type Row = Record<string, unknown>;

/**
 * Values come back as: integers and decimals → number (a BIGINT beyond 2^53 → string), DATE → 'YYYY-MM-DD',
 * TIMESTAMP → 'YYYY-MM-DD HH:MM:SS[.ffffff]', BOOLEAN → boolean, NULL → null, text → string — the same on every
 * implementation.
 */
export interface WarehouseQueries {
  /** All rows of a query. SQL uses named parameters `:name`, bound (never concatenated). */
  query<T extends Row = Row>(sql: string, params?: SqlParams): Promise<T[]>;
  /** A statement without a result set; resolves to the number of rows it changed (when the engine says). */
  execute(sql: string, params?: SqlParams): Promise<{ rowsAffected: number }>;
  /**
   * Bulk-loads a file into `table` (columns in file order): tab-separated, no header, `\N` for NULL. DuckDB reads a
   * local path; Redshift an s3:// URI (COPY with the configured IAM role).
   */
  loadFile(table: string, file: string, options: LoadOptions): Promise<number>;
  /**
   * ELT in one call: reads a file (tab-separated, no header, all columns text, named `rawColumns`) and inserts
   * `SELECT <select[i]> …` into `table (columns)` — DuckDB straight from the file (read_csv), Redshift through COPY
   * into a session temporary table. `select` expressions refer to raw columns by name and may use `:params`.
   * Resolves to the number of rows inserted.
   */
  insertFromFile(table: string, file: string, options: InsertFromFileOptions): Promise<number>;
}

export interface LoadOptions {
  format: 'tsv';
  columns: readonly string[];
}

export interface InsertFromFileOptions {
  rawColumns: readonly string[];
  columns: readonly string[];
  select: readonly string[];
  params?: SqlParams;
}

export interface Warehouse extends WarehouseQueries {
  readonly dialect: 'duckdb' | 'redshift';
  /** Rows in batches, for extracts larger than memory. */
  stream<T extends Row = Row>(sql: string, params?: SqlParams, options?: { batchSize?: number }): AsyncGenerator<T[]>;
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<R>(fn: (tx: WarehouseQueries) => Promise<R>): Promise<R>;
  /** Applies the pending schema migrations; returns the versions applied now. */
  migrate(): Promise<number[]>;
  /** Cheap liveness check (SELECT 1) for health indicators. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export type WarehouseErrorCode = 'SQL' | 'PARAMS' | 'TIMEOUT' | 'ABORTED' | 'CONFIG' | 'LOAD';

export class WarehouseError extends Error {
  override readonly name = 'WarehouseError';
  constructor(
    readonly code: WarehouseErrorCode,
    message: string,
    readonly sql?: string,
    options?: { cause?: unknown },
  ) {
    super(sql === undefined ? message : `${message}\n  in: ${sql.replace(/\s+/g, ' ').trim().slice(0, 300)}`, options);
  }
}

/** Table and column names are interpolated (they cannot be bound): only plain identifiers are accepted. */
export function identifier(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/i.test(name)) throw new WarehouseError('PARAMS', `"${name}" is not a plain SQL identifier`);
  return name;
}

/**
 * One field of a staged file in the format `loadFile` / `insertFromFile` read: `\N` for NULL; tabs, line breaks and
 * backslashes (which the format cannot carry inside a value) become spaces.
 */
export function tsvField(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  const s = String(v);
  return /[\t\n\r\\]/.test(s) ? s.replace(/[\t\n\r\\]/g, ' ') : s;
}
