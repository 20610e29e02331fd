import { ModelFormatError, UnsupportedModelError } from '../errors';
import { DecisionBits, LightGbmModel, MissingType, Objective, Tree, missingTypeOf } from './types';

const SPECIAL_NUMBERS: Record<string, number> = {
  inf: Infinity,
  '+inf': Infinity,
  '-inf': -Infinity,
  infinity: Infinity,
  '-infinity': -Infinity,
  nan: NaN,
  '-nan': NaN,
  '+nan': NaN,
};

interface Field {
  value: string;
  line: number;
}

/**
 * Parses a LightGBM text model (`version=v3` or `v4`, as written by `Booster.save_model` / `SaveModelToString`).
 * Every structural problem is reported as a {@link ModelFormatError} naming the line and what was expected.
 * Linear trees are refused with an {@link UnsupportedModelError}.
 */
export function parseModel(text: string): LightGbmModel {
  if (typeof text !== 'string') {
    throw new ModelFormatError(`model text must be a string, got ${typeof text}`);
  }
  const lines = text.split('\n');
  const n = lines.length;
  let i = 0;
  const lineAt = (k: number): string => {
    const l = lines[k] ?? '';
    return l.endsWith('\r') ? l.slice(0, -1) : l;
  };
  const skipBlank = () => {
    while (i < n && lineAt(i).trim() === '') i++;
  };

  skipBlank();
  if (i >= n) throw new ModelFormatError('empty model text: expected a LightGBM text model starting with "tree"');
  if (lineAt(i).trim() !== 'tree') {
    throw new ModelFormatError(
      `expected "tree" (the first line of a LightGBM text model), found "${truncate(lineAt(i))}"`,
      i + 1,
    );
  }
  i++;

  // ---- header ---------------------------------------------------------------------------------------------
  const header = new Map<string, Field>();
  const headerOrder: string[] = [];
  let averageOutput = false;
  for (; i < n; i++) {
    const line = lineAt(i);
    if (line.startsWith('Tree=') || line === 'end of trees') break;
    if (line.trim() === '') continue;
    const eq = line.indexOf('=');
    if (eq < 0) {
      if (line.trim() === 'average_output') {
        averageOutput = true;
        continue;
      }
      throw new ModelFormatError(`expected "key=value" in the model header, found "${truncate(line)}"`, i + 1);
    }
    const key = line.slice(0, eq);
    if (header.has(key)) throw new ModelFormatError(`duplicate header key "${key}"`, i + 1);
    header.set(key, { value: line.slice(eq + 1), line: i + 1 });
    headerOrder.push(key);
  }
  const headerLine = i + 1;
  const req = (key: string): Field => {
    const f = header.get(key);
    if (!f) throw new ModelFormatError(`missing header key "${key}" (expected before the first tree)`, headerLine);
    return f;
  };

  const version = req('version').value.trim();
  if (version !== 'v3' && version !== 'v4') {
    throw new ModelFormatError(`unsupported model version "${version}": expected v3 or v4`, req('version').line);
  }
  const numClass = parseIntField(req('num_class'), 'num_class', 1);
  const numTreePerIteration = parseIntField(req('num_tree_per_iteration'), 'num_tree_per_iteration', 1);
  const labelIndex = header.has('label_index') ? parseIntField(req('label_index'), 'label_index', 0) : 0;
  const maxFeatureIdx = parseIntField(req('max_feature_idx'), 'max_feature_idx', 0);
  const nFeatures = maxFeatureIdx + 1;
  const featureNamesField = req('feature_names');
  const featureNames = featureNamesField.value.trim() === '' ? [] : featureNamesField.value.trim().split(' ');
  if (featureNames.length !== nFeatures) {
    throw new ModelFormatError(
      `feature_names has ${featureNames.length} names but max_feature_idx=${maxFeatureIdx} means ${nFeatures} features`,
      featureNamesField.line,
    );
  }
  let featureInfos: string[] = [];
  const infos = header.get('feature_infos');
  if (infos) {
    featureInfos = infos.value.trim() === '' ? [] : infos.value.trim().split(' ');
    if (featureInfos.length !== nFeatures) {
      throw new ModelFormatError(
        `feature_infos has ${featureInfos.length} entries, expected ${nFeatures} (one per feature)`,
        infos.line,
      );
    }
  }
  const objField = header.get('objective');
  const objective = objField ? parseObjective(objField.value) : null;
  let declaredTreeSizes: number | null = null;
  const sizes = header.get('tree_sizes');
  if (sizes) declaredTreeSizes = sizes.value.trim() === '' ? 0 : sizes.value.trim().split(' ').length;
  const known = new Set([
    'version',
    'num_class',
    'num_tree_per_iteration',
    'label_index',
    'max_feature_idx',
    'objective',
    'feature_names',
    'feature_infos',
    'tree_sizes',
  ]);
  const extraHeader: Array<[string, string]> = headerOrder
    .filter((k) => !known.has(k))
    .map((k) => [k, (header.get(k) as Field).value]);

  // ---- trees ----------------------------------------------------------------------------------------------
  const trees: Tree[] = [];
  for (;;) {
    skipBlank();
    if (i >= n) {
      throw new ModelFormatError(
        `unexpected end of model text after ${trees.length} tree(s): expected "Tree=${trees.length}" or "end of trees" (truncated file?)`,
        n,
      );
    }
    const line = lineAt(i);
    if (line === 'end of trees') {
      i++;
      break;
    }
    if (!line.startsWith('Tree=')) {
      throw new ModelFormatError(`expected "Tree=${trees.length}" or "end of trees", found "${truncate(line)}"`, i + 1);
    }
    const idx = Number(line.slice(5));
    if (idx !== trees.length) {
      throw new ModelFormatError(`expected "Tree=${trees.length}", found "${truncate(line)}"`, i + 1);
    }
    const start = i + 1;
    i++;
    const fields = new Map<string, Field>();
    for (; i < n; i++) {
      const l = lineAt(i);
      if (l.trim() === '') break;
      if (l.startsWith('Tree=') || l === 'end of trees') break;
      const eq = l.indexOf('=');
      if (eq < 0) throw new ModelFormatError(`expected "key=value" inside Tree=${idx}, found "${truncate(l)}"`, i + 1);
      fields.set(l.slice(0, eq), { value: l.slice(eq + 1), line: i + 1 });
    }
    trees.push(parseTree(idx, fields, start, nFeatures));
  }
  if (trees.length % numTreePerIteration !== 0) {
    throw new ModelFormatError(
      `${trees.length} trees is not a multiple of num_tree_per_iteration=${numTreePerIteration}`,
      i,
    );
  }
  if (declaredTreeSizes !== null && declaredTreeSizes !== trees.length) {
    throw new ModelFormatError(
      `tree_sizes lists ${declaredTreeSizes} trees but the file has ${trees.length} (truncated or edited file?)`,
      (header.get('tree_sizes') as Field).line,
    );
  }

  // ---- trailer: feature importances, parameters, pandas_categorical ------------------------------------
  const parameters: string[] = [];
  let pandasCategorical: string | null = null;
  for (; i < n; i++) {
    const line = lineAt(i);
    if (line === 'parameters:') {
      const open = i + 1;
      for (i++; i < n && lineAt(i) !== 'end of parameters'; i++) {
        const p = lineAt(i);
        if (p.trim() === '') continue;
        if (!p.startsWith('[') || !p.endsWith(']')) {
          throw new ModelFormatError(
            `expected "[name: value]" in the parameters section, found "${truncate(p)}"`,
            i + 1,
          );
        }
        parameters.push(p.slice(1, -1));
      }
      if (i >= n) throw new ModelFormatError('parameters section has no "end of parameters" (truncated file?)', open);
    } else if (line.startsWith('pandas_categorical:')) {
      pandasCategorical = line.slice('pandas_categorical:'.length);
    }
  }

  return {
    version,
    numClass,
    numTreePerIteration,
    labelIndex,
    maxFeatureIdx,
    objective,
    averageOutput,
    featureNames,
    featureInfos,
    extraHeader,
    trees,
    parameters,
    pandasCategorical,
  };
}

export function parseObjective(value: string): Objective {
  const parts = value
    .trim()
    .split(' ')
    .filter((p) => p !== '');
  const name = parts[0] ?? '';
  const options: Record<string, string> = {};
  for (const p of parts.slice(1)) {
    const c = p.indexOf(':');
    if (c < 0) options[p] = '';
    else options[p.slice(0, c)] = p.slice(c + 1);
  }
  return { name, options };
}

function parseTree(idx: number, fields: Map<string, Field>, startLine: number, nFeatures: number): Tree {
  const where = `Tree=${idx}`;
  const get = (key: string): Field | undefined => fields.get(key);
  const numLeavesField = get('num_leaves');
  if (!numLeavesField) throw new ModelFormatError(`${where}: missing "num_leaves"`, startLine);
  const numLeaves = parseIntField(numLeavesField, 'num_leaves', 1);
  const numNodes = numLeaves - 1;
  const numCat = get('num_cat') ? parseIntField(get('num_cat') as Field, 'num_cat', 0) : 0;
  const linear = get('is_linear');
  if (linear && linear.value.trim() !== '0') {
    throw new UnsupportedModelError(
      `line ${linear.line}: ${where} is a linear tree (is_linear=${linear.value.trim()}); @adrank/lightgbm does not serve linear trees — retrain with linear_tree=false`,
    );
  }

  /** A numeric array field; optional statistics may be absent or written empty (a single-leaf tree has "leaf_weight="). */
  const numbers = (key: string, len: number, required: boolean, integer: boolean): Float64Array | number[] => {
    const f = get(key);
    if (!f || (!required && f.value.trim() === '')) {
      if (required && len > 0)
        throw new ModelFormatError(`${where}: missing "${key}" (expected ${len} values)`, startLine);
      return new Float64Array(len);
    }
    return parseNumbers(f, key, len, where, integer);
  };
  const floats = (key: string, len: number, required: boolean) => numbers(key, len, required, false) as Float64Array;
  const ints = (key: string, len: number, required: boolean) => Int32Array.from(numbers(key, len, required, true));

  const splitFeature = ints('split_feature', numNodes, true);
  const splitGain = floats('split_gain', numNodes, false);
  const threshold = floats('threshold', numNodes, true);
  const decisionRaw = ints('decision_type', numNodes, true);
  const leftChild = ints('left_child', numNodes, true);
  const rightChild = ints('right_child', numNodes, true);
  const leafValue = floats('leaf_value', numLeaves, true);
  const leafWeight = floats('leaf_weight', numLeaves, false);
  const leafCount = floats('leaf_count', numLeaves, false);
  const internalValue = floats('internal_value', numNodes, false);
  const internalWeight = floats('internal_weight', numNodes, false);
  const internalCount = floats('internal_count', numNodes, false);
  const catBoundaries = numCat > 0 ? ints('cat_boundaries', numCat + 1, true) : new Int32Array(0);
  let catThreshold = new Uint32Array(0);
  if (numCat > 0) {
    const f = get('cat_threshold');
    if (!f) throw new ModelFormatError(`${where}: missing "cat_threshold" (num_cat=${numCat})`, startLine);
    const words = parseNumbers(f, 'cat_threshold', -1, where, true);
    for (const w of words) {
      if (w < 0 || w > 0xffffffff)
        throw new ModelFormatError(`${where}: cat_threshold word ${w} is not a 32-bit unsigned value`, f.line);
    }
    catThreshold = Uint32Array.from(words);
  }
  const shrinkageField = get('shrinkage');
  const shrinkage = shrinkageField ? (parseNumbers(shrinkageField, 'shrinkage', 1, where, false)[0] as number) : 1;

  // Structure checks: decision types, features, categorical ranges, and that the nodes form one tree.
  const decisionType = new Uint8Array(numNodes);
  const lineOf = (key: string) => get(key)?.line ?? startLine;
  for (let k = 0; k < numNodes; k++) {
    const d = decisionRaw[k] as number;
    if (d < 0 || d > 15 || missingTypeOf(d) > MissingType.NaN) {
      throw new ModelFormatError(
        `${where}: decision_type[${k}]=${d} is not a valid decision type`,
        lineOf('decision_type'),
      );
    }
    decisionType[k] = d;
    const f = splitFeature[k] as number;
    if (f < 0 || f >= nFeatures) {
      throw new ModelFormatError(
        `${where}: split_feature[${k}]=${f} is outside the model's ${nFeatures} features`,
        lineOf('split_feature'),
      );
    }
    if (d & DecisionBits.categorical) {
      const t = threshold[k] as number;
      if (!Number.isInteger(t) || t < 0 || t >= numCat) {
        throw new ModelFormatError(
          `${where}: categorical node ${k} has threshold ${t}, expected an index below num_cat=${numCat}`,
          lineOf('threshold'),
        );
      }
    }
  }
  if (numCat > 0) {
    if (catBoundaries[0] !== 0 || catBoundaries[numCat] !== catThreshold.length) {
      throw new ModelFormatError(
        `${where}: cat_boundaries must start at 0 and end at the ${catThreshold.length} cat_threshold words`,
        lineOf('cat_boundaries'),
      );
    }
    for (let k = 0; k < numCat; k++) {
      if ((catBoundaries[k + 1] as number) < (catBoundaries[k] as number)) {
        throw new ModelFormatError(`${where}: cat_boundaries must not decrease`, lineOf('cat_boundaries'));
      }
    }
  }
  if (numNodes > 0) checkTreeShape(where, leftChild, rightChild, numLeaves, lineOf('left_child'));

  return {
    numLeaves,
    numCat,
    splitFeature,
    splitGain,
    threshold,
    decisionType,
    leftChild,
    rightChild,
    leafValue,
    leafWeight,
    leafCount,
    internalValue,
    internalWeight,
    internalCount,
    catBoundaries,
    catThreshold,
    shrinkage,
  };
}

/** Every node and leaf reachable from the root exactly once. */
function checkTreeShape(where: string, left: Int32Array, right: Int32Array, numLeaves: number, line: number): void {
  const numNodes = numLeaves - 1;
  const seenNode = new Uint8Array(numNodes);
  const seenLeaf = new Uint8Array(numLeaves);
  const stack = [0];
  seenNode[0] = 1;
  while (stack.length > 0) {
    const node = stack.pop() as number;
    for (const child of [left[node] as number, right[node] as number]) {
      if (child >= 0) {
        if (child >= numNodes || seenNode[child]) {
          throw new ModelFormatError(`${where}: node ${node} has an invalid or repeated child node ${child}`, line);
        }
        seenNode[child] = 1;
        stack.push(child);
      } else {
        const leaf = ~child;
        if (leaf >= numLeaves || seenLeaf[leaf]) {
          throw new ModelFormatError(`${where}: node ${node} has an invalid or repeated leaf child ${child}`, line);
        }
        seenLeaf[leaf] = 1;
      }
    }
  }
  if (seenNode.includes(0) || seenLeaf.includes(0)) {
    throw new ModelFormatError(`${where}: some nodes or leaves are not reachable from the root`, line);
  }
}

function parseNumbers(
  f: Field,
  key: string,
  expected: number,
  where: string,
  integer: boolean,
): Float64Array | number[] {
  const s = f.value.trim();
  const tokens = s === '' ? [] : s.split(' ');
  if (expected >= 0 && tokens.length !== expected) {
    throw new ModelFormatError(`${where}: "${key}" has ${tokens.length} values, expected ${expected}`, f.line);
  }
  const out = integer ? new Array<number>(tokens.length) : new Float64Array(tokens.length);
  for (let k = 0; k < tokens.length; k++) {
    const tok = tokens[k] as string;
    let v = Number(tok);
    if (Number.isNaN(v) || tok === '') {
      const special = SPECIAL_NUMBERS[tok.toLowerCase()];
      if (special === undefined) {
        throw new ModelFormatError(`${where}: "${key}" value ${k} is "${truncate(tok)}", expected a number`, f.line);
      }
      v = special;
    }
    if (integer && !Number.isInteger(v)) {
      throw new ModelFormatError(`${where}: "${key}" value ${k} is "${truncate(tok)}", expected an integer`, f.line);
    }
    out[k] = v;
  }
  return out;
}

function parseIntField(f: Field, key: string, min: number): number {
  const v = Number(f.value.trim());
  if (f.value.trim() === '' || !Number.isInteger(v) || v < min) {
    throw new ModelFormatError(`"${key}" must be an integer >= ${min}, found "${truncate(f.value)}"`, f.line);
  }
  return v;
}

function truncate(s: string, max = 60): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}
