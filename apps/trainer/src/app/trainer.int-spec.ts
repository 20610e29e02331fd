/**
 * The trainer end to end on the embedded default: generated sample data in DuckDB → `trainer train --publish` into a
 * local store → a bundle @adrank/model-store verifies, a report that headless Chromium renders with its plots; then a
 * run on degraded data (labels shuffled) that the gate holds, leaving the pointer where it was.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeywordEmbeddingCache, LexicalEmbedder } from '@adrank/embeddings';
import { KeywordFeatureTable, SCHEMA_V1 } from '@adrank/features';
import { MemoryReporter } from '@adrank/job';
import { Predictor } from '@adrank/lightgbm';
import { BundleStore, openStore } from '@adrank/model-store';
import { checkHtmlPage, describeIfAvailable, findChromium } from '@adrank/testing';
import { DuckDbWarehouse } from '@adrank/warehouse';
import { runCli } from './run-cli';

const ROOT = join(__dirname, '..', '..', '..', '..');
const TRAIN = [
  'train',
  '--window-days',
  '40',
  '--holdout-days',
  '5',
  '--valid-days',
  '4',
  '--history-days',
  '10',
  '--engine',
  'builtin',
];

describe('trainer train (DuckDB sample → local store)', () => {
  let dir: string;
  let env: Record<string, string>;
  let store: string;
  const bundles = () => new BundleStore(openStore(store));

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'adrank-trainer-'));
    store = join(dir, 'models');
    execFileSync(
      process.execPath,
      [
        join(ROOT, 'tools/scripts/ts-run.cjs'),
        join(ROOT, 'tools/sample-data/generate.ts'),
        '--keywords',
        '400',
        '--days',
        '50',
        '--seed',
        '7',
        '--out',
        join(dir, 'sample'),
        '--duckdb',
        join(dir, 'w.duckdb'),
      ],
      { stdio: 'ignore' },
    );
    env = {
      ADRANK_DUCKDB_PATH: join(dir, 'w.duckdb'),
      TRAINER_WORK_DIR: join(dir, 'work'),
      ADRANK_SOURCE_REVISION: 'test',
    };
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  let version = '';
  let bundleDir = '';

  it('publishes a verified bundle with three models, embeddings, features and a report', async () => {
    const reporter = new MemoryReporter();
    const lines: string[] = [];
    const r = await runCli([...TRAIN, '--store', store, '--publish'], { env, reporter, out: (l) => lines.push(l) });
    expect(r.outcome?.error).toBeUndefined();
    expect(r.code).toBe(0);
    expect(r.outcome?.status).toBe('published');
    version = r.outcome?.version as string;
    bundleDir = r.outcome?.bundleDir as string;

    const b = bundles();
    expect((await b.pointer())?.pointer.version).toBe(version);
    expect(await b.verify(version)).toEqual([]);
    const resolved = await b.resolve();
    const m = resolved.manifest;
    expect(Object.keys(m.files).sort()).toEqual(
      [
        'conv_model.txt',
        'ctr_model.txt',
        'evaluation.json',
        'keyword_embeddings.meta.json',
        'keyword_embeddings.npy',
        'keyword_features.bin',
        'keywords.json',
        'ranker_model.txt',
        'report.html',
        'score_distribution.json',
        'training.json',
      ].sort(),
    );
    const dist = JSON.parse(readFileSync(join(bundleDir, 'score_distribution.json'), 'utf8'));
    for (const kind of ['ctr', 'conversion', 'ranker']) {
      expect(dist[kind].edges).toHaveLength(9);
      expect(dist[kind].fractions.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 9);
    }
    expect(m.feature_schema.hash).toBe(SCHEMA_V1.hash);
    expect(m.embedder).toEqual({ id: new LexicalEmbedder().id, dim: 256 });
    expect(m.source_revision).toBe('test');
    expect(m.metrics['gate.forced']).toBe(0);
    // the models beat the trivial baselines on the holdout, and the manifest records both
    expect(m.metrics['conversion.auc']).toBeGreaterThan(m.metrics['baseline.similarity.conversion.auc'] as number);
    expect(m.metrics['ranker.ndcg@10']).toBeGreaterThan(m.metrics['baseline.constant.ranker.ndcg@10'] as number);
    expect(m.metrics['ctr.rmse']).toBeLessThan(m.metrics['baseline.constant.ctr.rmse'] as number);

    // what the API will load: models, keyword embeddings (with their embedder), the feature table
    const local = await b.download(resolved, join(dir, 'cache'));
    for (const f of ['ctr_model.txt', 'conv_model.txt', 'ranker_model.txt']) {
      const p = Predictor.fromText(readFileSync(join(local, f), 'utf8'));
      expect(p.model.featureNames).toEqual([...SCHEMA_V1.names]);
    }
    const cache = await KeywordEmbeddingCache.load(local, { embedder: new LexicalEmbedder() });
    expect(cache.size).toBeGreaterThanOrEqual(400);
    const table = KeywordFeatureTable.load(join(local, 'keyword_features.bin'));
    expect(table.endDate).toBe(m.data_window.to);

    // operability: a status file, a run summary line with durations and peak RSS, JSON on stdout
    const status = JSON.parse(readFileSync(join(dir, 'work', 'status.json'), 'utf8'));
    expect(status).toMatchObject({ status: 'published', version });
    expect(Object.keys(status.steps)).toEqual([
      'extract',
      'validate',
      'current',
      'embed',
      'features',
      'train',
      'evaluate',
      'gate',
      'report',
      'publish',
    ]);
    expect(reporter.lines.some((l) => /^run summary: published · extract .* · peak RSS \d+ MiB$/.test(l.msg))).toBe(
      true,
    );
    expect(JSON.parse(lines[lines.length - 1] as string)).toMatchObject({ status: 'published', version });
    expect(reporter.progressCalls.some((p) => p.label === 'keywords embedded')).toBe(true);
  }, 120_000);

  describeIfAvailable(findChromium() !== null, 'the report in headless Chromium')('report.html', () => {
    it('opens without errors or network requests and shows every plot', async () => {
      const out = join(ROOT, 'tmp', 'artifacts');
      mkdirSync(out, { recursive: true });
      const shot = join(out, 'trainer-report.png');
      const page = await checkHtmlPage(join(bundleDir, 'report.html'), shot);
      expect(page.problems).toEqual([]);
      expect(page.title).toContain(version);
      const ids = page.plots.map((p) => p.id);
      expect(ids).toEqual(
        expect.arrayContaining([
          'importance-ctr',
          'importance-conversion',
          'importance-ranker',
          'calibration-ctr',
          'calibration-conversion',
          'ndcg-distribution',
          'rows-per-day',
        ]),
      );
      for (const p of page.plots) {
        expect({ id: p.id, visible: p.width > 100 && p.height > 100 }).toEqual({ id: p.id, visible: true });
        expect({ id: p.id, marks: p.marks >= (p.id.startsWith('importance') ? 10 : 1) }).toEqual({
          id: p.id,
          marks: true,
        });
        expect({ id: p.id, painted: p.inkShare > 0.01 }).toEqual({ id: p.id, painted: true });
      }
      expect(existsSync(shot)).toBe(true);
    }, 60_000);
  });

  it('holds a run on degraded data (labels shuffled): nothing published, the pointer stays', async () => {
    const w = await DuckDbWarehouse.open(env['ADRANK_DUCKDB_PATH'] as string);
    try {
      // (impressions, clicks, conversions) moved to other rows by a fixed permutation: the features still look sane
      await w.execute(`CREATE TABLE shuffled AS
        WITH a AS (SELECT *, row_number() OVER (ORDER BY stat_date, stat_hour, device, search_term, keyword) AS rn
                   FROM search_term_hourly_performance),
             b AS (SELECT impressions, clicks, conversions,
                          row_number() OVER (ORDER BY hash(search_term || keyword || CAST(stat_hour AS VARCHAR) || CAST(stat_date AS VARCHAR))) AS rn
                   FROM search_term_hourly_performance)
        SELECT a.* EXCLUDE (rn, impressions, clicks, conversions), b.impressions, b.clicks, b.conversions FROM a JOIN b USING (rn)`);
      await w.execute('DELETE FROM search_term_hourly_performance');
      await w.execute(`INSERT INTO search_term_hourly_performance BY NAME SELECT * FROM shuffled`);
      await w.execute('DROP TABLE shuffled');
    } finally {
      await w.close();
    }
    const before = readFileSync(join(store, 'latest.json'), 'utf8');
    const reporter = new MemoryReporter();
    const r = await runCli([...TRAIN, '--store', store, '--publish'], { env, reporter, out: () => undefined });
    expect(r.code).toBe(0);
    expect(r.outcome?.status).toBe('held');
    expect(readFileSync(join(store, 'latest.json'), 'utf8')).toBe(before);
    expect((await bundles().list()).map((v) => v.version)).toEqual([version]);
    // incremental embedding: every keyword came from the current bundle's cache, none was encoded again
    const embedded = reporter.lines.find((l) => l.msg === 'embedded')?.fields as { reused: number; embedded: number };
    expect(embedded.reused).toBeGreaterThanOrEqual(400);
    expect(embedded.embedded).toBe(0);
    const failed = r.outcome?.gate?.checks.filter((c) => !c.ok) ?? [];
    expect(failed.some((c) => c.against === 'recorded')).toBe(true);
    const status = JSON.parse(readFileSync(join(dir, 'work', 'status.json'), 'utf8'));
    expect(status.status).toBe('held');
    expect(status.gate.summary).toMatch(/^gate held: /);
    expect(reporter.lines.some((l) => l.level === 'warn' && /^gate held/.test(l.msg))).toBe(true);
    // the held run still leaves its report and evaluation behind for a human
    expect(existsSync(join(r.outcome?.bundleDir as string, 'report.html'))).toBe(true);

    // --force publishes it anyway and says so in the manifest
    const forced = await runCli([...TRAIN, '--store', store, '--publish', '--force'], {
      env,
      reporter,
      out: () => undefined,
    });
    expect(forced.outcome?.status).toBe('published');
    const m = (await bundles().resolve()).manifest;
    expect(m.metrics['gate.forced']).toBe(1);
    expect(m.parent_version).toBe(version);
  }, 180_000);

  it('stops on invalid data with exit 3 and a report naming the problem, publishing nothing', async () => {
    const csv = join(dir, 'bad.csv');
    const header =
      'stat_date,stat_hour,device,search_term,keyword,impressions,clicks,conversions,cost,sum_ad_rank,bid_amt,quality_index,is_brand,is_season';
    writeFileSync(csv, `${header}\n2026-11-01,3,PC,운동화,나이키 운동화,5,9,0,100,10,500,7,false,false\n`);
    const before = readFileSync(join(store, 'latest.json'), 'utf8');
    const errs: string[] = [];
    const r = await runCli([...TRAIN, '--source', `file:${csv}`, '--store', store, '--publish'], {
      env,
      reporter: new MemoryReporter(),
      out: () => undefined,
      err: (l) => errs.push(l),
    });
    expect(r.code).toBe(3);
    expect(r.outcome?.status).toBe('invalid-data');
    expect(r.outcome?.error).toMatch(
      /clicks exceed impressions \(e\.g\. 2026-11-01 "운동화" \/ "나이키 운동화": 9 > 5\)/,
    );
    expect(r.outcome?.error).toMatch(/only 1 rows/);
    expect(readFileSync(join(store, 'latest.json'), 'utf8')).toBe(before);
  }, 60_000);
});
