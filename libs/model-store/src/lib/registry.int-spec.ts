import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { bundleDir, input } from '../testing';
import { BundleStore } from './bundles';
import type { BundleManifest } from './manifest';
import { ModelRegistry } from './registry';
import { FileSystemStore, S3Store } from './store';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** A stand-in for a loaded predictor: remembers its version, holds some memory, answers asynchronously. */
class FakeModel {
  readonly weights = new Float64Array(1 << 16);
  constructor(readonly version: string) {}
  async predict(): Promise<string> {
    await new Promise((r) => setTimeout(r, Math.random() * 3));
    return this.version;
  }
}

describe('ModelRegistry', () => {
  let dir: string;
  let bundles: BundleStore;
  const SCHEMA = 'a'.repeat(64);
  let loads: string[];
  let disposed: string[];
  let smokeFails: string | null;

  const registry = (extra: Partial<ConstructorParameters<typeof ModelRegistry<FakeModel>>[0]> = {}) =>
    new ModelRegistry<FakeModel>({
      bundles,
      cacheDir: join(dir, 'cache'),
      load: (d, m: BundleManifest) => {
        loads.push(m.version);
        expect(readFileSync(join(d, 'ctr_model.txt'), 'utf8')).toContain('tree');
        return new FakeModel(m.version);
      },
      smoke: (model) => {
        if (smokeFails !== null && model.version === smokeFails) throw new Error('smoke check: predictions are NaN');
      },
      acceptSchema: (h) => h === SCHEMA,
      dispose: (m) => disposed.push(m.version),
      pollMs: 0,
      startBackoffMs: 5,
      ...extra,
    });
  let n = 0;
  const publish = (tag: string, extra = {}) =>
    bundles.publish(
      bundleDir(dir, tag),
      input({ version: `2026-11-22T00-00-00Z-${String(++n).padStart(6, '0')}`, ...extra }),
    );

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'registry-'));
    bundles = new BundleStore(new FileSystemStore(join(dir, 'store')));
    loads = [];
    disposed = [];
    smokeFails = null;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('loads the current bundle at start and swaps on reload', async () => {
    const m1 = await publish('one');
    const r = registry();
    expect(r.current()).toBeNull();
    await r.start();
    expect(r.current()?.version).toBe(m1.version);
    expect(r.status()).toMatchObject({
      ready: true,
      activeVersion: m1.version,
      source: 'store',
      consecutiveFailures: 0,
    });
    expect(await r.reload()).toBe(true); // unchanged pointer: nothing loaded
    expect(loads).toEqual([m1.version]);
    const m2 = await publish('two');
    expect(await r.reload()).toBe(true);
    expect(r.current()?.version).toBe(m2.version);
    expect(disposed).toEqual([m1.version]);
    r.stop();
  });

  it('keeps the old model when a load fails, records why, and retries at the next check', async () => {
    const m1 = await publish('one');
    const r = registry();
    await r.start();
    const m2 = await publish('two', { feature_schema: { version: 'v9', hash: 'b'.repeat(64), names: ['x'] } });
    expect(await r.reload()).toBe(false);
    expect(r.current()?.version).toBe(m1.version);
    expect(r.status()).toMatchObject({
      activeVersion: m1.version,
      consecutiveFailures: 1,
      lastError: expect.stringContaining('feature schema v9'),
    });
    const m3 = await publish('three');
    smokeFails = m3.version;
    expect(await r.reload()).toBe(false);
    expect(r.status().lastError).toContain('smoke check');
    expect(r.status().consecutiveFailures).toBe(2);
    // Corrupt the fourth bundle's file in the store: refused, the old model keeps serving.
    smokeFails = null;
    const m4 = await publish('four');
    writeFileSync(join(dir, 'store', m4.version, 'conv_model.txt'), 'tampered');
    expect(await r.reload()).toBe(false);
    expect(r.status().lastError).toMatch(/conv_model\.txt: .* the manifest says/);
    expect(r.current()?.version).toBe(m1.version);
    await bundles.promote(m2.version).catch(() => undefined); // unknown schema: still refused by the registry
    const m5 = await publish('five');
    expect(await r.reload()).toBe(true);
    expect(r.current()?.version).toBe(m5.version);
    expect(r.status().consecutiveFailures).toBe(0);
    r.stop();
  });

  it('serves 1,000 concurrent predictions through five reloads: no failure, one version per response, old models released', async () => {
    await publish('v0');
    const r = registry();
    await r.start();
    const refs: WeakRef<FakeModel>[] = [new WeakRef((r.current() as { model: FakeModel }).model)];
    let failures = 0;
    const seen = new Set<string>();
    const request = async (): Promise<void> => {
      const snapshot = r.current(); // taken once per request
      if (snapshot === null) throw new Error('no model');
      const answer = await snapshot.model.predict();
      if (answer !== snapshot.version) throw new Error(`answered ${answer} for ${snapshot.version}`);
      seen.add(answer);
    };
    // Six waves of 200 requests; after each of the first five, a publish and a reload run while the wave is in flight.
    const inFlight: Promise<unknown>[] = [];
    for (let wave = 0; wave < 6; wave++) {
      for (let k = 0; k < 200; k++) inFlight.push(request().catch(() => failures++));
      if (wave < 5) {
        await publish(`v${wave + 1}`);
        await r.reload();
        refs.push(new WeakRef((r.current() as { model: FakeModel }).model));
      }
    }
    await Promise.all(inFlight);
    inFlight.length = 0;
    expect(failures).toBe(0);
    expect(seen.size).toBeGreaterThanOrEqual(5); // responses came from (nearly) every version
    expect(r.status().loads).toBe(6);
    await new Promise((res) => setTimeout(res, 20));
    gc();
    await new Promise((res) => setImmediate(res));
    gc();
    expect(refs.slice(0, 5).every((w) => w.deref() === undefined)).toBe(true); // superseded models are collectable
    expect(refs[5]?.deref()).toBeDefined();
    r.stop();
  }, 60_000);

  it('picks up a new bundle by polling', async () => {
    await publish('one');
    const r = registry({ pollMs: 40, jitter: 0.2 });
    await r.start();
    const m2 = await publish('two');
    const deadline = Date.now() + 3000;
    while (r.current()?.version !== m2.version && Date.now() < deadline)
      await new Promise((res) => setTimeout(res, 20));
    expect(r.current()?.version).toBe(m2.version);
    r.stop();
  });

  it('starts from its local cache when the store cannot be reached, and says so', async () => {
    const m1 = await publish('one');
    const first = registry();
    await first.start();
    first.stop();
    const dead = new BundleStore(
      new S3Store('models', 'lgbm', {
        s3: {
          endpoint: 'http://127.0.0.1:9',
          region: 'us-east-1',
          credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
          forcePathStyle: true,
        },
        maxAttempts: 1,
      }),
    );
    const r = new ModelRegistry<FakeModel>({
      bundles: dead,
      cacheDir: join(dir, 'cache'),
      load: (_d, m) => new FakeModel(m.version),
      acceptSchema: () => true,
      pollMs: 0,
      startAttempts: 2,
      startBackoffMs: 5,
    });
    await r.start();
    expect(r.current()).toMatchObject({ version: m1.version, source: 'cache' });
    expect(r.status().lastError).toMatch(/serving .* from the local cache: the store could not be reached/);
    const none = new ModelRegistry<FakeModel>({
      bundles: dead,
      cacheDir: join(dir, 'empty'),
      load: (_d, m) => new FakeModel(m.version),
      acceptSchema: () => true,
      pollMs: 0,
      startAttempts: 1,
    });
    await expect(none.start()).rejects.toThrow(/no model after 1 attempts/);
    r.stop();
  });
});
