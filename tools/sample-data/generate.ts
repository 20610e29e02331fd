/**
 * npm run sample-data -- [--keywords 1000] [--days 30] [--seed 42] [--today 2026-11-21] [--out .adrank/sample]
 *                        [--duckdb PATH] [--quality]
 *
 * Writes OUT/records.tsv (the (search term, keyword) hourly grain), keywords.json, relations.json and the fake Naver
 * server's seed (naver/entities.json, naver/relations.json, naver/AD_DETAIL/<date>.tsv, naver/AD_CONVERSION_DETAIL/
 * <date>.tsv — served by FakeNaverServer's reportFile). --duckdb loads the keyword-level tables straight into a DuckDB
 * warehouse; --quality trains the three models on the sample and prints holdout metrics beside trivial baselines.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { toTsv } from '@adrank/naver-ads/testing';
import { DuckDbWarehouse } from '@adrank/warehouse';
import { evaluateSample } from './quality';
import { generateSample, toFakeNaverData } from './sample-data';
import { loadSampleIntoWarehouse } from './warehouse-load';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const int = (name: string, fallback: number): number => {
  const v = opt(name);
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v)) {
    console.error(`--${name} must be a non-negative integer, got ${v}`);
    process.exit(2);
  }
  return Number(v);
};

async function main(): Promise<void> {
  const known = new Set(['keywords', 'days', 'seed', 'today', 'out', 'duckdb', 'quality']);
  for (const a of args) {
    if (a.startsWith('--') && !known.has(a.slice(2))) {
      console.error(`unknown flag ${a} (${[...known].map((k) => `--${k}`).join(', ')})`);
      process.exit(2);
    }
  }
  const t0 = performance.now();
  const today = opt('today') ?? '2026-11-21';
  const sample = generateSample({
    keywords: int('keywords', 1000),
    days: int('days', 30),
    seed: int('seed', 42),
    today,
  });
  const fake = toFakeNaverData(sample);
  const out = resolve(opt('out') ?? '.adrank/sample');
  mkdirSync(join(out, 'naver', 'AD_DETAIL'), { recursive: true });
  mkdirSync(join(out, 'naver', 'AD_CONVERSION_DETAIL'), { recursive: true });
  const cols = [
    'date',
    'hour',
    'device',
    'searchTerm',
    'keyword',
    'impressions',
    'clicks',
    'conversions',
    'cost',
    'sumAdRank',
    'bidAmt',
    'qualityIndex',
    'isBrand',
    'isSeason',
  ] as const;
  let text = cols.join('\t') + '\n';
  for (const r of sample.records) text += cols.map((c) => String(r[c])).join('\t') + '\n';
  writeFileSync(join(out, 'records.tsv'), text);
  writeFileSync(
    join(out, 'keywords.json'),
    JSON.stringify(sample.keywords.map(({ quality: _q, convPropensity: _c, ...k }) => k)),
  );
  writeFileSync(join(out, 'relations.json'), JSON.stringify(sample.relations));
  writeFileSync(
    join(out, 'naver', 'entities.json'),
    JSON.stringify({ campaigns: fake.campaigns, adgroups: fake.adgroups, keywords: fake.keywords }),
  );
  writeFileSync(join(out, 'naver', 'relations.json'), JSON.stringify(fake.relations));
  for (const type of ['AD_DETAIL', 'AD_CONVERSION_DETAIL'] as const) {
    const byDay = new Map<string, (typeof fake.reports)[typeof type]>();
    for (const r of fake.reports[type] ?? []) {
      const l = byDay.get(r.date) ?? [];
      (l as unknown[]).push(r);
      byDay.set(r.date, l);
    }
    for (const [date, rows] of byDay)
      writeFileSync(join(out, 'naver', type, `${date}.tsv`), toTsv(type, rows as never));
  }
  const summary: Record<string, unknown> = {
    out,
    keywords: sample.keywords.length,
    searchTerms: sample.searchTerms.length,
    relations: sample.relations.length,
    days: sample.days.length,
    records: sample.records.length,
    adDetailRows: fake.reports.AD_DETAIL?.length,
    seconds: Math.round((performance.now() - t0) / 100) / 10,
  };
  const duck = opt('duckdb');
  if (duck !== undefined) {
    const w = await DuckDbWarehouse.open(resolve(duck));
    try {
      summary['warehouse'] = await loadSampleIntoWarehouse(w, sample, fake);
    } finally {
      await w.close();
    }
  }
  if (args.includes('--quality')) summary['quality'] = evaluateSample(sample);
  summary['seconds'] = Math.round((performance.now() - t0) / 100) / 10;
  console.log(JSON.stringify(summary, null, 2));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
