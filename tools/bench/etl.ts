/**
 * npm run bench:etl — a 1,000,000-row AD_DETAIL month (30 daily reports) from the fake Naver server through `etl sync`
 * into DuckDB, in a fresh process: rows/s loaded and peak RSS. Beside it, the same raw files through a seed-style
 * Python ETL (pandas.read_csv → DuckDB), measured in the same run.
 *
 * Options: --rows N (default 1000000), --days D (default 30).
 */
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adDetailRow, DEFAULT_FAKE_ACCOUNT, FakeNaverServer, shiftDate, toTsvLine } from '@adrank/naver-ads/testing';
import { fmt, table } from './common';

const args = process.argv.slice(2);
const opt = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? (args[i + 1] as string) : fallback;
};
const ROWS = Number(opt('rows', '1000000'));
const DAYS = Number(opt('days', '30'));
const FIRST = '2026-10-01';
const ROOT = join(__dirname, '..', '..');

async function writeDay(file: string, date: string, rows: number, seed: number): Promise<void> {
  const out = createWriteStream(file);
  let buf = '';
  for (let i = 0; i < rows; i++) {
    const k = (seed * 7919 + i) % 40_000;
    buf +=
      toTsvLine(
        'AD_DETAIL',
        adDetailRow({
          date,
          customerId: DEFAULT_FAKE_ACCOUNT.customerId,
          keywordId: k % 23 === 0 ? null : `nkw-a001-01-${String(k).padStart(15, '0')}`,
          adgroupId: `grp-a001-01-${String(k % 900).padStart(15, '0')}`,
          hour: i % 24,
          device: i % 3 ? 'MOBILE' : 'PC',
          regionCode: String(1 + (i % 17)).padStart(2, '0'),
          impressions: i % 400,
          clicks: i % 11,
          cost: (i % 11) * 110 * (1 + (i % 7)),
          sumAdRank: (i % 400) * (1 + (i % 9)),
        }),
      ) + '\n';
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
}

function runEtl(
  env: Record<string, string>,
  from: string,
  to: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        join(ROOT, 'tools/scripts/ts-run.cjs'),
        join(ROOT, 'apps/etl/src/main.ts'),
        'sync',
        '--customer',
        DEFAULT_FAKE_ACCOUNT.customerId,
        '--from',
        from,
        '--to',
        to,
        '--reports',
        'AD_DETAIL',
      ],
      { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

async function main(): Promise<void> {
  if (!Number.isInteger(ROWS) || ROWS < DAYS || !Number.isInteger(DAYS) || DAYS < 1 || DAYS > 180) {
    throw new Error('--rows must be an integer ≥ --days, --days 1..180');
  }
  const dir = mkdtempSync(join(tmpdir(), 'adrank-bench-etl-'));
  try {
    const raw = join(dir, 'raw');
    mkdirSync(raw);
    const files = new Map<string, string>();
    const t0 = performance.now();
    for (let d = 0; d < DAYS; d++) {
      const date = shiftDate(FIRST, d);
      const file = join(raw, `${date}.tsv`);
      await writeDay(file, date, Math.floor(ROWS / DAYS) + (d < ROWS % DAYS ? 1 : 0), d);
      files.set(date, file);
    }
    const mb = [...files.values()].reduce((s, f) => s + statSync(f).size, 0) / 2 ** 20;
    console.log(
      `generated ${fmt(ROWS)} AD_DETAIL rows in ${DAYS} daily files (${fmt(mb)} MB) in ${fmt((performance.now() - t0) / 1000, 1)} s`,
    );
    const last = shiftDate(FIRST, DAYS - 1);
    const naver = await FakeNaverServer.start({
      reportFile: (type, date) => (type === 'AD_DETAIL' ? files.get(date) : undefined),
      today: shiftDate(last, 1),
    });
    let ours: { rows: number; seconds: number; peakRssMb: number };
    try {
      const env = {
        NAVER_ADS_API_KEY: DEFAULT_FAKE_ACCOUNT.apiKey,
        NAVER_ADS_SECRET_KEY: DEFAULT_FAKE_ACCOUNT.secretKey,
        NAVER_ADS_BASE_URL: naver.url,
        NAVER_ADS_RATE_PER_SEC: '1000',
        ETL_REPORT_POLL_MS: '5',
        ADRANK_WAREHOUSE: 'duckdb',
        ADRANK_DUCKDB_PATH: join(dir, 'warehouse.duckdb'),
        ADRANK_DATA_LAKE: join(dir, 'lake'),
      };
      const r = await runEtl(env, FIRST, last);
      if (r.code !== 0) throw new Error(`etl sync exited with ${r.code}: ${r.stderr.slice(-2000)}`);
      const summary = JSON.parse(r.stdout.trim().split('\n').pop() as string) as {
        rowsByTable: Record<string, number>;
        durationMs: number;
        peakRssMb: number;
      };
      ours = {
        rows: summary.rowsByTable['ad_hourly_performance'] ?? 0,
        seconds: summary.durationMs / 1000,
        peakRssMb: summary.peakRssMb,
      };
      if (ours.rows !== ROWS) throw new Error(`loaded ${ours.rows} rows, expected ${ROWS}`);
    } finally {
      await naver.close();
    }
    let peer: { rows: number; seconds: number; peakRssMb: number } | string;
    try {
      const out = execFileSync(
        process.env['ADRANK_PYTHON'] || 'python3',
        [join(ROOT, 'tools/bench/etl_peer.py'), '--files', raw, '--db', join(dir, 'peer.duckdb')],
        {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      peer = JSON.parse(out.trim().split('\n').pop() as string) as typeof ours;
    } catch (e) {
      peer = `not measured (${(e as Error).message.split('\n')[0]})`;
    }
    const line = (name: string, m: typeof ours) => [
      name,
      fmt(m.rows),
      fmt(m.rows / m.seconds),
      fmt(m.seconds, 1),
      fmt(m.peakRssMb),
    ];
    console.log(
      '\n' +
        table(
          ['pipeline', 'rows', 'rows/s', 'seconds', 'peak RSS MB'],
          [
            line('adrank etl sync → DuckDB (fetch, keep raw, load + validate in SQL, replace partition)', ours),
            typeof peer === 'string'
              ? ['seed-style Python (pandas.read_csv → DuckDB), same raw files', peer, '', '', '']
              : line('seed-style Python (pandas.read_csv → DuckDB), same raw files', peer),
          ],
        ),
    );
    console.log(
      `\ntarget ≥ 200,000 rows/s: ${ours.rows / ours.seconds >= 200_000 ? 'met' : 'MISSED'} (the Python figure excludes fetching reports and keeping raw files)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
