import { NativeLightGbmError, PredictInputError } from '../errors';
import { INSTALL_HINT, LibraryLocation, findLightGbmLibrary } from './library';

/* LightGBM C API constants (c_api.h). */
const C_API_DTYPE_FLOAT64 = 1;
export const PredictType = { normal: 0, raw: 1, leafIndex: 2, contrib: 3 } as const;
export type PredictTypeName = keyof typeof PredictType;

type KoffiFn = (...args: unknown[]) => unknown;
type Handle = bigint;

interface Api {
  lastError: () => string;
  loadFromString: KoffiFn;
  free: KoffiFn;
  numFeature: KoffiFn;
  numClasses: KoffiFn;
  currentIteration: KoffiFn;
  predictForMat: KoffiFn;
  fastInit: KoffiFn;
  fastPredict: KoffiFn;
  fastFree: KoffiFn;
  saveToString: KoffiFn;
}

/**
 * The real LightGBM library (lib_lightgbm.so) through koffi: the reference the predictor is measured against and
 * the native training engine's foundation. Handles are freed by the owner (`free()`), deterministically.
 */
export class NativeLightGbm {
  private constructor(
    readonly location: LibraryLocation,
    /** @internal */ readonly api: Api,
  ) {}

  /** Loads the library found by {@link findLightGbmLibrary}; throws a {@link NativeLightGbmError} saying how to install it. */
  static load(env: NodeJS.ProcessEnv = process.env): NativeLightGbm {
    const location = findLightGbmLibrary(env);
    if (!location) throw new NativeLightGbmError(`lib_lightgbm.so not found: ${INSTALL_HINT}`);
    let koffi: typeof import('koffi');
    try {
      koffi = require('koffi');
    } catch (e) {
      throw new NativeLightGbmError(`the koffi package is not installed (npm install koffi): ${(e as Error).message}`);
    }
    let lib: ReturnType<typeof koffi.load>;
    try {
      lib = koffi.load(location.path);
    } catch (e) {
      throw new NativeLightGbmError(`cannot load ${location.path}: ${(e as Error).message}; ${INSTALL_HINT}`);
    }
    koffi.opaque('LGBM_Handle');
    const f = (sig: string) => lib.func(sig) as KoffiFn;
    const api: Api = {
      lastError: f('const char* LGBM_GetLastError()') as () => string,
      loadFromString: f(
        'int LGBM_BoosterLoadModelFromString(const char* s, _Out_ int* iters, _Out_ LGBM_Handle** out)',
      ),
      free: f('int LGBM_BoosterFree(LGBM_Handle* h)'),
      numFeature: f('int LGBM_BoosterGetNumFeature(LGBM_Handle* h, _Out_ int* out)'),
      numClasses: f('int LGBM_BoosterGetNumClasses(LGBM_Handle* h, _Out_ int* out)'),
      currentIteration: f('int LGBM_BoosterGetCurrentIteration(LGBM_Handle* h, _Out_ int* out)'),
      predictForMat: f(
        'int LGBM_BoosterPredictForMat(LGBM_Handle* h, const double* data, int dtype, int32_t nrow, int32_t ncol, int rowMajor, int ptype, int start, int num, const char* params, int64_t* outLen, double* out)',
      ),
      fastInit: f(
        'int LGBM_BoosterPredictForMatSingleRowFastInit(LGBM_Handle* h, int ptype, int start, int num, int dtype, int32_t ncol, const char* params, _Out_ LGBM_Handle** out)',
      ),
      fastPredict: f(
        'int LGBM_BoosterPredictForMatSingleRowFast(LGBM_Handle* cfg, const double* data, int64_t* outLen, double* out)',
      ),
      fastFree: f('int LGBM_FastConfigFree(LGBM_Handle* cfg)'),
      saveToString: f(
        'int LGBM_BoosterSaveModelToString(LGBM_Handle* h, int start, int num, int importance, int64_t bufLen, int64_t* outLen, uint8_t* out)',
      ),
    };
    return new NativeLightGbm(location, api);
  }

  /** @internal Throws the library's last error when `rc` is non-zero. */
  check(rc: unknown, fn: string): void {
    if (rc !== 0) throw new NativeLightGbmError(this.api.lastError() || `returned ${String(rc)}`, fn);
  }

  /** Loads a booster from model text (LightGBM's own parser). */
  boosterFromString(modelText: string): NativeBooster {
    const iters = [0];
    const out: [Handle | null] = [null];
    this.check(this.api.loadFromString(modelText, iters, out), 'LGBM_BoosterLoadModelFromString');
    return new NativeBooster(this, out[0] as Handle);
  }
}

export interface NativePredictOptions {
  type?: PredictTypeName;
  startIteration?: number;
  numIteration?: number;
  /** LightGBM parameters for prediction, `key=value` separated by spaces (default `num_threads=1`). */
  parameters?: string;
}

/** A LightGBM booster handle. Call `free()` when done; further use then throws. */
export class NativeBooster {
  private handle: Handle | null;
  readonly numFeatures: number;
  readonly numClasses: number;
  readonly numIterations: number;

  constructor(
    private readonly lib: NativeLightGbm,
    handle: Handle,
  ) {
    this.handle = handle;
    const v = [0];
    lib.check(lib.api.numFeature(handle, v), 'LGBM_BoosterGetNumFeature');
    this.numFeatures = v[0] as number;
    lib.check(lib.api.numClasses(handle, v), 'LGBM_BoosterGetNumClasses');
    this.numClasses = v[0] as number;
    lib.check(lib.api.currentIteration(handle, v), 'LGBM_BoosterGetCurrentIteration');
    this.numIterations = v[0] as number;
  }

  private get h(): Handle {
    if (this.handle === null) throw new NativeLightGbmError('booster was freed');
    return this.handle;
  }

  /** Output values per row for a prediction type (contrib: numClasses × (numFeatures + 1)). */
  outputWidth(type: PredictTypeName = 'normal'): number {
    if (type === 'contrib') return this.numClasses * (this.numFeatures + 1);
    if (type === 'leafIndex') return this.numClasses * this.numIterations;
    return this.numClasses;
  }

  /** LGBM_BoosterPredictForMat on row-major doubles. */
  predictForMat(rows: Float64Array, nRows: number, o: NativePredictOptions = {}, out?: Float64Array): Float64Array {
    const type = o.type ?? 'normal';
    if (rows.length !== nRows * this.numFeatures) {
      throw new PredictInputError(`expected ${nRows} × ${this.numFeatures} values, got ${rows.length}`);
    }
    const width = this.outputWidth(type);
    const result = out ?? new Float64Array(nRows * width);
    if (result.length < nRows * width) throw new PredictInputError(`out must hold ${nRows * width} values`);
    const outLen = new BigInt64Array(1);
    this.lib.check(
      this.lib.api.predictForMat(
        this.h,
        rows,
        C_API_DTYPE_FLOAT64,
        nRows,
        this.numFeatures,
        1,
        PredictType[type],
        o.startIteration ?? 0,
        o.numIteration ?? -1,
        o.parameters ?? 'num_threads=1',
        outLen,
        result,
      ),
      'LGBM_BoosterPredictForMat',
    );
    return result;
  }

  /** A prepared single-row predictor (LGBM_BoosterPredictForMatSingleRowFast). Free it before the booster. */
  singleRowFast(o: NativePredictOptions = {}): NativeFastRow {
    const out: [Handle | null] = [null];
    this.lib.check(
      this.lib.api.fastInit(
        this.h,
        PredictType[o.type ?? 'normal'],
        o.startIteration ?? 0,
        o.numIteration ?? -1,
        C_API_DTYPE_FLOAT64,
        this.numFeatures,
        o.parameters ?? 'num_threads=1',
        out,
      ),
      'LGBM_BoosterPredictForMatSingleRowFastInit',
    );
    return new NativeFastRow(this.lib, out[0] as Handle, this.outputWidth(o.type ?? 'normal'), this.numFeatures);
  }

  /** LightGBM's own text serialisation of this booster. */
  saveModelToString(startIteration = 0, numIteration = -1): string {
    const outLen = new BigInt64Array(1);
    let buf = new Uint8Array(1 << 20);
    this.lib.check(
      this.lib.api.saveToString(this.h, startIteration, numIteration, 0, BigInt(buf.length), outLen, buf),
      'LGBM_BoosterSaveModelToString',
    );
    const needed = Number(outLen[0]);
    if (needed > buf.length) {
      buf = new Uint8Array(needed);
      this.lib.check(
        this.lib.api.saveToString(this.h, startIteration, numIteration, 0, BigInt(buf.length), outLen, buf),
        'LGBM_BoosterSaveModelToString',
      );
    }
    return Buffer.from(buf.buffer, buf.byteOffset, needed - 1).toString('utf8'); // drop the trailing NUL
  }

  free(): void {
    if (this.handle === null) return;
    const h = this.handle;
    this.handle = null;
    this.lib.check(this.lib.api.free(h), 'LGBM_BoosterFree');
  }
}

export class NativeFastRow {
  private handle: Handle | null;
  private readonly outLen = new BigInt64Array(1);
  readonly out: Float64Array;

  constructor(
    private readonly lib: NativeLightGbm,
    handle: Handle,
    width: number,
    private readonly numFeatures: number,
  ) {
    this.handle = handle;
    this.out = new Float64Array(width);
  }

  /** Predicts one row; returns the (reused) output buffer. */
  predict(row: Float64Array): Float64Array {
    if (this.handle === null) throw new NativeLightGbmError('fast-row config was freed');
    if (row.length !== this.numFeatures)
      throw new PredictInputError(`expected ${this.numFeatures} values, got ${row.length}`);
    this.lib.check(
      this.lib.api.fastPredict(this.handle, row, this.outLen, this.out),
      'LGBM_BoosterPredictForMatSingleRowFast',
    );
    return this.out;
  }

  free(): void {
    if (this.handle === null) return;
    const h = this.handle;
    this.handle = null;
    this.lib.check(this.lib.api.fastFree(h), 'LGBM_FastConfigFree');
  }
}
