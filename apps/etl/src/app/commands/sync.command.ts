import { closeSync, createReadStream, createWriteStream, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { parseReport, type ReportType } from '@adrank/naver-ads';
import { FACT_TABLES, LocalDataLake, type DataLake, type Warehouse } from '@adrank/warehouse';
import { daysBetween, type SyncArgs } from '../cli';
import type { EtlConfig } from '../config';
import { NaverClients } from '../naver-clients';
import type { Reporter } from '@adrank/job';
import { factLoad, loadParams } from '../load-sql';
import { DATA_LAKE, ETL_CONFIG, NAVER_CLIENTS, REPORTER, WAREHOUSE } from '../tokens';
import { finishRun, startRun } from './runs';

export interface PartitionResult {
  report: ReportType;
  date: string;
  status: 'loaded' | 'none' | 'skipped' | 'failed';
  rows: number;
  bytes: number;
  error?: string;
}

/** A partition fetched and kept in the lake, ready to commit. */
interface Prepared {
  report: ReportType;
  date: string;
  bytes: number;
  rawUri: string | null;
  /** What the warehouse loads (local path for DuckDB, s3:// URI for Redshift); null when Naver had no data (NONE). */
  loadFrom: string | null;
  /** The downloaded file, for the parser's diagnosis when the warehouse refuses the load. */
  rawLocal: string;
}

export interface SyncResult {
  runId: string;
  partitions: PartitionResult[];
  rowsByTable: Record<string, number>;
  retries: number;
  durationMs: number;
  failed: PartitionResult[];
}

/**
 * `etl sync`: for each day and report, create → poll → download the stat report, keep the raw file in the data lake,
 * load it into a temporary staging table and replace the (customer, date, report) partition from it in one
 * transaction together with its bookkeeping row (see load-sql.ts), while the validating parser reads the same file. Completed partitions are skipped on a re-run (resume after a
 * crash) unless `force`; a failed partition does not stop the others.
 */
@Injectable()
export class SyncCommand {
  constructor(
    @Inject(ETL_CONFIG) private readonly cfg: EtlConfig,
    @Inject(WAREHOUSE) private readonly warehouse: Warehouse,
    @Inject(DATA_LAKE) private readonly lake: DataLake,
    @Inject(NAVER_CLIENTS) private readonly naver: NaverClients,
    @Inject(REPORTER) private readonly log: Reporter,
  ) {}

  async run(args: Omit<SyncArgs, 'command'>): Promise<SyncResult> {
    const started = Date.now();
    const retriesBefore = this.naver.stats.retries;
    const client = this.naver.for(args.customer);
    await this.warehouse.migrate();
    const runId = await startRun(this.warehouse, 'sync', args.customer);
    const work = mkdtempSync(join(tmpdir(), `adrank-etl-${runId}-`));
    const days = daysBetween(args.from, args.to);
    const todo = days.flatMap((date) => args.reports.map((report) => ({ date, report })));
    const known = await this.completed(args.customer, args.reports, args.from, args.to);
    const done = args.force ? new Set<string>() : known;
    const results: PartitionResult[] = [];
    const rowsByTable: Record<string, number> = {};
    const killAt = Number(process.env['ADRANK_ETL_TEST_KILL_AT'] ?? 0); // test hook: die inside partition N
    let processed = 0;
    this.log.info('sync started', {
      runId,
      customer: args.customer,
      from: args.from,
      to: args.to,
      reports: args.reports,
      partitions: todo.length,
      alreadyDone: done.size,
    });
    try {
      // While partition i commits (warehouse work), partition i+1 is fetched and validated (network and parsing).
      const pending = todo.filter((p) => !done.has(`${p.report} ${p.date}`));
      for (const p of todo)
        if (done.has(`${p.report} ${p.date}`)) results.push({ ...p, status: 'skipped', rows: 0, bytes: 0 });
      const prepare = (k: number): Promise<Prepared | PartitionResult> | null => {
        const p = pending[k];
        if (p === undefined) return null;
        return this.prepare(client, args.customer, p.report, p.date, work).catch((e: unknown): PartitionResult => ({
          ...p,
          status: 'failed',
          rows: 0,
          bytes: 0,
          error: (e as Error).message,
        }));
      };
      let next = prepare(0);
      for (let k = 0; next !== null; k++) {
        const p = pending[k] as { report: ReportType; date: string };
        this.log.progress(results.length, todo.length, `${p.report} ${p.date}`);
        const ready = await next;
        next = prepare(k + 1);
        processed++;
        const res =
          'status' in ready
            ? ready
            : await this.commit(
                ready,
                args.customer,
                runId,
                known.has(`${p.report} ${p.date}`),
                processed === killAt,
              ).catch((e: unknown): PartitionResult => ({
                ...p,
                status: 'failed',
                rows: 0,
                bytes: 0,
                error: (e as Error).message,
              }));
        results.push(res);
        if (res.status === 'loaded') {
          const table = FACT_TABLES[p.report].name;
          rowsByTable[table] = (rowsByTable[table] ?? 0) + res.rows;
        }
        const level = res.status === 'failed' ? 'error' : 'info';
        this.log[level](`partition ${res.status}`, {
          report: p.report,
          date: p.date,
          rows: res.rows,
          bytes: res.bytes,
          ...(res.error ? { error: res.error } : {}),
        });
      }
      this.log.progress(todo.length, todo.length, 'done');
      const order = new Map(todo.map((p, i) => [`${p.report} ${p.date}`, i]));
      results.sort((a, b) => (order.get(`${a.report} ${a.date}`) ?? 0) - (order.get(`${b.report} ${b.date}`) ?? 0));
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
    const failed = results.filter((r) => r.status === 'failed');
    const result: SyncResult = {
      runId,
      partitions: results,
      rowsByTable,
      retries: this.naver.stats.retries - retriesBefore,
      durationMs: Date.now() - started,
      failed,
    };
    await finishRun(this.warehouse, runId, failed.length > 0 ? 'failed' : 'succeeded', {
      rowsByTable,
      partitions: countBy(results.map((r) => r.status)),
      retries: result.retries,
      failed: failed.map((f) => `${f.report} ${f.date}: ${f.error}`),
    });
    return result;
  }

  private async completed(customer: string, reports: ReportType[], from: string, to: string): Promise<Set<string>> {
    const rows = await this.warehouse.query<{ report_type: string; stat_date: string }>(
      `SELECT report_type, stat_date FROM etl_partitions
       WHERE customer_id = :customer AND stat_date BETWEEN CAST(:from AS DATE) AND CAST(:to AS DATE) AND status IN ('loaded', 'none')`,
      { customer, from, to },
    );
    return new Set(
      rows.filter((r) => reports.includes(r.report_type as ReportType)).map((r) => `${r.report_type} ${r.stat_date}`),
    );
  }

  /** Fetches the report and keeps the raw file in the lake (no warehouse work). */
  private async prepare(
    client: ReturnType<NaverClients['for']>,
    customer: string,
    report: ReportType,
    date: string,
    work: string,
  ): Promise<Prepared> {
    const key = `raw/naver/${report}/${customer}/${date}.tsv`;
    // A local lake receives the download directly (temporary file + rename), saving a copy of every report.
    const direct = this.lake instanceof LocalDataLake;
    const rawLocal = direct ? (this.lake as LocalDataLake).path(key) : join(work, `${report}-${date}.raw.tsv`);
    const fetched = await client.fetchStatReport(report, date, rawLocal, { pollMs: this.cfg.ETL_REPORT_POLL_MS });
    if (fetched.status !== 'BUILT') return { report, date, bytes: 0, rawUri: null, loadFrom: null, rawLocal };
    const rawUri = direct ? this.lake.uri(key) : await this.lake.put(key, rawLocal); // kept before any load
    const clean = await withoutCrOrBom(rawLocal, join(work, `${report}-${date}.clean.tsv`));
    const loadFrom =
      this.warehouse.dialect === 'redshift'
        ? clean === rawLocal
          ? rawUri
          : await this.lake.put(`staged/naver/${report}/${customer}/${date}.tsv`, clean)
        : clean;
    return { report, date, bytes: fetched.bytes, rawUri, loadFrom, rawLocal };
  }

  /**
   * Replaces the partition and writes its bookkeeping row, in one transaction. The load validates every row (see
   * load-sql.ts); when the warehouse refuses it, the report parser reads the file to name the bad line and column.
   */
  private async commit(
    p: Prepared,
    customer: string,
    runId: string,
    loadedBefore: boolean,
    killInside: boolean,
  ): Promise<PartitionResult> {
    const { report, date, loadFrom, rawUri } = p;
    const table = FACT_TABLES[report];
    const loadId = `${runId}:${report}:${date}`;
    const status = loadFrom !== null ? 'loaded' : 'none';
    let rows = 0;
    const replace = this.warehouse.transaction(async (tx) => {
      // Facts are written only here, in the same transaction as their etl_partitions row: a partition without one
      // has no rows (a killed load rolled back), so only a re-load has anything to delete — and skipping the delete
      // saves a scan of the whole fact table per partition.
      if (loadedBefore) {
        await tx.execute(
          `DELETE FROM ${table.name} WHERE customer_id = :customer AND stat_date = CAST(:date AS DATE)`,
          {
            customer,
            date,
          },
        );
      }
      if (loadFrom !== null) {
        const load = factLoad(report);
        rows = await tx.insertFromFile(load.table, loadFrom, {
          ...load,
          params: loadParams(report, loadId, customer, date),
        });
        if (killInside) process.kill(process.pid, 'SIGKILL'); // test hook: a crash between load and commit
      }
      await tx.execute(
        `DELETE FROM etl_partitions WHERE customer_id = :customer AND report_type = :report AND stat_date = CAST(:date AS DATE)`,
        { customer, report, date },
      );
      await tx.execute(
        `INSERT INTO etl_partitions (customer_id, report_type, stat_date, status, row_count, byte_count, raw_uri, run_id, loaded_at)
         VALUES (:customer, :report, CAST(:date AS DATE), :status, CAST(:rows AS BIGINT), CAST(:bytes AS BIGINT), :rawUri, :runId, CAST(:now AS TIMESTAMP))`,
        { customer, report, date, status, rows, bytes: p.bytes, rawUri, runId, now: new Date() },
      );
    });
    try {
      await replace;
    } catch (e) {
      if (loadFrom !== null) await validate(report, p.rawLocal, customer, date); // throws the parser's precise message
      throw e;
    }

    return { report, date, status, rows, bytes: p.bytes };
  }
}

/**
 * Parses the whole raw report with the validating parser: a malformed line fails with its line and column, and every
 * row must belong to the customer and day asked for (a report answering for another day is refused, not loaded into
 * the wrong partition). Resolves to the row count.
 */
async function validate(report: ReportType, rawFile: string, customer: string, date: string): Promise<number> {
  let rows = 0;
  for await (const batch of parseReport(report, createReadStream(rawFile, { highWaterMark: 1 << 20 }), {
    batchSize: 8192,
  })) {
    for (const r of batch) {
      rows++;
      if (r.date !== date || r.customerId !== customer) {
        throw new Error(`${report} ${date}: row ${rows} is for customer ${r.customerId} on ${r.date}`);
      }
    }
  }
  return rows;
}

/**
 * The warehouses' bulk loaders read plain LF-separated text; a file with CRLF line ends or a BOM (which the parser
 * accepts) is copied without them first. Returns the file to load.
 */
async function withoutCrOrBom(file: string, cleanFile: string): Promise<string> {
  const head = Buffer.alloc(1 << 16);
  const fd = openSync(file, 'r');
  let n: number;
  try {
    n = readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  const sample = head.subarray(0, n);
  if (!sample.includes(13) && !(sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf)) return file;
  let first = true;
  await pipeline(
    createReadStream(file),
    new Transform({
      transform(chunk: Buffer, _e, cb) {
        let s = chunk.toString('latin1'); // byte-preserving: only \r and the BOM bytes are removed
        if (first) {
          s = s.replace(/^\xef\xbb\xbf/, '');
          first = false;
        }
        cb(null, Buffer.from(s.replace(/\r/g, ''), 'latin1'));
      },
    }),
    createWriteStream(cleanFile),
  );
  return cleanFile;
}

function countBy(xs: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) out[x] = (out[x] ?? 0) + 1;
  return out;
}
