import { DecisionBits, LightGbmModel, Tree } from '../model/types';
import { ZERO_THRESHOLD, goesLeft } from './decision';
import { WordArena } from './simd';

/** Widest trees this layout takes: 64 leaves (two 32-bit words of leaf bits per tree). */
export const QUICK_MAX_LEAVES = 64;

/** Special-value flags of a node: goes right when the feature reads as 0 (|v| ≤ 1e-35) / as NaN. */
const RIGHT_IF_ZERO = 1;
const RIGHT_IF_NAN = 2;

/** Estimated cost of one step of one tree walk in {@link FlatForest} (single row), in ns. */
export const FLAT_NS_PER_STEP = 4;
/** Estimated cost of one step of one tree walk in the generated batch code, per row, in ns. */
export const BATCH_NS_PER_STEP = 1.3;

/**
 * Memory for per-feature mask snapshots, per model, shared by the busy features. Measured on the seed sizes (400 × 63 +
 * 2 × 300 × 31 trees): 2 MiB shared gives the speed of 8 MiB handed out busiest-first (single row ~4 µs for the CTR
 * model; a 100-row ranking over HTTP ~3.2 ms) at a quarter of the memory; 2 MiB busiest-first left most features
 * without snapshots (single row 15.6 µs).
 */
const SNAPSHOT_BUDGET_BYTES = 2 << 20;
/** A snapshot every SNAP_MIN_STEP nodes or more: at most that many node masks are applied after one. */
const SNAP_MIN_STEP = 16;
/** Rows whose masks are held at once (the arena's first vectors): their leaf sums run interleaved. */
const ROWS = 4;

/** Layout choices, for tests and measurements; the defaults are what the predictor uses. */
export interface QuickOptions {
  /** Vector ANDs on WebAssembly SIMD when the engine has it (default true). */
  simd?: boolean;
  /** Which features keep snapshots: by estimated cost (default), every feature, or none. */
  snapshots?: 'auto' | 'all' | 'none';
  /** Nodes between two snapshots (default: ≥ 16, at most 128 snapshots per feature). */
  step?: number;
}

/**
 * Single-row scoring by feature instead of by tree (QuickScorer, Lucchese et al., SIGIR 2015).
 *
 * Every leaf of a tree owns one bit, leftmost leaf in the highest bit. Each numerical node knows the mask that clears
 * the leaves of its left subtree. The nodes of each feature are sorted by threshold, so for a value `v` the nodes it
 * sends right (`v > threshold`) are a prefix of that feature's list; ANDing their masks into the tree masks leaves
 * the exit leaf of every tree as the leftmost surviving bit — `Math.clz32` of the mask. Sums are added in tree order,
 * as LightGBM adds them.
 *
 * Seed models split few features many times (thousands of nodes per feature), so a feature with many nodes keeps
 * snapshots: the AND of every prefix of `step` nodes, as one mask vector over all trees. Scoring that feature is a
 * binary search for the prefix length, one AND of a snapshot vector, and fewer than `step` single nodes.
 *
 * LightGBM's missing-value rules only matter when a value is NaN or within ±kZeroThreshold. The set of nodes such a
 * value sends right does not depend on the value, so it is precomputed per feature (a snapshot each for "zero" and
 * "NaN", or direction flags per node for features without snapshots). Categorical nodes are decided one by one with
 * LightGBM's full rule. Models with trees of more than {@link QUICK_MAX_LEAVES} leaves are not taken.
 */
export class QuickScorer {
  /** 1 or 2: 32-bit words of leaf bits per tree. */
  private readonly words: number;
  private readonly numTrees: number;
  /** numTrees × words, rounded up to a multiple of 4: the length of a mask vector. */
  private readonly vecLen: number;
  /** Per feature f: nodes [featStart[f], featStart[f+1]) sorted by threshold, the last one a +Infinity sentinel. */
  private readonly featStart: Int32Array;
  private readonly thr: Float64Array;
  /** Mask slot (tree × words) of each node. */
  private readonly slot: Int32Array;
  /** `words` masks per node: the bits that survive when the node sends the row right. */
  private readonly nodeMask: Int32Array;
  private readonly flags: Uint8Array;
  /**
   * Per feature with snapshots: offset of its first vector in `snaps` (else -1). Vectors: prefix snapshot s = AND of
   * nodes [0, s·step), for s = 0…⌊n/step⌋, then the "zero" vector, then the "NaN" vector.
   */
  private readonly snapAt: Int32Array;
  private readonly snapStep: Int32Array;
  /**
   * The masks of {@link ROWS} rows (words [0, ROWS·vecLen)) followed by the snapshot vectors; ANDs of vectors and the
   * leaf sums run on WebAssembly.
   */
  private readonly arena: WordArena;
  /** Categorical nodes: feature, slot, tree index, node index, and `words` masks each. */
  private readonly cats: { feature: number; slot: number; tree: Tree; node: number; mask: Int32Array }[] = [];
  /** Initial masks (all leaves alive), copied into `masks` for each row. */
  private readonly init: Int32Array;
  /** `arena.words` (a new view after the arena grows): the rows' masks live at its start, `vecLen` words apart. */
  private get masks(): Int32Array {
    return this.arena.words;
  }
  /** Where {@link scoreRows} keeps the masks shared by all rows (the last vector of the arena). */
  private readonly baseAt: number;
  /** Scratch: the features that differ between the rows of a {@link scoreRows} call. */
  private readonly varying: Int32Array;
  /**
   * Scratch, per varying feature (index numFeatures: the feature being applied now): the single nodes {@link locate}
   * found for the value — kind (0 none, 1 scan from `todoLo` below the value, 2 flagged nodes [todoLo, todoHi),
   * 3 nodes [todoLo, todoHi)), the bounds and the value.
   */
  private readonly todoKind: Uint8Array;
  private readonly todoLo: Int32Array;
  private readonly todoHi: Int32Array;
  private readonly todoValue: Float64Array;
  /** Scratch: snapshot vectors still to AND into a row. */
  private readonly snapList: Int32Array;
  /** Leaf values by tree and left-to-right position, `32 × words` per tree. */
  private readonly leafByPos: Float64Array;
  /**
   * Estimated nanoseconds per row on the machine this was tuned on (the per-operation costs measured by
   * `npm run bench:predict`), comparable with {@link FLAT_NS_PER_STEP} and {@link BATCH_NS_PER_STEP}.
   */
  readonly costNs: number;

  /** The layout for `model`, or null when some tree has more than {@link QUICK_MAX_LEAVES} leaves. */
  static build(model: LightGbmModel, numFeatures: number, options: QuickOptions = {}): QuickScorer | null {
    let maxLeaves = 1;
    for (const t of model.trees) maxLeaves = Math.max(maxLeaves, t.numLeaves);
    if (maxLeaves > QUICK_MAX_LEAVES) return null;
    return new QuickScorer(model, numFeatures, maxLeaves <= 32 ? 1 : 2, options);
  }

  /** True when vector ANDs run on WebAssembly SIMD. */
  get simd(): boolean {
    return this.arena.simd;
  }

  private constructor(model: LightGbmModel, numFeatures: number, words: number, options: QuickOptions) {
    const { simd = true, snapshots = 'auto', step: fixedStep } = options;
    this.words = words;
    const trees = model.trees;
    this.numTrees = trees.length;
    this.vecLen = Math.ceil((trees.length * words) / 4) * 4;
    const stride = 32 * words;
    this.leafByPos = new Float64Array(trees.length * stride);
    this.init = new Int32Array(this.vecLen);
    // Per feature: its numerical nodes (plus a sentinel), first unsorted, then sorted by threshold.
    const featStart = new Int32Array(numFeatures + 1);
    for (const tree of trees) {
      for (let k = 0; k < tree.numLeaves - 1; k++) {
        if (!((tree.decisionType[k] as number) & DecisionBits.categorical)) {
          const f = tree.splitFeature[k] as number;
          featStart[f + 1] = (featStart[f + 1] as number) + 1;
        }
      }
    }
    for (let f = 0; f < numFeatures; f++)
      featStart[f + 1] = (featStart[f + 1] as number) + (featStart[f] as number) + 1;
    const total = featStart[numFeatures] as number;
    const thrU = new Float64Array(total);
    const slotU = new Int32Array(total);
    const maskU = new Int32Array(total * words);
    const flagsU = new Uint8Array(total);
    const fill = featStart.slice(0, numFeatures);
    const catMask = (lo: number, hi: number): Int32Array => {
      const m = new Int32Array(words);
      for (let w = 0; w < words; w++) m[w] = ~rangeBits(lo - 32 * w, hi - 32 * w);
      return m;
    };
    trees.forEach((tree, ti) => {
      const slot = ti * words;
      // Left-to-right leaf positions, and the position range [lo, hi) of every node's left subtree.
      const pos = new Int32Array(tree.numLeaves);
      const nNodes = tree.numLeaves - 1;
      const leftLo = new Int32Array(Math.max(0, nNodes));
      const leftHi = new Int32Array(Math.max(0, nNodes));
      let next = 0;
      const visit = (c: number): void => {
        if (c < 0) {
          pos[~c] = next++;
          return;
        }
        leftLo[c] = next;
        visit(tree.leftChild[c] as number);
        leftHi[c] = next;
        visit(tree.rightChild[c] as number);
      };
      if (nNodes > 0) visit(0);
      for (let l = 0; l < tree.numLeaves; l++) {
        const p = pos[l] as number;
        this.leafByPos[ti * stride + p] = tree.leafValue[l] as number;
        setBit(this.init, slot, p);
      }
      for (let k = 0; k < nNodes; k++) {
        const lo = leftLo[k] as number;
        const hi = leftHi[k] as number;
        const feature = tree.splitFeature[k] as number;
        if ((tree.decisionType[k] as number) & DecisionBits.categorical) {
          this.cats.push({ feature, slot, tree, node: k, mask: catMask(lo, hi) });
          continue;
        }
        const i = fill[feature] as number;
        fill[feature] = i + 1;
        thrU[i] = tree.threshold[k] as number;
        slotU[i] = slot;
        for (let w = 0; w < words; w++) maskU[i * words + w] = ~rangeBits(lo - 32 * w, hi - 32 * w);
        flagsU[i] = (goesLeft(tree, k, 0) ? 0 : RIGHT_IF_ZERO) | (goesLeft(tree, k, NaN) ? 0 : RIGHT_IF_NAN);
      }
    });

    this.featStart = featStart;
    this.thr = new Float64Array(total);
    this.slot = new Int32Array(total);
    this.nodeMask = new Int32Array(total * words);
    this.flags = new Uint8Array(total);
    const order = new Int32Array(total);
    for (let f = 0; f < numFeatures; f++) {
      const a = featStart[f] as number;
      const end = (featStart[f + 1] as number) - 1; // the sentinel's place
      const idx = order.subarray(a, end);
      for (let i = 0; i < idx.length; i++) idx[i] = a + i;
      idx.sort((x, y) => (thrU[x] as number) - (thrU[y] as number));
      for (let n = a; n < end; n++) {
        const j = order[n] as number;
        this.thr[n] = thrU[j] as number;
        this.slot[n] = slotU[j] as number;
        for (let w = 0; w < words; w++) this.nodeMask[n * words + w] = maskU[j * words + w] as number;
        this.flags[n] = flagsU[j] as number;
      }
      this.thr[end] = Infinity; // sentinel: no value passes it (+Infinity stops at it too)
    }
    const counts = Array.from(
      { length: numFeatures },
      (_, f) => (featStart[f + 1] as number) - (featStart[f] as number) - 1,
    );

    // Snapshots for the features where scanning nodes would cost more than ANDing whole vectors, busiest first.
    this.snapAt = new Int32Array(numFeatures).fill(-1);
    this.snapStep = new Int32Array(numFeatures);
    const vecBytes = this.vecLen * 4;
    const busiest = counts
      .map((count, f) => ({ f, count }))
      .filter((e) =>
        snapshots === 'auto'
          ? 8 * e.count >= this.vecLen && e.count >= 2 * SNAP_MIN_STEP
          : snapshots === 'all' && e.count > 0,
      )
      .sort((a, b) => b.count - a.count);
    let budget = Math.floor(SNAPSHOT_BUDGET_BYTES / vecBytes);
    let vectors = ROWS; // the rows' masks
    const plan: Array<{ f: number; step: number; count: number }> = [];
    // The budget is shared by every busy feature (a feature left without snapshots scans all its nodes, which costs far
    // more than a coarser step): per feature, at most 128 prefix snapshots and at least SNAP_MIN_STEP nodes between two.
    const perFeature = Math.max(2, Math.min(128, Math.floor(budget / Math.max(1, busiest.length)) - 3));
    for (const { f, count } of busiest) {
      const step = fixedStep ?? Math.max(SNAP_MIN_STEP, Math.ceil(count / perFeature));
      const need = Math.floor(count / step) + 3;
      if (need > budget) break;
      budget -= need;
      this.snapAt[f] = vectors * this.vecLen;
      this.snapStep[f] = step;
      vectors += need;
      plan.push({ f, step, count });
    }
    let cost = 2 * trees.length + 20 * this.cats.length;
    counts.forEach((count, f) => {
      const step = this.snapStep[f] as number;
      cost += (this.snapAt[f] as number) >= 0 ? this.vecLen * 0.2 + step * 1.5 + 25 : count * 1.5;
    });
    this.costNs = cost;
    this.baseAt = vectors * this.vecLen;
    this.varying = new Int32Array(numFeatures);
    this.todoKind = new Uint8Array(numFeatures + 1);
    this.todoLo = new Int32Array(numFeatures + 1);
    this.todoHi = new Int32Array(numFeatures + 1);
    this.todoValue = new Float64Array(numFeatures + 1);
    this.snapList = new Int32Array(numFeatures + 1);
    this.arena = new WordArena((vectors + 1) * this.vecLen, simd, this.leafByPos.length);
    this.arena.leaves.set(this.leafByPos);
    const snaps = this.arena.words;
    for (const { f, step, count } of plan) {
      const at = this.snapAt[f] as number;
      const k0 = this.featStart[f] as number;
      const nSnaps = Math.floor(count / step) + 1;
      const cur = this.init.slice();
      snaps.set(cur, at);
      for (let i = 0; i < count; i++) {
        this.andNode(cur, k0 + i);
        if ((i + 1) % step === 0) snaps.set(cur, at + ((i + 1) / step) * this.vecLen);
      }
      for (const [which, bit] of [
        [nSnaps, RIGHT_IF_ZERO],
        [nSnaps + 1, RIGHT_IF_NAN],
      ] as const) {
        const v = this.init.slice();
        for (let i = 0; i < count; i++) if ((this.flags[k0 + i] as number) & bit) this.andNode(v, k0 + i);
        snaps.set(v, at + which * this.vecLen);
      }
    }
  }

  /** Raw score of all trees for the row at `x[base…]`, summed in tree order. */
  score(x: Float64Array, base = 0): number {
    this.masks.set(this.init);
    const nf = this.featStart.length - 1;
    for (let f = 0; f < nf; f++) this.feature(f, x[base + f] as number, 0);
    this.categorical(x, base, 0);
    return this.words === 1 ? this.arena.sum1(this.numTrees) : this.arena.sum2(this.numTrees);
  }

  /**
   * Raw scores of `nRows` rows (`x[r·stride …]`) into `out[0…nRows)`. A feature with the same value in every row (the
   * hour, day and device of one ranking request) is applied once to a base mask vector that each row starts from,
   * instead of once per row; the result is the same, as ANDs commute.
   */
  scoreRows(x: Float64Array, nRows: number, stride: number, out: Float64Array): void {
    if (nRows < 2) {
      for (let r = 0; r < nRows; r++) out[r] = this.score(x, r * stride);
      return;
    }
    const words = this.arena.words;
    const nv = this.prepareBase(x, nRows, stride, null);
    const vecLen = this.vecLen;
    const baseAt = this.baseAt;
    for (let r0 = 0; r0 < nRows; r0 += ROWS) {
      const n = Math.min(ROWS, nRows - r0);
      for (let j = 0; j < n; j++) {
        const b = (r0 + j) * stride;
        const at = j * vecLen;
        words.copyWithin(at, baseAt, baseAt + vecLen);
        this.varyingFeatures(x, b, nv, at, -1);
        this.categorical(x, b, at);
      }
      this.sumRows(r0, n, out);
    }
  }

  /** Words in one mask vector: the length of a {@link partial} state. */
  get stateLength(): number {
    return this.vecLen;
  }

  /**
   * The masks of the numerical nodes of `features` alone, for the row at `x[base…]`: a state that
   * {@link scoreRowsFrom} combines with the other features of any row whose values for `features` are the same.
   * Categorical nodes are not part of it (they are decided per row in every case).
   */
  partial(x: Float64Array, base: number, features: readonly number[]): Int32Array {
    this.masks.set(this.init);
    for (const f of features) this.feature(f, x[base + f] as number, 0);
    return this.masks.slice(0, this.vecLen);
  }

  /**
   * Like {@link scoreRows}, with the features flagged in `covered` taken from `states[r]` ({@link partial} of row r's
   * values for them) instead of being applied again. The result is the same, as ANDs commute.
   */
  scoreRowsFrom(
    x: Float64Array,
    nRows: number,
    stride: number,
    covered: Uint8Array,
    states: readonly Int32Array[],
    out: Float64Array,
  ): void {
    const words = this.arena.words;
    const nv = this.prepareBase(x, nRows, stride, covered);
    const vecLen = this.vecLen;
    const baseAt = this.baseAt;
    for (let r0 = 0; r0 < nRows; r0 += ROWS) {
      const n = Math.min(ROWS, nRows - r0);
      for (let j = 0; j < n; j++) {
        const b = (r0 + j) * stride;
        const at = j * vecLen;
        words.set(states[r0 + j] as Int32Array, at);
        this.varyingFeatures(x, b, nv, at, baseAt);
        this.categorical(x, b, at);
      }
      this.sumRows(r0, n, out);
    }
  }

  /**
   * The leaf sums of the `n` ≤ {@link ROWS} rows whose masks fill the first row slots, into `out[r0 …]`. The four are
   * summed together (independent chains, each in tree order); a slot past `n` gets a copy of the first, whose sum is
   * not used.
   */
  private sumRows(r0: number, n: number, out: Float64Array): void {
    const { arena, vecLen } = this;
    if (n === 1) {
      out[r0] = this.words === 1 ? arena.sum1(this.numTrees) : arena.sum2(this.numTrees);
      return;
    }
    for (let j = n; j < ROWS; j++) arena.words.copyWithin(j * vecLen, 0, vecLen);
    if (this.words === 1) arena.sum1x4(0, vecLen, this.numTrees);
    else arena.sum2x4(0, vecLen, this.numTrees);
    const sums = arena.sums;
    for (let j = 0; j < n; j++) out[r0 + j] = sums[j] as number;
  }

  /** A region of the arena for `capacity` states ({@link stateLength} words each); returns its first word. */
  allocateStates(capacity: number): number {
    return this.arena.allocate(capacity * this.vecLen);
  }

  /** {@link partial} of the row at `x[base…]`, written into state `slot` of the region at `at`. */
  putState(at: number, slot: number, x: Float64Array, base: number, features: readonly number[]): void {
    this.masks.set(this.init);
    for (const f of features) this.feature(f, x[base + f] as number, 0);
    const vecLen = this.vecLen;
    this.arena.words.copyWithin(at + slot * vecLen, 0, vecLen);
  }

  /** A copy of state `slot` of the region at `at`. */
  readState(at: number, slot: number): Int32Array {
    const from = at + slot * this.vecLen;
    return this.arena.words.slice(from, from + this.vecLen);
  }

  /**
   * {@link scoreRowsFrom} with the states in the arena: row r starts from state `slots[r]` of the region at `at`. A
   * row's masks are made in one pass (state & base & the first varying feature's snapshot); no state is copied.
   */
  scoreRowsFromStore(
    x: Float64Array,
    nRows: number,
    stride: number,
    covered: Uint8Array,
    at: number,
    slots: Int32Array,
    out: Float64Array,
  ): void {
    const { arena, varying, vecLen, baseAt, snapList } = this;
    const nv = this.prepareBase(x, nRows, stride, covered);
    for (let r0 = 0; r0 < nRows; r0 += ROWS) {
      const n = Math.min(ROWS, nRows - r0);
      for (let j = 0; j < n; j++) {
        const b = (r0 + j) * stride;
        const row = j * vecLen;
        let ns = 0;
        for (let i = 0; i < nv; i++) {
          const f = varying[i] as number;
          const snap = this.locate(f, x[b + f] as number, i);
          if (snap >= 0) snapList[ns++] = snap;
        }
        arena.set3(
          row,
          at + (slots[r0 + j] as number) * vecLen,
          baseAt,
          ns > 0 ? (snapList[0] as number) : baseAt,
          vecLen,
        );
        let m = 1;
        for (; m + 1 < ns; m += 2) arena.and2(row, snapList[m] as number, snapList[m + 1] as number, vecLen);
        if (m < ns) arena.and(row, snapList[m] as number, vecLen);
        for (let i = 0; i < nv; i++) this.nodeWork(i, row);
        this.categorical(x, b, row);
      }
      this.sumRows(r0, n, out);
    }
  }

  /**
   * The base vector of a batch: features with the same value in every row (and not `covered` by states) are applied
   * once, into the masks copied to `baseAt`; the others are listed in `varying`. Returns how many vary.
   */
  private prepareBase(x: Float64Array, nRows: number, stride: number, covered: Uint8Array | null): number {
    const featStart = this.featStart;
    const nf = featStart.length - 1;
    const varying = this.varying;
    let nv = 0;
    this.masks.set(this.init);
    for (let f = 0; f < nf; f++) {
      if (covered?.[f] === 1 || (featStart[f] as number) === (featStart[f + 1] as number) - 1) continue; // no nodes
      const v0 = x[f] as number;
      let same = true;
      for (let r = 1; r < nRows; r++) {
        const v = x[r * stride + f] as number;
        if (v !== v0 && (v === v || v0 === v0)) {
          same = false;
          break;
        }
      }
      if (same) this.feature(f, v0, 0);
      else varying[nv++] = f;
    }
    this.arena.words.copyWithin(this.baseAt, 0, this.vecLen);
    return nv;
  }

  /**
   * The features `varying[0…nv)` of the row at `x[b…]` into the masks at word `row`, which also get ANDed with the
   * vector at `also` (≥ 0; the batch's base). The snapshot vectors are ANDed two at a time, in one pass each.
   */
  private varyingFeatures(x: Float64Array, b: number, nv: number, row: number, also: number): void {
    const { varying, arena, vecLen } = this;
    let pending = also;
    for (let i = 0; i < nv; i++) {
      const f = varying[i] as number;
      const snap = this.featureNodes(f, x[b + f] as number, row);
      if (snap < 0) continue;
      if (pending < 0) pending = snap;
      else {
        arena.and2(row, pending, snap, vecLen);
        pending = -1;
      }
    }
    if (pending >= 0) arena.and(row, pending, vecLen);
  }

  /** ANDs into the masks of the row at word `row` the nodes of feature `f` that value `v` sends right. */
  private feature(f: number, v: number, row: number): void {
    const snap = this.featureNodes(f, v, row);
    if (snap >= 0) this.arena.and(row, snap, this.vecLen);
  }

  /**
   * {@link feature} but for the snapshot vector: the single nodes are applied, and the word offset of the snapshot
   * that the row's masks must still be ANDed with is returned (-1: none).
   */
  private featureNodes(f: number, v: number, row: number): number {
    const i = this.featStart.length - 1; // the scratch slot of the feature being applied now
    const snap = this.locate(f, v, i);
    this.nodeWork(i, row);
    return snap;
  }

  /**
   * What value `v` of feature `f` sends right: returns the snapshot vector to AND (word offset, -1: none) and leaves
   * the single nodes to apply in the scratch slot `i` ({@link nodeWork}).
   */
  private locate(f: number, v: number, i: number): number {
    const { featStart, thr, snapAt, snapStep, vecLen, todoKind, todoLo, todoHi } = this;
    todoKind[i] = 0;
    const k0 = featStart[f] as number;
    const end = (featStart[f + 1] as number) - 1; // the sentinel
    if (k0 === end) return -1;
    const regular = v > ZERO_THRESHOLD || v < -ZERO_THRESHOLD;
    const at = snapAt[f] as number;
    if (at < 0) {
      todoKind[i] = regular ? 1 : 2;
      todoLo[i] = k0;
      todoHi[i] = end;
      this.todoValue[i] = v;
      return -1;
    }
    const step = snapStep[f] as number;
    if (!regular) return at + (Math.floor((end - k0) / step) + (v === v ? 1 : 2)) * vecLen;
    // nodes [k0, k) have threshold < v: lower bound of v
    let k = k0;
    let hi = end;
    while (k < hi) {
      const mid = (k + hi) >>> 1;
      if ((thr[mid] as number) < v) k = mid + 1;
      else hi = mid;
    }
    const s = ((k - k0) / step) | 0;
    todoKind[i] = 3;
    todoLo[i] = k0 + s * step;
    todoHi[i] = k;
    // snapshot 0 is the initial masks: ANDing it changes nothing
    return s > 0 ? at + s * vecLen : -1;
  }

  /** Applies the single nodes {@link locate} left in scratch slot `i` to the masks at word `row`. */
  private nodeWork(i: number, row: number): void {
    switch (this.todoKind[i]) {
      case 1:
        this.scan(this.todoLo[i] as number, this.todoValue[i] as number, row);
        break;
      case 2: {
        const v = this.todoValue[i] as number;
        this.flagged(this.todoLo[i] as number, this.todoHi[i] as number, v === v ? RIGHT_IF_ZERO : RIGHT_IF_NAN, row);
        break;
      }
      case 3:
        this.apply(this.todoLo[i] as number, this.todoHi[i] as number, row);
        break;
    }
  }

  /** The categorical nodes of the row at `x[base…]`, into the masks at word `row`. */
  private categorical(x: Float64Array, base: number, row: number): void {
    const masks = this.masks;
    for (const c of this.cats) {
      if (!goesLeft(c.tree, c.node, x[base + c.feature] as number)) {
        const s = row + c.slot;
        for (let w = 0; w < this.words; w++) masks[s + w] = (masks[s + w] as number) & (c.mask[w] as number);
      }
    }
  }

  /** Applies every node from k while its threshold is below v (the sentinel stops the walk). */
  private scan(k: number, v: number, row: number): void {
    const { thr, slot, nodeMask, masks } = this;
    if (this.words === 1) {
      while ((thr[k] as number) < v) {
        const s = row + (slot[k] as number);
        masks[s] = (masks[s] as number) & (nodeMask[k] as number);
        k++;
      }
    } else {
      while ((thr[k] as number) < v) {
        const s = row + (slot[k] as number);
        masks[s] = (masks[s] as number) & (nodeMask[k << 1] as number);
        masks[s + 1] = (masks[s + 1] as number) & (nodeMask[(k << 1) + 1] as number);
        k++;
      }
    }
  }

  /** Applies nodes [k0, k1). */
  private apply(k0: number, k1: number, row: number): void {
    for (let k = k0; k < k1; k++) this.andNode(this.masks, k, row);
  }

  /** Applies the nodes of [k0, k1) whose flags include `want`. */
  private flagged(k0: number, k1: number, want: number, row: number): void {
    for (let k = k0; k < k1; k++) if ((this.flags[k] as number) & want) this.andNode(this.masks, k, row);
  }

  private andNode(masks: Int32Array, k: number, row = 0): void {
    const s = row + (this.slot[k] as number);
    const w = this.words;
    for (let i = 0; i < w; i++) masks[s + i] = (masks[s + i] as number) & (this.nodeMask[k * w + i] as number);
  }
}

function setBit(words: Int32Array, at: number, p: number): void {
  const i = at + (p >>> 5);
  words[i] = (words[i] as number) | (1 << (31 - (p & 31)));
}

/** The bits of positions [lo, hi) ∩ [0, 32) of one word, position p at bit 31 - p. */
function rangeBits(lo: number, hi: number): number {
  const a = Math.max(0, lo);
  const b = Math.min(32, hi);
  if (b <= a) return 0;
  const len = b - a;
  return len === 32 ? -1 : ((1 << len) - 1) << (32 - b);
}
