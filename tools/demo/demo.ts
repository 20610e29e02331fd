/**
 * npm run demo [-- --no-serve] [--fresh] [--retrain] [--force] [--port 3000] [--dir .adrank] [--keywords 1000]
 *                 [--days 35] [--today 2026-11-21]
 *
 * The whole pipeline on the embedded default, each step a real component: generate sample data → a fake Naver Search
 * Ads API seeded with it → the ETL (`apps/etl`: keyword snapshot, keyword tool, daily stat reports) into DuckDB → the
 * search-term facts (the one table Naver's reports do not provide) → the trainer (`apps/trainer`) trains, gates and
 * publishes a bundle into a local store → the inference API (`apps/inference-api`) serves it. Apps run as their own
 * CLIs in child processes; their output goes to <dir>/logs/<step>.log.
 *
 * Re-running reuses what is there: the sample when its options match, ETL partitions already loaded, the published
 * bundle when its data window reaches the sample's last day. --fresh deletes the demo's data first; --retrain trains
 * even when the bundle is current; --force publishes even if the gate would hold the new bundle. --no-serve stops after
 * one ranking through the API (for scripts). Exit 1 if a step fails (its log's tail is printed), 2 on bad flags.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, relative, resolve } from 'node:path';
import { DEFAULT_FAKE_ACCOUNT, FakeNaverServer, type FakeData } from '@adrank/naver-ads/testing';
import { DuckDbWarehouse, TABLE_COLUMNS } from '@adrank/warehouse';
import { writeSample } from '../sample-data/write-sample';

const ROOT = resolve(__dirname, '..', '..');
const TS_RUN = join(ROOT, 'tools/scripts/ts-run.cjs');
const CUSTOMER = DEFAULT_FAKE_ACCOUNT.customerId;
const HISTORY_DAYS = 7;

class DemoError extends Error {
  constructor(
    message: string,
    readonly log?: string,
  ) {
    super(message);
  }
}

// ---- flags -------------------------------------------------------------------------------------------------------

interface Options {
  serve: boolean;
  fresh: boolean;
  retrain: boolean;
  force: boolean;
  port: number;
  dir: string;
  keywords: number;
  days: number;
  today: string;
}

const USAGE = `usage: npm run demo -- [--no-serve] [--fresh] [--retrain] [--force] [--port N] [--dir DIR]
                        [--keywords N] [--days N] [--today YYYY-MM-DD]`;

function parseFlags(argv: readonly string[]): Options {
  const o: Options = {
    serve: true,
    fresh: false,
    retrain: false,
    force: false,
    port: 3000,
    dir: '.adrank',
    keywords: 1000,
    days: 35,
    today: '2026-11-21',
  };
  const bool: Record<string, () => void> = {
    '--no-serve': () => (o.serve = false),
    '--fresh': () => (o.fresh = true),
    '--retrain': () => (o.retrain = true),
    '--force': () => (o.force = true),
  };
  const int = (flag: string, v: string | undefined, min: number, max: number): number => {
    if (v === undefined || !/^\d+$/.test(v) || Number(v) < min || Number(v) > max)
      throw new UsageError(`${flag} must be an integer in ${min}..${max}, got ${v ?? 'nothing'}`);
    return Number(v);
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const v = argv[i + 1];
    if (a === '--help' || a === '-h') throw new UsageError('');
    const b = bool[a];
    if (b !== undefined) b();
    else if (a === '--port') {
      o.port = int(a, v, 0, 65535);
      i++;
    } else if (a === '--keywords') {
      o.keywords = int(a, v, 100, 20_000);
      i++;
    } else if (a === '--days') {
      o.days = int(a, v, 2 * HISTORY_DAYS + 14, 120);
      i++;
    } else if (a === '--dir') {
      if (v === undefined || v.startsWith('--')) throw new UsageError('--dir needs a directory');
      o.dir = v;
      i++;
    } else if (a === '--today') {
      if (v === undefined || !/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`)))
        throw new UsageError(`--today must be a date YYYY-MM-DD, got ${v ?? 'nothing'}`);
      o.today = v;
      i++;
    } else throw new UsageError(`unknown flag ${a}`);
  }
  return o;
}

class UsageError extends Error {}

// ---- output ------------------------------------------------------------------------------------------------------

const tty = process.stdout.isTTY === true;
const c = (code: string) => (s: string) => (tty ? `\x1b[${code}m${s}\x1b[0m` : s);
const bold = c('1');
const dim = c('2');
const green = c('32');
const red = c('31');
const cyan = c('36');
const fmtS = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const n = (x: number) => x.toLocaleString('en-US');
/** A path as the user would type it: relative when under the working directory, else absolute. */
const show = (path: string) => {
  const r = relative(process.cwd(), path);
  return r === '' ? '.' : r.startsWith('..') ? path : r;
};

let stepNo = 0;
const STEPS = 7;

/** Runs one step: a start line (on a TTY, replaced by the result), then ✓ name, duration and what it did. */
async function step<T>(name: string, run: () => Promise<{ value: T; detail: string }>): Promise<T> {
  stepNo++;
  const label = `[${stepNo}/${STEPS}] ${name}`;
  const t0 = performance.now();
  if (tty) process.stdout.write(`${dim('…')} ${label}`);
  try {
    const { value, detail } = await run();
    const line = `${green('✓')} ${label.padEnd(34)} ${fmtS(performance.now() - t0).padStart(7)}   ${detail}`;
    process.stdout.write(tty ? `\r\x1b[2K${line}\n` : `${line}\n`);
    return value;
  } catch (e) {
    const line = `${red('✗')} ${label.padEnd(34)} ${fmtS(performance.now() - t0).padStart(7)}   failed`;
    process.stdout.write(tty ? `\r\x1b[2K${line}\n` : `${line}\n`);
    throw e;
  }
}

// ---- child processes ---------------------------------------------------------------------------------------------

interface Ran {
  code: number | null;
  stdout: string;
}

/** Runs an app's CLI through ts-run, stdout and stderr appended to `log`; rejects with the log on a non-zero exit. */
function runApp(app: string, args: string[], env: Record<string, string>, log: string): Promise<Ran> {
  return new Promise((resolveRun, reject) => {
    const out = createWriteStream(log, { flags: 'a' });
    out.write(`\n$ ${app} ${args.join(' ')}\n`);
    const child = spawn(process.execPath, [TS_RUN, join(ROOT, `apps/${app}/src/main.ts`), ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      out.write(d);
    });
    child.stderr.on('data', (d: Buffer) => out.write(d));
    child.on('error', (e) => reject(new DemoError(`${app} ${args[0]}: ${e.message}`, log)));
    child.on('exit', (code) => {
      out.end(() => {
        if (code === 0) resolveRun({ code, stdout });
        else reject(new DemoError(`${app} ${args[0]} exited with ${code}`, log));
      });
    });
  });
}

/** The last JSON object line a CLI printed on stdout (its summary). */
function lastJson(stdout: string): Record<string, unknown> {
  const lines = stdout.trim().split('\n').reverse();
  for (const l of lines) {
    if (l.startsWith('{')) {
      try {
        return JSON.parse(l) as Record<string, unknown>;
      } catch {
        // not the summary
      }
    }
  }
  return {};
}

function freePort(port: number): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const s = createServer();
    s.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE' || e.code === 'EACCES') resolvePort(port === 0 ? -1 : freePort(0));
      else reject(e);
    });
    s.listen(port, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolvePort(p));
    });
  });
}

// ---- the pipeline ------------------------------------------------------------------------------------------------

interface Paths {
  dir: string;
  sample: string;
  warehouse: string;
  lake: string;
  store: string;
  trainer: string;
  apiCache: string;
  logs: string;
}

function pathsFor(dir: string): Paths {
  const d = resolve(dir);
  return {
    dir: d,
    sample: join(d, 'sample'),
    warehouse: join(d, 'warehouse.duckdb'),
    lake: join(d, 'lake'),
    store: join(d, 'models', 'lgbm'),
    trainer: join(d, 'trainer'),
    apiCache: join(d, 'api-cache'),
    logs: join(d, 'logs'),
  };
}

/** Removes what the demo writes under its directory (nothing else there). */
function removeDemoData(p: Paths): void {
  for (const x of [
    p.sample,
    p.warehouse,
    `${p.warehouse}.wal`,
    p.lake,
    join(p.dir, 'models'),
    p.trainer,
    p.apiCache,
    p.logs,
  ])
    rmSync(x, { recursive: true, force: true });
}

interface SampleStamp {
  keywords: number;
  days: number;
  seed: number;
  today: string;
  firstDay: string;
  lastDay: string;
  searchTerms: number;
  records: number;
}

async function sampleStep(o: Options, p: Paths): Promise<SampleStamp> {
  return step('sample data', async () => {
    const stampFile = join(p.sample, 'sample.json');
    const want = { keywords: o.keywords, days: o.days, seed: 42, today: o.today };
    if (existsSync(stampFile)) {
      const s = JSON.parse(readFileSync(stampFile, 'utf8')) as SampleStamp;
      if (s.keywords === want.keywords && s.days === want.days && s.seed === want.seed && s.today === want.today)
        return { value: s, detail: `reused ${show(p.sample)} (${n(s.records)} records)` };
    }
    rmSync(p.sample, { recursive: true, force: true });
    const { summary } = writeSample(want, p.sample);
    const stamp: SampleStamp = { ...want, ...summary };
    writeFileSync(stampFile, JSON.stringify(stamp, null, 2));
    return {
      value: stamp,
      detail: `${n(summary.keywords)} keywords · ${n(summary.searchTerms)} search terms · ${summary.days} days (${summary.firstDay} … ${summary.lastDay}) · ${n(summary.records)} records`,
    };
  });
}

async function fakeNaverStep(p: Paths, s: SampleStamp): Promise<FakeNaverServer> {
  return step('fake Naver Search Ads API', async () => {
    const entities = JSON.parse(readFileSync(join(p.sample, 'naver', 'entities.json'), 'utf8')) as Pick<
      FakeData,
      'campaigns' | 'adgroups' | 'keywords'
    >;
    const relations = JSON.parse(
      readFileSync(join(p.sample, 'naver', 'relations.json'), 'utf8'),
    ) as FakeData['relations'];
    const server = await FakeNaverServer.start({
      data: { ...entities, relations, reports: {} },
      today: s.today,
      reportFile: (type, date) => {
        const f = join(p.sample, 'naver', type, `${date}.tsv`);
        return existsSync(f) ? f : undefined;
      },
    });
    return { value: server, detail: `${server.url} (signed requests, stat-report jobs, keyword tool)` };
  });
}

async function etlStep(p: Paths, s: SampleStamp, naver: FakeNaverServer): Promise<void> {
  const log = join(p.logs, 'etl.log');
  const env = {
    NAVER_ADS_BASE_URL: naver.url,
    NAVER_ADS_API_KEY: DEFAULT_FAKE_ACCOUNT.apiKey,
    NAVER_ADS_SECRET_KEY: DEFAULT_FAKE_ACCOUNT.secretKey,
    ADRANK_CUSTOMER_IDS: CUSTOMER,
    ADRANK_WAREHOUSE: 'duckdb',
    ADRANK_DUCKDB_PATH: p.warehouse,
    ADRANK_DATA_LAKE: p.lake,
    // the fake server has no rate limits and builds reports at once; against Naver keep the defaults
    NAVER_ADS_RATE_PER_SEC: '50',
    NAVER_ADS_KEYWORDTOOL_RATE_PER_SEC: '100',
    ETL_REPORT_POLL_MS: '20',
  };
  await step('ETL: keywords + keyword tool', async () => {
    const k = lastJson((await runApp('etl', ['keywords', '--customer', CUSTOMER], env, log)).stdout);
    const r = lastJson(
      (
        await runApp(
          'etl',
          ['related', '--customer', CUSTOMER, '--given-words-file', join(p.sample, 'search_terms.txt')],
          env,
          log,
        )
      ).stdout,
    );
    return {
      value: undefined,
      detail: `${n(Number(k['keywords'] ?? 0))} keywords · ${n(Number(r['relations'] ?? 0))} relations for ${n(Number(r['givenWords'] ?? 0))} search terms`,
    };
  });
  await step('ETL: daily stat reports', async () => {
    const out = lastJson(
      (
        await runApp(
          'etl',
          [
            'sync',
            '--customer',
            CUSTOMER,
            '--from',
            s.firstDay,
            '--to',
            s.lastDay,
            '--reports',
            'AD_DETAIL,AD_CONVERSION_DETAIL',
          ],
          env,
          log,
        )
      ).stdout,
    );
    const parts = (out['partitions'] ?? {}) as Record<string, number>;
    const rows = (out['rowsByTable'] ?? {}) as Record<string, number>;
    const loaded = parts['loaded'] ?? 0;
    const none = parts['none'] ?? 0;
    const skipped = parts['skipped'] ?? 0;
    const total = Object.values(rows).reduce((a, b) => a + Number(b), 0);
    return {
      value: undefined,
      detail:
        loaded === 0 && none === 0 && skipped > 0
          ? `${skipped} partitions already loaded (reused)`
          : `${loaded} partitions loaded${none ? `, ${none} without data` : ''}${skipped ? `, ${skipped} already there` : ''} · ${n(total)} rows`,
    };
  });
}

async function searchTermStep(p: Paths, s: SampleStamp): Promise<void> {
  await step('search-term facts', async () => {
    const file = join(p.sample, 'search_term_hourly_performance.tsv');
    const loadId = `sample-${s.seed}-${s.today}`;
    const w = await DuckDbWarehouse.open(p.warehouse);
    try {
      await w.migrate();
      const [cur] = await w.query<{ n: number | bigint; ids: number | bigint; id: string | null }>(
        'SELECT COUNT(*) AS n, COUNT(DISTINCT load_id) AS ids, MAX(load_id) AS id FROM search_term_hourly_performance WHERE customer_id = :c',
        { c: CUSTOMER },
      );
      if (cur && Number(cur.n) === s.records && Number(cur.ids) === 1 && cur.id === loadId)
        return { value: undefined, detail: `reused (${n(s.records)} rows)` };
      let loaded = 0;
      await w.transaction(async (tx) => {
        await tx.execute('DELETE FROM search_term_hourly_performance WHERE customer_id = :c', { c: CUSTOMER });
        loaded = await tx.loadFile('search_term_hourly_performance', file, {
          format: 'tsv',
          columns: TABLE_COLUMNS.search_term_hourly_performance,
        });
      });
      return {
        value: undefined,
        detail: `${n(loaded)} rows (the sample's; Naver's reports have no search-term grain)`,
      };
    } finally {
      await w.close();
    }
  });
}

interface Pointer {
  version: string;
}

function currentBundle(p: Paths): { version: string; to: string } | null {
  const ptr = join(p.store, 'latest.json');
  if (!existsSync(ptr)) return null;
  const { version } = JSON.parse(readFileSync(ptr, 'utf8')) as Pointer;
  const manifest = join(p.store, version, 'manifest.json');
  if (!existsSync(manifest)) return null;
  const m = JSON.parse(readFileSync(manifest, 'utf8')) as { data_window?: { to?: string } };
  return { version, to: m.data_window?.to ?? '' };
}

async function trainStep(o: Options, p: Paths, s: SampleStamp): Promise<string> {
  return step('train, gate, publish', async () => {
    const cur = currentBundle(p);
    if (cur !== null && cur.to >= s.lastDay && !o.retrain)
      return {
        value: cur.version,
        detail: `reused bundle ${cur.version} (data to ${cur.to}; --retrain to train again)`,
      };
    const log = join(p.logs, 'trainer.log');
    const args = [
      'train',
      '--window-days',
      String(o.days - HISTORY_DAYS),
      '--history-days',
      String(HISTORY_DAYS),
      '--holdout-days',
      '5',
      '--valid-days',
      '4',
      '--engine',
      'builtin',
      '--store',
      p.store,
      '--publish',
      ...(o.force ? ['--force'] : []),
    ];
    await runApp(
      'trainer',
      args,
      {
        ADRANK_WAREHOUSE: 'duckdb',
        ADRANK_DUCKDB_PATH: p.warehouse,
        ADRANK_MODEL_STORE: p.store,
        TRAINER_WORK_DIR: p.trainer,
        TRAINER_LOG_FORMAT: 'json',
        ADRANK_EMBEDDER: 'lexical',
      },
      log,
    );
    const status = JSON.parse(readFileSync(join(p.trainer, 'status.json'), 'utf8')) as {
      status: string;
      version?: string;
      metrics?: Record<string, number>;
      gate?: { summary?: string };
    };
    const after = currentBundle(p);
    if (after === null) throw new DemoError(`the trainer ended "${status.status}" without a published bundle`, log);
    const m = status.metrics ?? {};
    const fig = (k: string) => (typeof m[k] === 'number' ? (m[k] as number).toFixed(3) : '—');
    const metrics = `holdout NDCG@10 ${fig('ranker.ndcg@10')} · conversion AUC ${fig('conversion.auc')} · CTR RMSE ${fig('ctr.rmse')}`;
    if (status.status !== 'published')
      return {
        value: after.version,
        detail: `${status.status} by the gate (${status.gate?.summary ?? 'see the log'}); serving ${after.version} (--force to publish anyway)`,
      };
    return { value: after.version, detail: `published ${after.version} · ${metrics}` };
  });
}

interface Api {
  url: string;
  child: ChildProcess;
  exited: Promise<number | null>;
}

async function apiStep(o: Options, p: Paths): Promise<Api> {
  return step('inference API', async () => {
    const port = await freePort(o.port);
    if (port < 0) throw new DemoError('no free port on 127.0.0.1');
    const log = join(p.logs, 'api.log');
    const out = createWriteStream(log, { flags: 'a' });
    const child = spawn(process.execPath, [TS_RUN, join(ROOT, 'apps/inference-api/src/main.ts')], {
      cwd: ROOT,
      env: {
        ...process.env,
        ADRANK_MODEL_STORE: p.store,
        MODEL_CACHE_DIR: p.apiCache,
        API_PORT: String(port),
        API_HOST: '127.0.0.1',
        MODEL_POLL_MS: '2000', // a bundle published meanwhile (npm run demo -- --retrain in another shell) is picked up
        SHUTDOWN_DELAY_MS: '0', // no load balancer to wait for
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(out);
    child.stderr?.pipe(out);
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 60_000;
    let ready = false;
    let early: number | null | undefined;
    void exited.then((code) => (early = code));
    while (!ready && Date.now() < deadline && early === undefined) {
      try {
        const r = await fetch(`${url}/health/ready`);
        ready = r.status === 200;
      } catch {
        // not listening yet
      }
      if (!ready) await new Promise((r) => setTimeout(r, 150));
    }
    if (!ready) {
      child.kill('SIGKILL');
      throw new DemoError(
        early !== undefined ? `the API exited with ${early} before it was ready` : 'the API was not ready after 60 s',
        log,
      );
    }
    const busy = port !== o.port && o.port !== 0 ? ` (port ${o.port} was busy)` : '';
    return { value: { url, child, exited }, detail: `${url}${busy}` };
  });
}

interface RankResult {
  model_version: string;
  results: { keyword: string; score: number; ctr: number; conversion_probability: number; similarity: number }[];
  took_ms: number;
}

async function tryIt(api: Api, p: Paths): Promise<{ word: string; rank: RankResult }> {
  const terms = readFileSync(join(p.sample, 'search_terms.txt'), 'utf8').split('\n').filter(Boolean);
  const word = terms[0] as string;
  const r = await fetch(`${api.url}/rank`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ given_word: word, top_k: 5, hour: 21, device: 'MOBILE' }),
  });
  if (r.status !== 200)
    throw new DemoError(`POST /rank answered ${r.status}: ${await r.text()}`, join(p.logs, 'api.log'));
  return { word, rank: (await r.json()) as RankResult };
}

function printTry(api: Api, word: string, rank: RankResult, serving: boolean): void {
  const pct = (x: number) => `${(100 * x).toFixed(2)} %`;
  console.log(
    `\n${bold(`POST /rank {"given_word": "${word}", "top_k": 5}`)} → model ${rank.model_version}, ${rank.took_ms} ms`,
  );
  const rows = rank.results.map((x, i) => [
    String(i + 1),
    x.keyword,
    x.score.toFixed(3),
    pct(x.ctr),
    pct(x.conversion_probability),
    x.similarity.toFixed(3),
  ]);
  const head = ['#', 'keyword', 'score', 'CTR', 'conversion', 'similarity'];
  const width = (s: string) =>
    [...s].reduce((w, ch) => w + (/[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]/.test(ch) ? 2 : 1), 0);
  const widths = head.map((h, j) => Math.max(width(h), ...rows.map((r) => width(r[j] as string))));
  const pad = (s: string, j: number) =>
    j === 1 ? s + ' '.repeat((widths[j] as number) - width(s)) : s.padStart(widths[j] as number);
  console.log('  ' + head.map(pad).join('  '));
  for (const r of rows) console.log('  ' + r.map(pad).join('  '));
  if (!serving) return;
  console.log(`
${bold('Try it')} (the API serves until Ctrl-C):
  ${cyan(`${api.url}/`)}                 playground: rank keywords for a search term, see why
  ${cyan(`${api.url}/docs`)}             OpenAPI (Swagger UI)
  ${cyan(`${api.url}/metrics`)}          Prometheus metrics
  ${cyan(`${api.url}/report`)}           the active bundle's training report
  curl -s ${api.url}/rank -H 'content-type: application/json' \\
    -d '{"given_word": "${word}", "top_k": 10}'
  curl -s ${api.url}/predict/ctr -H 'content-type: application/json' \\
    -d '{"instances": [{"similarity": 0.8, "hour": 21, "device": 1, "bid_amt": 700, "quality_index": 7}]}'
`);
}

async function main(): Promise<number> {
  let o: Options;
  try {
    o = parseFlags(process.argv.slice(2));
  } catch (e) {
    if (e instanceof UsageError) {
      if (e.message) console.error(`demo: ${e.message}`);
      console.error(USAGE);
      return e.message ? 2 : 0;
    }
    throw e;
  }
  const p = pathsFor(o.dir);
  const t0 = performance.now();
  if (o.fresh) removeDemoData(p);
  mkdirSync(p.logs, { recursive: true });
  console.log(
    `${bold('adrank demo')} — everything under ${show(p.dir)}/ (DuckDB warehouse, local lake and model store, lexical embedder, built-in trainer)\n`,
  );
  let naver: FakeNaverServer | null = null;
  let api: Api | null = null;
  try {
    const s = await sampleStep(o, p);
    naver = await fakeNaverStep(p, s);
    await etlStep(p, s, naver);
    await naver.close();
    naver = null;
    await searchTermStep(p, s);
    await trainStep(o, p, s);
    api = await apiStep(o, p);
    const { word, rank } = await tryIt(api, p);
    console.log(`\n${green('ready')} in ${fmtS(performance.now() - t0)} · logs in ${show(p.logs)}/`);
    printTry(api, word, rank, o.serve);
    if (!o.serve) {
      api.child.kill('SIGTERM');
      await api.exited;
      return 0;
    }
    const running = api;
    const stop = () => running.child.kill('SIGTERM');
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    const code = await running.exited;
    console.log('\nstopped.');
    return code === 0 || code === null ? 0 : 1;
  } catch (e) {
    api?.child.kill('SIGKILL');
    const log = e instanceof DemoError ? e.log : undefined;
    console.error(`\n${red('demo failed:')} ${(e as Error).message}`);
    if (log !== undefined && existsSync(log)) {
      const tail = readFileSync(log, 'utf8').trimEnd().split('\n').slice(-20);
      console.error(dim(`--- last lines of ${show(log)} ---`));
      console.error(tail.join('\n'));
    } else if (!(e instanceof DemoError)) console.error((e as Error).stack);
    return 1;
  } finally {
    await naver?.close();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
