/**
 * The API over real HTTP on 127.0.0.1 with bundles the trainer published from generated data: ranking, predictions,
 * health, auth, every client error status, a hot reload through /admin/reload, and fuzzed bodies that never get a 5xx.
 */
import { AsyncResource } from 'node:async_hooks';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { SCHEMA_V1 } from '@adrank/features';
import { Predictor } from '@adrank/lightgbm';
import { BundleStore, openStore, type BundleManifest } from '@adrank/model-store';
import { describeIfAvailable, findChromium, freePort, launchChromium } from '@adrank/testing';
import { loadConfig } from './config';
import { startApi, type RunningApi } from './server';
import { DEFAULT_KEYWORD_STATE_BYTES, ServingModel } from './serving/serving-model';
import { PREDICT_REQUEST_FIELDS, RANK_REQUEST_FIELDS } from './validate';

const ROOT = join(__dirname, '..', '..', '..', '..');
const TOKEN = 'test-token-0123456789';
const ADMIN = 'admin-token-0123456789';

function train(dir: string, store: string, extra: string[] = []): void {
  execFileSync(
    process.execPath,
    [
      join(ROOT, 'tools/scripts/ts-run.cjs'),
      join(ROOT, 'apps/trainer/src/main.ts'),
      'train',
      '--window-days',
      '20',
      '--holdout-days',
      '3',
      '--valid-days',
      '3',
      '--history-days',
      '7',
      '--engine',
      'builtin',
      '--store',
      store,
      '--publish',
      ...extra,
    ],
    {
      env: {
        ...process.env,
        ADRANK_DUCKDB_PATH: join(dir, 'w.duckdb'),
        TRAINER_WORK_DIR: join(dir, 'work'),
        TRAINER_LOG_FORMAT: 'json',
      },
      stdio: 'ignore',
    },
  );
}

describe('inference-api over HTTP', () => {
  let dir: string;
  let store: string;
  let api: RunningApi;
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(api.url + path, {
      method,
      headers: {
        authorization: `Bearer ${TOKEN}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // not JSON: the tests below say which responses must be
    }
    return { status: res.status, json, text, headers: res.headers };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'adrank-api-'));
    store = join(dir, 'models');
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
        '11',
        '--out',
        join(dir, 'sample'),
        '--duckdb',
        join(dir, 'w.duckdb'),
      ],
      { stdio: 'ignore' },
    );
    train(dir, store, ['--force']);
    const config = loadConfig({
      ADRANK_MODEL_STORE: store,
      MODEL_CACHE_DIR: join(dir, 'cache'),
      MODEL_POLL_MS: '0',
      API_PORT: '0',
      API_HOST: '127.0.0.1',
      API_TOKEN: TOKEN,
      ADMIN_TOKEN: ADMIN,
      BODY_LIMIT_BYTES: '65536',
      MAX_CANDIDATES: '50',
      LOG_REQUESTS: 'false',
    });
    api = await startApi(config);
  }, 180_000);
  afterAll(async () => {
    await api?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is live and ready with the published version', async () => {
    expect((await call('GET', '/health/live')).json).toEqual({ status: 'ok' });
    const r = await call('GET', '/health/ready');
    expect(r.status).toBe(200);
    const version = (await new BundleStore(openStore(store)).pointer())?.pointer.version;
    // Terminus' result: status, info / error / details by indicator
    expect(r.json).toMatchObject({ status: 'ok', error: {}, info: { model: { status: 'up', ready: true } } });
    expect((r.json['details'] as { model: { activeVersion: string } }).model.activeVersion).toBe(version);
    expect(r.headers.get('cache-control')).toMatch(/no-cache/);
  });

  it('ranks the nearest keywords of a given word, sorted by score, deterministically', async () => {
    const keywords = JSON.parse(readFileSync(join(store, 'latest', 'keywords.json'), 'utf8')) as string[];
    const word = keywords[3] as string;
    const r = await call('POST', '/rank', { given_word: word, top_k: 10, hour: 21, device: 'PC' });
    expect(r.status).toBe(200);
    const results = r.json['results'] as {
      keyword: string;
      score: number;
      ctr: number;
      conversion_probability: number;
      similarity: number;
      known_keyword: boolean;
    }[];
    expect(results).toHaveLength(10);
    for (let i = 1; i < results.length; i++) expect(results[i - 1]!.score).toBeGreaterThanOrEqual(results[i]!.score);
    for (const x of results) {
      expect(x.ctr).toBeGreaterThanOrEqual(0);
      expect(x.ctr).toBeLessThanOrEqual(1);
      expect(x.conversion_probability).toBeGreaterThan(0);
      expect(x.conversion_probability).toBeLessThan(1);
      expect(x.known_keyword).toBe(true);
    }
    expect(results.map((x) => x.keyword)).toContain(word); // its own keyword is among its nearest
    expect(r.json).toMatchObject({ given_word: word, model_version: expect.any(String), took_ms: expect.any(Number) });
    // written as bytes (json/responses.ts): JSON, and exactly what JSON.stringify gives for the same values
    expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(r.text).toBe(JSON.stringify(r.json));
    const again = await call('POST', '/rank', { given_word: word, top_k: 10, hour: 21, device: 'PC' });
    expect(again.json['results']).toEqual(results);
  });

  it('ranks given candidates, flagging keywords it has never seen', async () => {
    const keywords = JSON.parse(readFileSync(join(store, 'latest', 'keywords.json'), 'utf8')) as string[];
    const candidates = [keywords[0] as string, keywords[1] as string, '완전히 새로운 키워드'];
    const r = await call('POST', '/rank', { given_word: keywords[0], candidates });
    const results = r.json['results'] as { keyword: string; known_keyword: boolean; similarity: number }[];
    expect(results.map((x) => x.keyword).sort()).toEqual([...candidates].sort());
    expect(results.find((x) => x.keyword === '완전히 새로운 키워드')?.known_keyword).toBe(false);
    expect(results.find((x) => x.keyword === keywords[0])?.similarity).toBeCloseTo(1, 5);
  });

  it('ranks the same with keyword split states cached, evicted or off as with every split evaluated', async () => {
    const latest = join(store, 'latest');
    const manifest = JSON.parse(readFileSync(join(latest, 'manifest.json'), 'utf8')) as BundleManifest;
    const keywords = JSON.parse(readFileSync(join(latest, 'keywords.json'), 'utf8')) as string[];
    const off = await ServingModel.load(latest, manifest, { keywordStateBytes: 0 });
    const big = await ServingModel.load(latest, manifest);
    // a cache of ~70 entries: more than most rankings' rows, fewer than the keywords, so rankings evict; the 100
    // nearest keywords of the first query are more rows than it holds (evaluated without states)
    const per = Math.ceil(DEFAULT_KEYWORD_STATE_BYTES / (big.keywordStates?.capacity ?? 1));
    const small = await ServingModel.load(latest, manifest, { keywordStateBytes: 70 * per });
    expect(off.keywordStates).toBeNull();
    const cap = small.keywordStates?.capacity ?? 0;
    expect(cap).toBeGreaterThan(62);
    expect(cap).toBeLessThan(keywords.length / 2);
    const queries = [
      { givenWord: keywords[0] as string, hour: 3, dayOfWeek: 1, device: 'PC' as const },
      {
        givenWord: keywords[5] as string,
        candidates: keywords.slice(0, 60),
        hour: 21,
        dayOfWeek: 5,
        device: 'MOBILE' as const,
      },
      {
        givenWord: 'never seen',
        candidates: [...keywords.slice(100, 140), 'unknown kw', 'another one'],
        hour: 0,
        dayOfWeek: 6,
        device: 'PC' as const,
      },
      {
        givenWord: keywords[7] as string,
        candidates: keywords.slice(60, 120),
        hour: 12,
        dayOfWeek: 0,
        device: 'MOBILE' as const,
      },
    ];
    // search terms with pair history: their keywords come with their own pair values (another state variant)
    const withHistory = [...big.table.pairKeywords()].sort((a, b) => b[1].length - a[1].length).slice(0, 2);
    expect(withHistory.length).toBe(2);
    for (const [term, kws] of withHistory) {
      queries.push({
        givenWord: term,
        candidates: [...kws.slice(0, 20), ...keywords.slice(0, 30)],
        hour: 8,
        dayOfWeek: 2,
        device: 'PC' as const,
      });
    }
    for (let pass = 0; pass < 2; pass++) {
      for (const q of queries) {
        const want = JSON.stringify(await off.rank(q));
        expect(JSON.stringify(await small.rank(q))).toBe(want);
        expect(JSON.stringify(await big.rank(q))).toBe(want);
        // top_k: CTR and conversion are computed for the returned rows alone, with the same results
        const full = JSON.parse(want) as unknown[];
        for (const m of [off, small, big]) expect(await m.rank({ ...q, topK: 7 })).toEqual(full.slice(0, 7));
      }
    }
    expect(small.keywordStates?.size).toBe(cap);
    expect(big.keywordStates?.hits).toBeGreaterThan(0);
    // rows of a keyword with and without pair history were both served from states (two variants of one keyword)
    const [term, kws] = withHistory[0] as [string, string[]];
    const kw = kws[0] as string;
    const both = async () => {
      await big.rank({ givenWord: term, candidates: [kw], hour: 1, dayOfWeek: 1, device: 'PC' });
      await big.rank({ givenWord: 'never seen', candidates: [kw], hour: 1, dayOfWeek: 1, device: 'PC' });
    };
    await both();
    const before = big.keywordStates?.misses ?? 0;
    for (let i = 0; i < 3; i++) await both();
    expect(big.keywordStates?.misses).toBe(before);
  });

  it("serves the playground page at / and /playground, and the active bundle's report at /report", async () => {
    for (const path of ['/', '/playground']) {
      const r = await fetch(api.url + path);
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(r.headers.get('content-security-policy')).toContain("default-src 'none'");
      const html = await r.text();
      expect(html).toContain('<title>adrank playground</title>');
      expect(html).not.toMatch(/(src|href)="(https?:)?\/\//); // nothing from elsewhere
    }
    expect((await call('GET', '/report', undefined, { authorization: '' })).status).toBe(401);
    const report = await fetch(`${api.url}/report`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(report.status).toBe(200);
    const version = (await new BundleStore(openStore(store)).pointer())?.pointer.version as string;
    expect(await report.text()).toContain(version);
  });

  describeIfAvailable(findChromium() !== null, 'the playground in headless Chromium')('playground in a browser', () => {
    it('ranks a typed search term, shows the table and a contribution chart, opens the report', async () => {
      const keywords = JSON.parse(readFileSync(join(store, 'latest', 'keywords.json'), 'utf8')) as string[];
      const word = keywords[2] as string;
      const browser = await launchChromium();
      try {
        const page = await browser.newPage();
        const problems: string[] = [];
        page.on('console', (m) => {
          if (m.type() === 'error') problems.push(`console: ${m.text()}`);
        });
        page.on('pageerror', (e) => problems.push(`page error: ${(e as Error).message}`));
        page.on('request', (r) => {
          if (!r.url().startsWith(api.url)) problems.push(`request elsewhere: ${r.url()}`);
        });
        await page.setViewport({ width: 1280, height: 900 });
        await page.goto(`${api.url}/playground`, { waitUntil: 'load' });
        await page.waitForFunction("document.getElementById('status').textContent === 'ready'");
        expect(await page.$eval('#version', (e) => e.textContent)).toContain('model ');
        await page.click('details summary');
        await page.type('#token', TOKEN);
        await page.type('#q', word);
        await page.$eval('#topk', (e) => ((e as unknown as { value: string }).value = '10'));
        await page.click('#submit');
        await page.waitForSelector('#results tbody tr');
        const rows = await page.$$eval('#results tbody tr', (trs) =>
          trs.map((tr) =>
            Array.from(tr.querySelectorAll('td'), (td) => (td as { textContent: string | null }).textContent ?? ''),
          ),
        );
        expect(rows.length).toBe(10);
        const scores = rows.map((r) => Number(r[2]));
        for (let i = 1; i < scores.length; i++) expect(scores[i - 1]).toBeGreaterThanOrEqual(scores[i] as number);
        for (const r of rows) {
          expect(r[3]).toMatch(/^\d+\.\d{2} %$/);
          expect(r[4]).toMatch(/^\d+\.\d{2} %$/);
        }
        // the same ranking as the API gives
        const direct = await call('POST', '/rank', { given_word: word, top_k: 10, device: 'MOBILE' });
        const keywordsShown = await page.$$eval('#results tbody td .kw', (els) => els.map((e) => e.textContent));
        expect(keywordsShown).toEqual((direct.json['results'] as { keyword: string }[]).map((x) => x.keyword));
        // the first row is explained; another row and another model redraw the chart
        expect((await page.$$('#chart rect.contribution')).length).toBe(12);
        await page.click('#results tbody tr:nth-child(3)');
        await page.click('#tabs button[data-model="conversion"]');
        expect(await page.$eval('#explain-title', (e) => e.textContent)).toContain(keywordsShown[2] as string);
        const bars = await page.$$eval('#chart rect.contribution', (rs) =>
          rs.map((r) => Number(r.getAttribute('width'))),
        );
        expect(bars.length).toBe(12);
        expect(Math.max(...bars)).toBeGreaterThan(50);
        const out = join(ROOT, 'tmp', 'artifacts');
        mkdirSync(out, { recursive: true });
        await page.screenshot({ path: join(out, 'playground.png'), fullPage: true });
        // the training report opens in a dialog
        await page.click('#report-link');
        await page.waitForFunction("document.getElementById('report-dialog').open === true");
        const frame = page.frames().find((f) => f !== page.mainFrame());
        await frame?.waitForSelector('figure.plot');
        expect(await frame?.$$eval('figure.plot', (f) => f.length)).toBeGreaterThan(3);
        expect(problems).toEqual([]);
      } finally {
        await browser.close();
      }
    }, 60_000);
  });

  it('predicts CTR and conversion for feature rows exactly as the bundle models do; absent features are missing', async () => {
    const instances = [
      { similarity: 0.8, hour: 21, device: 1, bid_amt: 700, kw_ctr: 0.03 },
      { similarity: 0.1, hour: 3, day_of_week: 6, quality_index: null },
      {},
    ];
    const rows = new Float64Array(3 * SCHEMA_V1.width).fill(NaN);
    instances.forEach((o, i) => {
      for (const [k, v] of Object.entries(o)) if (v !== null) rows[i * SCHEMA_V1.width + SCHEMA_V1.indexOf(k)] = v;
    });
    for (const [route, file] of [
      ['/predict/ctr', 'ctr_model.txt'],
      ['/predict/conversion', 'conv_model.txt'],
    ] as const) {
      const r = await call('POST', route, { instances });
      expect(r.status).toBe(200);
      const expected = Predictor.fromText(readFileSync(join(store, 'latest', file), 'utf8')).predict(rows, 3);
      expect(r.json['predictions']).toEqual(Array.from(expected));
      expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(r.text).toBe(JSON.stringify(r.json));
    }
  });

  it('reads request bodies without AsyncResource#bind (one per body cost Node 20 two deprecate() wrappers)', async () => {
    // Fastify before 5.12.6 bound its body-parser callback with AsyncResource#bind, which on Node 20 defines the
    // deprecated `asyncResource` accessor on every bound function: a third of a one-row prediction's CPU. The
    // package.json override keeps Fastify past it; this fails if a lockfile or Nest update brings it back.
    const bind = jest.spyOn(AsyncResource.prototype, 'bind');
    try {
      for (let i = 0; i < 3; i++) {
        expect((await call('POST', '/predict/ctr', { instances: [{ hour: i }] })).status).toBe(200);
        expect((await call('POST', '/rank', { given_word: 'x', candidates: ['y'] })).status).toBe(200);
      }
      expect(bind).not.toHaveBeenCalled();
    } finally {
      bind.mockRestore();
    }
  });

  it('explains predictions and rankings with TreeSHAP contributions that add up to the raw scores', async () => {
    const instances = [{ similarity: 0.8, hour: 21, device: 1, bid_amt: 700, kw_ctr: 0.03 }, { similarity: 0.1 }];
    type Ex = { expected_value: number; contributions: Record<string, number> };
    const total = (e: Ex) => e.expected_value + Object.values(e.contributions).reduce((a, b) => a + b, 0);
    const ctr = await call('POST', '/predict/ctr', { instances, explain: true });
    expect(ctr.status).toBe(200);
    const ex = ctr.json['explanations'] as Ex[];
    expect(ex).toHaveLength(2);
    expect(Object.keys(ex[0]?.contributions ?? {})).toEqual(SCHEMA_V1.names);
    (ctr.json['predictions'] as number[]).forEach((p, i) => expect(total(ex[i] as Ex)).toBeCloseTo(p, 9)); // regression: raw = output
    const conv = await call('POST', '/predict/conversion', { instances, explain: true });
    (conv.json['predictions'] as number[]).forEach((p, i) => {
      const raw = total((conv.json['explanations'] as Ex[])[i] as Ex);
      expect(1 / (1 + Math.exp(-raw))).toBeCloseTo(p, 9); // binary: log-odds
    });
    expect((await call('POST', '/predict/ctr', { instances })).json['explanations']).toBeUndefined();

    const keywords = JSON.parse(readFileSync(join(store, 'latest', 'keywords.json'), 'utf8')) as string[];
    const r = await call('POST', '/rank', { given_word: keywords[0], top_k: 3, explain: true });
    expect(r.status).toBe(200);
    const results = r.json['results'] as {
      score: number;
      conversion_probability: number;
      explanation: Record<string, Ex>;
    }[];
    expect(results).toHaveLength(3);
    for (const x of results) {
      expect(total(x.explanation['ranker'] as Ex)).toBeCloseTo(x.score, 9);
      expect(1 / (1 + Math.exp(-total(x.explanation['conversion'] as Ex)))).toBeCloseTo(x.conversion_probability, 9);
      expect(Object.keys((x.explanation['ctr'] as Ex).contributions)).toEqual(SCHEMA_V1.names);
    }
    const big = await call('POST', '/predict/ctr', {
      instances: Array.from({ length: 101 }, () => ({})),
      explain: true,
    });
    expect(big.status).toBe(400);
    expect(String(big.json['error'])).toMatch(/explain takes at most 100 instances per request, got 101/);
    const rankAll = await call('POST', '/rank', { given_word: 'x', top_k: 101, explain: true });
    expect(rankAll.status).toBe(400);
    expect(String(rankAll.json['error'])).toMatch(/explain takes at most 100 results: set top_k/);
    expect((await call('POST', '/rank', { given_word: 'x', explain: 'yes' })).json['error']).toBe(
      'explain must be true or false',
    );
  });

  it('serves the OpenAPI document of every route at /docs, with the DTOs the parsers accept', async () => {
    const doc = await call('GET', '/docs/openapi.json');
    expect(doc.status).toBe(200);
    const paths = doc.json['paths'] as Record<string, Record<string, unknown>>;
    for (const p of [
      '/rank',
      '/predict/ctr',
      '/predict/conversion',
      '/health/live',
      '/health/ready',
      '/metrics',
      '/admin/reload',
      '/v1/models',
      '/v1/models/{name}',
      '/v2/health/live',
      '/v2/health/ready',
      '/v2/models/{name}',
      '/v2/models/{name}/ready',
      '/v2/models/{name}/infer',
    ])
      expect(Object.keys(paths)).toContain(p);
    const schemas = (doc.json['components'] as { schemas: Record<string, { properties: Record<string, unknown> }> })
      .schemas;
    expect(Object.keys(schemas['RankRequestDto']?.properties ?? {}).sort()).toEqual([...RANK_REQUEST_FIELDS].sort());
    expect(Object.keys(schemas['PredictRequestDto']?.properties ?? {}).sort()).toEqual(
      [...PREDICT_REQUEST_FIELDS].sort(),
    );
    const items = (schemas['PredictRequestDto']?.properties['instances'] as { items: { properties: object } }).items;
    expect(Object.keys(items.properties)).toEqual(SCHEMA_V1.names);
    expect(Object.keys((paths['/rank'] as { post: { responses: object } }).post.responses).sort()).toEqual(
      ['200', '400', '401', '403', '413', '503'].sort(),
    );
    const auth = (paths['/rank'] as { post: { parameters: { name: string; required: boolean }[] } }).post.parameters;
    expect(auth.filter((x) => x.name === 'authorization').map((x) => x.required)).toEqual([false]);
    const ui = await fetch(`${api.url}/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toMatch(/swagger-ui/i);
    const asset = await fetch(`${api.url}/docs/swagger-ui-bundle.js`); // assets served locally, no CDN
    expect(asset.status).toBe(200);
    expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
  });

  it('speaks TF-Serving model status and the Open Inference Protocol (KServe V2) on the same models', async () => {
    const version = (await new BundleStore(openStore(store)).pointer())?.pointer.version;
    expect((await call('GET', '/v1/models')).json['models']).toEqual(
      ['ctr', 'conversion', 'ranker'].map((name) => ({ name, version, state: 'AVAILABLE' })),
    );
    expect((await call('GET', '/v1/models/ctr')).json).toEqual({
      model_version_status: [{ version, state: 'AVAILABLE', status: { error_code: 'OK', error_message: '' } }],
    });
    expect((await call('GET', '/v2/health/live')).json).toEqual({ live: true });
    expect((await call('GET', '/v2/health/ready')).json).toEqual({ ready: true });
    expect((await call('GET', '/v2/models/conversion/ready')).json).toEqual({ name: 'conversion', ready: true });
    const meta = await call('GET', '/v2/models/ctr');
    expect(meta.json).toMatchObject({
      name: 'ctr',
      versions: [version],
      inputs: [{ datatype: 'FP64', shape: [-1, 23] }],
    });
    const rows = Array.from({ length: 3 * 23 }, (_, i) => ((i * 7919) % 101) / 10);
    const expected = Predictor.fromText(readFileSync(join(store, 'latest', 'ranker_model.txt'), 'utf8')).predict(
      Float64Array.from(rows),
      3,
      { raw: true },
    );
    const nested = [rows.slice(0, 23), rows.slice(23, 46), rows.slice(46)];
    for (const data of [rows, nested]) {
      const r = await call('POST', '/v2/models/ranker/infer', {
        id: 'q1',
        inputs: [{ name: 'input-0', shape: [3, 23], datatype: 'FP64', data }],
      });
      expect(r.status).toBe(200);
      expect(r.json).toEqual({
        model_name: 'ranker',
        model_version: version,
        id: 'q1',
        outputs: [{ name: 'predict', datatype: 'FP64', shape: [3], data: Array.from(expected) }],
      });
    }
    const errors: [string, unknown, number, RegExp][] = [
      ['/v2/models/nope/infer', { inputs: [] }, 404, /unknown model "nope"/],
      [
        '/v2/models/ctr/infer',
        { inputs: [{ shape: [1, 8], datatype: 'FP64', data: [1] }] },
        400,
        /shape\[1\] must be 23/,
      ],
      [
        '/v2/models/ctr/infer',
        { inputs: [{ shape: [2, 23], datatype: 'FP64', data: rows.slice(0, 23) }] },
        400,
        /has 23 values for shape \[2, 23\]/,
      ],
      [
        '/v2/models/ctr/infer',
        { inputs: [{ shape: [1, 23], datatype: 'INT8', data: rows.slice(0, 23) }] },
        400,
        /datatype must be FP32 or FP64/,
      ],
    ];
    for (const [path, body, status, message] of errors) {
      const r = await call('POST', path, body);
      expect({ path, status: r.status }).toEqual({ path, status });
      expect(String(r.json['error'])).toMatch(message);
    }
    expect((await call('GET', '/v1/models/nope')).status).toBe(404);
  });

  it('answers client errors with a status and a message naming the problem', async () => {
    const cases: [string, string, unknown, number, RegExp][] = [
      ['POST', '/rank', {}, 400, /^given_word must be a non-empty string$/],
      ['POST', '/rank', { given_word: 'x', candidates: [] }, 400, /candidates must be an array of 1 to 50 keywords/],
      ['POST', '/rank', { given_word: 'x', candidates: ['a', 7] }, 400, /^candidates\[1\] must be a non-empty string$/],
      ['POST', '/rank', { given_word: 'x', hour: 24 }, 400, /^hour must be an integer from 0 to 23$/],
      ['POST', '/rank', { given_word: 'x', device: 'TV' }, 400, /device must be "PC" or "MOBILE"/],
      ['POST', '/rank', { given_word: 'x', extra: 1 }, 400, /unknown field\(s\) "extra"/],
      ['POST', '/rank', [1, 2], 400, /body must be a JSON object/],
      ['POST', '/rank', '{"given_word": ', 400, /JSON/i],
      [
        'POST',
        '/predict/ctr',
        { instances: [{ simlarity: 1 }] },
        400,
        /instances\[0\]: unknown feature\(s\) "simlarity"/,
      ],
      [
        'POST',
        '/predict/ctr',
        { instances: [{ hour: 'noon' }] },
        400,
        /instances\[0\]\.hour must be a finite number or null/,
      ],
      ['POST', '/predict/ctr', { instances: [] }, 400, /instances must be an array of 1 to 10000 objects/],
      ['POST', '/predict/ctr', { instances: [{}], x: 1 }, 400, /unknown field/],
      ['POST', '/rank', { given_word: 'x'.repeat(70_000) }, 413, /./],
      ['GET', '/nope', undefined, 404, /./],
    ];
    for (const [method, path, body, status, message] of cases) {
      const r = await call(method, path, body);
      expect({ path, body: JSON.stringify(body)?.slice(0, 60), status: r.status }).toEqual({
        path,
        body: JSON.stringify(body)?.slice(0, 60),
        status,
      });
      expect(String(r.json['error'])).toMatch(message);
      expect(r.json['statusCode']).toBe(status);
    }
    expect((await call('POST', '/rank', { given_word: 'x' }, { authorization: '' })).status).toBe(401);
    expect(
      (await call('POST', '/rank', { given_word: 'x' }, { authorization: 'Bearer wrong-token-wrong' })).status,
    ).toBe(403);
    expect((await call('POST', '/admin/reload', undefined)).status).toBe(403); // the API token is not the admin token
  });

  it('never answers any of 3,000 fuzzed bodies with a 5xx', async () => {
    const value = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.string(), { maxLength: 3 }),
    );
    const rankBody = fc.oneof(
      fc.record(
        {
          given_word: value,
          candidates: fc.oneof(value, fc.array(value, { maxLength: 5 })),
          top_k: value,
          hour: value,
          device: value,
          explain: value,
        },
        { requiredKeys: [] },
      ),
      fc.dictionary(fc.string(), value),
      value,
    );
    const predictBody = fc.oneof(
      fc.record(
        {
          instances: fc.oneof(
            value,
            fc.array(fc.dictionary(fc.constantFrom(...SCHEMA_V1.names, 'bogus'), value), { maxLength: 4 }),
          ),
          explain: value,
        },
        { requiredKeys: ['instances'] },
      ),
      value,
    );
    const inferBody = fc.oneof(
      fc.record(
        {
          id: value,
          inputs: fc.oneof(
            value,
            fc.array(
              fc.record(
                {
                  shape: fc.oneof(value, fc.array(fc.integer({ min: -2, max: 30 }), { maxLength: 3 })),
                  datatype: fc.oneof(value, fc.constantFrom('FP32', 'FP64')),
                  data: fc.oneof(value, fc.array(fc.oneof(fc.double(), value), { maxLength: 50 })),
                },
                { requiredKeys: [] },
              ),
              { maxLength: 2 },
            ),
          ),
        },
        { requiredKeys: [] },
      ),
      value,
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          rankBody.map((b) => ['/rank', b] as const),
          predictBody.map((b) => ['/predict/ctr', b] as const),
          inferBody.map((b) => ['/v2/models/ctr/infer', b] as const),
        ),
        async ([path, body]) => {
          const r = await call('POST', path, JSON.stringify(body) ?? 'undefined');
          expect(r.status).toBeLessThan(500);
        },
      ),
      { numRuns: 3000 },
    );
  }, 240_000);

  it('as a process: logs one JSON line per request, and on SIGTERM turns unready, finishes what it has and exits 0', async () => {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [join(ROOT, 'tools/scripts/ts-run.cjs'), join(ROOT, 'apps/inference-api/src/main.ts')],
      {
        env: {
          ...process.env,
          ADRANK_MODEL_STORE: store,
          MODEL_CACHE_DIR: join(dir, 'cache-proc'),
          API_PORT: String(port),
          API_HOST: '127.0.0.1',
          MODEL_POLL_MS: '0',
          SHUTDOWN_DELAY_MS: '1500',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const base = `http://127.0.0.1:${port}`;
    try {
      const rank = () =>
        fetch(`${base}/rank`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ given_word: '비밀 검색어', top_k: 3 }),
        }).then((r) => r.status);
      for (let i = 0; ; i++) {
        const ok = await fetch(`${base}/health/ready`).then(
          (r) => r.ok,
          () => false,
        );
        if (ok) break;
        if (i > 600) throw new Error(`not ready: ${stderr}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(await rank()).toBe(200);
      child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 300));
      const ready = await fetch(`${base}/health/ready`);
      expect(ready.status).toBe(503);
      expect(ready.headers.get('retry-after')).toBe('5');
      expect(await ready.json()).toMatchObject({
        error: 'shutting down',
        statusCode: 503,
        health: { status: 'error', error: { model: { status: 'down', reason: 'shutting down', ready: true } } },
      });
      // still serving during the delay: nothing in flight is dropped
      const during = await Promise.all(Array.from({ length: 40 }, rank));
      expect(new Set(during)).toEqual(new Set([200]));
      expect(await exited).toBe(0);
      const lines = stderr
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      const requests = lines.filter((l) => l['msg'] === 'request' && l['route'] === '/rank');
      expect(requests.length).toBeGreaterThanOrEqual(41);
      expect(requests[0]).toMatchObject({
        level: 'info',
        method: 'POST',
        status: 200,
        model_version: expect.any(String),
        req_id: expect.any(String),
        ms: expect.any(Number),
      });
      expect(stderr).not.toContain('비밀 검색어'); // no payloads in the logs
      expect(lines.map((l) => l['msg'])).toEqual(expect.arrayContaining(['listening', 'shutting down', 'stopped']));
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 60_000);

  it('exports Prometheus metrics: requests by route and status, the model, scores and their drift', async () => {
    const r = await fetch(`${api.url}/metrics`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await r.text();
    const version = (await new BundleStore(openStore(store)).pointer())?.pointer.version as string;
    expect(text).toMatch(/http_request_duration_seconds_count\{route="\/rank",method="POST",status="200"\} [1-9]/);
    expect(text).toMatch(/http_request_duration_seconds_count\{route="\/rank",method="POST",status="400"\} [1-9]/);
    expect(text).toContain(`adrank_model_info{version="${version}"} 1`);
    expect(text).toMatch(/adrank_predictions_total\{model="ctr"\} [1-9]/);
    expect(text).toMatch(/adrank_prediction_score_bucket\{le="0.1",model="ctr"\} \d+/);
    expect(text).toMatch(/adrank_score_psi\{model="ranker"\} \d/);
    expect(text).toMatch(/adrank_query_embedding_cache_hits [1-9]/);
    expect(text).toMatch(/adrank_keyword_state_cache\{kind="hits"\} [1-9]/);
    expect(text).toMatch(/adrank_keyword_state_cache\{kind="size"\} [1-9]/);
    expect(text).toContain('adrank_model_load_failures 0');
    expect(text).toContain('process_resident_memory_bytes');
  });

  it('keeps serving the old model when a corrupt bundle is published, and /metrics shows the failure', async () => {
    const bundles = new BundleStore(openStore(store));
    const current = await bundles.resolve();
    const bad = join(dir, 'bad-bundle');
    execFileSync('cp', ['-r', join(store, 'latest'), bad]);
    rmSync(join(bad, 'manifest.json'));
    writeFileSync(join(bad, 'ctr_model.txt'), 'tree\nversion=v4\nnot a model\n'); // checksums will match: the bytes are the bundle
    const m = current.manifest;
    await bundles.publish(bad, {
      source_revision: 'corrupt',
      feature_schema: m.feature_schema,
      embedder: m.embedder,
      data_window: m.data_window,
      metrics: m.metrics,
    });
    const reload = await call('POST', '/admin/reload', undefined, { authorization: `Bearer ${ADMIN}` });
    expect(reload.status).toBe(200);
    expect(reload.json['changed']).toBe(false);
    expect((reload.json['model'] as { lastError: string }).lastError).toMatch(/ctr_model\.txt/);
    const r = await call('POST', '/rank', { given_word: 'x', top_k: 1 });
    expect(r.status).toBe(200);
    expect(r.json['model_version']).toBe(current.version);
    const text = await (await fetch(`${api.url}/metrics`)).text();
    expect(text).toContain('adrank_model_load_failures 1');
    expect(text).toContain(`adrank_model_info{version="${current.version}"} 1`);
  });

  it('swaps to a newly published bundle on /admin/reload without a failed request', async () => {
    const before = (await call('POST', '/rank', { given_word: 'x', top_k: 1 })).json['model_version'];
    train(dir, store, ['--force']);
    const after = (await new BundleStore(openStore(store)).pointer())?.pointer.version;
    expect(after).not.toBe(before);
    const traffic = Array.from({ length: 200 }, (_, i) =>
      call('POST', '/rank', { given_word: `키워드 ${i % 7}`, top_k: 3 }),
    );
    const reload = await call('POST', '/admin/reload', undefined, { authorization: `Bearer ${ADMIN}` });
    const statuses = (await Promise.all(traffic)).map((r) => r.status);
    expect(reload.status).toBe(200);
    expect(reload.json['changed']).toBe(true);
    expect(new Set(statuses)).toEqual(new Set([200]));
    expect((await call('POST', '/rank', { given_word: 'x', top_k: 1 })).json['model_version']).toBe(after);
  }, 120_000);
});
