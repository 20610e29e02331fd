/**
 * The trainer's SQL, in one place. Every statement runs unchanged on DuckDB and Redshift (named parameters, CAST for
 * non-text ones, CASE instead of engine-specific boolean casts).
 */

/** The latest day with data (the default end of the training window). */
export const LATEST_DATE_SQL = 'SELECT MAX(stat_date) AS latest FROM search_term_hourly_performance';

/**
 * The training grain, one row per (day, hour, device, search term, keyword), summed over ad groups and accounts that
 * bid on the same keyword text, in the canonical order the features builder sums in (date, search term, keyword, hour,
 * device). Streamed in batches.
 */
export const EXTRACT_SQL = `
SELECT stat_date, stat_hour, device, search_term, keyword,
       SUM(impressions) AS impressions,
       SUM(clicks) AS clicks,
       SUM(conversions) AS conversions,
       SUM(cost) AS cost,
       SUM(sum_ad_rank) AS sum_ad_rank,
       MAX(bid_amt) AS bid_amt,
       MAX(quality_index) AS quality_index,
       MAX(CASE WHEN is_brand THEN 1 WHEN NOT is_brand THEN 0 END) AS is_brand,
       MAX(CASE WHEN is_season THEN 1 WHEN NOT is_season THEN 0 END) AS is_season
FROM search_term_hourly_performance
WHERE stat_date >= CAST(:from AS DATE) AND stat_date <= CAST(:to AS DATE)
GROUP BY stat_date, stat_hour, device, search_term, keyword
ORDER BY stat_date, search_term, keyword, stat_hour, device`;

/** Keyword-tool relations; below-10 volumes count as 5, as the features define. */
export const RELATIONS_SQL = `
SELECT given_word, rel_keyword,
       CASE WHEN monthly_pc_qc IS NULL AND monthly_mobile_qc IS NULL
                 AND NOT monthly_pc_qc_below10 AND NOT monthly_mobile_qc_below10 THEN NULL
            ELSE (CASE WHEN monthly_pc_qc_below10 THEN 5 ELSE COALESCE(monthly_pc_qc, 0) END)
               + (CASE WHEN monthly_mobile_qc_below10 THEN 5 ELSE COALESCE(monthly_mobile_qc, 0) END)
       END AS search_volume,
       comp_idx, pl_avg_depth
FROM keyword_relations
ORDER BY given_word, rel_keyword`;

/** The account keywords that can be served (the nearest-keyword universe). */
export const ACCOUNT_KEYWORDS_SQL = `
SELECT DISTINCT keyword FROM naver_keywords WHERE status <> 'DELETED' ORDER BY keyword`;

/** Columns a file source must have (CSV header or Parquet schema): the warehouse table's, load_id and ids optional. */
export const FILE_COLUMNS = [
  'stat_date',
  'stat_hour',
  'device',
  'search_term',
  'keyword',
  'impressions',
  'clicks',
  'conversions',
  'cost',
  'sum_ad_rank',
  'bid_amt',
  'quality_index',
  'is_brand',
  'is_season',
] as const;
