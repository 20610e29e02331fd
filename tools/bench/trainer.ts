/**
 * npm run bench:trainer — `trainer train` end to end on generated data in DuckDB, each run in a fresh process: wall
 * time per step and peak RSS for ~200k and ~2M training rows (23 features), built-in vs native LightGBM engine. Beside
 * it, the seed's train.py (pandas + LightGBM, 8 features, the same model sizes) on as many rows, measured in the same run.
 *
 * Options: --sizes 200k,2m (default both), --engines builtin,native (default both), --no-peer.
 * The 2M set must stay under the seed's 2 GiB pod limit: the table marks peak RSS against it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt, table } from './common';

const args = process.argv.slice(2);
const opt = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? (args[i + 1] as string) : fallback;
};
const ROOT = join(__dirname, '..', '..');
const PEER = join(ROOT, '..', 'shared', 'peers', 'fastapi-lightgbm');
// Generated data per size (keywords × days) and the training window (rows days after 14 history days), sized so the
// feature matrix holds ~200k and ~2M rows.
const SIZES: Record<string, { keywords: number; days: number; window: number; peerGiven: number }> = {
  '200k': { keywords: 800, days: 70, window: 56, peerGiven: 2000 },
  '2m': { keywords: 11500, days: 90, window: 76, peerGiven: 20000 },
};
const sizes = opt('sizes', '200k,2m').split(',');
const engines = opt('engines', 'builtin,native').split(',');
const STEPS = ['extract', 'validate', 'embed', 'features', 'train', 'evaluate', 'report'];

interface RunResult {
  status: string;
  steps: Record<string, number>;
  totalMs: number;
  peakRssMb: number;
}

const work = mkdtempSync(join(tmpdir(), 'adrank-bench-trainer-'));
const rows: string[][] = [];
try {
  for (const size of sizes) {
    const s = SIZES[size];
    if (!s) throw new Error(`unknown size ${size} (200k or 2m)`);
    const db = join(work, `${size}.duckdb`);
    process.stderr.write(`generating ${size}: ${s.keywords} keywords × ${s.days} days …\n`);
    execFileSync(
      process.execPath,
      [
        join(ROOT, 'tools/scripts/ts-run.cjs'),
        join(ROOT, 'tools/sample-data/generate.ts'),
        '--keywords',
        String(s.keywords),
        '--days',
        String(s.days),
        '--out',
        join(work, `${size}-sample`),
        '--duckdb',
        db,
      ],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    for (const engine of engines) {
      process.stderr.write(`trainer ${size} ${engine} …\n`);
      const r = spawnSync(
        process.execPath,
        [
          join(ROOT, 'tools/scripts/ts-run.cjs'),
          join(ROOT, 'apps/trainer/src/main.ts'),
          'train',
          '--window-days',
          String(s.window),
          '--history-days',
          '14',
          '--holdout-days',
          '7',
          '--valid-days',
          '7',
          '--engine',
          engine,
          '--store',
          join(work, `store-${size}-${engine}`),
        ],
        {
          encoding: 'utf8',
          env: {
            ...process.env,
            ADRANK_DUCKDB_PATH: db,
            TRAINER_WORK_DIR: join(work, `work-${size}-${engine}`),
            TRAINER_LOG_FORMAT: 'json',
          },
          maxBuffer: 1 << 28,
        },
      );
      const last = r.stdout.trim().split('\n').pop() ?? '';
      let res: RunResult;
      try {
        res = JSON.parse(last) as RunResult;
      } catch {
        throw new Error(`trainer ${size} ${engine} failed (exit ${r.status}):\n${r.stderr.slice(-3000)}`);
      }
      const features = /"msg":"features built".*?"rows":(\d+)/.exec(r.stderr);
      rows.push([
        `${size} (${features ? fmt(Number(features[1])) : '?'} rows) adrank ${engine}`,
        ...STEPS.map((k) => (res.steps[k] !== undefined ? `${((res.steps[k] as number) / 1000).toFixed(1)}` : '—')),
        (res.totalMs / 1000).toFixed(1),
        `${fmt(res.peakRssMb)}${res.peakRssMb <= 2048 ? '' : ' (> 2 GiB!)'}`,
      ]);
      rmSync(join(work, `work-${size}-${engine}`), { recursive: true, force: true });
    }
    rmSync(db, { force: true });
    if (!args.includes('--no-peer') && existsSync(PEER)) {
      const dir = join(work, `peer-${size}`);
      mkdirSync(dir, { recursive: true });
      const py = process.env['ADRANK_PYTHON'] ?? 'python3';
      execFileSync(
        py,
        [join(PEER, 'gen_data.py'), '--n-given', String(s.peerGiven), '--cands', '100', '--out', join(dir, 'data.csv')],
        { cwd: dir, stdio: 'ignore' },
      );
      const out = execFileSync(
        py,
        [
          '-c',
          'import resource,subprocess,sys,time\nt=time.time()\nsubprocess.run(sys.argv[1:],check=True,stdout=subprocess.DEVNULL)\nprint(time.time()-t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)',
          py,
          join(PEER, 'train.py'),
          '--data',
          join(dir, 'data.csv'),
          '--threads',
          '2',
          '--metrics-out',
          join(dir, 'metrics.json'),
        ],
        { cwd: dir, encoding: 'utf8' },
      );
      const [wall, rssKb] = out.trim().split(/\s+/).map(Number) as [number, number];
      rows.push([
        `${size} (${fmt(s.peerGiven * 100)} rows) peer train.py`,
        '—',
        '—',
        '—',
        '—',
        '—',
        '—',
        '—',
        wall.toFixed(1),
        fmt(rssKb / 1024),
      ]);
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.log('\n' + table(['run', ...STEPS.map((s) => `${s} s`), 'total s', 'peak RSS MiB'], rows));
console.log(
  "\npeer: 8 features, CSV in, 400/300/300 trees without early stopping, 2 threads; adrank: 23 features, DuckDB in, early stopping, the seed's sizes and 2 threads (native).",
);
