/** What went wrong, for callers that map errors to HTTP statuses or exit codes. */
export type EmbeddingsErrorCode =
  | 'INVALID_INPUT' // texts that are not strings, a query vector of the wrong width, bad options
  | 'NPY_FORMAT' // a .npy file that is malformed, truncated or holds something other than a float matrix
  | 'CACHE_FORMAT' // a keyword cache whose files disagree with each other or are malformed
  | 'CACHE_MISMATCH' // a keyword cache made by a different embedder (id or dim) than the one in use
  | 'MODEL_NOT_FOUND' // a model source that does not resolve to the files a model needs
  | 'MODEL_CHECKSUM' // a downloaded or cached model file whose checksum does not match
  | 'MODEL_FAILED'; // the model ran and failed (onnxruntime error, unexpected output)

export class EmbeddingsError extends Error {
  override readonly name = 'EmbeddingsError';
  constructor(
    readonly code: EmbeddingsErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
