import { LightGbmModel, Tree } from './types';

/**
 * Formats a double so that LightGBM's parser reads back the identical value: the shortest round-trip decimal
 * (JavaScript's own), with LightGBM's spellings of the non-finite values.
 */
export function formatDouble(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (Object.is(x, -0)) return '-0';
  return String(x);
}

function join(a: ArrayLike<number>, fmt: (x: number) => string = formatDouble): string {
  let s = '';
  for (let k = 0; k < a.length; k++) s += (k ? ' ' : '') + fmt(a[k] as number);
  return s;
}

const int = (x: number) => String(x);

export function serializeTree(index: number, t: Tree): string {
  const lines = [
    `Tree=${index}`,
    `num_leaves=${t.numLeaves}`,
    `num_cat=${t.numCat}`,
    `split_feature=${join(t.splitFeature, int)}`,
    `split_gain=${join(t.splitGain)}`,
    `threshold=${join(t.threshold)}`,
    `decision_type=${join(t.decisionType, int)}`,
    `left_child=${join(t.leftChild, int)}`,
    `right_child=${join(t.rightChild, int)}`,
    `leaf_value=${join(t.leafValue)}`,
    `leaf_weight=${join(t.leafWeight)}`,
    `leaf_count=${join(t.leafCount, int)}`,
    `internal_value=${join(t.internalValue)}`,
    `internal_weight=${join(t.internalWeight)}`,
    `internal_count=${join(t.internalCount, int)}`,
  ];
  if (t.numCat > 0) {
    lines.push(`cat_boundaries=${join(t.catBoundaries, int)}`, `cat_threshold=${join(t.catThreshold, int)}`);
  }
  lines.push('is_linear=0', `shrinkage=${formatDouble(t.shrinkage)}`);
  // LightGBM separates tree blocks by two blank lines; tree_sizes counts them as part of the block.
  return `${lines.join('\n')}\n\n\n`;
}

/** Split counts per feature, LightGBM's default `feature_importance_type=split`. */
export function splitImportance(model: LightGbmModel): Float64Array {
  const imp = new Float64Array(model.maxFeatureIdx + 1);
  for (const t of model.trees) for (const f of t.splitFeature) imp[f] = (imp[f] as number) + 1;
  return imp;
}

/** Total split gain per feature (`feature_importance_type=gain`). */
export function gainImportance(model: LightGbmModel): Float64Array {
  const imp = new Float64Array(model.maxFeatureIdx + 1);
  for (const t of model.trees) {
    for (let k = 0; k < t.splitFeature.length; k++) {
      const f = t.splitFeature[k] as number;
      imp[f] = (imp[f] as number) + (t.splitGain[k] as number);
    }
  }
  return imp;
}

/**
 * Writes a LightGBM text model that LightGBM itself loads (`Booster(model_str=…)`, `LGBM_BoosterLoadModelFromString`)
 * and predicts with exactly as the model this text was parsed from. Doubles are written in shortest round-trip form,
 * so the text may differ from LightGBM's own `%.17g` output while every value is bit-identical.
 */
export function serializeModel(model: LightGbmModel): string {
  const treeBlocks = model.trees.map((t, k) => serializeTree(k, t));
  const head = [
    'tree',
    `version=${model.version}`,
    `num_class=${model.numClass}`,
    `num_tree_per_iteration=${model.numTreePerIteration}`,
    `label_index=${model.labelIndex}`,
    `max_feature_idx=${model.maxFeatureIdx}`,
  ];
  if (model.objective) {
    const opts = Object.entries(model.objective.options).map(([k, v]) => (v === '' ? k : `${k}:${v}`));
    head.push(`objective=${[model.objective.name, ...opts].join(' ')}`);
  }
  if (model.averageOutput) head.push('average_output');
  head.push(`feature_names=${model.featureNames.join(' ')}`);
  if (model.featureInfos.length > 0) head.push(`feature_infos=${model.featureInfos.join(' ')}`);
  for (const [k, v] of model.extraHeader) head.push(`${k}=${v}`);
  head.push(`tree_sizes=${treeBlocks.map((b) => Buffer.byteLength(b, 'utf8')).join(' ')}`);

  const imp = splitImportance(model);
  const ranked = model.featureNames
    .map((name, f) => ({ name, count: imp[f] as number }))
    .filter((e) => e.count > 0)
    .sort((a, b) => b.count - a.count); // Array.prototype.sort is stable, as LightGBM's stable_sort
  const tail = ['end of trees', '', 'feature_importances:', ...ranked.map((e) => `${e.name}=${e.count}`), ''];
  if (model.parameters.length > 0) {
    tail.push('parameters:', ...model.parameters.map((p) => `[${p}]`), '', 'end of parameters', '');
  }
  tail.push(`pandas_categorical:${model.pandasCategorical ?? 'null'}`, '');
  return `${head.join('\n')}\n\n${treeBlocks.join('')}${tail.join('\n')}`;
}
