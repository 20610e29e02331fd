import { NativeLightGbmError, PredictInputError } from '../errors';
import { INSTALL_HINT, LibraryLocation, findLightGbmLibrary } from './library';

/* LightGBM C API constants (c_api.h). */
const C_API_DTYPE_FLOAT32 = 0;
const C_API_DTYPE_FLOAT64 = 1;
const C_API_DTYPE_INT32 = 2;
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
  datasetFromMat: KoffiFn;
  datasetSetField: KoffiFn;
  datasetFree: KoffiFn;
  datasetNumData: KoffiFn;
  boosterCreate: KoffiFn;
  addValid: KoffiFn;
  updateOneIter: KoffiFn;
  evalCounts: KoffiFn;
  getEval: KoffiFn;
}

const loaded = new Map<string, NativeLightGbm>();
/** Reused by saveModelToString (calls are synchronous; the text is copied out before returning). */
let saveScratch = new Uint8Array(1 << 20);
let opaqueDeclared = false;

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
    const cached = loaded.get(location.path);
    if (cached) return cached; // one binding per library file (koffi types are process-wide)
    const lib = NativeLightGbm.bind(location);
    loaded.set(location.path, lib);
    return lib;
  }

  private static bind(location: LibraryLocation): NativeLightGbm {
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
    if (!opaqueDeclared) {
      // koffi's type names are process-wide, this module may not be (a second module registry, as under Jest, finds
      // the type already declared: that declaration is the one to use)
      try {
        koffi.opaque('LGBM_Handle');
      } catch (e) {
        if (!/Duplicate type name/.test((e as Error).message)) throw e;
      }
      opaqueDeclared = true;
    }
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
      datasetFromMat: f(
        'int LGBM_DatasetCreateFromMat(const double* data, int dtype, int32_t nrow, int32_t ncol, int rowMajor, const char* params, LGBM_Handle* reference, _Out_ LGBM_Handle** out)',
      ),
      datasetSetField: f(
        'int LGBM_DatasetSetField(LGBM_Handle* h, const char* name, const void* data, int n, int dtype)',
      ),
      datasetFree: f('int LGBM_DatasetFree(LGBM_Handle* h)'),
      datasetNumData: f('int LGBM_DatasetGetNumData(LGBM_Handle* h, _Out_ int* out)'),
      boosterCreate: f('int LGBM_BoosterCreate(LGBM_Handle* train, const char* params, _Out_ LGBM_Handle** out)'),
      addValid: f('int LGBM_BoosterAddValidData(LGBM_Handle* h, LGBM_Handle* valid)'),
      updateOneIter: f('int LGBM_BoosterUpdateOneIter(LGBM_Handle* h, _Out_ int* finished)'),
      evalCounts: f('int LGBM_BoosterGetEvalCounts(LGBM_Handle* h, _Out_ int* out)'),
      getEval: f('int LGBM_BoosterGetEval(LGBM_Handle* h, int dataIdx, _Out_ int* outLen, double* out)'),
    };
    return new NativeLightGbm(location, api);
  }

  /** @internal Throws the library's last error when `rc` is non-zero. */
  check(rc: unknown, fn: string): void {
    if (rc !== 0) throw new NativeLightGbmError(this.api.lastError() || `returned ${String(rc)}`, fn);
  }

  /**
   * A LightGBM Dataset from row-major doubles (NaN = missing) with labels and optional weights and query group sizes.
   * `parameters` are LightGBM's own `key=value` strings (binning: `max_bin`, `min_data_in_bin`, …). A validation set
   * passes the training set as `reference`, so that it shares the training set's bins.
   */
  datasetFromMat(data: NativeDatasetInput, parameters = '', reference?: NativeDataset): NativeDataset {
    const { rows, nRows, nFeatures } = data;
    if (rows.length !== nRows * nFeatures) {
      throw new PredictInputError(`dataset: expected ${nRows} × ${nFeatures} values, got ${rows.length}`);
    }
    const out: [Handle | null] = [null];
    this.check(
      this.api.datasetFromMat(
        rows,
        C_API_DTYPE_FLOAT64,
        nRows,
        nFeatures,
        1,
        parameters,
        reference ? reference.handle : null,
        out,
      ),
      'LGBM_DatasetCreateFromMat',
    );
    const ds = new NativeDataset(this, out[0] as Handle, nRows);
    try {
      ds.setField('label', Float32Array.from(data.labels));
      if (data.weights) ds.setField('weight', Float32Array.from(data.weights));
      if (data.groups) ds.setField('group', Int32Array.from(data.groups));
    } catch (e) {
      ds.free();
      throw e;
    }
    return ds;
  }

  /** A booster to train on `train` (LightGBM parameters as `key=value` strings); validation sets are added in order. */
  boosterForTraining(train: NativeDataset, parameters: string, valid: NativeDataset[] = []): NativeBooster {
    const out: [Handle | null] = [null];
    this.check(this.api.boosterCreate(train.handle, parameters, out), 'LGBM_BoosterCreate');
    const booster = new NativeBooster(this, out[0] as Handle);
    try {
      for (const v of valid)
        this.check(this.api.addValid(booster.handleForTraining, v.handle), 'LGBM_BoosterAddValidData');
    } catch (e) {
      booster.free();
      throw e;
    }
    return booster;
  }

  /** Loads a booster from model text (LightGBM's own parser). */
  boosterFromString(modelText: string): NativeBooster {
    const iters = [0];
    const out: [Handle | null] = [null];
    this.check(this.api.loadFromString(modelText, iters, out), 'LGBM_BoosterLoadModelFromString');
    return new NativeBooster(this, out[0] as Handle);
  }
}

/** A data set for training: row-major features with labels, optional weights and query groups. */
export interface NativeDatasetInput {
  /** Row-major features, `nRows × nFeatures`; NaN = missing. */
  rows: Float64Array;
  nRows: number;
  nFeatures: number;
  labels: ArrayLike<number>;
  weights?: ArrayLike<number> | undefined;
  /** Query group sizes (consecutive rows), summing to nRows; required for lambdarank. */
  groups?: ArrayLike<number> | undefined;
}

/** A LightGBM Dataset handle. Free it after every booster that uses it. */
export class NativeDataset {
  private h: Handle | null;

  constructor(
    private readonly lib: NativeLightGbm,
    handle: Handle,
    readonly nRows: number,
  ) {
    this.h = handle;
  }

  /** @internal */
  get handle(): Handle {
    if (this.h === null) throw new NativeLightGbmError('dataset was freed');
    return this.h;
  }

  /** LGBM_DatasetSetField: `label` and `weight` as float32 (LightGBM's label_t), `group` as int32 sizes. */
  setField(name: 'label' | 'weight' | 'group', values: Float32Array | Int32Array): void {
    const dtype = values instanceof Int32Array ? C_API_DTYPE_INT32 : C_API_DTYPE_FLOAT32;
    this.lib.check(
      this.lib.api.datasetSetField(this.handle, name, values, values.length, dtype),
      'LGBM_DatasetSetField',
    );
  }

  free(): void {
    if (this.h === null) return;
    const h = this.h;
    this.h = null;
    this.lib.check(this.lib.api.datasetFree(h), 'LGBM_DatasetFree');
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

  /** @internal */
  get handleForTraining(): Handle {
    return this.h;
  }

  /** One boosting iteration (LGBM_BoosterUpdateOneIter); true when LightGBM cannot split any further. */
  updateOneIter(): boolean {
    const finished = [0];
    this.lib.check(this.lib.api.updateOneIter(this.h, finished), 'LGBM_BoosterUpdateOneIter');
    return finished[0] === 1;
  }

  /** Metric values on data set `dataIdx` (0 = training, 1… = validation sets in the order added). */
  getEval(dataIdx: number): Float64Array {
    const n = [0];
    this.lib.check(this.lib.api.evalCounts(this.h, n), 'LGBM_BoosterGetEvalCounts');
    const out = new Float64Array(Math.max(1, n[0] as number));
    const len = [0];
    this.lib.check(this.lib.api.getEval(this.h, dataIdx, len, out), 'LGBM_BoosterGetEval');
    return out.subarray(0, len[0] as number);
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
    let buf = saveScratch;
    this.lib.check(
      this.lib.api.saveToString(this.h, startIteration, numIteration, 0, BigInt(buf.length), outLen, buf),
      'LGBM_BoosterSaveModelToString',
    );
    const needed = Number(outLen[0]);
    if (needed > buf.length) {
      buf = saveScratch = new Uint8Array(needed);
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
