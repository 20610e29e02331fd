export type { Embedder } from './lib/embedder';
export { rowOf } from './lib/embedder';
export { EmbeddingsError, type EmbeddingsErrorCode } from './lib/errors';
export { normalizeText } from './lib/normalize';
export { LexicalEmbedder, type LexicalEmbedderOptions } from './lib/lexical';
export {
  TransformersEmbedder,
  loadTransformersEmbedder,
  DEFAULT_TRANSFORMERS_MODEL,
  MULTILINGUAL_TRANSFORMERS_MODEL,
  type TransformersEmbedderOptions,
  type EmbedProgress,
} from './lib/transformers';
export { parseModelLocation, fetchS3Model, type ModelLocation, type S3ModelOptions } from './lib/model-source';
export { MicroBatchingEmbedder, type MicroBatchOptions, type MicroBatchStats } from './lib/micro-batch';
export { QueryEmbeddingCache, type CacheStats } from './lib/query-cache';
export { Lru } from './lib/lru';
export {
  KeywordEmbeddingCache,
  KEYWORD_CACHE_FILES,
  type KeywordCacheMeta,
  type NearestKeyword,
  type NearestOptions,
  type BuildOptions,
  type LoadOptions,
} from './lib/keyword-cache';
export { DotProductIndex, type Neighbour, type SearchOptions } from './lib/nearest';
export {
  readNpyMatrix,
  readNpyMatrixSync,
  writeNpySync,
  parseNpyHeader,
  npyHeader,
  type NpyHeader,
  type NpyMatrix,
  type FloatAllocator,
} from './lib/npy';
