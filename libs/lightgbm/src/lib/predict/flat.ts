import { DecisionBits, LightGbmModel, MissingType, Tree, missingTypeOf } from '../model/types';
import { ZERO_THRESHOLD, goesLeft, treeDepth } from './decision';

/** Record kinds: how a node decides, chosen at build time so the common cases take one comparison. */
const enum Kind {
  /** v <= threshold; NaN goes right. Leaves use this kind with both children pointing to themselves. */
  Le = 0,
  /** v <= threshold; NaN goes left. */
  LeNanLeft = 1,
  /** Anything else (categorical, zero-as-missing, thresholds within ±kZeroThreshold): LightGBM's full rule. */
  General = 2,
}

/** A comparison result as 0/1 without a branch. */
const bit = (b: boolean): number => (b as unknown as number) | 0;

function kindOf(tree: Tree, node: number): Kind {
  const dt = tree.decisionType[node] as number;
  if (dt & DecisionBits.categorical) return Kind.General;
  const t = tree.threshold[node] as number;
  if (t >= -ZERO_THRESHOLD && t < ZERO_THRESHOLD) return Kind.General;
  const mt = missingTypeOf(dt);
  if (mt === MissingType.Zero) return Kind.General;
  const nanLeft = mt === MissingType.None ? t >= 0 : (dt & DecisionBits.defaultLeft) !== 0;
  return nanLeft ? Kind.LeNanLeft : Kind.Le;
}

/**
 * All trees of a model in one compact layout, a 32-byte record per node or leaf: the threshold (for a leaf: its
 * value) as a double, then feature, kind, left, right, tree and local node as int32. Leaves point to themselves.
 *
 * One row is scored four trees at a time in lock-step until no walk moves (leaves are fixpoints): the walks of
 * independent trees overlap in the CPU, which hides the memory latency that dominates single-row scoring of a model
 * larger than the caches, and each step chooses a child without a branch. Sums are still added in tree order.
 */
export class FlatForest {
  private readonly f64: Float64Array;
  private readonly i32: Int32Array;
  private readonly roots: Int32Array;
  private readonly depth: Int32Array;
  /** True when some node needs LightGBM's full rule; otherwise the walk skips that check. */
  private readonly hasGeneral: boolean;

  constructor(private readonly model: LightGbmModel) {
    let records = 0;
    for (const t of model.trees) records += 2 * t.numLeaves - 1;
    const buf = new ArrayBuffer(Math.max(1, records) * 32);
    this.f64 = new Float64Array(buf);
    this.i32 = new Int32Array(buf);
    this.roots = new Int32Array(model.trees.length);
    this.depth = new Int32Array(model.trees.length);
    let base = 0;
    let general = false;
    model.trees.forEach((tree, ti) => {
      const nNodes = tree.numLeaves - 1;
      // records: internal nodes first, then leaves
      const rec = (c: number) => (c >= 0 ? base + c : base + nNodes + ~c);
      this.roots[ti] = base; // the root record (for a single-leaf tree: its leaf)
      this.depth[ti] = treeDepth(tree);
      for (let k = 0; k < nNodes; k++) {
        const g = base + k;
        this.f64[g * 4] = tree.threshold[k] as number;
        const q = g * 8;
        this.i32[q + 2] = tree.splitFeature[k] as number;
        const kind = kindOf(tree, k);
        this.i32[q + 3] = kind;
        general ||= kind === Kind.General;
        this.i32[q + 4] = rec(tree.leftChild[k] as number);
        this.i32[q + 5] = rec(tree.rightChild[k] as number);
        this.i32[q + 6] = ti;
        this.i32[q + 7] = k;
      }
      for (let l = 0; l < tree.numLeaves; l++) {
        const g = base + nNodes + l;
        this.f64[g * 4] = tree.leafValue[l] as number;
        const q = g * 8;
        this.i32[q + 3] = Kind.Le;
        this.i32[q + 4] = g;
        this.i32[q + 5] = g;
      }
      base += 2 * tree.numLeaves - 1;
    });
    this.hasGeneral = general;
  }

  /** Adds trees [t0, t1) for the row at `x[base…]` into `out[o + t % k]`, in tree order. */
  addRow(x: Float64Array, base: number, t0: number, t1: number, out: Float64Array, o: number, k: number): void {
    if (this.hasGeneral) this.walk(x, base, t0, t1, out, o, k, true);
    else this.walk(x, base, t0, t1, out, o, k, false);
  }

  private walk(
    x: Float64Array,
    base: number,
    t0: number,
    t1: number,
    out: Float64Array,
    o: number,
    k: number,
    general: boolean,
  ): void {
    const { f64, roots, depth } = this;
    let t = t0;
    for (; t + 4 <= t1; t += 4) {
      let a = roots[t] as number;
      let b = roots[t + 1] as number;
      let c = roots[t + 2] as number;
      let d = roots[t + 3] as number;
      // Step all four until none moves (leaves are fixpoints): as many steps as the longest of the four paths.
      for (;;) {
        const na = this.step(a, x, base, general);
        const nb = this.step(b, x, base, general);
        const nc = this.step(c, x, base, general);
        const nd = this.step(d, x, base, general);
        if (((na ^ a) | (nb ^ b) | (nc ^ c) | (nd ^ d)) === 0) break;
        a = na;
        b = nb;
        c = nc;
        d = nd;
      }
      if (k === 1) {
        out[o] =
          (out[o] as number) +
          (f64[a << 2] as number) +
          (f64[b << 2] as number) +
          (f64[c << 2] as number) +
          (f64[d << 2] as number);
      } else {
        out[o + (t % k)] = (out[o + (t % k)] as number) + (f64[a << 2] as number);
        out[o + ((t + 1) % k)] = (out[o + ((t + 1) % k)] as number) + (f64[b << 2] as number);
        out[o + ((t + 2) % k)] = (out[o + ((t + 2) % k)] as number) + (f64[c << 2] as number);
        out[o + ((t + 3) % k)] = (out[o + ((t + 3) % k)] as number) + (f64[d << 2] as number);
      }
    }
    for (; t < t1; t++) {
      let n = roots[t] as number;
      for (let s = depth[t] as number; s > 0; s--) n = this.step(n, x, base, general);
      out[o + (t % k)] = (out[o + (t % k)] as number) + (f64[n << 2] as number);
    }
  }

  private step(n: number, x: Float64Array, base: number, general: boolean): number {
    const i32 = this.i32;
    const q = n << 3;
    const kind = i32[q + 3] as number;
    const v = x[base + (i32[q + 2] as number)] as number;
    if (general && kind === Kind.General) return this.general(n, v);
    return i32[q + 5 - (bit(v <= (this.f64[n << 2] as number)) | (kind & bit(v !== v)))] as number;
  }

  private general(n: number, v: number): number {
    const q = n << 3;
    const tree = this.model.trees[this.i32[q + 6] as number] as Tree;
    return (goesLeft(tree, this.i32[q + 7] as number, v) ? this.i32[q + 4] : this.i32[q + 5]) as number;
  }
}
