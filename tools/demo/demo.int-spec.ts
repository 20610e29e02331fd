/**
 * The whole pipeline as a newcomer runs it: `npm run demo -- --no-serve` in a temporary directory (sample data → fake
 * Naver API → ETL → DuckDB → trainer → local store → inference API), then an API process serving that store: rankings
 * put the search term's related keywords first, the manifest's checksums match the files, a second demo run with three
 * more days publishes a new version that the running API picks up without a restart, and /health/ready and /metrics
 * agree on it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@adrank/testing';

const ROOT = join(__dirname, '..', '..');
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

function demo(dir: string, extra: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(
    process.execPath,
    [
      join(ROOT, 'tools/scripts/ts-run.cjs'),
      join(ROOT, 'tools/demo/demo.ts'),
      '--no-serve',
      '--dir',
      dir,
      '--keywords',
      '400',
      '--days',
      '30',
      '--port',
      '0',
      ...extra,
    ],
    { encoding: 'utf8', timeout: 240_000, env: { ...process.env, FORCE_COLOR: '0' } },
  );
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

describe('npm run demo: the whole pipeline, then hot reload of a retrained bundle', () => {
  let dir: string;
  let api: ChildProcess | undefined;
  let url: string;
  let firstOut: string;
  const store = () => join(dir, 'models', 'lgbm');
  const pointer = () => JSON.parse(readFileSync(join(store(), 'latest.json'), 'utf8')) as { version: string };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'adrank-demo-'));
    const r = demo(dir, []);
    firstOut = r.stdout;
    if (r.status !== 0) throw new Error(`demo exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    api = spawn(
      process.execPath,
      [join(ROOT, 'tools/scripts/ts-run.cjs'), join(ROOT, 'apps/inference-api/src/main.ts')],
      {
        env: {
          ...process.env,
          ADRANK_MODEL_STORE: store(),
          MODEL_CACHE_DIR: join(dir, 'e2e-api-cache'),
          API_PORT: String(port),
          API_HOST: '127.0.0.1',
          MODEL_POLL_MS: '300',
          SHUTDOWN_DELAY_MS: '0',
          LOG_REQUESTS: 'false',
        },
        stdio: 'ignore',
      },
    );
    await waitFor(
      'the API to be ready',
      async () => ((await fetch(`${url}/health/ready`)).ok ? true : undefined),
      60_000,
    );
  }, 300_000);

  afterAll(() => {
    api?.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  it('names a bad flag and exits 2 before doing anything', () => {
    const run = (args: string[]) =>
      spawnSync(process.execPath, [join(ROOT, 'tools/scripts/ts-run.cjs'), join(ROOT, 'tools/demo/demo.ts'), ...args], {
        encoding: 'utf8',
      });
    const days = run(['--days', '3', '--dir', join(dir, 'never')]);
    expect(days.status).toBe(2);
    expect(days.stderr).toContain('--days must be an integer in 28..120, got 3');
    const unknown = run(['--serve-forever']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('unknown flag --serve-forever');
    expect(unknown.stderr).toContain('usage: npm run demo');
  });

  it('prints every step with its duration, one ranking, and finishes well inside 3 minutes', () => {
    for (const s of [
      'sample data',
      'fake Naver Search Ads API',
      'ETL: keywords + keyword tool',
      'ETL: daily stat reports',
      'search-term facts',
      'train, gate, publish',
      'inference API',
    ])
      expect(firstOut).toMatch(new RegExp(`✓ \\[\\d/7\\] ${s.replace(/[+]/g, '\\+')}\\s+\\d+\\.\\d s`));
    expect(firstOut).toMatch(/published \d{4}-\d{2}-\d{2}T/);
    const parts = /(\d+) partitions loaded(?:, (\d+) without data)? · [\d,]+ rows/.exec(firstOut);
    expect(Number(parts?.[1]) + Number(parts?.[2] ?? 0)).toBe(60); // 30 days × AD_DETAIL, AD_CONVERSION_DETAIL
    const total = Number(/ready in (\d+\.\d) s/.exec(firstOut)?.[1]);
    expect(total).toBeGreaterThan(0);
    expect(total).toBeLessThan(180);
    expect(firstOut).toContain('POST /rank {"given_word"');
  });

  it("ranks a search term's related keywords first", async () => {
    const relations = JSON.parse(readFileSync(join(dir, 'sample', 'relations.json'), 'utf8')) as {
      searchTerm: string;
      keyword: string;
    }[];
    const related = new Map<string, Set<string>>();
    for (const r of relations) related.set(r.searchTerm, (related.get(r.searchTerm) ?? new Set()).add(r.keyword));
    const terms = [...related.keys()].slice(0, 30);
    let top = 0;
    let all = 0;
    for (const term of terms) {
      const r = await fetch(`${url}/rank`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ given_word: term, top_k: 100, hour: 20, device: 'MOBILE' }),
      });
      expect(r.status).toBe(200);
      const results = ((await r.json()) as { results: { keyword: string; score: number }[] }).results;
      expect(results.length).toBeGreaterThan(10);
      const isRelated = results.map((x) => (related.get(term)?.has(x.keyword) ? 1 : 0));
      top += isRelated.slice(0, 10).reduce((a: number, b) => a + b, 0) / 10;
      all += isRelated.reduce((a: number, b) => a + b, 0) / isRelated.length;
    }
    // related keywords fill the top 10 far more often than they occur among the retrieved candidates
    expect(top / terms.length).toBeGreaterThan(1.4 * (all / terms.length));
  });

  it('publishes a manifest whose checksums match the files, and a pointer that matches the manifest', () => {
    const p = JSON.parse(readFileSync(join(store(), 'latest.json'), 'utf8')) as {
      version: string;
      manifest_sha256: string;
    };
    const vdir = join(store(), p.version);
    const manifestBytes = readFileSync(join(vdir, 'manifest.json'));
    expect(sha256(manifestBytes)).toBe(p.manifest_sha256);
    const m = JSON.parse(manifestBytes.toString('utf8')) as {
      files: Record<string, { sha256: string; bytes: number }>;
    };
    const onDisk = readdirSync(vdir).filter((f) => f !== 'manifest.json' && statSync(join(vdir, f)).isFile());
    expect(Object.keys(m.files).sort()).toEqual(onDisk.sort());
    for (const f of onDisk) {
      const bytes = readFileSync(join(vdir, f));
      expect({ f, sha256: sha256(bytes), bytes: bytes.length }).toEqual({ f, ...m.files[f] });
    }
    for (const f of ['ctr_model.txt', 'conv_model.txt', 'ranker_model.txt', 'keyword_embeddings.npy', 'report.html'])
      expect(onDisk).toContain(f);
  });

  it('re-running reuses everything; three more days publish a new version the running API swaps to', async () => {
    const first = pointer().version;
    const again = demo(dir, []);
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/sample data .* reused/);
    expect(again.stdout).toMatch(/60 partitions already loaded \(reused\)/);
    expect(again.stdout).toMatch(/search-term facts .* reused/);
    expect(again.stdout).toContain(`reused bundle ${first}`);
    expect(pointer().version).toBe(first);

    const more = demo(dir, ['--today', '2026-11-24', '--days', '33', '--force']);
    expect({ status: more.status, out: more.status === 0 ? '' : more.stdout + more.stderr }).toEqual({
      status: 0,
      out: '',
    });
    expect(more.stdout).toMatch(/33 days \(2026-10-22 … 2026-11-23\)/);
    const parts = /(\d+) partitions loaded(?:, (\d+) without data)?, 60 already there/.exec(more.stdout);
    expect(Number(parts?.[1]) + Number(parts?.[2] ?? 0)).toBe(6);
    const second = pointer().version;
    expect(second).not.toBe(first);
    const m = JSON.parse(readFileSync(join(store(), second, 'manifest.json'), 'utf8')) as {
      data_window: { to: string };
      parent_version: string | null;
    };
    expect(m.data_window.to).toBe('2026-11-23');
    expect(m.parent_version).toBe(first);
    // the API process started before the retraining picks the new version up by itself
    const ready = await waitFor(
      'the new version to be active',
      async () => {
        const r = (await (await fetch(`${url}/health/ready`)).json()) as {
          details: { model: { activeVersion: string; loads: number } };
        };
        return r.details.model.activeVersion === second ? r.details.model : undefined;
      },
      30_000,
    );
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toContain(`adrank_model_info{version="${second}"} 1`);
    expect(metrics).not.toContain(`adrank_model_info{version="${first}"}`);
    expect(metrics).toContain('adrank_model_ready 1');
    expect(metrics).toContain(`adrank_model_loads ${ready.loads}`);
    expect(ready.loads).toBeGreaterThanOrEqual(2);
    const rank = (await (
      await fetch(`${url}/rank`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ given_word: 'x', candidates: ['a'] }),
      })
    ).json()) as { model_version: string };
    expect(rank.model_version).toBe(second);
  }, 300_000);
});
