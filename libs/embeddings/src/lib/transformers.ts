import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { checkTexts, type Embedder } from './embedder';
import { EmbeddingsError } from './errors';
import { MicroBatchingEmbedder, type MicroBatchOptions } from './micro-batch';
import { checkModelDir, fetchS3Model, parseModelLocation, sha256File } from './model-source';
import { normalizeText } from './normalize';

export const DEFAULT_TRANSFORMERS_MODEL = 'Xenova/all-MiniLM-L6-v2';
/** Recommended for Korean keywords (multilingual, 384 dimensions). */
export const MULTILINGUAL_TRANSFORMERS_MODEL = 'Xenova/paraphrase-multilingual-MiniLM-L12-v2';

export interface EmbedProgress {
  done: number;
  total: number;
  elapsedMs: number;
}

export interface TransformersEmbedderOptions {
  /** Hub id, local directory (absolute, ./relative or file://) or s3://bucket/prefix. Default all-MiniLM-L6-v2. */
  model?: string;
  /** Where S3 and hub downloads are cached (default $ADRANK_MODEL_CACHE or ~/.cache/adrank/models). */
  cacheDir?: string;
  /** Allow downloading from the Hugging Face hub (default false: only local directories, S3 and the cache). */
  allowRemoteModels?: boolean;
  /** S3 client settings (region, endpoint, forcePathStyle, credentials) for s3:// models. */
  s3?: S3ClientConfig;
  s3Client?: S3Client;
  /** ONNX weights variant: fp32 → onnx/model.onnx, q8 → onnx/model_quantized.onnx, fp16 → onnx/model_fp16.onnx. */
  dtype?: 'fp32' | 'fp16' | 'q8';
  /** Texts per model call (default 32). */
  batchSize?: number;
  /** Tokens per text after truncation, [CLS] and [SEP] included (default 128; never above the model's limit). */
  maxLength?: number;
  /** onnxruntime intra-op threads (default: onnxruntime's choice). */
  threads?: number;
  /** Called after each batch of a long embed() call. */
  onProgress?: (p: EmbedProgress) => void;
}

const ONNX_FILES = { fp32: 'model.onnx', fp16: 'model_fp16.onnx', q8: 'model_quantized.onnx' } as const;

interface TokenizerLike {
  (
    texts: string[],
    opts: { add_special_tokens: boolean; padding: false; truncation: false; return_tensor: false },
  ): Record<string, (number | bigint)[][]>;
  model_max_length?: number;
  pad_token_id?: number;
}
type TensorCtor = new (type: 'int64', data: BigInt64Array, dims: number[]) => TensorLike;
interface TensorLike {
  data: ArrayLike<number | bigint>;
  dims: number[];
  dispose?: () => void;
}
interface ModelLike {
  (inputs: Record<string, TensorLike>): Promise<Record<string, TensorLike>>;
  config: Record<string, unknown>;
  dispose(): Promise<unknown>;
}

/**
 * A sentence-transformer on onnxruntime-node through `@huggingface/transformers`: WordPiece/SentencePiece tokenisation,
 * the ONNX encoder, then mean pooling over the attention mask and L2 normalisation (sentence-transformers semantics).
 * Inputs go through `normalizeText` first. Calls are serialised (one model run at a time); duplicates inside a call
 * are embedded once; texts are sorted by length within a call so batches carry little padding.
 */
export class TransformersEmbedder implements Embedder {
  readonly id: string;
  readonly dim: number;
  readonly maxLength: number;
  readonly batchSize: number;
  /** Directory the model was loaded from. */
  readonly modelDir: string;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    private readonly tokenizer: TokenizerLike,
    private readonly model: ModelLike,
    private readonly Tensor: TensorCtor,
    private readonly specials: { prefix: number; suffix: number; typeIds: boolean; pad: number },
    init: { id: string; dim: number; maxLength: number; batchSize: number; modelDir: string },
    private readonly onProgress: ((p: EmbedProgress) => void) | undefined,
  ) {
    this.id = init.id;
    this.dim = init.dim;
    this.maxLength = init.maxLength;
    this.batchSize = init.batchSize;
    this.modelDir = init.modelDir;
  }

  static async load(options: TransformersEmbedderOptions = {}): Promise<TransformersEmbedder> {
    const model = options.model ?? DEFAULT_TRANSFORMERS_MODEL;
    const batchSize = options.batchSize ?? 32;
    const dtype = options.dtype ?? 'fp32';
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 4096) {
      throw new EmbeddingsError('INVALID_INPUT', `batchSize must be an integer in [1, 4096], got ${batchSize}`);
    }
    const requestedLength = options.maxLength ?? 128;
    if (!Number.isInteger(requestedLength) || requestedLength < 2) {
      throw new EmbeddingsError('INVALID_INPUT', `maxLength must be an integer >= 2, got ${requestedLength}`);
    }
    if (!(dtype in ONNX_FILES)) {
      throw new EmbeddingsError(
        'INVALID_INPUT',
        `dtype must be one of ${Object.keys(ONNX_FILES).join(', ')}, got ${dtype}`,
      );
    }
    const onnxFile = ONNX_FILES[dtype];
    const cacheDir =
      options.cacheDir ?? process.env['ADRANK_MODEL_CACHE'] ?? join(homedir(), '.cache', 'adrank', 'models');
    const loc = parseModelLocation(model);

    let dir: string;
    let label: string;
    let hubOptions: { cache_dir?: string; local_files_only: boolean } = { local_files_only: true };
    if (loc.kind === 'local') {
      checkModelDir(loc.dir, onnxFile);
      dir = loc.dir;
      label = basename(loc.dir);
    } else if (loc.kind === 's3') {
      dir = await fetchS3Model(loc, {
        cacheDir,
        onnxFile,
        ...(options.s3 ? { s3: options.s3 } : {}),
        ...(options.s3Client ? { client: options.s3Client } : {}),
      });
      checkModelDir(dir, onnxFile, loc.url);
      label = loc.url;
    } else {
      // A hub id: a copy under <cacheDir>/hub/<id> (e.g. placed there by an image build) is used as is; downloading
      // needs allowRemoteModels.
      const local = join(cacheDir, 'hub', loc.id);
      label = loc.id;
      if (existsSync(join(local, 'config.json'))) {
        checkModelDir(local, onnxFile);
        dir = local;
      } else if (options.allowRemoteModels) {
        mkdirSync(join(cacheDir, 'hub'), { recursive: true });
        dir = loc.id;
        hubOptions = { cache_dir: join(cacheDir, 'hub-cache'), local_files_only: false };
      } else {
        throw new EmbeddingsError(
          'MODEL_NOT_FOUND',
          `model ${loc.id} is not in ${local} and downloading from the hub is off: set allowRemoteModels ` +
            `(ADRANK_ALLOW_REMOTE_MODELS=1), or give a local directory or an s3:// prefix`,
        );
      }
    }

    const hf = await import('@huggingface/transformers');
    let tokenizer: TokenizerLike;
    let encoder: ModelLike;
    try {
      tokenizer = (await hf.AutoTokenizer.from_pretrained(dir, hubOptions)) as unknown as TokenizerLike;
      encoder = (await hf.AutoModel.from_pretrained(dir, {
        ...hubOptions,
        dtype,
        device: 'cpu',
        ...(options.threads !== undefined ? { session_options: { intraOpNumThreads: options.threads } } : {}),
      })) as unknown as ModelLike;
    } catch (e) {
      throw new EmbeddingsError('MODEL_NOT_FOUND', `loading ${label}: ${(e as Error).message}`, { cause: e });
    }
    const config = encoder.config;
    const dim = Number(config['hidden_size'] ?? config['d_model'] ?? config['dim']);
    if (!Number.isInteger(dim) || dim < 1) {
      await encoder.dispose();
      throw new EmbeddingsError('MODEL_NOT_FOUND', `${label}: config.json has no hidden_size`);
    }
    const limits = [requestedLength, Number(config['max_position_embeddings'] ?? Infinity)];
    const tokLimit = tokenizer.model_max_length;
    if (typeof tokLimit === 'number' && tokLimit > 0 && tokLimit < 1e9) limits.push(tokLimit);
    const maxLength = Math.min(...limits);
    const localOnnx = join(dir, 'onnx', onnxFile);
    const digest = existsSync(localOnnx) ? (await sha256File(localOnnx)).slice(0, 12) : 'hub';
    const id = `transformers:${label}:${dtype}:sha256-${digest}:mean:len${maxLength}`;
    return new TransformersEmbedder(
      tokenizer,
      encoder,
      hf.Tensor as unknown as TensorCtor,
      specialTokens(tokenizer),
      { id, dim, maxLength, batchSize, modelDir: dir },
      options.onProgress,
    );
  }

  embed(texts: readonly string[]): Promise<Float32Array> {
    try {
      checkTexts(texts);
    } catch (e) {
      return Promise.reject(e);
    }
    if (this.closed) return Promise.reject(new EmbeddingsError('MODEL_FAILED', 'embedder is closed'));
    const run = this.queue.then(() => this.run(texts));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async run(texts: readonly string[]): Promise<Float32Array> {
    const dim = this.dim;
    const out = new Float32Array(texts.length * dim);
    // Unique normalised texts, longest first (batches of similar lengths pad little).
    const unique = new Map<string, number[]>();
    texts.forEach((t, i) => {
      const n = normalizeText(t);
      const rows = unique.get(n);
      if (rows) rows.push(i);
      else unique.set(n, [i]);
    });
    const order = [...unique.keys()].sort((a, b) => b.length - a.length);
    const started = performance.now();
    for (let b = 0; b < order.length; b += this.batchSize) {
      const batch = order.slice(b, b + this.batchSize);
      const pooled = await this.encode(batch);
      batch.forEach((text, k) => {
        for (const row of unique.get(text) as number[]) out.set(pooled.subarray(k * dim, (k + 1) * dim), row * dim);
      });
      this.onProgress?.({
        done: Math.min(b + this.batchSize, order.length),
        total: order.length,
        elapsedMs: performance.now() - started,
      });
    }
    return out;
  }

  /**
   * Token ids of `batch` truncated as Hugging Face's tokenizers do — the text's tokens are cut, the special tokens
   * around them are kept (Transformers.js would cut the trailing [SEP]) — then padded to the longest.
   */
  private tokenize(batch: string[]): Record<string, TensorLike> {
    const enc = this.tokenizer(batch, {
      add_special_tokens: true,
      padding: false,
      truncation: false,
      return_tensor: false,
    });
    const { prefix, suffix, pad, typeIds } = this.specials;
    const ids = (enc['input_ids'] ?? []).map((row) => {
      if (row.length <= this.maxLength) return row;
      const keep = this.maxLength - prefix - suffix;
      return [...row.slice(0, prefix + keep), ...row.slice(row.length - suffix)];
    });
    const len = Math.max(...ids.map((r) => r.length));
    const input = new BigInt64Array(batch.length * len).fill(BigInt(pad));
    const mask = new BigInt64Array(batch.length * len);
    ids.forEach((row, i) => {
      row.forEach((t, j) => {
        input[i * len + j] = BigInt(t);
        mask[i * len + j] = 1n;
      });
    });
    const out: Record<string, TensorLike> = {
      input_ids: new this.Tensor('int64', input, [batch.length, len]),
      attention_mask: new this.Tensor('int64', mask, [batch.length, len]),
    };
    if (typeIds)
      out['token_type_ids'] = new this.Tensor('int64', new BigInt64Array(batch.length * len), [batch.length, len]);
    return out;
  }

  /** Mean-pooled, L2-normalised embeddings of `batch` (already normalised texts). */
  private async encode(batch: string[]): Promise<Float32Array> {
    const inputs = this.tokenize(batch);
    let outputs: Record<string, TensorLike>;
    try {
      outputs = await this.model(inputs);
    } catch (e) {
      throw new EmbeddingsError('MODEL_FAILED', `model run failed: ${(e as Error).message}`, { cause: e });
    }
    const hidden = outputs['last_hidden_state'] ?? outputs['token_embeddings'] ?? Object.values(outputs)[0];
    const mask = inputs['attention_mask'];
    if (hidden === undefined || mask === undefined || hidden.dims.length !== 3 || hidden.dims[2] !== this.dim) {
      throw new EmbeddingsError('MODEL_FAILED', `unexpected model output ${JSON.stringify(hidden?.dims)}`);
    }
    const [b, len] = hidden.dims as [number, number, number];
    const h = hidden.data as Float32Array;
    const m = mask.data;
    const dim = this.dim;
    const out = new Float32Array(b * dim);
    const acc = new Float64Array(dim);
    for (let i = 0; i < b; i++) {
      acc.fill(0);
      let count = 0;
      for (let t = 0; t < len; t++) {
        if (Number(m[i * len + t]) === 0) continue;
        count++;
        const base = (i * len + t) * dim;
        for (let j = 0; j < dim; j++) acc[j] = (acc[j] as number) + (h[base + j] as number);
      }
      let ss = 0;
      for (let j = 0; j < dim; j++) {
        acc[j] = (acc[j] as number) / Math.max(count, 1e-9);
        ss += (acc[j] as number) * (acc[j] as number);
      }
      const norm = Math.max(Math.sqrt(ss), 1e-12);
      for (let j = 0; j < dim; j++) out[i * dim + j] = (acc[j] as number) / norm;
    }
    for (const t of [...Object.values(inputs), ...Object.values(outputs)]) t.dispose?.();
    return out;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue;
    await this.model.dispose();
  }
}

/** How many special tokens the tokenizer puts before and after a single text ([CLS] … [SEP]: 1 and 1). */
function specialTokens(tok: TokenizerLike): { prefix: number; suffix: number; typeIds: boolean; pad: number } {
  const probe = ['hello'];
  const opts = { padding: false, truncation: false, return_tensor: false } as const;
  const withSpecial = tok(probe, { ...opts, add_special_tokens: true });
  const bare = (tok(probe, { ...opts, add_special_tokens: false })['input_ids']?.[0] ?? []).map(Number);
  const full = (withSpecial['input_ids']?.[0] ?? []).map(Number);
  let prefix = -1;
  for (let p = 0; p + bare.length <= full.length && prefix < 0; p++) {
    if (bare.every((t, j) => full[p + j] === t)) prefix = p;
  }
  if (prefix < 0 || bare.length === 0) {
    throw new EmbeddingsError('MODEL_NOT_FOUND', 'tokenizer: cannot locate the text between its special tokens');
  }
  return {
    prefix,
    suffix: full.length - prefix - bare.length,
    typeIds: withSpecial['token_type_ids'] !== undefined,
    pad: typeof tok.pad_token_id === 'number' ? tok.pad_token_id : 0,
  };
}

/**
 * The transformer embedder as services should use it: micro-batched by default (concurrent embed() calls within
 * `windowMs` — or until `maxTexts` are waiting — go to the model as one batch). `microBatch: false` turns that off.
 */
export async function loadTransformersEmbedder(
  options: TransformersEmbedderOptions & { microBatch?: MicroBatchOptions | false } = {},
): Promise<Embedder> {
  const { microBatch, ...rest } = options;
  const inner = await TransformersEmbedder.load(rest);
  return microBatch === false ? inner : new MicroBatchingEmbedder(inner, microBatch ?? {});
}
