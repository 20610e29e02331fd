import { DecisionBits, MissingType, Tree, missingTypeOf } from '../model/types';

/** LightGBM's kZeroThreshold: the float 1e-35f, compared as a double. */
export const ZERO_THRESHOLD = Math.fround(1e-35);

/**
 * LightGBM builds prediction rows from dense input by dropping values with |v| <= kZeroThreshold
 * (they read back as 0.0); NaN is kept. Apply this to a feature value before a decision.
 */
export function denseValue(v: number): number {
  return v >= -ZERO_THRESHOLD && v <= ZERO_THRESHOLD ? 0 : v;
}

/** LightGBM's Tree::Decision for one node: true when the value goes to the left child. */
export function goesLeft(tree: Tree, node: number, rawValue: number): boolean {
  const dt = tree.decisionType[node] as number;
  let v = denseValue(rawValue);
  if (dt & DecisionBits.categorical) {
    // NaN, negative categories and values beyond int32 go right.
    if (!(v > -1 && v < 2147483648)) return false;
    const c = Math.trunc(v);
    const cat = tree.threshold[node] as number;
    const lo = tree.catBoundaries[cat] as number;
    const words = (tree.catBoundaries[cat + 1] as number) - lo;
    const w = c >>> 5;
    if (w >= words) return false;
    return (((tree.catThreshold[lo + w] as number) >>> (c & 31)) & 1) === 1;
  }
  const mt = missingTypeOf(dt);
  if (Number.isNaN(v) && mt !== MissingType.NaN) v = 0;
  if (
    (mt === MissingType.Zero && v >= -ZERO_THRESHOLD && v <= ZERO_THRESHOLD) ||
    (mt === MissingType.NaN && Number.isNaN(v))
  ) {
    return (dt & DecisionBits.defaultLeft) !== 0;
  }
  return v <= (tree.threshold[node] as number);
}

/** Leaf index reached by `row` (features at `row[base + f]`). */
export function leafIndex(tree: Tree, row: ArrayLike<number>, base = 0): number {
  if (tree.numLeaves <= 1) return 0;
  let node = 0;
  while (node >= 0) {
    node = goesLeft(tree, node, row[base + (tree.splitFeature[node] as number)] as number)
      ? (tree.leftChild[node] as number)
      : (tree.rightChild[node] as number);
  }
  return ~node;
}

export function treeDepth(tree: Tree): number {
  if (tree.numLeaves <= 1) return 0;
  let max = 0;
  const stack: Array<[number, number]> = [[0, 0]];
  while (stack.length) {
    const [node, d] = stack.pop() as [number, number];
    for (const c of [tree.leftChild[node] as number, tree.rightChild[node] as number]) {
      if (c >= 0) stack.push([c, d + 1]);
      else max = Math.max(max, d + 1);
    }
  }
  return max;
}
