/**
 * npm run sample-data -- [--keywords 1000] [--days 30] [--seed 42] [--today 2026-11-21] [--out .adrank/sample]
 *                        [--duckdb PATH] [--quality]
 *
 * Writes OUT/records.tsv (the (search term, keyword) hourly grain), keywords.json, relations.json,
 * search_term_hourly_performance.tsv, search_terms.txt and the fake Naver server's seed (naver/entities.json,
 * naver/relations.json, naver/AD_DETAIL/<date>.tsv, naver/AD_CONVERSION_DETAIL/<date>.tsv — served by
 * FakeNaverServer's reportFile); see write-sample.ts. --duckdb loads the keyword-level tables straight into a DuckDB
 * warehouse; --quality trains the three models on the sample and prints holdout metrics beside trivial baselines.
 */
import { resolve } from 'node:path';
import { DuckDbWarehouse } from '@adrank/warehouse';
import { evaluateSample } from './quality';
import { loadSampleIntoWarehouse } from './warehouse-load';
import { writeSample } from './write-sample';

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
  const out = resolve(opt('out') ?? '.adrank/sample');
  const {
    sample,
    fake,
    summary: written,
  } = writeSample(
    {
      keywords: int('keywords', 1000),
      days: int('days', 30),
      seed: int('seed', 42),
      today: opt('today') ?? '2026-11-21',
    },
    out,
  );
  const summary: Record<string, unknown> = { ...written, seconds: Math.round((performance.now() - t0) / 100) / 10 };
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
