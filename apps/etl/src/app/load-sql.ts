import { costConventionOn, REPORT_COLUMNS, type ReportType } from '@adrank/naver-ads';
import { FACT_TABLES } from '@adrank/warehouse';

/**
 * Loading a report is ELT: the warehouse reads the raw file itself (DuckDB's CSV reader, or Redshift's COPY into a
 * session temporary table — both far faster than row-by-row work in Node) and one INSERT … SELECT turns the text
 * columns into fact rows (Warehouse.insertFromFile). The expressions below are the one place where Naver's columns
 * meet the warehouse schema; they run unchanged on DuckDB and Redshift.
 *
 * Validation happens in the same statement: a value that does not convert (a count that is not an integer, a bad
 * date) fails the cast, and every other rule of the report parser (P/M device, non-negative figures, hour 0–23,
 * non-empty ids, the customer and day asked for) is one row predicate whose failure writes NULL into the NOT NULL
 * load_id column — so any bad row fails the whole load, and nothing is half-loaded. The caller then runs
 * @adrank/naver-ads' parser over the file to say which line and column is wrong.
 */

/** Raw column names: REPORT_COLUMNS in snake_case, prefixed so that none collides with an SQL keyword. */
export function rawColumns(type: ReportType): string[] {
  return REPORT_COLUMNS[type].map((c) => `r_${c.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`)}`);
}

const DATE = `CASE WHEN LENGTH(r_date) = 8 THEN CAST(SUBSTRING(r_date, 1, 4) || '-' || SUBSTRING(r_date, 5, 2) || '-' || SUBSTRING(r_date, 7, 2) AS DATE) ELSE CAST(r_date AS DATE) END`;

const NON_EMPTY = (c: string): string => `${c} <> '' AND POSITION(' ' IN ${c}) = 0`;
const NON_NEGATIVE = (c: string, type: string): string => `CAST(${c} AS ${type}) >= 0`;
/** DuckDB rounds '1.5' when casting to BIGINT; counts must be written as integers. */
const INTEGER = (c: string): string => `POSITION('.' IN ${c}) = 0 AND POSITION('e' IN LOWER(${c})) = 0`;

/** The parser's rules as one predicate over a raw row (NULL or FALSE = invalid); `:customer` and `:date` bound. */
function validity(type: ReportType): string {
  const raw = new Set(rawColumns(type));
  const rules = [
    `${DATE} = CAST(:date AS DATE)`,
    'r_customer_id = :customer',
    ...['r_campaign_id', 'r_adgroup_id', 'r_ad_id', 'r_business_channel_id'].map(NON_EMPTY),
    `(r_keyword_id = '-' OR (${NON_EMPTY('r_keyword_id')}))`,
    "r_media_code <> ''",
    "r_device IN ('P', 'M')",
  ];
  if (raw.has('r_hour')) rules.push('CAST(r_hour AS SMALLINT) BETWEEN 0 AND 23', "r_region_code <> ''");
  for (const c of ['r_impressions', 'r_clicks', 'r_view_count', 'r_conversions']) {
    if (raw.has(c)) rules.push(INTEGER(c), NON_NEGATIVE(c, 'BIGINT'));
  }
  for (const c of ['r_cost', 'r_sum_ad_rank', 'r_conversion_revenue'])
    if (raw.has(c)) rules.push(NON_NEGATIVE(c, 'DOUBLE PRECISION'));
  if (raw.has('r_conversion_method')) rules.push("r_conversion_method IN ('1', '2')", "r_conversion_type <> ''");
  return rules.map((r) => `(${r})`).join(' AND ');
}

/** The SQL expression of each fact column, over the raw table's columns. */
function expression(column: string, type: ReportType): string {
  switch (column) {
    case 'stat_date':
      return 'CAST(:date AS DATE)'; // every row's own date is checked against :date by the validity predicate
    case 'keyword_id':
      return "NULLIF(r_keyword_id, '-')";
    case 'stat_hour':
      return 'CAST(r_hour AS SMALLINT)';
    case 'device':
      return "CASE r_device WHEN 'P' THEN 'PC' WHEN 'M' THEN 'MOBILE' END";
    case 'impressions':
    case 'clicks':
    case 'view_count':
    case 'conversions':
      return `CAST(r_${column} AS BIGINT)`;
    case 'cost':
    case 'sum_ad_rank':
      return `CAST(r_${column} AS DOUBLE PRECISION)`;
    case 'cost_convention':
      return ':costConvention'; // one day per load: costConventionOn(date), bound by the caller
    case 'conversion_method':
      return "CASE r_conversion_method WHEN '1' THEN 'direct' WHEN '2' THEN 'indirect' END";
    case 'legacy_conversion_type':
      return "CASE WHEN r_conversion_type IN ('1', '2', '3', '4', '5') THEN TRUE ELSE FALSE END";
    case 'conversion_value':
      return 'CAST(r_conversion_revenue AS DOUBLE PRECISION)';
    case 'load_id':
      return `CASE WHEN ${validity(type)} THEN :loadId END`;
    default:
      return `r_${column}`; // ids, region, media code, conversion type: text as it is
  }
}

/**
 * What Warehouse.insertFromFile needs to load one day's raw report file into its fact table; bind `loadId`, `customer`,
 * `date` and, for performance reports, `costConvention` (loadParams builds them).
 */
export function factLoad(type: ReportType): {
  table: string;
  rawColumns: string[];
  columns: string[];
  select: string[];
} {
  const t = FACT_TABLES[type];
  const columns = t.columns.map(([c]) => c);
  return { table: t.name, rawColumns: rawColumns(type), columns, select: columns.map((c) => expression(c, type)) };
}

/** The parameters of factLoad(type)'s statement for one day's file. */
export function loadParams(type: ReportType, loadId: string, customer: string, date: string): Record<string, string> {
  const perf = FACT_TABLES[type].columns.some(([c]) => c === 'cost_convention');
  return { loadId, customer, date, ...(perf ? { costConvention: costConventionOn(date) } : {}) };
}
