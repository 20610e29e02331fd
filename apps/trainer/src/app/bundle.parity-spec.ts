/**
 * The trainer's bundles read by the real LightGBM (lib_lightgbm.so from the Python wheel, through NativeLightGbm):
 * trained with the built-in engine and with the native one, every model loads in LightGBM and scores serving rows
 * (built by @adrank/features from the bundle's own keyword feature table) exactly as @adrank/lightgbm does. Part of the
 * parity suite (CI: ADRANK_REQUIRE_NATIVE=1, so a missing LightGBM fails rather than skips).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildServingRows, KeywordFeatureTable } from '@adrank/features';
import { MemoryReporter } from '@adrank/job';
import { NativeLightGbm, Predictor } from '@adrank/lightgbm';
import { BundleStore, openStore } from '@adrank/model-store';
import { runCli } from './run-cli';

const ROOT = join(__dirname, '..', '..', '..', '..');

describe('trainer bundles in the real LightGBM', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'adrank-trainer-parity-'));
    execFileSync(
      process.execPath,
      [
        join(ROOT, 'tools/scripts/ts-run.cjs'),
        join(ROOT, 'tools/sample-data/generate.ts'),
        '--keywords',
        '200',
        '--days',
        '30',
        '--seed',
        '3',
        '--out',
        join(dir, 'sample'),
        '--duckdb',
        join(dir, 'w.duckdb'),
      ],
      { stdio: 'ignore' },
    );
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(['builtin', 'native'])(
    '%s engine: every model scores serving rows as LightGBM does',
    async (engine) => {
      const store = join(dir, `models-${engine}`);
      const env = { ADRANK_DUCKDB_PATH: join(dir, 'w.duckdb'), TRAINER_WORK_DIR: join(dir, `work-${engine}`) };
      const r = await runCli(
        [
          'train',
          '--window-days',
          '24',
          '--holdout-days',
          '4',
          '--valid-days',
          '3',
          '--history-days',
          '6',
          '--engine',
          engine,
          '--store',
          store,
          '--publish',
          '--force',
        ],
        { env, reporter: new MemoryReporter(), out: () => undefined },
      );
      expect(r.outcome?.error).toBeUndefined();
      expect(r.outcome?.status).toBe('published');
      const bundles = new BundleStore(openStore(store));
      const local = await bundles.download(await bundles.resolve(), join(dir, `cache-${engine}`));
      const table = KeywordFeatureTable.load(join(local, 'keyword_features.bin'));
      const keywords = JSON.parse(readFileSync(join(local, 'keywords.json'), 'utf8')) as string[];
      const candidates = keywords.slice(0, 150).map((keyword, i) => ({ keyword, similarity: ((i * 37) % 100) / 100 }));
      const parts: Float64Array[] = [];
      for (const [hour, device] of [
        [3, 'PC'],
        [21, 'MOBILE'],
      ] as const)
        parts.push(
          buildServingRows({ searchTerm: keywords[7] as string }, candidates, table, {
            hour,
            date: table.endDate,
            device,
          }),
        );
      const all = new Float64Array(parts.reduce((a, p) => a + p.length, 0));
      let at = 0;
      for (const p of parts) {
        all.set(p, at);
        at += p.length;
      }
      const n = all.length / 23;
      const lib = NativeLightGbm.load();
      for (const f of ['ctr_model.txt', 'conv_model.txt', 'ranker_model.txt']) {
        const text = readFileSync(join(local, f), 'utf8');
        const ours = Predictor.fromText(text).predict(all, n, { raw: true });
        const booster = lib.boosterFromString(text);
        try {
          const theirs = booster.predictForMat(all, n, { type: 'raw' });
          let worst = 0;
          for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs((ours[i] as number) - (theirs[i] as number)));
          expect({ file: f, worst: worst <= 1e-9 }).toEqual({ file: f, worst: true });
          expect(new Set(ours).size).toBeGreaterThan(5); // the rows reach different leaves
        } finally {
          booster.free();
        }
      }
    },
    120_000,
  );
});
