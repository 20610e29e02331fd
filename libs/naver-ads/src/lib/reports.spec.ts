import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { adConversionDetailRow, adDetailRow, FIXTURES_DIR, toTsv } from '../testing';
import { costIncludingVat, parseReport, parseReportRows, type ReportRows, type ReportType } from './reports';

const file = (t: ReportType): Buffer => readFileSync(join(FIXTURES_DIR, 'reports', `${t}.tsv`));

async function all<T extends ReportType>(
  type: T,
  source: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
) {
  const rows: ReportRows[T][] = [];
  for await (const r of parseReportRows(type, toAsync(source))) rows.push(r);
  return rows;
}
async function* toAsync(
  src: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
): AsyncGenerator<Uint8Array | string> {
  for await (const c of src as AsyncIterable<Uint8Array | string>) yield c;
}
/** The bytes split into chunks of `n` (cutting through multi-byte characters and CRLFs). */
function* pieces(b: Buffer, n: number): Generator<Uint8Array> {
  for (let i = 0; i < b.length; i += n) yield b.subarray(i, i + n);
}

describe('report parsing (golden files laid out as the reference documents)', () => {
  it('reads AD rows: "-" keyword ids, P/M, both cost conventions, CRLF', async () => {
    const rows = await all('AD', [file('AD')]);
    expect(rows).toEqual([
      {
        date: '2026-03-29',
        customerId: '1234567',
        campaignId: 'cmp-1',
        adgroupId: 'grp-1',
        keywordId: 'nkw-1',
        adId: 'nad-1',
        businessChannelId: 'bsn-1',
        mediaCode: '27758',
        device: 'PC',
        impressions: 120,
        clicks: 7,
        cost: 4200.55,
        costConvention: 'vat_excluded',
        sumAdRank: 312,
        viewCount: 0,
      },
      {
        date: '2026-03-30',
        customerId: '1234567',
        campaignId: 'cmp-1',
        adgroupId: 'grp-1',
        keywordId: null,
        adId: 'nad-2',
        businessChannelId: 'bsn-1',
        mediaCode: '27758',
        device: 'MOBILE',
        impressions: 5,
        clicks: 0,
        cost: 0,
        costConvention: 'vat_included',
        sumAdRank: 10,
        viewCount: 3,
      },
      {
        date: '2026-03-31',
        customerId: '1234567',
        campaignId: 'cmp-1',
        adgroupId: 'grp-1',
        keywordId: 'nkw-한글-id',
        adId: 'nad-1',
        businessChannelId: 'bsn-1',
        mediaCode: '8753',
        device: 'MOBILE',
        impressions: 300,
        clicks: 15,
        cost: 6600,
        costConvention: 'vat_included',
        sumAdRank: 450,
        viewCount: 12,
      },
    ]);
    expect(costIncludingVat(rows[0] as never)).toBe(4620.61);
    expect(costIncludingVat(rows[2] as never)).toBe(6600);
  });

  it('reads AD_DETAIL rows with the hour and region after the business channel', async () => {
    const rows = await all('AD_DETAIL', [file('AD_DETAIL')]);
    expect(
      rows.map((r) => [r.hour, r.regionCode, r.mediaCode, r.device, r.keywordId, r.cost, r.costConvention]),
    ).toEqual([
      [0, '01', '27758', 'PC', 'nkw-1', 4620, 'vat_included'],
      [23, '17', '27758', 'MOBILE', null, 0, 'vat_included'],
      [9, '05', '8753', 'MOBILE', 'nkw-9', 181.82, 'vat_excluded'],
    ]);
  });

  it('reads conversion rows: method 1/2, string and legacy integer types, conversions without impressions', async () => {
    const rows = await all('AD_CONVERSION', [file('AD_CONVERSION')]);
    expect(
      rows.map((r) => [
        r.date,
        r.conversionMethod,
        r.conversionType,
        r.legacyConversionType,
        r.conversions,
        r.conversionRevenue,
        r.keywordId,
      ]),
    ).toEqual([
      ['2024-07-02', 'direct', '1', true, 2, 78000, 'nkw-1'],
      ['2026-11-20', 'indirect', 'purchase', false, 1, 39000, 'nkw-1'],
      ['2026-11-20', 'direct', '장바구니', false, 3, 0, null],
    ]);
    const detail = await all('AD_CONVERSION_DETAIL', [file('AD_CONVERSION_DETAIL')]);
    expect(
      detail.map((r) => [
        r.hour,
        r.regionCode,
        r.device,
        r.conversionType,
        r.legacyConversionType,
        r.conversionRevenue,
      ]),
    ).toEqual([
      [3, '01', 'MOBILE', 'purchase', false, 39000],
      [4, '11', 'PC', '5', true, 1500.5],
    ]);
  });

  it.each([1, 2, 3, 7])(
    'gives the same rows whatever the chunk size (%d bytes: through UTF-8 characters and CRLFs)',
    async (n) => {
      for (const t of ['AD', 'AD_DETAIL', 'AD_CONVERSION', 'AD_CONVERSION_DETAIL'] as const) {
        expect(await all(t, pieces(file(t), n))).toEqual(await all(t, [file(t)]));
      }
    },
  );

  it('round-trips the fixture builders', async () => {
    const rows = [
      adDetailRow(),
      adDetailRow({ keywordId: null, device: 'PC', hour: 0, date: '2026-01-05', cost: 12.5 }),
    ];
    expect(await all('AD_DETAIL', [toTsv('AD_DETAIL', rows)])).toEqual(rows);
    const conv = [adConversionDetailRow(), adConversionDetailRow({ conversionType: '3', legacyConversionType: true })];
    expect(await all('AD_CONVERSION_DETAIL', [toTsv('AD_CONVERSION_DETAIL', conv)])).toEqual(conv);
  });

  it('yields batches, never more than batchSize rows at a time', async () => {
    const rows = Array.from({ length: 25 }, (_, i) => adDetailRow({ impressions: i }));
    const sizes: number[] = [];
    for await (const b of parseReport('AD_DETAIL', toAsync(pieces(Buffer.from(toTsv('AD_DETAIL', rows)), 64)), {
      batchSize: 10,
    })) {
      sizes.push(b.length);
    }
    expect(sizes.every((s) => s <= 10 + 2)).toBe(true); // a chunk may complete a couple of lines past the boundary
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(25);
  });
});

describe('report parsing errors name the line, the column and the value', () => {
  const line = (cols: string[]) => cols.join('\t') + '\n';
  const good = [
    '20261120',
    '1234567',
    'cmp-1',
    'grp-1',
    'nkw-1',
    'nad-1',
    'bsn-1',
    '27758',
    'P',
    '120',
    '7',
    '4620',
    '312',
    '0',
  ];
  const withCol = (i: number, v: string) => good.map((c, k) => (k === i ? v : c));

  it.each([
    [good.slice(0, 13), /line 2: 13 columns, AD has 14/],
    [withCol(8, 'X'), /line 2, column device: "X" is not P or M/],
    [withCol(0, '20261332'), /line 2, column date: "20261332" is not a calendar date/],
    [withCol(0, '2026/11/20'), /column date: "2026\/11\/20" is not a date/],
    [withCol(9, '-3'), /column impressions: "-3" is not a non-negative integer/],
    [withCol(10, '1.5'), /column clicks: "1.5" is not a non-negative integer/],
    [withCol(11, 'abc'), /column cost: "abc" is not a number/],
    [withCol(2, ''), /column campaignId: "" is not an id/],
  ])('%j', async (cols, message) => {
    await expect(all('AD', [line(good) + line(cols)])).rejects.toThrow(message);
  });

  it('refuses invalid UTF-8, endless lines and unknown conversion methods', async () => {
    await expect(all('AD', [Buffer.from([0x32, 0x30, 0xff, 0x0a])])).rejects.toThrow(/line 1: not valid UTF-8/);
    await expect(parseReportRows('AD', toAsync(['x'.repeat(100)]), { maxLineLength: 50 }).next()).rejects.toThrow(
      /longer than 50/,
    );
    const conv = ['20261120', '1', 'c', 'g', 'k', 'a', 'b', '27758', 'M', '3', 'purchase', '1', '0'];
    await expect(all('AD_CONVERSION', [line(conv)])).rejects.toThrow(
      /conversionMethod: "3" is not 1 \(direct\) or 2 \(indirect\)/,
    );
  });
});
