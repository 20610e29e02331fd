import { Tree } from '../model/types';
import { goesLeft, treeDepth } from './decision';

/**
 * TreeSHAP (Lundberg et al., "Consistent Individualized Feature Attribution for Tree Ensembles", Algorithm 2) with
 * LightGBM's conventions: node covers are the stored `internal_count` / `leaf_count`, decisions follow
 * LightGBM's missing-value rules, and the expected value of a tree is the count-weighted mean of its leaves.
 * The path is kept in flat typed arrays, one segment per recursion depth, allocated once per tree.
 */
export class TreeShap {
  private readonly feature: Int32Array;
  private readonly zero: Float64Array;
  private readonly one: Float64Array;
  private readonly pweight: Float64Array;
  readonly expectedValue: number;

  constructor(private readonly tree: Tree) {
    const maxPath = treeDepth(tree) + 2;
    const size = (maxPath * (maxPath + 1)) / 2;
    this.feature = new Int32Array(size);
    this.zero = new Float64Array(size);
    this.one = new Float64Array(size);
    this.pweight = new Float64Array(size);
    this.expectedValue = expectedValue(tree);
  }

  /** Adds this tree's contributions for `row` to `phi[0..nFeatures)` and its expected value to `phi[nFeatures]`. */
  addContributions(row: ArrayLike<number>, base: number, phi: Float64Array, phiBase: number, nFeatures: number): void {
    phi[phiBase + nFeatures] = (phi[phiBase + nFeatures] as number) + this.expectedValue;
    if (this.tree.numLeaves > 1) this.recurse(row, base, phi, phiBase, 0, 0, 0, 1, 1, -1);
  }

  private cover(node: number): number {
    return node >= 0 ? (this.tree.internalCount[node] as number) : (this.tree.leafCount[~node] as number);
  }

  private recurse(
    row: ArrayLike<number>,
    base: number,
    phi: Float64Array,
    phiBase: number,
    node: number,
    depth: number,
    parentStart: number,
    parentZero: number,
    parentOne: number,
    parentFeature: number,
  ): void {
    const { feature, zero, one, pweight } = this;
    // This level's path segment starts right after the parent's (which holds `depth` elements).
    const start = depth === 0 ? 0 : parentStart + depth;
    if (depth > 0) {
      feature.copyWithin(start, parentStart, parentStart + depth);
      zero.copyWithin(start, parentStart, parentStart + depth);
      one.copyWithin(start, parentStart, parentStart + depth);
      pweight.copyWithin(start, parentStart, parentStart + depth);
    }
    this.extend(start, depth, parentZero, parentOne, parentFeature);
    const tree = this.tree;

    if (node < 0) {
      const leafValue = tree.leafValue[~node] as number;
      for (let i = 1; i <= depth; i++) {
        const w = this.unwoundSum(start, depth, i);
        const f = feature[start + i] as number;
        phi[phiBase + f] =
          (phi[phiBase + f] as number) + w * ((one[start + i] as number) - (zero[start + i] as number)) * leafValue;
      }
      return;
    }

    const splitFeature = tree.splitFeature[node] as number;
    const left = tree.leftChild[node] as number;
    const right = tree.rightChild[node] as number;
    const hot = goesLeft(tree, node, row[base + splitFeature] as number) ? left : right;
    const cold = hot === left ? right : left;
    const w = this.cover(node);
    const hotZero = this.cover(hot) / w;
    const coldZero = this.cover(cold) / w;
    let incomingZero = 1;
    let incomingOne = 1;

    // If this feature was already split on along the path, undo that split and redo it here.
    let pathIndex = 0;
    for (; pathIndex <= depth; pathIndex++) if (feature[start + pathIndex] === splitFeature) break;
    let d = depth;
    if (pathIndex !== depth + 1) {
      incomingZero = zero[start + pathIndex] as number;
      incomingOne = one[start + pathIndex] as number;
      this.unwind(start, d, pathIndex);
      d -= 1;
    }
    this.recurse(row, base, phi, phiBase, hot, d + 1, start, hotZero * incomingZero, incomingOne, splitFeature);
    this.recurse(row, base, phi, phiBase, cold, d + 1, start, coldZero * incomingZero, 0, splitFeature);
  }

  private extend(s: number, depth: number, zeroFraction: number, oneFraction: number, featureIndex: number): void {
    const { feature, zero, one, pweight } = this;
    feature[s + depth] = featureIndex;
    zero[s + depth] = zeroFraction;
    one[s + depth] = oneFraction;
    pweight[s + depth] = depth === 0 ? 1 : 0;
    for (let i = depth - 1; i >= 0; i--) {
      pweight[s + i + 1] =
        (pweight[s + i + 1] as number) + (oneFraction * (pweight[s + i] as number) * (i + 1)) / (depth + 1);
      pweight[s + i] = (zeroFraction * (pweight[s + i] as number) * (depth - i)) / (depth + 1);
    }
  }

  private unwind(s: number, depth: number, pathIndex: number): void {
    const { feature, zero, one, pweight } = this;
    const oneFraction = one[s + pathIndex] as number;
    const zeroFraction = zero[s + pathIndex] as number;
    let next = pweight[s + depth] as number;
    for (let i = depth - 1; i >= 0; i--) {
      if (oneFraction !== 0) {
        const tmp = pweight[s + i] as number;
        pweight[s + i] = (next * (depth + 1)) / ((i + 1) * oneFraction);
        next = tmp - ((pweight[s + i] as number) * zeroFraction * (depth - i)) / (depth + 1);
      } else {
        pweight[s + i] = ((pweight[s + i] as number) * (depth + 1)) / (zeroFraction * (depth - i));
      }
    }
    for (let i = pathIndex; i < depth; i++) {
      feature[s + i] = feature[s + i + 1] as number;
      zero[s + i] = zero[s + i + 1] as number;
      one[s + i] = one[s + i + 1] as number;
    }
  }

  private unwoundSum(s: number, depth: number, pathIndex: number): number {
    const { zero, one, pweight } = this;
    const oneFraction = one[s + pathIndex] as number;
    const zeroFraction = zero[s + pathIndex] as number;
    let next = pweight[s + depth] as number;
    let total = 0;
    for (let i = depth - 1; i >= 0; i--) {
      if (oneFraction !== 0) {
        const tmp = (next * (depth + 1)) / ((i + 1) * oneFraction);
        total += tmp;
        next = (pweight[s + i] as number) - tmp * zeroFraction * ((depth - i) / (depth + 1));
      } else {
        total += (pweight[s + i] as number) / zeroFraction / ((depth - i) / (depth + 1));
      }
    }
    return total;
  }
}

/** Count-weighted mean of the leaf values (LightGBM's Tree::ExpectedValue). */
export function expectedValue(tree: Tree): number {
  if (tree.numLeaves <= 1) return tree.leafValue[0] as number;
  const total = tree.internalCount[0] as number;
  let e = 0;
  for (let i = 0; i < tree.numLeaves; i++) e += ((tree.leafCount[i] as number) / total) * (tree.leafValue[i] as number);
  return e;
}
