import { createReadStream, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseReportRows, REPORT_TYPES, type ReportType } from '@adrank/naver-ads';
import { FIXTURES_DIR } from '@adrank/naver-ads/testing';
import { DuckDbWarehouse, FACT_TABLES, type Warehouse } from '@adrank/warehouse';
import { factLoad, loadParams } from './load-sql';

/** The fact row the parser's view of a report row should become (what the SQL must produce). */
function expected(type: ReportType, r: Record<string, unknown>): Record<string, unknown> {
  const rename: Record<string, string> = {
    stat_date: 'date',
    stat_hour: 'hour',
    conversion_value: 'conversionRevenue',
  };
  return Object.fromEntries(
    FACT_TABLES[type].columns
      .map(([c]) => c)
      .filter((c) => c !== 'load_id')
      .map((c) => [c, r[rename[c] ?? c.replace(/_([a-z])/g, (_m, ch: string) => ch.toUpperCase())]]),
  );
}

describe('the SQL load (raw table → fact table) agrees with the validating parser', () => {
  let w: Warehouse;
  beforeAll(async () => {
    w = await DuckDbWarehouse.open(':memory:');
    await w.migrate();
  });
  afterAll(() => w.close());

  it.each(REPORT_TYPES.map((t) => [t]))('%s golden file', async (type) => {
    // The golden AD file has CRLF line ends, which the sync command strips before a bulk load; do the same here.
    const file = join(FIXTURES_DIR, 'reports', `${type}.tsv`);
    const rows: { date: string; fact: Record<string, unknown> }[] = [];
    for await (const r of parseReportRows(type, createReadStream(file))) {
      rows.push({ date: r.date, fact: expected(type, r as unknown as Record<string, unknown>) });
    }
    const want = rows.map((r) => r.fact);
    const load = factLoad(type);
    await w.execute(`DELETE FROM ${load.table}`);
    // One load per day, as the ETL does (the load checks that every row is for the customer and day asked for).
    const lines = readFileSync(file, 'utf8')
      .replace(/\r/g, '')
      .split('\n')
      .filter((l) => l !== '');
    for (const date of [...new Set(rows.map((r) => r.date))]) {
      const tmp = join(tmpdir(), `load-sql-${process.pid}-${type}-${date}.tsv`);
      writeFileSync(tmp, lines.filter((_, i) => rows[i]?.date === date).join('\n') + '\n');
      const n = rows.filter((r) => r.date === date).length;
      const params = loadParams(type, 'golden', '1234567', date);
      expect(await w.insertFromFile(load.table, tmp, { ...load, params })).toBe(n);
    }
    const cols = FACT_TABLES[type].columns.map(([c]) => c).filter((c) => c !== 'load_id');
    const got = await w.query(`SELECT ${cols.join(', ')} FROM ${FACT_TABLES[type].name}`);
    expect(new Set(got.map((g) => JSON.stringify(g)))).toEqual(new Set(want.map((x) => JSON.stringify(x))));
  });

  it.each([
    ['a P/M device that is neither', 8, 'X'],
    ['a negative count', 9, '-4'],
    ['a decimal count', 10, '1.5'],
    ['another customer', 1, '7654321'],
    ['another day', 0, '20261121'],
    ['an empty campaign id', 2, ''],
    ['a keyword id with a space', 4, 'nkw 1'],
  ])('refuses the whole file when one row has %s', async (_what, col, value) => {
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
    const bad = good.map((v, i) => (i === col ? value : v));
    const tmp = join(tmpdir(), `load-sql-${process.pid}-bad.tsv`);
    writeFileSync(tmp, [good, bad, good].map((l) => l.join('\t')).join('\n') + '\n');
    const load = factLoad('AD');
    await w.execute(`DELETE FROM ${load.table}`);
    await expect(
      w.insertFromFile(load.table, tmp, { ...load, params: loadParams('AD', 'x', '1234567', '2026-11-20') }),
    ).rejects.toThrow();
    expect(await w.query(`SELECT COUNT(*) AS n FROM ${load.table}`)).toEqual([{ n: 0 }]);
  });
});
