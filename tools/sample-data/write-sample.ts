import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toTsv } from '@adrank/naver-ads/testing';
import { generateSample, toFakeNaverData, type SampleData, type SampleOptions } from './sample-data';
import { searchTermLines } from './warehouse-load';
import type { FakeData } from '@adrank/naver-ads/testing';

export interface WrittenSample {
  sample: SampleData;
  fake: FakeData;
  summary: {
    out: string;
    keywords: number;
    searchTerms: number;
    relations: number;
    days: number;
    firstDay: string;
    lastDay: string;
    records: number;
    adDetailRows: number;
  };
}

/**
 * Generates a sample and writes it under `out`: records.tsv (the (search term, keyword) hourly grain), keywords.json,
 * relations.json, search_term_hourly_performance.tsv (that grain in the warehouse table's column order, load id
 * `sample-<seed>-<today>`), search_terms.txt (one per line: the keyword tool's given words), and the fake Naver
 * server's seed — naver/entities.json, naver/relations.json, naver/<AD_DETAIL|AD_CONVERSION_DETAIL>/<date>.tsv.
 */
export function writeSample(options: SampleOptions, out: string): WrittenSample {
  const sample = generateSample(options);
  const fake = toFakeNaverData(sample);
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
  const loadId = `sample-${options.seed ?? 42}-${options.today ?? '2026-11-21'}`;
  writeFileSync(join(out, 'search_term_hourly_performance.tsv'), searchTermLines(sample, loadId).join('\n') + '\n');
  writeFileSync(join(out, 'search_terms.txt'), sample.searchTerms.join('\n') + '\n');
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
  return {
    sample,
    fake,
    summary: {
      out,
      keywords: sample.keywords.length,
      searchTerms: sample.searchTerms.length,
      relations: sample.relations.length,
      days: sample.days.length,
      firstDay: sample.days[0] as string,
      lastDay: sample.days[sample.days.length - 1] as string,
      records: sample.records.length,
      adDetailRows: fake.reports.AD_DETAIL?.length ?? 0,
    },
  };
}
