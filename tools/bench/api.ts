/**
 * npm run bench:api — adrank's inference API beside the seed's FastAPI peer, both on 127.0.0.1, driven by autocannon
 * from this process (bounded duration, alternating ours/peer per scenario): `/rank` with 100 known candidates and
 * `/predict/ctr` with 1 and 100 rows at concurrency 8/32/64; req/s, p50 and p99 side by side, and the ratio. Both serve
 * models of the seed's sizes (400 × 63, 300 × 31, 300 × 31 trees, no early stopping), so both do the same tree work;
 * adrank's rows have 23 features, the peer's 8. Then `/rank` again at half of each side's own best rate, as an
 * open-loop load (`paced.cjs`: requests due at even intervals, latency from the due time) for the latency a service sees
 * below saturation, and process start to ready. adrank runs as
 * production does: the built bundle `dist/apps/inference-api/main.js` (`npm run build` makes it; this script builds it
 * when missing).
 *
 * Needs `pip install lightgbm numpy pandas scikit-learn fastapi uvicorn` for the peer.
 * Each measured run follows an unmeasured warm-up of the same load on the same side (`--warmup S`, default 2 s): a
 * run right after start-up measured V8 compiling the server's code on the CPUs the load shares (three starts, `/rank` at 8
 * connections: 1,110–1,416 req/s in the first 6 s after ready, 1,293–1,623 in the two runs after); the first warm-up's
 * rate is printed, as the cold figure.
 * `--repeat N` measures every cell N times, alternating the sides, and prints medians (req/s and ratio with their range;
 * the ratio per repetition, of runs seconds apart): this machine's rate drifts by ±20 % over minutes. The open-loop run
 * and the start are repeated N times too.
 * Options: --duration S (default 8), --warmup S (default 2; 0: none), --repeat N (default 1), --connections 8,32,64,
 * --no-peer, --workers N
 * (adrank as N processes sharing the port through node:cluster, and the peer as N uvicorn workers: the measurement
 * behind the one-process-per-pod choice).
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { fmt, table } from './common';

const args = process.argv.slice(2);
const opt = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? (args[i + 1] as string) : fallback;
};
const DURATION = Number(opt('duration', '8'));
const WARMUP = Number(opt('warmup', '2'));
const REPEAT = Number(opt('repeat', '1'));
if (!(Number.isInteger(REPEAT) && REPEAT >= 1))
  throw new Error(`--repeat must be an integer ≥ 1, got ${opt('repeat', '')}`);
if (!(DURATION > 0)) throw new Error(`--duration must be a positive number of seconds, got ${opt('duration', '')}`);
if (!(WARMUP >= 0)) throw new Error(`--warmup must be a number of seconds ≥ 0, got ${opt('warmup', '')}`);
const CONNECTIONS = opt('connections', '8,32,64').split(',').map(Number);
const WORKERS = Number(opt('workers', '1'));
const ROOT = join(__dirname, '..', '..');
const PEER = join(ROOT, '..', 'shared', 'peers', 'fastapi-lightgbm');
const PY = process.env['ADRANK_PYTHON'] ?? 'python3';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

async function waitReady(url: string, child: ChildProcess, t0: number): Promise<number> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${url}: the process exited with ${child.exitCode}`);
    try {
      const r = await fetch(url);
      if (r.ok) return performance.now() - t0;
    } catch {
      // not listening yet
    }
    if (performance.now() - t0 > 60_000) throw new Error(`${url} not ready after 60 s`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** What `paced.cjs` prints: an open-loop run's rate, percentiles from the due times, errors. */
interface PacedRun {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  sent: number;
}

interface Run {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

function median(xs: number[]): number {
  const v = [...xs].sort((a, b) => a - b);
  const m = v.length >> 1;
  return v.length % 2 ? (v[m] as number) : ((v[m - 1] as number) + (v[m] as number)) / 2;
}

/** One run's figure, or with repetitions their median and range: "1,713 (1,292–1,940)". */
function spread(xs: number[], show: (x: number) => string = (x) => fmt(x)): string {
  if (xs.length === 1) return show(xs[0] as number);
  return `${show(median(xs))} (${show(Math.min(...xs))}–${show(Math.max(...xs))})`;
}

/** p50 / p99 ms of one run, or the medians of the repetitions. */
function latency(runs: Run[]): string {
  return `${median(runs.map((r) => r.p50))} / ${median(runs.map((r) => r.p99))}`;
}

/** Drives `url` with one body, or cycles each connection through several. */
async function drive(url: string, body: string | string[], connections: number, duration = DURATION): Promise<Run> {
  const r = await autocannon({
    url,
    method: 'POST',
    ...(typeof body === 'string' ? { body } : { requests: body.map((b) => ({ method: 'POST' as const, body: b })) }),
    headers: { 'content-type': 'application/json' },
    connections,
    duration,
  });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.non2xx + r.errors + r.timeouts };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'adrank-bench-api-'));
  const children: ChildProcess[] = [];
  try {
    // adrank: generated data → the trainer with the seed's sizes, no early stopping → a bundle in a local store
    const run = (file: string, a: string[], env: Record<string, string> = {}) =>
      execFileSync(process.execPath, [join(ROOT, 'tools/scripts/ts-run.cjs'), join(ROOT, file), ...a], {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'ignore', 'pipe'], // the error carries stderr if a step fails
        maxBuffer: 64 << 20,
      });
    process.stderr.write('generating data and training the bundle (seed sizes) …\n');
    run('tools/sample-data/generate.ts', [
      '--keywords',
      '1000',
      '--days',
      '40',
      '--out',
      join(dir, 'sample'),
      '--duckdb',
      join(dir, 'w.duckdb'),
    ]);
    const v1 = JSON.parse(readFileSync(join(ROOT, 'apps/trainer/params/v1.json'), 'utf8'));
    v1.version = 'bench-seed-sizes';
    v1.common.early_stopping_round = 0;
    writeFileSync(join(dir, 'params.json'), JSON.stringify(v1));
    const store = join(dir, 'models');
    run(
      'apps/trainer/src/main.ts',
      [
        'train',
        '--window-days',
        '30',
        '--history-days',
        '7',
        '--params',
        join(dir, 'params.json'),
        '--store',
        store,
        '--publish',
        '--force',
      ],
      { ADRANK_DUCKDB_PATH: join(dir, 'w.duckdb'), TRAINER_WORK_DIR: join(dir, 'work'), TRAINER_LOG_FORMAT: 'json' },
    );
    const keywords = JSON.parse(readFileSync(join(store, 'latest', 'keywords.json'), 'utf8')) as string[];

    const bundle = join(ROOT, 'dist/apps/inference-api/main.js');
    if (!existsSync(bundle)) {
      process.stderr.write('building the inference-api bundle …\n');
      execFileSync('npx', ['nx', 'run', 'inference-api:bundle'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    }
    /** Starts adrank with a fresh model cache: the process, its URL, and start → ready in ms. */
    const startOurs = async (cache: string, env: Record<string, string> = {}) => {
      const port = await freePort();
      const t0 = performance.now();
      const child = spawn(
        process.execPath,
        WORKERS > 1 ? [join(__dirname, 'cluster.cjs'), String(WORKERS), bundle] : [bundle],
        {
          env: {
            ...process.env,
            ADRANK_MODEL_STORE: store,
            MODEL_CACHE_DIR: join(dir, cache),
            API_PORT: String(port),
            API_HOST: '127.0.0.1',
            MODEL_POLL_MS: '0',
            LOG_REQUESTS: 'false',
            ...env,
          },
          stdio: ['ignore', 'ignore', 'inherit'],
        },
      );
      children.push(child);
      const url = `http://127.0.0.1:${port}`;
      const ready = await waitReady(`${url}/health/ready`, child, t0);
      // with workers, any one may answer first: wait until every one of many probes finds a ready process
      for (let ok = 0; WORKERS > 1 && ok < 20 * WORKERS;) {
        ok = (await fetch(`${url}/health/ready`)).ok ? ok + 1 : 0;
        if (performance.now() - t0 > 60_000) throw new Error('the workers are not all ready after 60 s');
      }
      return { child, url, ready };
    };
    const first = await startOurs('cache');
    const oursUrl = first.url;
    const oursReady = [first.ready];

    let peerUrl = '';
    const peerReady: number[] = [];
    let startPeer: (() => Promise<{ child: ChildProcess; url: string; ready: number }>) | null = null;
    let peerRows: Record<string, number>[] = [];
    if (!args.includes('--no-peer')) {
      process.stderr.write('peer: generating data, training, starting uvicorn …\n');
      const pdir = join(dir, 'peer');
      execFileSync('mkdir', ['-p', pdir]);
      execFileSync(
        PY,
        [join(PEER, 'gen_data.py'), '--n-given', '300', '--cands', '100', '--out', join(pdir, 'data.csv')],
        { cwd: pdir, stdio: 'ignore' },
      );
      execFileSync(
        PY,
        [
          join(PEER, 'train.py'),
          '--data',
          join(pdir, 'data.csv'),
          '--threads',
          '2',
          '--metrics-out',
          join(pdir, 'm.json'),
        ],
        { cwd: pdir, stdio: 'ignore' },
      );
      const lines = readFileSync(join(pdir, 'data.csv'), 'utf8').trim().split('\n');
      const head = (lines[0] as string).split(',');
      const feats = ['similarity', 'bid_amt', 'cpc', 'quality_index', 'avg_rank', 'hour', 'is_brand', 'is_season'];
      peerRows = lines.slice(1, 101).map((l) => {
        const c = l.split(',');
        return Object.fromEntries(feats.map((f) => [f, Number(c[head.indexOf(f)])]));
      });
      startPeer = async () => {
        const port = await freePort();
        const t0 = performance.now();
        const child = spawn(
          PY,
          [
            '-m',
            'uvicorn',
            'peer_fastapi:app',
            '--host',
            '127.0.0.1',
            '--port',
            String(port),
            '--workers',
            String(WORKERS),
            '--no-access-log',
            '--log-level',
            'warning',
          ],
          {
            cwd: PEER,
            env: { ...process.env, MODEL_DIR: pdir, LGB_NUM_THREADS: '1' },
            stdio: ['ignore', 'ignore', 'inherit'],
          },
        );
        children.push(child);
        const url = `http://127.0.0.1:${port}`;
        return { child, url, ready: await waitReady(`${url}/health`, child, t0) };
      };
      const p = await startPeer();
      peerUrl = p.url;
      peerReady.push(p.ready);
    }

    const instance = (i: number) => ({
      similarity: 0.3 + (i % 7) / 10,
      hour: i % 24,
      device: i % 2,
      bid_amt: 300 + 10 * i,
      kw_ctr: 0.01 + (i % 5) / 100,
      quality_index: 1 + (i % 7),
    });
    // 64 different rankings (search term, a window of 100 of the bundle's keywords, hour, device), cycled by every
    // connection: no two consecutive requests of a connection are the same, and the candidates cover the keywords.
    const rankBodies = Array.from({ length: 64 }, (_, i) =>
      JSON.stringify({
        given_word: keywords[(i * 37) % keywords.length],
        candidates: Array.from({ length: 100 }, (_, j) => keywords[(i * 131 + j) % keywords.length]),
        hour: i % 24,
        device: i % 2 === 0 ? 'MOBILE' : 'PC',
      }),
    );
    const scenarios: { name: string; ours: [string, string | string[]]; peer: [string, string] }[] = [
      {
        name: '/rank 100 candidates',
        ours: ['/rank', rankBodies],
        peer: [
          '/rank',
          JSON.stringify({ given_word: 'x', candidates: peerRows.map((r, i) => ({ keyword: `kw${i}`, ...r })) }),
        ],
      },
      {
        name: '/predict/ctr 1 row',
        ours: ['/predict/ctr', JSON.stringify({ instances: [instance(1)] })],
        peer: ['/predict/ctr', JSON.stringify({ rows: peerRows.slice(0, 1) })],
      },
      {
        name: '/predict/ctr 100 rows',
        ours: ['/predict/ctr', JSON.stringify({ instances: Array.from({ length: 100 }, (_, i) => instance(i)) })],
        peer: ['/predict/ctr', JSON.stringify({ rows: peerRows })],
      },
    ];
    const rows: string[][] = [];
    let cold: { name: string; ours: number; peer: number | null } | null = null;
    /** Per connection count, the median /rank rate of each side: half of the best is the open-loop rate below. */
    const rankRates: { ours: number; peer: number }[] = [];
    for (const s of scenarios) {
      for (const c of CONNECTIONS) {
        process.stderr.write(`${s.name} × ${c} …\n`);
        const warm = (url: string, body: string | string[]) => drive(url, body, c, WARMUP);
        const ours: Run[] = [];
        const peer: Run[] = [];
        // repetitions alternate the sides, so a slow spell of the machine lands on both
        for (let rep = 0; rep < REPEAT; rep++) {
          const wa = WARMUP > 0 ? await warm(oursUrl + s.ours[0], s.ours[1]) : null;
          ours.push(await drive(oursUrl + s.ours[0], s.ours[1], c));
          const wb = WARMUP > 0 && peerUrl ? await warm(peerUrl + s.peer[0], s.peer[1]) : null;
          if (peerUrl) peer.push(await drive(peerUrl + s.peer[0], s.peer[1], c));
          if (cold === null && wa !== null) cold = { name: `${s.name} @${c}`, ours: wa.rps, peer: wb?.rps ?? null };
        }
        if (s === scenarios[0])
          rankRates.push({
            ours: median(ours.map((r) => r.rps)),
            peer: peer.length ? median(peer.map((r) => r.rps)) : 0,
          });
        const ratios = peer.map((b, i) => (ours[i] as Run).rps / b.rps);
        rows.push([
          `${s.name} @${c}`,
          spread(ours.map((r) => r.rps)),
          latency(ours),
          peer.length ? spread(peer.map((r) => r.rps)) : '—',
          peer.length ? latency(peer) : '—',
          ratios.length ? spread(ratios, (x) => `${x.toFixed(1)}×`) : '—',
          String([...ours, ...peer].reduce((n, r) => n + r.errors, 0)),
        ]);
      }
    }
    // below saturation: /rank at half of each side's best rate over the connection counts above
    const scenario = scenarios[0] as (typeof scenarios)[number];
    const halfRows: string[][] = [];
    {
      const rate = Math.max(1, Math.round(Math.max(...rankRates.map((r) => r.ours)) / 2));
      process.stderr.write(`/rank at half rate (${rate} req/s) …\n`);
      // each open-loop run in a plain Node process of its own: this one's heap (autocannon's runs, the TypeScript
      // compiler) would pause the client, and its pauses would count as the server's latency
      const paced = (url: string, body: string | string[], r: number): PacedRun => {
        const file = join(dir, 'paced-bodies.json');
        writeFileSync(file, JSON.stringify(typeof body === 'string' ? [body] : body));
        const out = execFileSync(
          process.execPath,
          [join(__dirname, 'paced.cjs'), url, file, String(r), String(DURATION), '8'],
          { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
        );
        return JSON.parse(out) as PacedRun;
      };
      const peerRate = peerUrl ? Math.max(1, Math.round(Math.max(...rankRates.map((r) => r.peer)) / 2)) : NaN;
      const a: PacedRun[] = [];
      const b: PacedRun[] = [];
      for (let rep = 0; rep < REPEAT; rep++) {
        a.push(paced(oursUrl + scenario.ours[0], scenario.ours[1], rate));
        if (peerUrl) b.push(paced(peerUrl + scenario.peer[0], scenario.peer[1], peerRate));
      }
      const pacedLatency = (runs: PacedRun[]) =>
        `${spread(
          runs.map((r) => r.p50),
          (x) => String(x),
        )} / ${spread(
          runs.map((r) => r.p99),
          (x) => String(x),
        )}`;
      halfRows.push([
        '/rank 100 candidates, half of best rate, open loop, ≤ 8 connections',
        `${spread(a.map((r) => r.rps))} (asked ${fmt(rate)})`,
        pacedLatency(a),
        b.length ? `${spread(b.map((r) => r.rps))} (asked ${fmt(peerRate)})` : '—',
        b.length ? pacedLatency(b) : '—',
        String([...a, ...b].reduce((n, r) => n + r.errors, 0)),
      ]);
    }
    console.log(
      '\n' +
        table(
          [
            'scenario @connections',
            'adrank req/s',
            'adrank p50 / p99 ms',
            'peer req/s',
            'peer p50 / p99 ms',
            'ratio',
            'errors',
          ],
          rows,
        ),
    );
    console.log(
      '\n' +
        table(
          ['scenario', 'adrank req/s', 'adrank p50 / p99 ms', 'peer req/s', 'peer p50 / p99 ms', 'errors'],
          halfRows,
        ),
    );
    // more starts, alternating the sides, each process stopped before the next starts
    const stop = (c: ChildProcess) =>
      new Promise<void>((resolve) => {
        if (c.exitCode !== null || c.signalCode !== null) return resolve();
        c.once('exit', () => resolve());
        c.kill('SIGTERM');
      });
    for (let rep = 1; rep < REPEAT; rep++) {
      process.stderr.write(`start → ready, start ${rep + 1} …\n`);
      const o = await startOurs(`cache-${rep}`, { SHUTDOWN_DELAY_MS: '0' });
      oursReady.push(o.ready);
      await stop(o.child);
      if (startPeer !== null) {
        const p = await startPeer();
        peerReady.push(p.ready);
        await stop(p.child);
      }
    }
    if (cold !== null)
      console.log(
        `\ncold: the first ${WARMUP} s after ready (the warm-up of ${cold.name}, not in the table): adrank ${fmt(cold.ours)} req/s, peer ${cold.peer === null ? '—' : fmt(cold.peer)} req/s`,
      );
    console.log(
      `\nprocess start → ready (local bundle, /health/ready 200): adrank ${spread(oursReady)} ms (dist/apps/inference-api/main.js${WORKERS > 1 ? `, ${WORKERS} workers` : ''}, fresh model cache), peer ${peerReady.length ? spread(peerReady) : '—'} ms${REPEAT > 1 ? ` (medians of ${REPEAT} starts)` : ''}`,
    );
  } finally {
    for (const c of children) c.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
