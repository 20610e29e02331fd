import { DecisionBits, LightGbmModel, MissingType, Tree, missingTypeOf } from '../model/types';
import { ZERO_THRESHOLD } from './decision';

/**
 * A compiled tree: adds its leaf value to `out[o + r*os]` for rows r = 0..n-1, whose features start at
 * `x[b + r*nf]`. Rows are evaluated tree-major (all rows through tree 1, then tree 2, …), so the sum per row is
 * accumulated in LightGBM's order: tree 0 first, in double precision.
 */
export type TreeFunction = (
  x: Float64Array,
  b: number,
  n: number,
  nf: number,
  out: Float64Array,
  o: number,
  os: number,
) => void;

/** A double literal that JavaScript reads back bit-identically. */
function lit(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (Object.is(x, -0)) return '-0';
  return String(x);
}

const Z = lit(ZERO_THRESHOLD);
const IS_ZERO = `(v >= -${Z} && v <= ${Z})`;

/**
 * The JavaScript condition (over the feature value `v`) under which a numerical node sends a row left.
 * Mirrors LightGBM's NumericalDecision, including the dense-row rule that |v| <= kZeroThreshold reads as 0,
 * with every constant test folded at compile time.
 */
export function numericalCondition(threshold: number, decisionType: number): string {
  const t = lit(threshold);
  const defaultLeft = (decisionType & DecisionBits.defaultLeft) !== 0;
  // A tiny value reads as 0; that changes the comparison only for thresholds within [-Z, Z).
  const tinyMatters = threshold >= -ZERO_THRESHOLD && threshold < ZERO_THRESHOLD;
  const cmp = tinyMatters ? `(${IS_ZERO} ? ${0 <= threshold} : v <= ${t})` : `v <= ${t}`;
  switch (missingTypeOf(decisionType)) {
    case MissingType.None:
      // NaN reads as 0: it goes left exactly when 0 <= threshold.
      return threshold >= 0 ? `(${cmp} || v !== v)` : cmp;
    case MissingType.Zero:
      // NaN and zero are "missing" and take the default side.
      return defaultLeft ? `(v !== v || ${IS_ZERO} || v <= ${t})` : `(v <= ${t} && !${IS_ZERO})`;
    case MissingType.NaN:
      return defaultLeft ? `(v !== v || ${cmp})` : cmp;
    default:
      throw new Error(`invalid missing type in decision_type ${decisionType}`);
  }
}

function treeBody(tree: Tree, bitsets: Uint32Array[]): string {
  if (tree.numLeaves <= 1) return `s = ${lit(tree.leafValue[0] as number)};`;
  const parts: string[] = [];
  const emit = (node: number): void => {
    if (node < 0) {
      parts.push(`s = ${lit(tree.leafValue[~node] as number)};`);
      return;
    }
    const f = tree.splitFeature[node] as number;
    const dt = tree.decisionType[node] as number;
    let cond: string;
    if (dt & DecisionBits.categorical) {
      const cat = tree.threshold[node] as number;
      const lo = tree.catBoundaries[cat] as number;
      const hi = tree.catBoundaries[cat + 1] as number;
      const words = tree.catThreshold.subarray(lo, hi);
      const id = bitsets.length;
      bitsets.push(Uint32Array.from(words));
      // Categories are trunc(v); NaN, negatives and values past the bitset go right.
      cond = `(v > -1 && v < ${words.length * 32} && ((C${id}[(v | 0) >>> 5] >>> (v & 31)) & 1) === 1)`;
    } else {
      cond = numericalCondition(tree.threshold[node] as number, dt);
    }
    parts.push(`v = x[b + ${f}];`, `if ${cond.startsWith('(') ? cond : `(${cond})`} {`);
    emit(tree.leftChild[node] as number);
    parts.push('} else {');
    emit(tree.rightChild[node] as number);
    parts.push('}');
  };
  emit(0);
  return parts.join('\n');
}

/** Generates one small function per tree (V8 optimises those; one huge function per model it does not). */
export function compileTrees(model: LightGbmModel): TreeFunction[] {
  const bitsets: Uint32Array[] = [];
  const fns: string[] = [];
  model.trees.forEach((tree, k) => {
    fns.push(
      `function t${k}(x, b, n, nf, out, o, os) {\n` +
        `for (let r = 0; r < n; r++, b += nf, o += os) {\nlet v, s;\n${treeBody(tree, bitsets)}\nout[o] += s;\n}\n}`,
    );
  });
  const src =
    `'use strict';\n` +
    bitsets.map((_, k) => `const C${k} = bitsets[${k}];`).join('\n') +
    `\n${fns.join('\n')}\nreturn [${model.trees.map((_, k) => `t${k}`).join(', ')}];`;
  const factory = new Function('bitsets', src) as (b: Uint32Array[]) => TreeFunction[];
  return factory(bitsets);
}
