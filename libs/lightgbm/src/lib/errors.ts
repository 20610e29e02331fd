/** A model file that cannot be read: names the line and what was expected there. */
export class ModelFormatError extends Error {
  override readonly name = 'ModelFormatError';
  constructor(
    message: string,
    /** 1-based line number in the model text, when the problem is tied to a line. */
    readonly line?: number,
  ) {
    super(line === undefined ? message : `line ${line}: ${message}`);
  }
}

/** A model that is valid LightGBM but uses a feature this predictor does not serve. */
export class UnsupportedModelError extends Error {
  override readonly name = 'UnsupportedModelError';
}

/** Input rows of the wrong shape or options out of range. */
export class PredictInputError extends Error {
  override readonly name = 'PredictInputError';
}

/** The native LightGBM library is missing or returned an error (message from LGBM_GetLastError). */
export class NativeLightGbmError extends Error {
  override readonly name = 'NativeLightGbmError';
  constructor(
    message: string,
    /** The C API function that failed, when the error came from a call. */
    readonly fn?: string,
  ) {
    super(fn ? `${fn}: ${message}` : message);
  }
}
