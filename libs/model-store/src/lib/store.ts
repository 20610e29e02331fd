import { randomUUID } from 'node:crypto';
import {
  closeSync,
  createReadStream,
  createWriteStream,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';

interface AwsSdk {
  s3: typeof import('@aws-sdk/client-s3');
  storage: typeof import('@aws-sdk/lib-storage');
  http: typeof import('@smithy/node-http-handler');
}
let aws: AwsSdk | undefined;

/** The AWS SDK, required on first S3 use: loading it takes ~100 ms of start-up that a local store never needs. */
function awsSdk(): AwsSdk {
  aws ??= {
    s3: require('@aws-sdk/client-s3') as AwsSdk['s3'],
    storage: require('@aws-sdk/lib-storage') as AwsSdk['storage'],
    http: require('@smithy/node-http-handler') as AwsSdk['http'],
  };
  return aws;
}

export type StoreErrorCode = 'NOT_FOUND' | 'PRECONDITION_FAILED' | 'IO' | 'CONFIG';

export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface ObjectInfo {
  key: string;
  size: number;
  /** Changes whenever the object's content is replaced; what conditional puts compare. */
  etag: string;
}

export interface PutOptions {
  /** Write only if the object's current etag is this (compare-and-swap). */
  ifMatch?: string;
  /** '*': write only if the object does not exist. */
  ifNoneMatch?: '*';
}

/** Where bundles live: keys are relative paths under the store's root (`2026-…/ctr_model.txt`, `latest.json`). */
export interface ArtifactStore {
  readonly url: string;
  get(key: string): Promise<Buffer>;
  getStream(key: string): Promise<Readable>;
  put(key: string, body: Buffer | string, options?: PutOptions): Promise<{ etag: string }>;
  /** Uploads a local file (multipart for large files on S3). */
  putFile(key: string, path: string): Promise<{ etag: string }>;
  head(key: string): Promise<ObjectInfo | null>;
  /** Every object under `prefix` (recursively). */
  list(prefix: string): Promise<ObjectInfo[]>;
  delete(key: string): Promise<void>;
}

export function checkKey(key: string): string {
  if (
    typeof key !== 'string' ||
    key === '' ||
    key.startsWith('/') ||
    key.split('/').some((p) => p === '' || p === '.' || p === '..')
  ) {
    throw new StoreError('CONFIG', `"${key}" is not a store key (a relative path without empty, . or .. segments)`);
  }
  return key;
}

/**
 * A directory as an artifact store. Writes are atomic (temporary file, fsync, rename): a reader sees the old content
 * or the new, never part of a file. Conditional puts hold a lock file (O_EXCL) around compare-and-rename, so two
 * writers of the pointer cannot both win. The etag is size + modification time in nanoseconds + inode.
 */
export class FileSystemStore implements ArtifactStore {
  readonly root: string;
  constructor(dir: string) {
    this.root = resolve(dir);
  }
  get url(): string {
    return `file://${this.root}`;
  }
  private path(key: string): string {
    return join(this.root, checkKey(key));
  }

  async get(key: string): Promise<Buffer> {
    try {
      return readFileSync(this.path(key));
    } catch (e) {
      throw notFoundOr(e, key);
    }
  }

  async getStream(key: string): Promise<Readable> {
    const p = this.path(key);
    if (!existsSync(p)) throw new StoreError('NOT_FOUND', `${key} does not exist in ${this.url}`);
    return createReadStream(p);
  }

  async put(key: string, body: Buffer | string, options: PutOptions = {}): Promise<{ etag: string }> {
    const target = this.path(key);
    mkdirSync(dirname(target), { recursive: true });
    const conditional = options.ifMatch !== undefined || options.ifNoneMatch !== undefined;
    const unlock = conditional ? await this.lock(target) : () => undefined;
    try {
      if (conditional) {
        const current = await this.head(key);
        if (options.ifNoneMatch === '*' && current !== null) {
          throw new StoreError('PRECONDITION_FAILED', `${key} already exists (If-None-Match: *)`);
        }
        if (options.ifMatch !== undefined && current?.etag !== options.ifMatch) {
          throw new StoreError(
            'PRECONDITION_FAILED',
            `${key} changed (etag ${current?.etag ?? 'none'}, expected ${options.ifMatch})`,
          );
        }
      }
      const tmp = `${target}.tmp-${randomUUID()}`;
      const fd = openSync(tmp, 'w');
      try {
        const bytes = typeof body === 'string' ? Buffer.from(body) : body;
        for (let off = 0; off < bytes.length;) off += writeSync(fd, bytes, off, bytes.length - off);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, target);
      return { etag: etagOf(target) };
    } finally {
      unlock();
    }
  }

  async putFile(key: string, path: string): Promise<{ etag: string }> {
    const target = this.path(key);
    mkdirSync(dirname(target), { recursive: true });
    const tmp = `${target}.tmp-${randomUUID()}`;
    try {
      await pipeline(createReadStream(path), createWriteStream(tmp));
      const fd = openSync(tmp, 'r+');
      fsyncSync(fd);
      closeSync(fd);
      renameSync(tmp, target);
    } catch (e) {
      rmSync(tmp, { force: true });
      throw new StoreError('IO', `writing ${key}: ${(e as Error).message}`, { cause: e });
    }
    return { etag: etagOf(target) };
  }

  async head(key: string): Promise<ObjectInfo | null> {
    const p = this.path(key);
    if (!existsSync(p)) return null;
    return { key, size: statSync(p).size, etag: etagOf(p) };
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    const base = prefix === '' ? this.root : this.path(prefix.replace(/\/+$/, ''));
    if (!existsSync(base)) return [];
    const out: ObjectInfo[] = [];
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.isFile() && !/\.tmp-|\.lock$/.test(e.name)) {
          out.push({ key: relative(this.root, p).split(sep).join('/'), size: statSync(p).size, etag: etagOf(p) });
        }
      }
    };
    walk(base);
    return out.sort((a, b) => (a.key < b.key ? -1 : 1));
  }

  async delete(key: string): Promise<void> {
    try {
      unlinkSync(this.path(key));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
        throw new StoreError('IO', `deleting ${key}: ${(e as Error).message}`, { cause: e });
    }
  }

  /** An exclusive lock file beside `target`; a lock older than 30 s is considered abandoned. */
  private async lock(target: string): Promise<() => void> {
    const lockPath = `${target}.lock`;
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        closeSync(openSync(lockPath, 'wx'));
        return () => rmSync(lockPath, { force: true });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        try {
          if (Date.now() - statSync(lockPath).mtimeMs > 30_000) rmSync(lockPath, { force: true });
        } catch {
          // removed meanwhile
        }
        if (Date.now() > deadline) throw new StoreError('IO', `timed out waiting for ${lockPath}`);
        await new Promise((r) => setTimeout(r, 5 + Math.random() * 20));
      }
    }
  }
}

function etagOf(path: string): string {
  const s = statSync(path, { bigint: true });
  return `${s.size}-${s.mtimeNs}-${s.ino}`;
}

function notFoundOr(e: unknown, key: string): StoreError {
  if ((e as NodeJS.ErrnoException).code === 'ENOENT') return new StoreError('NOT_FOUND', `${key} does not exist`);
  return new StoreError('IO', `reading ${key}: ${(e as Error).message}`, { cause: e });
}

export interface S3StoreOptions {
  /** SDK settings: region, credentials, `endpoint` + `forcePathStyle` for S3-compatible servers. */
  s3?: S3ClientConfig;
  client?: S3Client;
  /** Attempts per request (SDK retries with backoff; default 5) and request timeout (default 60 s). */
  maxAttempts?: number;
  requestTimeoutMs?: number;
  /** Files above this go up in parts (default 16 MiB). */
  multipartThreshold?: number;
}

/** An S3 prefix as an artifact store; the pointer's compare-and-swap uses S3's conditional writes. */
export class S3Store implements ArtifactStore {
  private readonly sdk: AwsSdk;
  private readonly client: S3Client;
  private readonly prefix: string;
  private readonly threshold: number;

  constructor(
    readonly bucket: string,
    prefix: string,
    private readonly options: S3StoreOptions = {},
  ) {
    this.prefix = prefix.replace(/^\/+|\/+$/g, '');
    this.sdk = awsSdk();
    this.client =
      options.client ??
      new this.sdk.s3.S3Client({
        maxAttempts: options.maxAttempts ?? 5,
        requestHandler: new this.sdk.http.NodeHttpHandler({
          requestTimeout: options.requestTimeoutMs ?? 60_000,
          connectionTimeout: 10_000,
        }),
        ...options.s3,
      });
    this.threshold = options.multipartThreshold ?? 16 * 1024 * 1024;
  }

  get url(): string {
    return `s3://${this.bucket}/${this.prefix}`;
  }
  private key(key: string): string {
    return this.prefix ? `${this.prefix}/${checkKey(key)}` : checkKey(key);
  }

  async get(key: string): Promise<Buffer> {
    const s = await this.getStream(key);
    const parts: Buffer[] = [];
    for await (const c of s) parts.push(c as Buffer);
    return Buffer.concat(parts);
  }

  async getStream(key: string): Promise<Readable> {
    try {
      const r = await this.client.send(new this.sdk.s3.GetObjectCommand({ Bucket: this.bucket, Key: this.key(key) }));
      return r.Body as Readable;
    } catch (e) {
      throw s3Error(e, `${this.url}/${key}`);
    }
  }

  async put(key: string, body: Buffer | string, options: PutOptions = {}): Promise<{ etag: string }> {
    try {
      const r = await this.client.send(
        new this.sdk.s3.PutObjectCommand({
          Bucket: this.bucket,
          Key: this.key(key),
          Body: typeof body === 'string' ? Buffer.from(body) : body,
          ...(options.ifMatch !== undefined ? { IfMatch: options.ifMatch } : {}),
          ...(options.ifNoneMatch !== undefined ? { IfNoneMatch: options.ifNoneMatch } : {}),
        }),
      );
      return { etag: r.ETag ?? '' };
    } catch (e) {
      throw s3Error(e, `${this.url}/${key}`);
    }
  }

  async putFile(key: string, path: string): Promise<{ etag: string }> {
    const size = statSync(path).size;
    try {
      if (size <= this.threshold) {
        const r = await this.client.send(
          new this.sdk.s3.PutObjectCommand({
            Bucket: this.bucket,
            Key: this.key(key),
            Body: createReadStream(path),
            ContentLength: size,
          }),
        );
        return { etag: r.ETag ?? '' };
      }
      const up = new this.sdk.storage.Upload({
        client: this.client,
        params: { Bucket: this.bucket, Key: this.key(key), Body: createReadStream(path) },
        partSize: 8 * 1024 * 1024,
        queueSize: 4,
      });
      const r = await up.done();
      return { etag: (r as { ETag?: string }).ETag ?? '' };
    } catch (e) {
      throw s3Error(e, `${this.url}/${key}`);
    }
  }

  async head(key: string): Promise<ObjectInfo | null> {
    try {
      const r = await this.client.send(new this.sdk.s3.HeadObjectCommand({ Bucket: this.bucket, Key: this.key(key) }));
      return { key, size: r.ContentLength ?? 0, etag: r.ETag ?? '' };
    } catch (e) {
      const err = s3Error(e, `${this.url}/${key}`);
      if (err.code === 'NOT_FOUND') return null;
      throw err;
    }
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    const base = this.prefix ? `${this.prefix}/` : '';
    const full = prefix === '' ? base : `${base}${prefix.replace(/\/+$/, '')}/`;
    const out: ObjectInfo[] = [];
    let token: string | undefined;
    try {
      do {
        const r = await this.client.send(
          new this.sdk.s3.ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: full,
            ...(token ? { ContinuationToken: token } : {}),
          }),
        );
        for (const o of r.Contents ?? [])
          if (o.Key) out.push({ key: o.Key.slice(base.length), size: o.Size ?? 0, etag: o.ETag ?? '' });
        token = r.IsTruncated ? r.NextContinuationToken : undefined;
      } while (token);
    } catch (e) {
      throw s3Error(e, `${this.url}/${prefix}`);
    }
    return out.sort((a, b) => (a.key < b.key ? -1 : 1));
  }

  async delete(key: string): Promise<void> {
    try {
      await this.client.send(new this.sdk.s3.DeleteObjectCommand({ Bucket: this.bucket, Key: this.key(key) }));
    } catch (e) {
      throw s3Error(e, `${this.url}/${key}`);
    }
  }

  destroy(): void {
    if (this.options.client === undefined) this.client.destroy();
  }
}

function s3Error(e: unknown, where: string): StoreError {
  const err = e as Error & { name?: string; $metadata?: { httpStatusCode?: number } };
  const status = err.$metadata?.httpStatusCode;
  if (err.name === 'NoSuchKey' || err.name === 'NotFound' || status === 404)
    return new StoreError('NOT_FOUND', `${where} does not exist`, { cause: e });
  if (err.name === 'PreconditionFailed' || status === 412)
    return new StoreError('PRECONDITION_FAILED', `${where}: precondition failed (changed by someone else)`, {
      cause: e,
    });
  return new StoreError('IO', `${where}: ${err.name}: ${err.message}`, { cause: e });
}

/** `file:///dir`, a directory path, or `s3://bucket/prefix`. */
export function openStore(url: string, s3?: S3StoreOptions): ArtifactStore {
  if (url.startsWith('s3://')) {
    const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url);
    if (m === null || !m[1]) throw new StoreError('CONFIG', `store URL ${url} has no bucket`);
    return new S3Store(m[1], m[2] ?? '', s3 ?? {});
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url) && !url.startsWith('file://')) {
    throw new StoreError('CONFIG', `store URL ${url}: use file:///path, a directory or s3://bucket/prefix`);
  }
  return new FileSystemStore(url.replace(/^file:\/\//, ''));
}
