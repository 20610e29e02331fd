import { PredictInputError } from '../errors';
import { OutputTransform, applyTransform, outputTransform } from '../model/objective';
import { parseModel } from '../model/parse';
import { LightGbmModel, numFeatures, numIterations } from '../model/types';
import { TreeFunction, compileTrees } from './compile';
import { FlatForest } from './flat';
import { BATCH_NS_PER_STEP, FLAT_NS_PER_STEP, QuickScorer } from './quick';
import { treeDepth } from './decision';
import { TreeShap } from './shap';

export interface IterationRange {
  /** First boosting iteration to use (default 0). */
  startIteration?: number;
  /** Number of iterations from `startIteration`; 0 or absent = all the remaining ones (LightGBM's convention). */
  numIteration?: number;
}

export interface PredictOptions extends IterationRange {
  /** Raw scores (no sigmoid/softmax/exp). */
  raw?: boolean;
  /** Caller-allocated output of at least `nRows * numOutputs` values; filled and returned. */
  out?: Float64Array;
}

export interface ContribOptions extends IterationRange {
  /** Caller-allocated output of at least `nRows * numOutputs * (numFeatures + 1)` values. */
  out?: Float64Array;
}

/**
 * How predictions are computed. All engines give the same bits; they differ in speed by model shape.
 * - `quickscorer`: feature-major bit masks (QuickScorer with SIMD snapshots) — single-output models, trees ≤ 64 leaves.
 * - `walk`: single rows walk a compact node layout, four trees in lock-step.
 * - `codegen`: batches run one generated function per tree over blocks of rows.
 * `auto` (default) picks by an estimated cost per row from the model's shape.
 */
export interface EngineOptions {
  singleRow?: 'auto' | 'quickscorer' | 'walk';
  batch?: 'auto' | 'quickscorer' | 'codegen';
}

/** The engines a predictor uses for whole-model predictions (iteration slices always use walk / codegen). */
export interface Engines {
  singleRow: 'quickscorer' | 'walk';
  batch: 'quickscorer' | 'codegen';
}

/** Rows evaluated per tree before moving to the next tree: keeps the block of rows and outputs in L1/L2 cache. */
const ROW_BLOCK = 256;

/**
 * A compiled LightGBM model. Predictions equal LightGBM's to the last bit for raw scores (same double
 * arithmetic, same summation order) and within rounding of `exp` for transformed outputs.
 *
 * ```ts
 * const p = Predictor.fromText(fs.readFileSync('ctr_model.txt', 'utf8'));
 * const out = p.predict(rows, nRows);          // rows: Float64Array, row-major, nRows × p.numFeatures
 * const one = p.predictRow([0.7, 1200, 900, 7, 2.1, 14, 0, 1]);
 * const phi = p.contributions(rows, nRows);    // nRows × (numFeatures + 1), expected value last
 * ```
 */
export class Predictor {
  readonly numFeatures: number;
  /** Values per row: the number of classes for multiclass models, else 1. */
  readonly numOutputs: number;
  readonly numIterations: number;
  readonly featureNames: readonly string[];
  /** Compact node layout for the walk engine: built at once when it serves single rows, else on first use (slices). */
  private flat: FlatForest | null = null;
  /**
   * Feature-major layout (QuickScorer) for whole-model predictions of single-output models; null when not taken
   * (multi-output, trees over 64 leaves, or estimated slower than both tree walks).
   */
  private readonly quick: QuickScorer | null;
  /** Whether single rows / batches go through `quick` (chosen by estimated cost per row). */
  private readonly quickRow: boolean;
  private readonly quickBatch: boolean;
  /** What whole-model predictions run on. */
  readonly engines: Engines;
  /** Generated per-tree code for batches, built on first use or by {@link prepareBatch}. */
  private trees: TreeFunction[] | null = null;
  private readonly transform: OutputTransform | Error;
  private shap: TreeShap[] | null = null;
  private readonly rowScratch: Float64Array;
  private readonly outScratch: Float64Array;

  private constructor(
    readonly model: LightGbmModel,
    engines: EngineOptions = {},
  ) {
    this.numFeatures = numFeatures(model);
    this.numOutputs = model.numTreePerIteration;
    this.numIterations = numIterations(model);
    this.featureNames = model.featureNames;
    try {
      this.transform = outputTransform(model.objective);
    } catch (e) {
      this.transform = e as Error; // raw scores still work; transformed ones report why not
    }
    const row = engines.singleRow ?? 'auto';
    const batch = engines.batch ?? 'auto';
    if (!['auto', 'quickscorer', 'walk'].includes(row) || !['auto', 'quickscorer', 'codegen'].includes(batch)) {
      throw new PredictInputError(
        `engines: singleRow must be auto|quickscorer|walk and batch auto|quickscorer|codegen, got ${JSON.stringify(engines)}`,
      );
    }
    const wanted = row !== 'walk' || batch !== 'codegen';
    const quick = wanted && this.numOutputs === 1 ? QuickScorer.build(model, this.numFeatures) : null;
    if (quick === null && (row === 'quickscorer' || batch === 'quickscorer')) {
      throw new PredictInputError(
        this.numOutputs !== 1
          ? `the quickscorer engine takes single-output models; this one has ${this.numOutputs} outputs per row`
          : 'the quickscorer engine takes trees of at most 64 leaves; this model has wider ones',
      );
    }
    let steps = 0;
    for (const t of model.trees) steps += treeDepth(t);
    this.quickRow =
      quick !== null && (row === 'quickscorer' || (row === 'auto' && quick.costNs < steps * FLAT_NS_PER_STEP));
    this.quickBatch =
      quick !== null && (batch === 'quickscorer' || (batch === 'auto' && quick.costNs < steps * BATCH_NS_PER_STEP));
    this.quick = this.quickRow || this.quickBatch ? quick : null;
    if (!this.quickRow) this.flat = new FlatForest(model);
    this.engines = {
      singleRow: this.quickRow ? 'quickscorer' : 'walk',
      batch: this.quickBatch ? 'quickscorer' : 'codegen',
    };
    this.rowScratch = new Float64Array(this.numFeatures);
    this.outScratch = new Float64Array(this.numOutputs);
  }

  /** Compiles a parsed model (explicit, cacheable step: parse once, compile once, predict many times). */
  static compile(model: LightGbmModel, engines: EngineOptions = {}): Predictor {
    return new Predictor(model, engines);
  }

  /** Parses and compiles a LightGBM text model. */
  static fromText(text: string, engines: EngineOptions = {}): Predictor {
    return new Predictor(parseModel(text), engines);
  }

  /**
   * Generates the batch code (one small function per tree, evaluated tree-major over blocks of rows). Runs on the
   * first `predict()`; call it after loading to keep that cost off the first request. Returns the tree functions.
   */
  prepareBatch(): void {
    if (this.quickBatch) return; // whole-model batches are scored row by row by QuickScorer; no code to generate
    this.trees ??= compileTrees(this.model);
  }

  /** Predictions for `nRows` rows laid out row-major in `rows` (`nRows × numFeatures`; NaN = missing). */
  predict(rows: Float64Array, nRows: number, options: PredictOptions = {}): Float64Array {
    this.checkRows(rows, nRows);
    const [t0, t1] = this.treeRange(options);
    const k = this.numOutputs;
    const out = this.outBuffer(options.out, nRows * k);
    out.fill(0, 0, nRows * k);
    const nf = this.numFeatures;
    if (this.quickBatch && t0 === 0 && t1 === this.model.trees.length) {
      (this.quick as QuickScorer).scoreRows(rows, nRows, nf, out);
      this.finish(out, nRows, t0, t1, options.raw === true);
      return out;
    }
    const trees = (this.trees ??= compileTrees(this.model));
    for (let r0 = 0; r0 < nRows; r0 += ROW_BLOCK) {
      const n = Math.min(ROW_BLOCK, nRows - r0);
      const b = r0 * nf;
      const o = r0 * k;
      for (let t = t0; t < t1; t++) (trees[t] as TreeFunction)(rows, b, n, nf, out, o + (t % k), k);
    }
    this.finish(out, nRows, t0, t1, options.raw === true);
    return out;
  }

  /**
   * Precomputation for a group of features whose values repeat across requests (a keyword's own history, say): a
   * row's `state` for the group is computed once, and {@link FeatureGroup.predict} scores later rows that have the same
   * values for those features without evaluating their splits again. Same results as {@link predict}, bit for bit.
   * Null when the model's batches do not run on the QuickScorer layout (the only one with separable per-feature state).
   */
  featureGroup(features: readonly number[]): FeatureGroup | null {
    const nf = this.numFeatures;
    const covered = new Uint8Array(nf);
    for (const f of features) {
      if (!Number.isInteger(f) || f < 0 || f >= nf) {
        throw new PredictInputError(`featureGroup: feature index ${f} is outside 0…${nf - 1}`);
      }
      if (covered[f] === 1) throw new PredictInputError(`featureGroup: feature index ${f} is listed twice`);
      covered[f] = 1;
    }
    if (!this.quickBatch) return null;
    return new FeatureGroup(this, this.quick as QuickScorer, [...features], covered, (out, n, raw) =>
      this.finish(out, n, 0, this.model.trees.length, raw),
    );
  }

  /**
   * Single-row fast path for single-output models: no allocation per call. `row` has `numFeatures` values
   * (a Float64Array is used as is; other array-likes are copied into a scratch row).
   */
  predictRow(row: ArrayLike<number>, options: Omit<PredictOptions, 'out'> = {}): number {
    if (this.numOutputs !== 1) {
      throw new PredictInputError(
        `predictRow returns one value but this model has ${this.numOutputs} outputs per row; use predict()`,
      );
    }
    if (row.length !== this.numFeatures) throw this.widthError(row.length, 1);
    let x: Float64Array;
    if (row instanceof Float64Array) x = row;
    else {
      x = this.rowScratch;
      for (let f = 0; f < x.length; f++) x[f] = row[f] as number;
    }
    const [t0, t1] = this.treeRange(options);
    const out = this.outScratch;
    if (this.quickRow && t0 === 0 && t1 === this.model.trees.length) out[0] = (this.quick as QuickScorer).score(x);
    else {
      out[0] = 0;
      (this.flat ??= new FlatForest(this.model)).addRow(x, 0, t0, t1, out, 0, 1);
    }
    this.finish(out, 1, t0, t1, options.raw === true);
    return out[0] as number;
  }

  /**
   * SHAP feature contributions in LightGBM's `pred_contrib` layout: per row and per output,
   * `numFeatures` contributions followed by the expected value. They sum to the raw score.
   */
  contributions(rows: Float64Array, nRows: number, options: ContribOptions = {}): Float64Array {
    this.checkRows(rows, nRows);
    const [t0, t1] = this.treeRange(options);
    const nf = this.numFeatures;
    const k = this.numOutputs;
    const width = k * (nf + 1);
    const out = this.outBuffer(options.out, nRows * width);
    out.fill(0, 0, nRows * width);
    this.shap ??= this.model.trees.map((t) => new TreeShap(t));
    const shap = this.shap;
    for (let r = 0; r < nRows; r++) {
      for (let t = t0; t < t1; t++) {
        (shap[t] as TreeShap).addContributions(rows, r * nf, out, r * width + (t % k) * (nf + 1), nf);
      }
    }
    return out;
  }

  private finish(out: Float64Array, nRows: number, t0: number, t1: number, raw: boolean): void {
    if (raw) return; // LightGBM's raw scores are plain sums, also for random forests (average_output)
    const k = this.numOutputs;
    if (this.transform instanceof Error) {
      throw new PredictInputError(`${this.transform.message} (raw scores are available with { raw: true })`);
    }
    if (this.model.averageOutput && t1 > t0) {
      const iters = (t1 - t0) / k;
      for (let i = 0; i < nRows * k; i++) out[i] = (out[i] as number) / iters;
    }
    applyTransform(this.transform, out, nRows, k);
  }

  /** Tree index range for an iteration range, with LightGBM's clamping rules. */
  private treeRange(o: IterationRange): [number, number] {
    const total = this.numIterations;
    const start = o.startIteration ?? 0;
    const num = o.numIteration ?? 0;
    if (!Number.isInteger(start) || start < 0) {
      throw new PredictInputError(`startIteration must be an integer >= 0, got ${start}`);
    }
    if (!Number.isInteger(num)) throw new PredictInputError(`numIteration must be an integer, got ${num}`);
    const s = Math.min(start, total);
    const n = num > 0 ? Math.min(num, total - s) : total - s;
    return [s * this.numOutputs, (s + n) * this.numOutputs];
  }

  private checkRows(rows: Float64Array, nRows: number): void {
    if (!(rows instanceof Float64Array)) {
      throw new PredictInputError(`rows must be a Float64Array (row-major, ${this.numFeatures} values per row)`);
    }
    if (!Number.isInteger(nRows) || nRows < 0) {
      throw new PredictInputError(`nRows must be a non-negative integer, got ${nRows}`);
    }
    if (rows.length !== nRows * this.numFeatures) throw this.widthError(rows.length, nRows);
  }

  private widthError(got: number, nRows: number): PredictInputError {
    const names = this.featureNames.length <= 12 ? ` (${this.featureNames.join(', ')})` : '';
    return new PredictInputError(
      `expected ${nRows} row(s) × ${this.numFeatures} features${names} = ${nRows * this.numFeatures} values, got ${got}`,
    );
  }

  private outBuffer(out: Float64Array | undefined, len: number): Float64Array {
    if (out === undefined) return new Float64Array(len);
    if (!(out instanceof Float64Array) || out.length < len) {
      throw new PredictInputError(`out must be a Float64Array of at least ${len} values`);
    }
    return out;
  }
}

/**
 * The per-row state of a group of features ({@link Predictor.featureGroup}). A state depends only on the row's values
 * for `features`; whoever reuses one must make sure the row it is used for has those same values (the serving model
 * keeps the values beside each state and compares them).
 */
export class FeatureGroup {
  /** Int32 words in one state. */
  readonly stateLength: number;

  /** @internal — made by {@link Predictor.featureGroup}. */
  constructor(
    private readonly predictor: Predictor,
    private readonly quick: QuickScorer,
    readonly features: readonly number[],
    private readonly covered: Uint8Array,
    private readonly finish: (out: Float64Array, nRows: number, raw: boolean) => void,
  ) {
    this.stateLength = quick.stateLength;
  }

  /**
   * A store of up to `capacity` states kept in the predictor's own memory (WebAssembly memory when the engine has it):
   * {@link StateStore.predict} then starts each row from its stored state without copying it. The memory is taken
   * now (`capacity × stateLength` words) and held as long as the predictor.
   */
  createStore(capacity: number): StateStore {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new PredictInputError(`createStore: capacity must be a positive integer, got ${String(capacity)}`);
    }
    return new StateStore(this.predictor, this.quick, this.features, this.covered, this.finish, capacity);
  }

  /** The group's state for the row at `row[base … base + numFeatures)`. */
  state(row: Float64Array, base = 0): Int32Array {
    const nf = this.predictor.numFeatures;
    if (!(row instanceof Float64Array) || !Number.isInteger(base) || base < 0 || base + nf > row.length) {
      throw new PredictInputError(`state: needs a Float64Array holding ${nf} features from offset ${base}`);
    }
    return this.quick.partial(row, base, this.features);
  }

  /**
   * Predictions for `nRows` rows (as {@link Predictor.predict}, whole model), where `states[r]` is the group's state
   * for row r's values of the group's features.
   */
  predict(
    rows: Float64Array,
    nRows: number,
    states: readonly Int32Array[],
    options: Pick<PredictOptions, 'raw' | 'out'> = {},
  ): Float64Array {
    const nf = this.predictor.numFeatures;
    if (!(rows instanceof Float64Array) || !Number.isInteger(nRows) || nRows < 0 || rows.length !== nRows * nf) {
      throw new PredictInputError(`rows must be a Float64Array of ${nRows} × ${nf} values`);
    }
    if (states.length !== nRows)
      throw new PredictInputError(`${nRows} rows need ${nRows} states, got ${states.length}`);
    for (let r = 0; r < nRows; r++) {
      const s = states[r];
      if (!(s instanceof Int32Array) || s.length !== this.stateLength) {
        throw new PredictInputError(`state ${r} is not a state of this group (${this.stateLength} int32 words)`);
      }
    }
    const out = options.out ?? new Float64Array(nRows);
    if (!(out instanceof Float64Array) || out.length < nRows) {
      throw new PredictInputError(`out must be a Float64Array of at least ${nRows} values`);
    }
    if (nRows === 0) return out;
    this.quick.scoreRowsFrom(rows, nRows, nf, this.covered, states, out);
    this.finish(out, nRows, options.raw === true);
    return out;
  }
}

/**
 * Up to `capacity` states of one feature group ({@link FeatureGroup.createStore}), by slot number. Like a state, a slot
 * holds whatever row was last put there: its user must only predict rows with the values it was put from.
 */
export class StateStore {
  private readonly at: number;
  /** Int32 words in one state. */
  readonly stateLength: number;

  /** @internal — made by {@link FeatureGroup.createStore}. */
  constructor(
    private readonly predictor: Predictor,
    private readonly quick: QuickScorer,
    readonly features: readonly number[],
    private readonly covered: Uint8Array,
    private readonly finish: (out: Float64Array, nRows: number, raw: boolean) => void,
    readonly capacity: number,
  ) {
    this.at = quick.allocateStates(capacity);
    this.stateLength = quick.stateLength;
  }

  /** Puts the group's state of the row at `row[base … base + numFeatures)` into `slot`. */
  put(slot: number, row: Float64Array, base = 0): void {
    this.checkSlot(slot);
    const nf = this.predictor.numFeatures;
    if (!(row instanceof Float64Array) || !Number.isInteger(base) || base < 0 || base + nf > row.length) {
      throw new PredictInputError(`put: needs a Float64Array holding ${nf} features from offset ${base}`);
    }
    this.quick.putState(this.at, slot, row, base, this.features);
  }

  /** A copy of the state in `slot` (what {@link FeatureGroup.state} gave for the row put there). */
  get(slot: number): Int32Array {
    this.checkSlot(slot);
    return this.quick.readState(this.at, slot);
  }

  /** Predictions for `nRows` rows (as {@link Predictor.predict}, whole model), row r starting from `slots[r]`. */
  predict(
    rows: Float64Array,
    nRows: number,
    slots: Int32Array,
    options: Pick<PredictOptions, 'raw' | 'out'> = {},
  ): Float64Array {
    const nf = this.predictor.numFeatures;
    if (!(rows instanceof Float64Array) || !Number.isInteger(nRows) || nRows < 0 || rows.length < nRows * nf) {
      throw new PredictInputError(`rows must be a Float64Array of at least ${nRows} × ${nf} values`);
    }
    if (!(slots instanceof Int32Array) || slots.length < nRows) {
      throw new PredictInputError(`${nRows} rows need an Int32Array of ${nRows} slots`);
    }
    for (let r = 0; r < nRows; r++) this.checkSlot(slots[r] as number);
    const out = options.out ?? new Float64Array(nRows);
    if (!(out instanceof Float64Array) || out.length < nRows) {
      throw new PredictInputError(`out must be a Float64Array of at least ${nRows} values`);
    }
    if (nRows === 0) return out;
    this.quick.scoreRowsFromStore(rows, nRows, nf, this.covered, this.at, slots, out);
    this.finish(out, nRows, options.raw === true);
    return out;
  }

  private checkSlot(slot: number): void {
    if (!Number.isInteger(slot) || slot < 0 || slot >= this.capacity) {
      throw new PredictInputError(`slot ${String(slot)} is outside 0…${this.capacity - 1}`);
    }
  }
}
