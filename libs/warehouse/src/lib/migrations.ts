import type { Warehouse } from './types';

/**
 * The warehouse schema as versioned migrations. Every statement is written in the SQL subset that DuckDB and Redshift
 * share (VARCHAR(n), BIGINT, SMALLINT, INTEGER, DOUBLE PRECISION, BOOLEAN, DATE, TIMESTAMP, informational PRIMARY
 * KEYs, CREATE VIEW with UNION ALL / GROUP BY), so one list serves both. What differs — bulk loads (COPY syntax),
 * parameter placeholders, transactions over the Data API — lives in each implementation, not in SQL here.
 */
export interface Migration {
  version: number;
  name: string;
  statements: string[];
}

/** A fact table loaded from a report: its name and columns (name, SQL type) in order. */
export interface FactTable {
  name: string;
  columns: readonly [string, string][];
}

const IDS: [string, string][] = [
  ['customer_id', 'VARCHAR(32) NOT NULL'],
  ['campaign_id', 'VARCHAR(64) NOT NULL'],
  ['adgroup_id', 'VARCHAR(64) NOT NULL'],
  ['keyword_id', 'VARCHAR(64)'],
  ['ad_id', 'VARCHAR(64) NOT NULL'],
  ['business_channel_id', 'VARCHAR(64) NOT NULL'],
];
const DETAIL: [string, string][] = [
  ['stat_hour', 'SMALLINT NOT NULL'],
  ['region_code', 'VARCHAR(16) NOT NULL'],
];
const MEDIA: [string, string][] = [
  ['media_code', 'VARCHAR(32) NOT NULL'],
  ['device', 'VARCHAR(8) NOT NULL'],
];
const PERF: [string, string][] = [
  ['impressions', 'BIGINT NOT NULL'],
  ['clicks', 'BIGINT NOT NULL'],
  ['cost', 'DOUBLE PRECISION NOT NULL'],
  ['cost_convention', 'VARCHAR(16) NOT NULL'],
  ['sum_ad_rank', 'DOUBLE PRECISION NOT NULL'],
  ['view_count', 'BIGINT NOT NULL'],
];
const CONV: [string, string][] = [
  ['conversion_method', 'VARCHAR(8) NOT NULL'],
  ['conversion_type', 'VARCHAR(64) NOT NULL'],
  ['legacy_conversion_type', 'BOOLEAN NOT NULL'],
  ['conversions', 'BIGINT NOT NULL'],
  ['conversion_value', 'DOUBLE PRECISION NOT NULL'],
];
const DATE: [string, string][] = [['stat_date', 'DATE NOT NULL']];
const LOAD: [string, string][] = [['load_id', 'VARCHAR(64) NOT NULL']];

function fact(name: string, columns: [string, string][]): FactTable {
  return { name, columns: [...columns, ...LOAD] };
}

/** The four report tables, keyed by Naver report type. */
export const FACT_TABLES = {
  AD: fact('ad_daily_performance', [...DATE, ...IDS, ...MEDIA, ...PERF]),
  AD_DETAIL: fact('ad_hourly_performance', [...DATE, ...IDS, ...DETAIL, ...MEDIA, ...PERF]),
  AD_CONVERSION: fact('ad_daily_conversions', [...DATE, ...IDS, ...MEDIA, ...CONV]),
  AD_CONVERSION_DETAIL: fact('ad_hourly_conversions', [...DATE, ...IDS, ...DETAIL, ...MEDIA, ...CONV]),
} as const;

function createTable(name: string, columns: readonly [string, string][], extra = ''): string {
  return `CREATE TABLE ${name} (\n  ${columns.map(([c, t]) => `${c} ${t}`).join(',\n  ')}${extra ? `,\n  ${extra}` : ''}\n)`;
}

const NAVER_KEYWORDS: [string, string][] = [
  ['keyword_id', 'VARCHAR(64) NOT NULL PRIMARY KEY'],
  ['customer_id', 'VARCHAR(32) NOT NULL'],
  ['campaign_id', 'VARCHAR(64)'],
  ['adgroup_id', 'VARCHAR(64) NOT NULL'],
  ['keyword', 'VARCHAR(512) NOT NULL'],
  ['bid_amt', 'BIGINT'],
  ['use_group_bid', 'BOOLEAN NOT NULL'],
  ['quality_index', 'INTEGER'],
  ['status', 'VARCHAR(32) NOT NULL'],
  ['inspect_status', 'VARCHAR(32)'],
  ['is_brand', 'BOOLEAN'],
  ['is_season', 'BOOLEAN'],
  ['reg_tm', 'VARCHAR(40)'],
  ['edit_tm', 'VARCHAR(40)'],
  ['snapshot_at', 'TIMESTAMP NOT NULL'],
];

const KEYWORD_RELATIONS: [string, string][] = [
  ['customer_id', 'VARCHAR(32) NOT NULL'],
  ['given_word', 'VARCHAR(256) NOT NULL'],
  ['rel_keyword', 'VARCHAR(256) NOT NULL'],
  ['monthly_pc_qc', 'BIGINT'],
  ['monthly_pc_qc_below10', 'BOOLEAN NOT NULL'],
  ['monthly_mobile_qc', 'BIGINT'],
  ['monthly_mobile_qc_below10', 'BOOLEAN NOT NULL'],
  ['monthly_ave_pc_clk', 'DOUBLE PRECISION'],
  ['monthly_ave_mobile_clk', 'DOUBLE PRECISION'],
  ['monthly_ave_pc_ctr', 'DOUBLE PRECISION'],
  ['monthly_ave_mobile_ctr', 'DOUBLE PRECISION'],
  ['pl_avg_depth', 'DOUBLE PRECISION'],
  ['comp_idx', 'VARCHAR(8)'],
  ['fetched_at', 'TIMESTAMP NOT NULL'],
];

const SEARCH_TERM_HOURLY: [string, string][] = [
  ['stat_date', 'DATE NOT NULL'],
  ['stat_hour', 'SMALLINT NOT NULL'],
  ['customer_id', 'VARCHAR(32) NOT NULL'],
  ['search_term', 'VARCHAR(256) NOT NULL'],
  ['keyword_id', 'VARCHAR(64)'],
  ['keyword', 'VARCHAR(512) NOT NULL'],
  ['device', 'VARCHAR(8) NOT NULL'],
  ['impressions', 'BIGINT NOT NULL'],
  ['clicks', 'BIGINT NOT NULL'],
  ['conversions', 'BIGINT NOT NULL'],
  ['cost', 'DOUBLE PRECISION NOT NULL'],
  ['sum_ad_rank', 'DOUBLE PRECISION NOT NULL'],
  ['bid_amt', 'BIGINT'],
  ['quality_index', 'INTEGER'],
  ['is_brand', 'BOOLEAN'],
  ['is_season', 'BOOLEAN'],
  ['load_id', 'VARCHAR(64) NOT NULL'],
];

/** Column order of the tables loaded from staged files (what `loadFile` takes as `columns`). */
export const TABLE_COLUMNS = {
  naver_keywords: NAVER_KEYWORDS.map(([c]) => c),
  keyword_relations: KEYWORD_RELATIONS.map(([c]) => c),
  search_term_hourly_performance: SEARCH_TERM_HOURLY.map(([c]) => c),
} as const;

export const SCHEMA_MIGRATIONS_DDL =
  'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER NOT NULL PRIMARY KEY, name VARCHAR(200) NOT NULL, applied_at TIMESTAMP NOT NULL)';

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'naver keywords, report facts, keyword relations, etl bookkeeping',
    statements: [
      createTable('naver_keywords', NAVER_KEYWORDS),
      ...Object.values(FACT_TABLES).map((t) => createTable(t.name, t.columns)),
      createTable('keyword_relations', KEYWORD_RELATIONS, 'PRIMARY KEY (customer_id, given_word, rel_keyword)'),
      createTable('etl_runs', [
        ['run_id', 'VARCHAR(64) NOT NULL PRIMARY KEY'],
        ['command', 'VARCHAR(32) NOT NULL'],
        ['customer_id', 'VARCHAR(32) NOT NULL'],
        ['started_at', 'TIMESTAMP NOT NULL'],
        ['finished_at', 'TIMESTAMP'],
        ['status', 'VARCHAR(16) NOT NULL'],
        ['summary', 'VARCHAR(65535)'],
      ]),
      createTable(
        'etl_partitions',
        [
          ['customer_id', 'VARCHAR(32) NOT NULL'],
          ['report_type', 'VARCHAR(32) NOT NULL'],
          ['stat_date', 'DATE NOT NULL'],
          ['status', 'VARCHAR(16) NOT NULL'],
          ['row_count', 'BIGINT NOT NULL'],
          ['byte_count', 'BIGINT NOT NULL'],
          ['raw_uri', 'VARCHAR(1024)'],
          ['run_id', 'VARCHAR(64) NOT NULL'],
          ['loaded_at', 'TIMESTAMP NOT NULL'],
        ],
        'PRIMARY KEY (customer_id, report_type, stat_date)',
      ),
      // Keyword-level hourly facts: performance and conversions side by side (conversions can fall in hours without
      // impressions, hence UNION ALL + GROUP BY rather than a join).
      `CREATE VIEW keyword_hourly_performance AS
SELECT stat_date, stat_hour, customer_id, campaign_id, adgroup_id, keyword_id, device,
  SUM(impressions) AS impressions, SUM(clicks) AS clicks, SUM(cost) AS cost, MAX(cost_convention) AS cost_convention,
  SUM(sum_ad_rank) AS sum_ad_rank, SUM(conversions) AS conversions, SUM(conversion_value) AS conversion_value
FROM (
  SELECT stat_date, stat_hour, customer_id, campaign_id, adgroup_id, keyword_id, device, impressions, clicks, cost,
    cost_convention, sum_ad_rank, CAST(0 AS BIGINT) AS conversions, CAST(0 AS DOUBLE PRECISION) AS conversion_value
  FROM ad_hourly_performance
  UNION ALL
  SELECT stat_date, stat_hour, customer_id, campaign_id, adgroup_id, keyword_id, device, CAST(0 AS BIGINT),
    CAST(0 AS BIGINT), CAST(0 AS DOUBLE PRECISION), CAST(NULL AS VARCHAR(16)), CAST(0 AS DOUBLE PRECISION), conversions,
    conversion_value
  FROM ad_hourly_conversions
) u
WHERE keyword_id IS NOT NULL
GROUP BY stat_date, stat_hour, customer_id, campaign_id, adgroup_id, keyword_id, device`,
    ],
  },
  {
    version: 2,
    name: 'search-term hourly performance (the training grain)',
    statements: [
      // One row per (day, hour, search term, keyword, device): what the features and the ranker train on. The four
      // Naver reports the ETL loads have no search-term grain; the sample generator fills this table, and a real
      // source (e.g. an expanded-search-term report) is still to be wired into the ETL.
      createTable('search_term_hourly_performance', SEARCH_TERM_HOURLY),
    ],
  },
];

/** Applies pending migrations through any warehouse's primitives, each migration in its own transaction. */
export async function runMigrations(
  w: Pick<Warehouse, 'execute' | 'query' | 'transaction'>,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<number[]> {
  await w.execute(SCHEMA_MIGRATIONS_DDL);
  const done = new Set(
    (await w.query<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => Number(r.version)),
  );
  const applied: number[] = [];
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (done.has(m.version)) continue;
    await w.transaction(async (tx) => {
      for (const s of m.statements) await tx.execute(s);
      // Literals, not parameters: the values are ours, and the statement then runs unchanged on every engine.
      const now = new Date().toISOString().replace('T', ' ').replace('Z', '');
      await tx.execute(
        `INSERT INTO schema_migrations (version, name, applied_at) VALUES (${m.version}, '${m.name.replace(/'/g, "''")}', CAST('${now}' AS TIMESTAMP))`,
      );
    });
    applied.push(m.version);
  }
  return applied;
}
