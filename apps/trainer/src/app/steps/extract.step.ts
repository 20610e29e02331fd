import { mkdirSync, readdirSync, statSync, createWriteStream } from 'node:fs';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { dayNumber, type RelationFigures } from '@adrank/features';
import type { Reporter } from '@adrank/job';
import { openStore } from '@adrank/model-store';
import { DuckDbWarehouse, openWarehouseFromEnv, type Warehouse } from '@adrank/warehouse';
import type { TrainerConfig } from '../config';
import { dateOf, PerformanceColumns, type ExtractedData } from '../data';
import { ACCOUNT_KEYWORDS_SQL, EXTRACT_SQL, FILE_COLUMNS, LATEST_DATE_SQL, RELATIONS_SQL } from '../sql';

export interface ExtractOptions {
  /** `warehouse`, `file:PATH` (CSV or Parquet file, or a directory of them) or `s3://bucket/key-or-prefix`. */
  source: string;
  /** Days of training rows, holdout included, ending at `endDate`. */
  windowDays: number;
  /** Days of history before the first row (the features' trailing window). */
  historyDays: number;
  /** Last day (default: the latest day in the source). */
  endDate?: string | undefined;
  /** Days per extract query (default 7). */
  chunkDays?: number;
}

export class ExtractError extends Error {
  override readonly name = 'ExtractError';
}

/**
 * Step 1: the training grain for [end − window − history + 1, end], streamed in batches into typed columns, plus the
 * keyword-tool relations and the account's keywords. Warehouse sources run the SQL of sql.ts on DuckDB or Redshift;
 * file sources (CSV/Parquet, local or S3) are read by an in-memory DuckDB through the same SQL.
 */
export class ExtractStep {
  constructor(
    private readonly config: TrainerConfig,
    private readonly reporter: Reporter,
  ) {}

  async run(o: ExtractOptions): Promise<ExtractedData> {
    const { warehouse, isFile } = await this.open(o.source);
    try {
      let end = o.endDate;
      if (end === undefined) {
        const [row] = await warehouse.query<{ latest: string | null }>(LATEST_DATE_SQL);
        if (!row?.latest) throw new ExtractError(`${o.source}: search_term_hourly_performance has no rows`);
        end = row.latest;
      }
      const endDay = dayNumber(end);
      const from = dateOf(endDay - o.windowDays + 1);
      const historyFrom = dateOf(endDay - o.windowDays - o.historyDays + 1);
      const columns = new PerformanceColumns();
      // One query per chunk of days: the engine groups and sorts a week at a time, not the whole window (on DuckDB
      // that bounds its memory to a week's rows; on Redshift it is a handful of statements).
      const chunk = o.chunkDays ?? 7;
      const firstDay = endDay - o.windowDays - o.historyDays + 1;
      for (let d = firstDay; d <= endDay; d += chunk) {
        const params = { from: dateOf(d), to: dateOf(Math.min(endDay, d + chunk - 1)) };
        for await (const batch of warehouse.stream<Record<string, unknown>>(EXTRACT_SQL, params, { batchSize: 10_000 }))
          for (const r of batch) columns.push(toRow(r));
        this.reporter.progress(Math.min(endDay, d + chunk - 1) - firstDay + 1, endDay - firstDay + 1, 'days extracted');
      }
      const relations = isFile ? [] : await this.relations(warehouse);
      const accountKeywords = isFile
        ? []
        : (await warehouse.query<{ keyword: string }>(ACCOUNT_KEYWORDS_SQL)).map((r) => r.keyword);
      this.reporter.info('extracted', {
        source: o.source,
        rows: columns.length,
        days: columns.days.length,
        searchTerms: columns.terms.size,
        keywords: columns.keywords.size,
        relations: relations.length,
        accountKeywords: accountKeywords.length,
        window: { historyFrom, from, to: end },
      });
      return { columns, relations, accountKeywords, window: { historyFrom, from, to: end }, source: o.source };
    } finally {
      await warehouse.close();
    }
  }

  private async relations(w: Warehouse): Promise<ExtractedData['relations']> {
    const rows = await w.query<{
      given_word: string;
      rel_keyword: string;
      search_volume: number | null;
      comp_idx: string | null;
      pl_avg_depth: number | null;
    }>(RELATIONS_SQL);
    return rows.map((r) => ({
      searchTerm: r.given_word,
      keyword: r.rel_keyword,
      figures: {
        monthlySearchVolume: r.search_volume === null ? null : Number(r.search_volume),
        competition: (['low', 'mid', 'high'] as const).find((c) => c === r.comp_idx) ?? null,
        adDepth: r.pl_avg_depth === null ? null : Number(r.pl_avg_depth),
      } satisfies RelationFigures,
    }));
  }

  private async open(source: string): Promise<{ warehouse: Warehouse; isFile: boolean }> {
    if (source === 'warehouse') return { warehouse: await openWarehouseFromEnv(this.config.env), isFile: false };
    let path: string;
    if (source.startsWith('file:')) path = source.slice('file:'.length).replace(/^\/\/(?=\/)/, '');
    else if (source.startsWith('s3://')) path = await this.download(source);
    else throw new ExtractError(`--source must be warehouse, file:PATH or s3://bucket/key (got "${source}")`);
    const files = listDataFiles(path);
    const kinds = new Set(files.map((f) => (f.endsWith('.parquet') ? 'parquet' : 'csv')));
    if (kinds.size > 1) throw new ExtractError(`${source}: mixes CSV and Parquet files; use one format`);
    const w = await DuckDbWarehouse.open(':memory:');
    try {
      const list = `[${files.map((f) => `'${f.replace(/'/g, "''")}'`).join(', ')}]`;
      const reader = kinds.has('parquet')
        ? `read_parquet(${list})`
        : `read_csv(${list}, header = true, auto_detect = true, union_by_name = true)`;
      await w.execute(`CREATE VIEW raw_source AS SELECT * FROM ${reader}`);
      const cols = new Set((await w.query<{ column_name: string }>('DESCRIBE raw_source')).map((r) => r.column_name));
      const missing = FILE_COLUMNS.filter((c) => !cols.has(c));
      if (missing.length > 0)
        throw new ExtractError(`${source}: missing column(s) ${missing.join(', ')} (has ${[...cols].join(', ')})`);
      // The same names and types as the warehouse table, so EXTRACT_SQL runs unchanged.
      await w.execute(`CREATE VIEW search_term_hourly_performance AS SELECT
        CAST(stat_date AS DATE) AS stat_date, CAST(stat_hour AS SMALLINT) AS stat_hour, CAST(device AS VARCHAR) AS device,
        CAST(search_term AS VARCHAR) AS search_term, CAST(keyword AS VARCHAR) AS keyword,
        CAST(impressions AS BIGINT) AS impressions, CAST(clicks AS BIGINT) AS clicks,
        CAST(conversions AS BIGINT) AS conversions, CAST(cost AS DOUBLE) AS cost,
        CAST(sum_ad_rank AS DOUBLE) AS sum_ad_rank, CAST(bid_amt AS BIGINT) AS bid_amt,
        CAST(quality_index AS INTEGER) AS quality_index, CAST(is_brand AS BOOLEAN) AS is_brand,
        CAST(is_season AS BOOLEAN) AS is_season
        FROM raw_source`);
      return { warehouse: w, isFile: true };
    } catch (e) {
      await w.close();
      if (e instanceof ExtractError) throw e;
      throw new ExtractError(`${source}: cannot read: ${(e as Error).message}`);
    }
  }

  /** s3://bucket/key or s3://bucket/prefix/ → local files under the work dir (CSV/Parquet objects only). */
  private async download(url: string): Promise<string> {
    const m = /^s3:\/\/([^/]+)\/(.*)$/.exec(url);
    if (!m || !m[1]) throw new ExtractError(`${url} is not s3://bucket/key`);
    const bucket = m[1];
    const key = m[2] ?? '';
    const store = openStore(`s3://${bucket}`, { s3: this.config.s3 });
    const objects = (await store.list(key)).filter((o) => /\.(csv|parquet)$/i.test(o.key));
    if (objects.length === 0) throw new ExtractError(`${url}: no .csv or .parquet objects`);
    const dir = join(this.config.TRAINER_WORK_DIR, 'source');
    mkdirSync(dir, { recursive: true });
    for (const [i, o] of objects.entries()) {
      const file = join(dir, `${String(i).padStart(5, '0')}-${basename(o.key)}`);
      await pipeline(await store.getStream(o.key), createWriteStream(file));
    }
    this.reporter.info('downloaded source files', { url, files: objects.length });
    return dir;
  }
}

function listDataFiles(path: string): string[] {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new ExtractError(`source path ${path} does not exist`);
  }
  if (st.isFile()) return [path];
  const files = readdirSync(path)
    .filter((f) => /\.(csv|parquet)$/i.test(f))
    .sort()
    .map((f) => join(path, f));
  if (files.length === 0) throw new ExtractError(`source directory ${path} has no .csv or .parquet files`);
  return files;
}

function toRow(r: Record<string, unknown>) {
  const n = (v: unknown): number => (v === null || v === undefined ? NaN : Number(v));
  const b = (v: unknown): boolean | null => (v === null || v === undefined ? null : Number(v) === 1 || v === true);
  return {
    date: String(r['stat_date']),
    hour: n(r['stat_hour']),
    device: String(r['device']),
    searchTerm: String(r['search_term'] ?? ''),
    keyword: String(r['keyword'] ?? ''),
    impressions: n(r['impressions']),
    clicks: n(r['clicks']),
    conversions: n(r['conversions']),
    cost: n(r['cost']),
    sumAdRank: n(r['sum_ad_rank']),
    bidAmt: r['bid_amt'] === null ? null : n(r['bid_amt']),
    qualityIndex: r['quality_index'] === null ? null : n(r['quality_index']),
    isBrand: b(r['is_brand']),
    isSeason: b(r['is_season']),
  };
}
