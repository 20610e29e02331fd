import { createHash } from 'node:crypto';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { EmbeddingsError } from './errors';

let s3sdk: typeof import('@aws-sdk/client-s3') | undefined;
/** The S3 client, required on first use: it takes ~100 ms to load, which a local or hub model never needs. */
function s3(): typeof import('@aws-sdk/client-s3') {
  s3sdk ??= require('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3');
  return s3sdk;
}

/** Where a sentence-transformer model comes from. */
export type ModelLocation =
  | { kind: 'local'; dir: string }
  | { kind: 's3'; bucket: string; prefix: string; url: string }
  | { kind: 'hub'; id: string };

/**
 * `s3://bucket/prefix` → S3; `file:///abs/dir`, `/abs/dir`, `./dir`, `../dir` → a local directory; anything else is a
 * Hugging Face hub id (`Xenova/all-MiniLM-L6-v2`).
 */
export function parseModelLocation(model: string): ModelLocation {
  if (typeof model !== 'string' || model.trim() === '') {
    throw new EmbeddingsError('INVALID_INPUT', 'model must be a hub id, a directory or an s3:// URL');
  }
  if (model.startsWith('s3://')) {
    const rest = model.slice(5);
    const slash = rest.indexOf('/');
    const bucket = slash < 0 ? rest : rest.slice(0, slash);
    const prefix = slash < 0 ? '' : rest.slice(slash + 1).replace(/\/+$/, '');
    if (bucket === '') throw new EmbeddingsError('INVALID_INPUT', `model URL ${model} has no bucket`);
    return { kind: 's3', bucket, prefix, url: `s3://${bucket}/${prefix}` };
  }
  if (model.startsWith('file://')) return { kind: 'local', dir: new URL(model).pathname };
  if (model.startsWith('/') || model.startsWith('./') || model.startsWith('../') || model.startsWith('.' + sep)) {
    return { kind: 'local', dir: resolve(model) };
  }
  if (!/^[\w.-]+(\/[\w.-]+)?$/.test(model)) {
    throw new EmbeddingsError(
      'INVALID_INPUT',
      `model "${model}" is neither a hub id (owner/name), a path nor an s3:// URL`,
    );
  }
  return { kind: 'hub', id: model };
}

/** The files a feature-extraction model needs, for the ONNX file name chosen by dtype. */
export function requiredModelFiles(onnxFile: string): string[] {
  return ['config.json', 'tokenizer.json', 'tokenizer_config.json', `onnx/${onnxFile}`];
}

/** Checks that `dir` holds every required file; the error names the missing ones. */
export function checkModelDir(dir: string, onnxFile: string, what = dir): void {
  const missing = requiredModelFiles(onnxFile).filter((f) => !existsSync(join(dir, f)));
  if (missing.length > 0) {
    throw new EmbeddingsError(
      'MODEL_NOT_FOUND',
      `${what} is not a usable model directory: missing ${missing.join(', ')}`,
    );
  }
}

interface CachedFile {
  key: string;
  etag: string;
  bytes: number;
  sha256: string;
}
interface CacheRecord {
  source: string;
  downloadedAt: string;
  files: Record<string, CachedFile>;
}
const RECORD = '.adrank-model-source.json';

export interface S3ModelOptions {
  /** Directory under which models are cached (one sub-directory per bucket/prefix). */
  cacheDir: string;
  /** ONNX file inside onnx/ (model.onnx for fp32). Other ONNX variants at the prefix are not downloaded. */
  onnxFile: string;
  s3?: S3ClientConfig;
  /** An existing client (tests, custom middleware); `s3` is ignored when given. */
  client?: S3Client;
  /** List the prefix again even when the cache is complete and verifies (default false: downloaded once). */
  refresh?: boolean;
}

/**
 * Makes a local copy of the model at an S3 prefix and returns its directory. Downloaded once: later calls verify the
 * cached files' sha256 against the record written after the download and use them without contacting S3. Each
 * download is verified against S3's checksum (the full-object SHA-256 when S3 returns one, else the MD5 ETag of a
 * single-part upload, else the size), written to a temporary file and renamed into place; a failed or corrupt download
 * leaves the previous cache as it was.
 */
export async function fetchS3Model(
  loc: Extract<ModelLocation, { kind: 's3' }>,
  options: S3ModelOptions,
): Promise<string> {
  const dir = join(resolve(options.cacheDir), 's3', loc.bucket, ...loc.prefix.split('/').filter((p) => p !== ''));
  const record = readRecord(dir, loc.url);
  const needed = requiredModelFiles(options.onnxFile);
  if (!options.refresh && record !== null && needed.every((f) => record.files[f] !== undefined)) {
    const bad = await firstCorrupt(dir, record);
    if (bad === null) return dir;
  }
  const client = options.client ?? new (s3().S3Client)(options.s3 ?? {});
  try {
    const objects = await listPrefix(client, loc.bucket, loc.prefix);
    const wanted = objects.filter(({ rel }) => {
      if (!rel.startsWith('onnx/')) return !rel.endsWith('/');
      const file = rel.slice(5);
      return file === options.onnxFile || file.startsWith(`${options.onnxFile}_data`);
    });
    const missing = needed.filter((f) => !wanted.some((o) => o.rel === f));
    if (missing.length > 0) {
      throw new EmbeddingsError('MODEL_NOT_FOUND', `${loc.url} does not hold ${missing.join(', ')}`);
    }
    const next: CacheRecord = { source: loc.url, downloadedAt: new Date().toISOString(), files: {} };
    mkdirSync(dir, { recursive: true });
    for (const o of wanted) {
      const prev = record?.files[o.rel];
      const path = join(dir, o.rel);
      if (prev !== undefined && prev.etag === o.etag && prev.bytes === o.size && existsSync(path)) {
        if ((await sha256File(path)) === prev.sha256) {
          next.files[o.rel] = prev;
          continue;
        }
      }
      next.files[o.rel] = await downloadVerified(client, loc.bucket, o.key, o.rel, path);
    }
    writeRecord(dir, next);
    return dir;
  } catch (e) {
    if (e instanceof EmbeddingsError) throw e;
    throw new EmbeddingsError('MODEL_NOT_FOUND', `${loc.url}: ${(e as Error).name}: ${(e as Error).message}`, {
      cause: e,
    });
  } finally {
    if (options.client === undefined) client.destroy();
  }
}

async function listPrefix(
  client: S3Client,
  bucket: string,
  prefix: string,
): Promise<{ key: string; rel: string; etag: string; size: number }[]> {
  const out: { key: string; rel: string; etag: string; size: number }[] = [];
  const base = prefix === '' ? '' : `${prefix}/`;
  let token: string | undefined;
  do {
    const res = await client.send(
      new (s3().ListObjectsV2Command)({ Bucket: bucket, Prefix: base, ...(token ? { ContinuationToken: token } : {}) }),
    );
    for (const o of res.Contents ?? []) {
      if (o.Key === undefined) continue;
      const rel = o.Key.slice(base.length);
      if (rel === '' || rel.split('/').some((p) => p === '..' || p === '.')) continue;
      out.push({ key: o.Key, rel, etag: (o.ETag ?? '').replace(/"/g, ''), size: o.Size ?? 0 });
    }
    token = res.IsTruncated ? res.NextContinuationToken : undefined;
  } while (token !== undefined);
  return out;
}

async function downloadVerified(
  client: S3Client,
  bucket: string,
  key: string,
  rel: string,
  path: string,
): Promise<CachedFile> {
  const res = await client.send(new (s3().GetObjectCommand)({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' }));
  if (res.Body === undefined) throw new EmbeddingsError('MODEL_NOT_FOUND', `s3://${bucket}/${key} has no body`);
  const etag = (res.ETag ?? '').replace(/"/g, '');
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.download-${process.pid}`;
  const sums = await writeHashing(res.Body as Readable, tmp);
  try {
    const where = `s3://${bucket}/${key}`;
    if (res.ContentLength !== undefined && sums.bytes !== res.ContentLength) {
      throw new EmbeddingsError('MODEL_CHECKSUM', `${where}: received ${sums.bytes} bytes of ${res.ContentLength}`);
    }
    const fullSha =
      res.ChecksumSHA256 !== undefined && res.ChecksumType !== 'COMPOSITE' ? res.ChecksumSHA256 : undefined;
    if (fullSha !== undefined && !fullSha.includes('-')) {
      const got = Buffer.from(sums.sha256, 'hex').toString('base64');
      if (got !== fullSha) throw new EmbeddingsError('MODEL_CHECKSUM', `${where}: SHA-256 ${got}, S3 says ${fullSha}`);
    } else if (/^[0-9a-f]{32}$/.test(etag) && sums.md5 !== etag) {
      throw new EmbeddingsError('MODEL_CHECKSUM', `${where}: MD5 ${sums.md5}, ETag says ${etag}`);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  return { key: rel, etag, bytes: sums.bytes, sha256: sums.sha256 };
}

/** Streams `body` into `path`, computing MD5 and SHA-256 on the way. */
export async function writeHashing(
  body: Readable,
  path: string,
): Promise<{ md5: string; sha256: string; bytes: number }> {
  const md5 = createHash('md5');
  const sha = createHash('sha256');
  let bytes = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      md5.update(chunk);
      sha.update(chunk);
      bytes += chunk.length;
      cb(null, chunk);
    },
  });
  try {
    await pipeline(body, tap, createWriteStream(path));
  } catch (e) {
    rmSync(path, { force: true });
    throw new EmbeddingsError('MODEL_NOT_FOUND', `download to ${path} failed: ${(e as Error).message}`, { cause: e });
  }
  return { md5: md5.digest('hex'), sha256: sha.digest('hex'), bytes };
}

export async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  await pipeline(createReadStream(path), h);
  return h.digest('hex');
}

async function firstCorrupt(dir: string, record: CacheRecord): Promise<string | null> {
  for (const [rel, f] of Object.entries(record.files)) {
    const path = join(dir, rel);
    if (!existsSync(path) || statSync(path).size !== f.bytes || (await sha256File(path)) !== f.sha256) return rel;
  }
  return null;
}

function readRecord(dir: string, source: string): CacheRecord | null {
  const path = join(dir, RECORD);
  if (!existsSync(path)) return null;
  try {
    const r = JSON.parse(readFileSync(path, 'utf8')) as CacheRecord;
    return r.source === source && typeof r.files === 'object' && r.files !== null ? r : null;
  } catch {
    return null; // a torn or foreign record: download again
  }
}

function writeRecord(dir: string, record: CacheRecord): void {
  const path = join(dir, RECORD);
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(record, null, 1) + '\n');
  renameSync(tmp, path);
}
