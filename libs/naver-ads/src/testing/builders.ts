import {
  REPORT_COLUMNS,
  costConventionOn,
  type AdConversionDetailRow,
  type AdConversionRow,
  type AdDetailRow,
  type AdRow,
  type ReportRows,
  type ReportType,
} from '../lib/reports';

/** An AD_DETAIL row with sensible defaults; override any field. */
export function adDetailRow(p: Partial<AdDetailRow> = {}): AdDetailRow {
  const date = p.date ?? '2026-11-20';
  return {
    date,
    customerId: '1234567',
    campaignId: 'cmp-a001-01-000000000000001',
    adgroupId: 'grp-a001-01-000000000000001',
    keywordId: 'nkw-a001-01-000000000000001',
    adId: 'nad-a001-01-000000000000001',
    businessChannelId: 'bsn-a001-00-000000000000001',
    hour: 14,
    regionCode: '01',
    mediaCode: '27758',
    device: 'MOBILE',
    impressions: 120,
    clicks: 7,
    cost: 4620,
    sumAdRank: 312,
    viewCount: 0,
    costConvention: costConventionOn(date),
    ...p,
  };
}

export function adRow(p: Partial<AdRow> = {}): AdRow {
  const { hour: _h, regionCode: _r, ...rest } = adDetailRow(p);
  return rest;
}

export function adConversionDetailRow(p: Partial<AdConversionDetailRow> = {}): AdConversionDetailRow {
  return {
    date: '2026-11-20',
    customerId: '1234567',
    campaignId: 'cmp-a001-01-000000000000001',
    adgroupId: 'grp-a001-01-000000000000001',
    keywordId: 'nkw-a001-01-000000000000001',
    adId: 'nad-a001-01-000000000000001',
    businessChannelId: 'bsn-a001-00-000000000000001',
    hour: 14,
    regionCode: '01',
    mediaCode: '27758',
    device: 'MOBILE',
    conversionMethod: 'direct',
    conversionType: 'purchase',
    legacyConversionType: false,
    conversions: 1,
    conversionRevenue: 39000,
    ...p,
  };
}

export function adConversionRow(p: Partial<AdConversionRow> = {}): AdConversionRow {
  const { hour: _h, regionCode: _r, ...rest } = adConversionDetailRow(p);
  return rest;
}

/** One row as Naver writes it: tab-separated in the report's column order, `-` for no keyword, P/M, YYYYMMDD. */
export function toTsvLine<T extends ReportType>(type: T, row: ReportRows[T]): string {
  const r = row as unknown as Record<string, unknown>;
  return REPORT_COLUMNS[type]
    .map((c) => {
      const v = r[c];
      if (c === 'date') return String(v).replace(/-/g, '');
      if (c === 'keywordId') return v === null ? '-' : String(v);
      if (c === 'device') return v === 'PC' ? 'P' : 'M';
      if (c === 'conversionMethod') return v === 'direct' ? '1' : '2';
      return String(v);
    })
    .join('\t');
}

/** A whole header-less report file. */
export function toTsv<T extends ReportType>(type: T, rows: readonly ReportRows[T][]): string {
  return rows.map((r) => toTsvLine(type, r) + '\n').join('');
}
