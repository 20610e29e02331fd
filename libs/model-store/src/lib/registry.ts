import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BundleStore, MANIFEST, sha256File, type ResolvedBundle } from './bundles';
import { parseManifest, type BundleManifest } from './manifest';

/** What the registry serves: the loaded model, the bundle it came from. Hold on to it for a whole request. */
export interface ActiveModel<T> {
  model: T;
  version: string;
  manifest: BundleManifest;
  loadedAt: string;
  /** 'store' normally; 'cache' when it was loaded from the local cache because the store could not be reached. */
  source: 'store' | 'cache';
}

export interface RegistryStatus {
  ready: boolean;
  activeVersion: string | null;
  loadedAt: string | null;
  source: 'store' | 'cache' | null;
  lastCheck: string | null;
  lastError: string | null;
  consecutiveFailures: number;
  loads: number;
}

export interface RegistryOptions<T> {
  bundles: BundleStore;
  /** Local cache of verified bundles (also the fallback when the store is unreachable at start). */
  cacheDir: string;
  /** Builds the served object from a verified bundle directory (off the request path). */
  load: (dir: string, manifest: BundleManifest) => Promise<T> | T;
  /** Runs against a freshly loaded model before it goes live; throwing keeps the old model. */
  smoke?: (model: T, manifest: BundleManifest) => Promise<void> | void;
  /** Feature-schema hashes this code can serve; a bundle with another hash is refused. */
  acceptSchema: (hash: string) => boolean;
  /** Called with a model once it is no longer active (after the swap). */
  dispose?: (model: T) => void;
  /** Pointer poll interval (default 60 s), ± jitter fraction (default 0.2); 0 disables polling. */
  pollMs?: number;
  jitter?: number;
  /** First load: attempts and base backoff (default 8 attempts from 500 ms, ×2, capped at 30 s). */
  startAttempts?: number;
  startBackoffMs?: number;
  /** Serve the last verified bundle from cacheDir when the store cannot be reached at start (default true). */
  cacheFallback?: boolean;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * The hot-swap core: keeps one active model, checks the store's pointer periodically (or on `reload()`), and when it
 * moves builds the new model off the request path — download, verify checksums, check the feature schema, load,
 * smoke-test — then swaps one reference. Requests take `current()` once and keep using that snapshot, so in-flight work
 * finishes on the model it started with. A failed load keeps the old model, records the error and is retried at the
 * next poll. At most one load runs at a time.
 */
export class ModelRegistry<T> {
  private active: ActiveModel<T> | null = null;
  private loading: Promise<boolean> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly st: RegistryStatus = {
    ready: false,
    activeVersion: null,
    loadedAt: null,
    source: null,
    lastCheck: null,
    lastError: null,
    consecutiveFailures: 0,
    loads: 0,
  };

  constructor(private readonly o: RegistryOptions<T>) {}

  /** Loads the current bundle (retrying with backoff; falling back to the cache if allowed), then starts polling. */
  async start(): Promise<void> {
    const attempts = this.o.startAttempts ?? 8;
    let delay = this.o.startBackoffMs ?? 500;
    for (let a = 1; ; a++) {
      if (await this.reload()) break;
      if (this.active !== null) break;
      if (a >= attempts) {
        if (this.o.cacheFallback !== false && (await this.loadFromCache())) break;
        throw new Error(`model registry: no model after ${attempts} attempts: ${this.st.lastError}`);
      }
      await sleep(delay);
      delay = Math.min(30_000, delay * 2);
    }
    this.schedule();
  }

  /** The model to use for one request (a stable snapshot), or null before the first load. */
  current(): ActiveModel<T> | null {
    return this.active;
  }

  status(): RegistryStatus {
    return { ...this.st };
  }

  /**
   * Checks the pointer now and loads a new version if it moved. Resolves to true when the active model is the
   * pointer's version afterwards. Concurrent calls share one load.
   */
  reload(): Promise<boolean> {
    if (this.loading) return this.loading;
    this.loading = this.check().finally(() => {
      this.loading = null;
    });
    return this.loading;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    const every = this.o.pollMs ?? 60_000;
    if (every <= 0 || this.stopped) return;
    const jitter = this.o.jitter ?? 0.2;
    const next = every * (1 - jitter + 2 * jitter * Math.random());
    this.timer = setTimeout(() => {
      void this.reload().finally(() => this.schedule());
    }, next);
    this.timer.unref();
  }

  private async check(): Promise<boolean> {
    this.st.lastCheck = new Date().toISOString();
    try {
      const bundle = await this.o.bundles.resolve();
      if (this.active !== null && this.active.version === bundle.version && this.active.source === 'store') {
        this.st.consecutiveFailures = 0;
        this.st.lastError = null;
        return true;
      }
      await this.loadBundle(bundle, 'store');
      return true;
    } catch (e) {
      this.st.lastError = (e as Error).message;
      this.st.consecutiveFailures++;
      return false;
    }
  }

  private async loadBundle(bundle: ResolvedBundle, source: 'store' | 'cache', dirIn?: string): Promise<void> {
    const m = bundle.manifest;
    if (!this.o.acceptSchema(m.feature_schema.hash)) {
      throw new Error(
        `bundle ${bundle.version}: feature schema ${m.feature_schema.version} (${m.feature_schema.hash.slice(0, 12)}…) is not one this service can serve`,
      );
    }
    const dir = dirIn ?? (await this.o.bundles.download(bundle, this.o.cacheDir));
    const model = await this.o.load(dir, m);
    await this.o.smoke?.(model, m);
    const previous = this.active;
    this.active = { model, version: bundle.version, manifest: m, loadedAt: new Date().toISOString(), source };
    this.st.ready = true;
    this.st.activeVersion = bundle.version;
    this.st.loadedAt = this.active.loadedAt;
    this.st.source = source;
    this.st.lastError = null;
    this.st.consecutiveFailures = 0;
    this.st.loads++;
    if (source === 'store') {
      const rec = join(this.o.cacheDir, 'active.json');
      writeFileSync(`${rec}.tmp`, JSON.stringify({ version: bundle.version }));
      renameSync(`${rec}.tmp`, rec);
    }
    if (previous !== null && previous.model !== model) this.o.dispose?.(previous.model);
  }

  /** The last bundle this pod loaded from the store, from its verified local copy. */
  private async loadFromCache(): Promise<boolean> {
    try {
      const rec = join(this.o.cacheDir, 'active.json');
      if (!existsSync(rec)) return false;
      const { version } = JSON.parse(readFileSync(rec, 'utf8')) as { version: string };
      const dir = join(this.o.cacheDir, version);
      const manifest = parseManifest(readFileSync(join(dir, MANIFEST), 'utf8'), join(dir, MANIFEST));
      for (const [name, f] of Object.entries(manifest.files)) {
        const got = await sha256File(join(dir, name));
        if (got.sha256 !== f.sha256 || got.bytes !== f.bytes)
          throw new Error(`cached ${version}/${name} does not match its manifest`);
      }
      await this.loadBundle({ version, manifest, manifestSha256: '', prefix: version }, 'cache', dir);
      this.st.lastError = `serving ${version} from the local cache: the store could not be reached (${this.st.lastError})`;
      return true;
    } catch (e) {
      this.st.lastError = `${this.st.lastError}; cache fallback failed: ${(e as Error).message}`;
      return false;
    }
  }
}
