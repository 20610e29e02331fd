import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FACT_TABLES, TABLE_COLUMNS, tsvField, type Warehouse } from '@adrank/warehouse';
import type { FakeData } from '@adrank/naver-ads/testing';
import type { SampleData } from './sample-data';

/**
 * The sample's training grain as TSV lines in `search_term_hourly_performance`'s column order (`TABLE_COLUMNS`), the
 * table Naver's stat reports do not fill: `warehouse.loadFile` takes them as they are.
 */
export function searchTermLines(s: SampleData, loadId: string): string[] {
  const kwIds = new Map(s.keywords.map((k) => [k.keyword, k.id]));
  return s.records.map((r) =>
    [
      r.date,
      r.hour,
      s.customerId,
      r.searchTerm,
      kwIds.get(r.keyword),
      r.keyword,
      r.device,
      r.impressions,
      r.clicks,
      r.conversions,
      r.cost,
      r.sumAdRank,
      r.bidAmt,
      r.qualityIndex,
      r.isBrand,
      r.isSeason,
      loadId,
    ]
      .map(tsvField)
      .join('\t'),
  );
}

/**
 * Loads a sample straight into a warehouse (no Naver server, no ETL) — for fast tests: the keyword snapshot, the
 * hourly performance and conversion facts, the keyword-tool relations (the ETL's table layout), and the training grain
 * (search_term_hourly_performance). DuckDB reads the
 * staged files from a temporary directory.
 */
export async function loadSampleIntoWarehouse(
  w: Warehouse,
  s: SampleData,
  fake: FakeData,
): Promise<Record<string, number>> {
  await w.migrate();
  const dir = mkdtempSync(join(tmpdir(), 'adrank-sample-'));
  const counts: Record<string, number> = {};
  try {
    const now = '2026-11-21 00:00:00';
    const write = (name: string, lines: string[]): string => {
      const f = join(dir, name);
      writeFileSync(f, lines.length ? lines.join('\n') + '\n' : '');
      return f;
    };
    const kw = write(
      'keywords.tsv',
      s.keywords.map((k) =>
        [
          k.id,
          s.customerId,
          k.campaignId,
          k.adgroupId,
          k.keyword,
          k.bidAmt,
          false,
          k.qualityIndex,
          'ELIGIBLE',
          'APPROVED',
          k.isBrand,
          k.isSeason,
          null,
          null,
          now,
        ]
          .map(tsvField)
          .join('\t'),
      ),
    );
    const cols = (t: keyof typeof FACT_TABLES) => FACT_TABLES[t].columns.map(([c]) => c);
    const perf = write(
      'perf.tsv',
      (fake.reports.AD_DETAIL ?? []).map((r) =>
        [
          r.date,
          r.customerId,
          r.campaignId,
          r.adgroupId,
          r.keywordId,
          r.adId,
          r.businessChannelId,
          r.hour,
          r.regionCode,
          r.mediaCode,
          r.device,
          r.impressions,
          r.clicks,
          r.cost,
          r.costConvention,
          r.sumAdRank,
          r.viewCount,
          'sample',
        ]
          .map(tsvField)
          .join('\t'),
      ),
    );
    const conv = write(
      'conv.tsv',
      (fake.reports.AD_CONVERSION_DETAIL ?? []).map((r) =>
        [
          r.date,
          r.customerId,
          r.campaignId,
          r.adgroupId,
          r.keywordId,
          r.adId,
          r.businessChannelId,
          r.hour,
          r.regionCode,
          r.mediaCode,
          r.device,
          r.conversionMethod,
          r.conversionType,
          r.legacyConversionType,
          r.conversions,
          r.conversionRevenue,
          'sample',
        ]
          .map(tsvField)
          .join('\t'),
      ),
    );
    const rel = write(
      'relations.tsv',
      s.relations.map((r) =>
        [
          s.customerId,
          r.searchTerm,
          r.keyword,
          r.figures.monthlySearchVolume,
          false,
          null,
          false,
          null,
          null,
          null,
          null,
          r.figures.adDepth,
          r.figures.competition,
          now,
        ]
          .map(tsvField)
          .join('\t'),
      ),
    );
    const terms = write('search-terms.tsv', searchTermLines(s, 'sample'));
    await w.transaction(async (tx) => {
      await tx.execute('DELETE FROM naver_keywords WHERE customer_id = :c', { c: s.customerId });
      await tx.execute(`DELETE FROM ${FACT_TABLES.AD_DETAIL.name} WHERE customer_id = :c`, { c: s.customerId });
      await tx.execute(`DELETE FROM ${FACT_TABLES.AD_CONVERSION_DETAIL.name} WHERE customer_id = :c`, {
        c: s.customerId,
      });
      await tx.execute('DELETE FROM keyword_relations WHERE customer_id = :c', { c: s.customerId });
      counts['naver_keywords'] = await tx.loadFile('naver_keywords', kw, {
        format: 'tsv',
        columns: TABLE_COLUMNS.naver_keywords,
      });
      counts[FACT_TABLES.AD_DETAIL.name] = await tx.loadFile(FACT_TABLES.AD_DETAIL.name, perf, {
        format: 'tsv',
        columns: cols('AD_DETAIL'),
      });
      counts[FACT_TABLES.AD_CONVERSION_DETAIL.name] = await tx.loadFile(FACT_TABLES.AD_CONVERSION_DETAIL.name, conv, {
        format: 'tsv',
        columns: cols('AD_CONVERSION_DETAIL'),
      });
      counts['keyword_relations'] = await tx.loadFile('keyword_relations', rel, {
        format: 'tsv',
        columns: TABLE_COLUMNS.keyword_relations,
      });
      await tx.execute('DELETE FROM search_term_hourly_performance WHERE customer_id = :c', { c: s.customerId });
      counts['search_term_hourly_performance'] = await tx.loadFile('search_term_hourly_performance', terms, {
        format: 'tsv',
        columns: TABLE_COLUMNS.search_term_hourly_performance,
      });
    });
    return counts;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
