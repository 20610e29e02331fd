import { createHash, randomUUID } from 'node:crypto';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  newVersion,
  parseManifest,
  parsePointer,
  manifestProblems,
  ManifestError,
  type BundleManifest,
  type LatestPointer,
} from './manifest';
import { StoreError, type ArtifactStore } from './store';

export const POINTER = 'latest.json';
export const MIRROR = 'latest';
export const MANIFEST = 'manifest.json';

export type ManifestInput = Omit<
  BundleManifest,
  'format' | 'manifest_version' | 'version' | 'created_at' | 'files' | 'parent_version'
> & {
  version?: string;
};

export interface ResolvedBundle {
  version: string;
  manifest: BundleManifest;
  manifestSha256: string;
  /** Where its files are: `<version>/` normally, `latest/` for a seed-layout bundle without a pointer. */
  prefix: string;
}

export interface VersionInfo {
  version: string;
  created_at: string;
  parent_version: string | null;
  current: boolean;
  bytes: number;
}

export class BundleError extends Error {
  override readonly name = 'BundleError';
  constructor(
    readonly code: 'NO_BUNDLE' | 'CONFLICT' | 'CORRUPT' | 'INVALID',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

export async function sha256File(path: string): Promise<{ sha256: string; bytes: number }> {
  const h = createHash('sha256');
  let bytes = 0;
  for await (const c of createReadStream(path)) {
    h.update(c as Buffer);
    bytes += (c as Buffer).length;
  }
  return { sha256: h.digest('hex'), bytes };
}

/**
 * Versioned bundles in an artifact store (layout: ARCHITECTURE.md). `publish` uploads every file, then the manifest,
 * then mirrors `latest/`, then swaps `latest.json` with a conditional write: of two concurrent publishers exactly one
 * becomes current, the other fails with CONFLICT (its version stays in the store, unreferenced). Readers only ever
 * follow the pointer to a complete, checksummed bundle.
 */
export class BundleStore {
  constructor(readonly store: ArtifactStore) {}

  async pointer(): Promise<{ pointer: LatestPointer; etag: string } | null> {
    const head = await this.store.head(POINTER);
    if (head === null) return null;
    let text: Buffer;
    try {
      text = await this.store.get(POINTER);
    } catch (e) {
      if (e instanceof StoreError && e.code === 'NOT_FOUND') return null;
      throw e;
    }
    return { pointer: parsePointer(text.toString('utf8'), `${this.store.url}/${POINTER}`), etag: head.etag };
  }

  /**
   * Publishes the files of `bundleDir` (every regular file but manifest.json) as a new version; resolves to its
   * manifest. The new manifest's parent is the version current when publishing started.
   */
  async publish(bundleDir: string, input: ManifestInput): Promise<BundleManifest> {
    const names = readdirSync(bundleDir)
      .filter((n) => n !== MANIFEST && statSync(join(bundleDir, n)).isFile())
      .sort();
    const files: BundleManifest['files'] = {};
    for (const n of names) files[n] = await sha256File(join(bundleDir, n));
    const before = await this.pointer();
    const { version: wanted, ...rest } = input;
    const manifest: BundleManifest = {
      format: 'adrank.bundle',
      manifest_version: 1,
      version: wanted ?? newVersion(),
      created_at: new Date().toISOString(),
      ...rest,
      files,
      parent_version: before?.pointer.version ?? null,
    };
    const problems = manifestProblems(manifest);
    if (problems.length > 0) throw new BundleError('INVALID', `refusing to publish: ${problems.join('; ')}`);
    if ((await this.store.head(`${manifest.version}/${MANIFEST}`)) !== null) {
      throw new BundleError('CONFLICT', `version ${manifest.version} already exists in ${this.store.url}`);
    }
    for (const n of names) await this.store.putFile(`${manifest.version}/${n}`, join(bundleDir, n));
    const manifestText = JSON.stringify(manifest, null, 2) + '\n';
    await this.store.put(`${manifest.version}/${MANIFEST}`, manifestText, { ifNoneMatch: '*' });
    await this.mirror(manifest.version, names, manifestText);
    const pointer: LatestPointer = { version: manifest.version, manifest_sha256: sha256(manifestText) };
    try {
      await this.store.put(
        POINTER,
        JSON.stringify(pointer) + '\n',
        before ? { ifMatch: before.etag } : { ifNoneMatch: '*' },
      );
    } catch (e) {
      if (e instanceof StoreError && e.code === 'PRECONDITION_FAILED') {
        const now = await this.pointer();
        if (now) await this.remirror(now.pointer.version).catch(() => undefined); // latest/ follows the winner
        throw new BundleError(
          'CONFLICT',
          `another publisher changed ${POINTER} first (now ${now?.pointer.version ?? 'unknown'}); ${manifest.version} was uploaded but is not current — promote it if it should be`,
          { cause: e },
        );
      }
      throw e;
    }
    return manifest;
  }

  /** The current bundle: the pointer's version (its manifest checked against the pointer), or a seed-layout `latest/` with a manifest. */
  async resolve(): Promise<ResolvedBundle> {
    const p = await this.pointer();
    if (p === null) {
      const head = await this.store.head(`${MIRROR}/${MANIFEST}`);
      if (head === null)
        throw new BundleError('NO_BUNDLE', `${this.store.url} has no ${POINTER} and no ${MIRROR}/${MANIFEST}`);
      const text = await this.store.get(`${MIRROR}/${MANIFEST}`);
      const manifest = parseManifest(text.toString('utf8'), `${this.store.url}/${MIRROR}/${MANIFEST}`);
      return { version: manifest.version, manifest, manifestSha256: sha256(text), prefix: MIRROR };
    }
    return this.resolveVersion(p.pointer.version, p.pointer.manifest_sha256);
  }

  async resolveVersion(version: string, expectedSha?: string): Promise<ResolvedBundle> {
    let text: Buffer;
    try {
      text = await this.store.get(`${version}/${MANIFEST}`);
    } catch (e) {
      if (e instanceof StoreError && e.code === 'NOT_FOUND')
        throw new BundleError('NO_BUNDLE', `version ${version} has no manifest in ${this.store.url}`);
      throw e;
    }
    const sum = sha256(text);
    if (expectedSha !== undefined && sum !== expectedSha) {
      throw new BundleError('CORRUPT', `${version}/${MANIFEST}: sha256 ${sum}, ${POINTER} says ${expectedSha}`);
    }
    let manifest: BundleManifest;
    try {
      manifest = parseManifest(text.toString('utf8'), `${this.store.url}/${version}/${MANIFEST}`);
    } catch (e) {
      throw new BundleError('CORRUPT', (e as ManifestError).message, { cause: e });
    }
    if (manifest.version !== version)
      throw new BundleError('CORRUPT', `${version}/${MANIFEST} names version ${manifest.version}`);
    return { version, manifest, manifestSha256: sum, prefix: version };
  }

  /**
   * Makes a verified local copy under `<cacheDir>/<version>/` and returns its directory. Files whose checksum already
   * matches are reused; others are downloaded to a temporary file, checked (bytes and sha256) and renamed. The
   * manifest is written last, so a directory with a manifest is complete.
   */
  async download(bundle: ResolvedBundle, cacheDir: string): Promise<string> {
    const dir = join(cacheDir, bundle.version);
    mkdirSync(dir, { recursive: true });
    for (const [name, f] of Object.entries(bundle.manifest.files)) {
      const target = join(dir, name);
      if (existsSync(target) && statSync(target).size === f.bytes && (await sha256File(target)).sha256 === f.sha256)
        continue;
      const tmp = `${target}.part-${randomUUID()}`;
      const h = createHash('sha256');
      let bytes = 0;
      try {
        const body = await this.store.getStream(`${bundle.prefix}/${name}`);
        await pipeline(
          body,
          new Transform({
            transform(chunk: Buffer, _e, cb) {
              h.update(chunk);
              bytes += chunk.length;
              cb(null, chunk);
            },
          }),
          createWriteStream(tmp),
        );
        const sum = h.digest('hex');
        if (bytes !== f.bytes || sum !== f.sha256) {
          throw new BundleError(
            'CORRUPT',
            `${bundle.prefix}/${name}: ${bytes} bytes with sha256 ${sum}; the manifest says ${f.bytes} bytes, ${f.sha256}`,
          );
        }
        renameSync(tmp, target);
      } catch (e) {
        rmSync(tmp, { force: true });
        if (e instanceof StoreError && e.code === 'NOT_FOUND')
          throw new BundleError('CORRUPT', `${bundle.prefix}/${name} is missing from ${this.store.url}`, { cause: e });
        throw e;
      }
    }
    writeFileSync(join(dir, MANIFEST), JSON.stringify(bundle.manifest, null, 2) + '\n');
    return dir;
  }

  /** Checks every file of a version in the store (streams and hashes them); resolves to the problems found. */
  async verify(version: string): Promise<string[]> {
    let b: ResolvedBundle;
    try {
      b = await this.resolveVersion(version);
    } catch (e) {
      return [(e as Error).message];
    }
    const problems: string[] = [];
    for (const [name, f] of Object.entries(b.manifest.files)) {
      try {
        const h = createHash('sha256');
        let bytes = 0;
        for await (const c of await this.store.getStream(`${b.prefix}/${name}`)) {
          h.update(c as Buffer);
          bytes += (c as Buffer).length;
        }
        const sum = h.digest('hex');
        if (bytes !== f.bytes || sum !== f.sha256)
          problems.push(
            `${name}: ${bytes} bytes, sha256 ${sum.slice(0, 12)}…; expected ${f.bytes}, ${f.sha256.slice(0, 12)}…`,
          );
      } catch (e) {
        problems.push(`${name}: ${(e as Error).message}`);
      }
    }
    return problems;
  }

  /** Makes `version` current (rollback or roll forward) after verifying it; conditional like publish. */
  async promote(version: string): Promise<LatestPointer> {
    const problems = await this.verify(version);
    if (problems.length > 0) throw new BundleError('CORRUPT', `refusing to promote ${version}: ${problems.join('; ')}`);
    const b = await this.resolveVersion(version);
    const before = await this.pointer();
    const pointer: LatestPointer = { version, manifest_sha256: b.manifestSha256 };
    await this.remirror(version);
    try {
      await this.store.put(
        POINTER,
        JSON.stringify(pointer) + '\n',
        before ? { ifMatch: before.etag } : { ifNoneMatch: '*' },
      );
    } catch (e) {
      if (e instanceof StoreError && e.code === 'PRECONDITION_FAILED')
        throw new BundleError('CONFLICT', `${POINTER} changed while promoting ${version}; try again`, { cause: e });
      throw e;
    }
    return pointer;
  }

  /** Versions in the store, newest first. */
  async list(): Promise<VersionInfo[]> {
    const objects = await this.store.list('');
    const current = (await this.pointer())?.pointer.version;
    const versions = new Map<string, number>();
    for (const o of objects) {
      const [v, ...rest] = o.key.split('/');
      if (v === undefined || rest.length === 0 || v === MIRROR) continue;
      versions.set(v, (versions.get(v) ?? 0) + o.size);
    }
    const out: VersionInfo[] = [];
    for (const [version, bytes] of versions) {
      try {
        const { manifest } = await this.resolveVersion(version);
        out.push({
          version,
          created_at: manifest.created_at,
          parent_version: manifest.parent_version,
          current: version === current,
          bytes,
        });
      } catch {
        out.push({ version, created_at: '', parent_version: null, current: version === current, bytes }); // incomplete or corrupt
      }
    }
    return out.sort((a, b) =>
      a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : a.version < b.version ? 1 : -1,
    );
  }

  /**
   * Deletes all but the newest `retain` complete versions — never the current one or its parent. Incomplete
   * versions (no valid manifest) older than `minAgeMs` (default one hour: a publisher may still be uploading) go too.
   */
  async gc(retain: number, options: { dryRun?: boolean; minAgeMs?: number } = {}): Promise<string[]> {
    if (!Number.isInteger(retain) || retain < 1)
      throw new BundleError('INVALID', `retain must be an integer >= 1, got ${retain}`);
    const versions = await this.list();
    const current = versions.find((v) => v.current);
    const keep = new Set<string>(
      versions
        .filter((v) => v.created_at !== '')
        .slice(0, retain)
        .map((v) => v.version),
    );
    if (current) {
      keep.add(current.version);
      if (current.parent_version) keep.add(current.parent_version);
    }
    const minAge = options.minAgeMs ?? 3_600_000;
    const doomed = versions
      .filter((v) => !keep.has(v.version) && (v.created_at !== '' || versionAge(v.version) > minAge))
      .map((v) => v.version);
    if (!options.dryRun) {
      for (const v of doomed) for (const o of await this.store.list(v)) await this.store.delete(o.key);
    }
    return doomed;
  }

  /** Copies a version's files and manifest to `latest/` (the seed's layout) and removes files that are not part of it. */
  private async mirror(version: string, names: string[], manifestText: string): Promise<void> {
    for (const n of names) {
      await this.store.put(`${MIRROR}/${n}`, await this.store.get(`${version}/${n}`));
    }
    await this.store.put(`${MIRROR}/${MANIFEST}`, manifestText);
    for (const o of await this.store.list(MIRROR)) {
      const n = o.key.slice(MIRROR.length + 1);
      if (n !== MANIFEST && !names.includes(n)) await this.store.delete(o.key);
    }
  }

  private async remirror(version: string): Promise<void> {
    const b = await this.resolveVersion(version);
    await this.mirror(
      version,
      Object.keys(b.manifest.files),
      (await this.store.get(`${version}/${MANIFEST}`)).toString('utf8'),
    );
  }
}

function versionAge(version: string): number {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})Z/.exec(version);
  if (m === null) return Infinity;
  return Date.now() - Date.parse(`${m[1]}T${m[2]}:${m[3]}:${m[4]}Z`);
}
