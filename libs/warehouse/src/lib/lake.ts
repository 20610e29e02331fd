import {
  copyFileSync,
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { WarehouseError } from './types';

/**
 * Where raw and staged files live: a local directory (the embedded default) or an S3 prefix. Keys are relative
 * paths (`raw/naver/AD_DETAIL/1234567/2026-11-20.tsv`); `uri(key)` is what a warehouse's COPY reads.
 */
export interface DataLake {
  readonly root: string;
  uri(key: string): string;
  /** Copies a local file to `key` (atomically for local directories); resolves to its URI. */
  put(key: string, localFile: string): Promise<string>;
  /** Copies `key` to a local file. */
  get(key: string, localFile: string): Promise<void>;
  exists(key: string): Promise<boolean>;
  delete(key: string): Promise<void>;
}

function checkKey(key: string): string {
  if (key === '' || key.startsWith('/') || key.split('/').some((p) => p === '..' || p === '.' || p === '')) {
    throw new WarehouseError('CONFIG', `data lake key "${key}" must be a relative path without . or .. segments`);
  }
  return key;
}

export class LocalDataLake implements DataLake {
  readonly root: string;
  constructor(dir: string) {
    this.root = resolve(dir);
  }
  uri(key: string): string {
    return `file://${join(this.root, checkKey(key))}`;
  }
  path(key: string): string {
    return join(this.root, checkKey(key));
  }
  async put(key: string, localFile: string): Promise<string> {
    const target = this.path(key);
    mkdirSync(dirname(target), { recursive: true });
    const tmp = `${target}.tmp-${process.pid}`;
    copyFileSync(localFile, tmp);
    renameSync(tmp, target);
    return this.uri(key);
  }
  async get(key: string, localFile: string): Promise<void> {
    copyFileSync(this.path(key), localFile);
  }
  async exists(key: string): Promise<boolean> {
    return existsSync(this.path(key));
  }
  async delete(key: string): Promise<void> {
    rmSync(this.path(key), { force: true });
  }
}

export class S3DataLake implements DataLake {
  readonly root: string;
  private readonly client: S3Client;
  constructor(
    readonly bucket: string,
    readonly prefix: string,
    config: S3ClientConfig | S3Client = {},
  ) {
    this.client = config instanceof S3Client ? config : new S3Client(config);
    this.prefix = prefix.replace(/^\/+|\/+$/g, '');
    this.root = `s3://${bucket}/${this.prefix}`;
  }
  private key(key: string): string {
    return this.prefix ? `${this.prefix}/${checkKey(key)}` : checkKey(key);
  }
  uri(key: string): string {
    return `s3://${this.bucket}/${this.key(key)}`;
  }
  async put(key: string, localFile: string): Promise<string> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: this.key(key),
        Body: createReadStream(localFile),
        ContentLength: statSync(localFile).size,
      }),
    );
    return this.uri(key);
  }
  async get(key: string, localFile: string): Promise<void> {
    const r = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key(key) }));
    await pipeline(r.Body as Readable, createWriteStream(localFile));
  }
  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.key(key) }));
      return true;
    } catch (e) {
      if (
        (e as { name?: string }).name === 'NotFound' ||
        (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404
      )
        return false;
      throw e;
    }
  }
  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.key(key) }));
  }
  destroy(): void {
    this.client.destroy();
  }
}

/** `file:///abs/dir`, a plain path, or `s3://bucket/prefix`. */
export function openDataLake(url: string, s3?: S3ClientConfig): DataLake {
  if (url.startsWith('s3://')) {
    const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url);
    if (m === null || !m[1]) throw new WarehouseError('CONFIG', `data lake URL ${url} has no bucket`);
    return new S3DataLake(m[1], m[2] ?? '', s3 ?? {});
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url) && !url.startsWith('file://')) {
    throw new WarehouseError(
      'CONFIG',
      `data lake URL ${url}: use file:///path, a directory path or s3://bucket/prefix`,
    );
  }
  return new LocalDataLake(url.replace(/^file:\/\//, ''));
}
