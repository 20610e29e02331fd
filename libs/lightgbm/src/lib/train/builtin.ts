import { DecisionBits, LightGbmModel, MissingType, Tree } from '../model/types';
import { BinMapper, binRows, findBins } from './binning';
import { Objective, makeObjective } from './objectives';
import { BuiltinParams } from './params';

/** A data set as the engines take it: row-major doubles, NaN = missing. */
export interface EngineData {
  rows: Float64Array;
  nRows: number;
  nFeatures: number;
  labels: Float32Array;
  weights: Float32Array | null;
  groups: Int32Array | null;
}

/** Deterministic PRNG (mulberry32) for bagging and feature sampling. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Split {
  gain: number;
  feature: number;
  /** Left = bins 0…bin (plus the NaN bin when defaultLeft). */
  bin: number;
  defaultLeft: boolean;
  leftG: number;
  leftH: number;
  leftC: number;
}

/** A tree while it grows; node/leaf numbering and arrays as in LightGBM's Tree. */
class GrowingTree {
  splitFeature: number[] = [];
  splitGain: number[] = [];
  thresholdBin: number[] = [];
  threshold: number[] = [];
  decisionType: number[] = [];
  defaultLeft: boolean[] = [];
  leftChild: number[] = [];
  rightChild: number[] = [];
  internalValue: number[] = [];
  internalWeight: number[] = [];
  internalCount: number[] = [];
  leafValue: number[] = [0];
  leafWeight: number[] = [0];
  leafCount: number[] = [0];
  leafParent: number[] = [-1];
  leafDepth: number[] = [0];

  get numLeaves(): number {
    return this.leafValue.length;
  }

  /** Splits `leaf` into itself (left) and a new leaf (right), as LightGBM's Tree::Split; returns the new leaf. */
  split(
    leaf: number,
    s: Split,
    mapper: BinMapper,
    leftOut: number,
    rightOut: number,
    rightH: number,
    rightC: number,
  ): number {
    const node = this.splitFeature.length;
    const right = this.numLeaves;
    const parent = this.leafParent[leaf] as number;
    if (parent >= 0) {
      if (this.leftChild[parent] === ~leaf) this.leftChild[parent] = node;
      else this.rightChild[parent] = node;
    }
    this.splitFeature.push(s.feature);
    this.splitGain.push(s.gain);
    this.thresholdBin.push(s.bin);
    this.threshold.push(mapper.upper[s.bin] as number);
    const missing = mapper.nanBin >= 0 ? MissingType.NaN : MissingType.None;
    this.decisionType.push((missing << 2) | (s.defaultLeft ? DecisionBits.defaultLeft : 0));
    this.defaultLeft.push(s.defaultLeft);
    this.leftChild.push(~leaf);
    this.rightChild.push(~right);
    this.internalValue.push(this.leafValue[leaf] as number);
    this.internalWeight.push(this.leafWeight[leaf] as number);
    this.internalCount.push(this.leafCount[leaf] as number);
    const depth = (this.leafDepth[leaf] as number) + 1;
    this.leafValue[leaf] = leftOut;
    this.leafWeight[leaf] = s.leftH;
    this.leafCount[leaf] = s.leftC;
    this.leafParent[leaf] = node;
    this.leafDepth[leaf] = depth;
    this.leafValue.push(rightOut);
    this.leafWeight.push(rightH);
    this.leafCount.push(rightC);
    this.leafParent.push(node);
    this.leafDepth.push(depth);
    return right;
  }

  /** Leaf of a binned row. */
  leafOfBins(bins: Uint8Array | Uint16Array, base: number, nanBins: Int32Array): number {
    if (this.splitFeature.length === 0) return 0;
    let node = 0;
    for (;;) {
      const f = this.splitFeature[node] as number;
      const b = bins[base + f] as number;
      const left = b === nanBins[f] ? (this.defaultLeft[node] as boolean) : b <= (this.thresholdBin[node] as number);
      const next = left ? (this.leftChild[node] as number) : (this.rightChild[node] as number);
      if (next < 0) return ~next;
      node = next;
    }
  }

  toTree(shrinkage: number, bias: number): Tree {
    const nl = this.numLeaves;
    const leafValue = Float64Array.from(this.leafValue, (v) => v * shrinkage + bias);
    const internalValue = Float64Array.from(this.internalValue, (v) => v * shrinkage + bias);
    return {
      numLeaves: nl,
      numCat: 0,
      splitFeature: Int32Array.from(this.splitFeature),
      splitGain: Float64Array.from(this.splitGain),
      threshold: Float64Array.from(this.threshold),
      decisionType: Uint8Array.from(this.decisionType),
      leftChild: Int32Array.from(this.leftChild),
      rightChild: Int32Array.from(this.rightChild),
      leafValue,
      leafWeight: Float64Array.from(this.leafWeight),
      leafCount: Float64Array.from(this.leafCount),
      internalValue,
      internalWeight: Float64Array.from(this.internalWeight),
      internalCount: Float64Array.from(this.internalCount),
      catBoundaries: new Int32Array(0),
      catThreshold: new Uint32Array(0),
      shrinkage,
    };
  }
}

export interface BuiltinProgress {
  /** 0-based iteration just finished. */
  iteration: number;
  /** Raw scores of the validation rows after this iteration (null without a validation set). */
  validScores: Float64Array | null;
}

export interface BuiltinResult {
  model: LightGbmModel;
  objective: Objective;
}

/**
 * Histogram GBDT: LightGBM-style binning, leaf-wise (best-first) growth limited by `num_leaves` and `max_depth`,
 * histograms of gradient/hessian/count per bin built for the smaller child and subtracted from the parent for the
 * larger one, missing values learned per split (NaN bin tried on both sides). `onIteration` returning false stops
 * training; `keepIterations` then trims the model (early stopping's best iteration).
 */
export function trainBuiltin(
  objectiveName: Objective['name'],
  params: BuiltinParams,
  train: EngineData,
  valid: EngineData | null,
  featureNames: string[],
  onIteration: (p: BuiltinProgress) => { stop: boolean; keepIterations?: number },
): BuiltinResult {
  const { nRows: n, nFeatures: F } = train;
  const objective = makeObjective(objectiveName, params, train.labels, train.weights, train.groups);

  // ---- binning ------------------------------------------------------------------------------------------------
  const mappers: BinMapper[] = [];
  const column = new Float64Array(n);
  for (let f = 0; f < F; f++) {
    for (let r = 0; r < n; r++) column[r] = train.rows[r * F + f] as number;
    mappers.push(findBins(column, params.max_bin, params.min_data_in_bin));
  }
  const bins = binRows(mappers, train.rows, n, F);
  const validBins = valid ? binRows(mappers, valid.rows, valid.nRows, F) : null;
  const nanBins = Int32Array.from(mappers, (m) => m.nanBin);
  const usableFeatures = mappers.flatMap((m, f) => (m.numBins > 1 ? [f] : []));
  const offset = new Int32Array(F + 1);
  for (let f = 0; f < F; f++) offset[f + 1] = (offset[f] as number) + (mappers[f] as BinMapper).numBins;
  const totalBins = offset[F] as number;

  // ---- state --------------------------------------------------------------------------------------------------
  const init = objective.initScore(train.labels, train.weights);
  const score = new Float64Array(n).fill(init);
  const validScore = valid ? new Float64Array(valid.nRows).fill(init) : null;
  const grad = new Float64Array(n);
  const hess = new Float64Array(n);
  const indices = new Int32Array(n);
  const scratch = new Int32Array(n);
  const random = rng(params.seed);
  const featureRandom = rng(params.seed ^ 0x5bd1e995);
  const leafRows = new Int32Array(n); // leaf of each in-bag row of the current tree (for the score update)
  const histPool: Float64Array[] = [];
  const takeHist = () => histPool.pop() ?? new Float64Array(totalBins * 3);
  const l1 = params.lambda_l1;
  const l2 = params.lambda_l2;
  const thresholdL1 = (g: number) => (l1 > 0 ? Math.sign(g) * Math.max(0, Math.abs(g) - l1) : g);
  const leafGain = (g: number, h: number) => {
    const t = thresholdL1(g);
    return (t * t) / (h + l2);
  };
  const leafOutput = (g: number, h: number) => -thresholdL1(g) / (h + l2);

  const trees: Tree[] = [];
  let bagCount = n;
  const inBag = new Uint8Array(n).fill(1);
  const useBagging = params.bagging_freq > 0 && params.bagging_fraction < 1;
  const featureMask = new Uint8Array(F);

  for (let iter = 0; iter < params.num_iterations; iter++) {
    objective.gradients(score, grad, hess);

    // bagging: a new bag every bagging_freq iterations (whole queries for ranking)
    if (useBagging && iter % params.bagging_freq === 0) {
      if (train.groups) {
        let r = 0;
        for (let q = 0; q < train.groups.length; q++) {
          const keep = random() < params.bagging_fraction ? 1 : 0;
          for (let k = 0; k < (train.groups[q] as number); k++) inBag[r++] = keep;
        }
      } else {
        for (let r = 0; r < n; r++) inBag[r] = random() < params.bagging_fraction ? 1 : 0;
      }
    }
    bagCount = 0;
    for (let r = 0; r < n; r++) if (inBag[r]) indices[bagCount++] = r;

    // feature_fraction: a subset of the usable features per tree
    const usableList = usableFeatures.slice();
    featureMask.fill(0);
    const take =
      params.feature_fraction >= 1
        ? usableList.length
        : Math.max(1, Math.round(usableList.length * params.feature_fraction));
    for (let i = usableList.length - 1; i > 0; i--) {
      const j = Math.floor(featureRandom() * (i + 1));
      const t = usableList[i] as number;
      usableList[i] = usableList[j] as number;
      usableList[j] = t;
    }
    for (let i = 0; i < take && i < usableList.length; i++) featureMask[usableList[i] as number] = 1;

    // ---- grow one tree --------------------------------------------------------------------------------------
    const tree = new GrowingTree();
    const begin: number[] = [0];
    const count: number[] = [bagCount];
    const sumG: number[] = [0];
    const sumH: number[] = [0];
    for (let i = 0; i < bagCount; i++) {
      const r = indices[i] as number;
      sumG[0] = (sumG[0] as number) + (grad[r] as number);
      sumH[0] = (sumH[0] as number) + (hess[r] as number);
    }
    tree.leafValue[0] = leafOutput(sumG[0] as number, sumH[0] as number);
    tree.leafWeight[0] = sumH[0] as number;
    tree.leafCount[0] = bagCount;
    const hists: Array<Float64Array | null> = [takeHist()];
    buildHist(hists[0] as Float64Array, 0, bagCount);
    const best: Array<Split | null> = [
      findBest(hists[0] as Float64Array, sumG[0] as number, sumH[0] as number, bagCount),
    ];

    while (tree.numLeaves < params.num_leaves) {
      let leaf = -1;
      let bestGain = 0;
      for (let l = 0; l < tree.numLeaves; l++) {
        const s = best[l];
        if (s && s.gain > bestGain) {
          bestGain = s.gain;
          leaf = l;
        }
      }
      if (leaf < 0) break;
      const s = best[leaf] as Split;
      const mapper = mappers[s.feature] as BinMapper;
      const g = sumG[leaf] as number;
      const h = sumH[leaf] as number;
      const c = count[leaf] as number;
      const rightG = g - s.leftG;
      const rightH = h - s.leftH;
      const rightC = c - s.leftC;
      // partition rows of the leaf: left first, right after (stable)
      const b0 = begin[leaf] as number;
      let nl = 0;
      let nr = 0;
      const nanBin = mapper.nanBin;
      for (let i = b0; i < b0 + c; i++) {
        const r = indices[i] as number;
        const bin = bins[r * F + s.feature] as number;
        const goLeft = bin === nanBin ? s.defaultLeft : bin <= s.bin;
        if (goLeft) indices[b0 + nl++] = r;
        else scratch[nr++] = r;
      }
      indices.set(scratch.subarray(0, nr), b0 + nl);
      const right = tree.split(
        leaf,
        s,
        mapper,
        leafOutput(s.leftG, s.leftH),
        leafOutput(rightG, rightH),
        rightH,
        rightC,
      );
      begin[leaf] = b0;
      count[leaf] = nl;
      sumG[leaf] = s.leftG;
      sumH[leaf] = s.leftH;
      begin[right] = b0 + nl;
      count[right] = nr;
      sumG[right] = rightG;
      sumH[right] = rightH;
      // histograms: build the smaller child, subtract for the larger
      const parentHist = hists[leaf] as Float64Array;
      const small = takeHist();
      const smallIsLeft = nl <= nr;
      buildHist(small, smallIsLeft ? b0 : b0 + nl, smallIsLeft ? nl : nr);
      for (let k = 0; k < parentHist.length; k++) parentHist[k] = (parentHist[k] as number) - (small[k] as number);
      hists[leaf] = smallIsLeft ? small : parentHist;
      hists[right] = smallIsLeft ? parentHist : small;
      const depthOk = params.max_depth <= 0 || (tree.leafDepth[leaf] as number) < params.max_depth;
      best[leaf] = depthOk ? findBest(hists[leaf] as Float64Array, s.leftG, s.leftH, nl) : null;
      best[right] = depthOk ? findBest(hists[right] as Float64Array, rightG, rightH, nr) : null;
    }
    for (const hist of hists) if (hist) histPool.push(hist);

    // ---- scores: in-bag rows by partition, out-of-bag (and validation) rows by walking the binned tree --------
    const shrink = params.learning_rate;
    for (let l = 0; l < tree.numLeaves; l++) {
      const b0 = begin[l] as number;
      for (let i = b0; i < b0 + (count[l] as number); i++) leafRows[indices[i] as number] = l;
    }
    const values = Float64Array.from(tree.leafValue, (v) => v * shrink);
    if (useBagging) {
      for (let r = 0; r < n; r++) if (!inBag[r]) leafRows[r] = tree.leafOfBins(bins, r * F, nanBins);
    }
    for (let r = 0; r < n; r++) score[r] = (score[r] as number) + (values[leafRows[r] as number] as number);
    if (valid && validScore && validBins) {
      for (let r = 0; r < valid.nRows; r++) {
        validScore[r] = (validScore[r] as number) + (values[tree.leafOfBins(validBins, r * F, nanBins)] as number);
      }
    }
    trees.push(tree.toTree(shrink, iter === 0 ? init : 0));

    const ctl = onIteration({ iteration: iter, validScores: validScore });
    if (ctl.stop) {
      if (ctl.keepIterations !== undefined) trees.length = Math.max(1, ctl.keepIterations);
      break;
    }
  }

  return { model: assemble(trees, mappers, featureNames, objective, params, F), objective };

  function buildHist(hist: Float64Array, start: number, cnt: number): void {
    hist.fill(0);
    for (let i = start; i < start + cnt; i++) {
      const r = indices[i] as number;
      const g = grad[r] as number;
      const h = hess[r] as number;
      const base = r * F;
      for (let f = 0; f < F; f++) {
        const o = ((offset[f] as number) + (bins[base + f] as number)) * 3;
        hist[o] = (hist[o] as number) + g;
        hist[o + 1] = (hist[o + 1] as number) + h;
        hist[o + 2] = (hist[o + 2] as number) + 1;
      }
    }
  }

  function findBest(hist: Float64Array, g: number, h: number, c: number): Split | null {
    const minC = params.min_data_in_leaf;
    const minH = params.min_sum_hessian_in_leaf;
    if (c < 2 * minC || h < 2 * minH) return null;
    const parentGain = leafGain(g, h);
    const minShift = parentGain + params.min_gain_to_split;
    let best: Split | null = null;
    for (let f = 0; f < F; f++) {
      if (!featureMask[f]) continue;
      const m = mappers[f] as BinMapper;
      const o = offset[f] as number;
      const numeric = m.nanBin >= 0 ? m.numBins - 1 : m.numBins;
      const nanG = m.nanBin >= 0 ? (hist[(o + m.nanBin) * 3] as number) : 0;
      const nanH = m.nanBin >= 0 ? (hist[(o + m.nanBin) * 3 + 1] as number) : 0;
      const nanC = m.nanBin >= 0 ? (hist[(o + m.nanBin) * 3 + 2] as number) : 0;
      // missing right (default_left = false), then, when there is a NaN bin, missing left
      for (let pass = 0; pass < (m.nanBin >= 0 && nanC > 0 ? 2 : 1); pass++) {
        let lg = pass === 1 ? nanG : 0;
        let lh = pass === 1 ? nanH : 0;
        let lc = pass === 1 ? nanC : 0;
        for (let b = 0; b < numeric - 1; b++) {
          const k = (o + b) * 3;
          lg += hist[k] as number;
          lh += hist[k + 1] as number;
          lc += hist[k + 2] as number;
          if (lc < minC || lh < minH) continue;
          const rc = c - lc;
          const rh = h - lh;
          if (rc < minC || rh < minH) break;
          const gain = leafGain(lg, lh) + leafGain(g - lg, rh);
          if (gain > minShift && (best === null || gain - minShift > best.gain)) {
            best = {
              gain: gain - minShift,
              feature: f,
              bin: b,
              defaultLeft: pass === 1,
              leftG: lg,
              leftH: lh,
              leftC: lc,
            };
          }
        }
      }
    }
    return best;
  }
}

function assemble(
  trees: Tree[],
  mappers: BinMapper[],
  featureNames: string[],
  objective: Objective,
  params: BuiltinParams,
  F: number,
): LightGbmModel {
  const used = new Uint8Array(F);
  for (const t of trees) for (const f of t.splitFeature) used[f] = 1;
  const [name, ...opts] = objective.modelString.split(' ');
  const options: Record<string, string> = {};
  for (const o of opts) {
    const [k, v] = o.split(':');
    options[k as string] = v ?? '';
  }
  const fmt = (x: number) => String(x);
  return {
    version: 'v4',
    numClass: 1,
    numTreePerIteration: 1,
    labelIndex: 0,
    maxFeatureIdx: F - 1,
    objective: { name: name as string, options },
    averageOutput: false,
    featureNames,
    featureInfos: mappers.map((m) => (m.numBins > 1 ? `[${fmt(m.min)}:${fmt(m.max)}]` : 'none')),
    extraHeader: [],
    trees,
    parameters: [
      `boosting: gbdt`,
      `objective: ${name}`,
      `num_iterations: ${params.num_iterations}`,
      `learning_rate: ${params.learning_rate}`,
      `num_leaves: ${params.num_leaves}`,
      `max_depth: ${params.max_depth}`,
      `min_data_in_leaf: ${params.min_data_in_leaf}`,
      `min_sum_hessian_in_leaf: ${params.min_sum_hessian_in_leaf}`,
      `bagging_fraction: ${params.bagging_fraction}`,
      `bagging_freq: ${params.bagging_freq}`,
      `feature_fraction: ${params.feature_fraction}`,
      `early_stopping_round: ${params.early_stopping_round}`,
      `lambda_l1: ${params.lambda_l1}`,
      `lambda_l2: ${params.lambda_l2}`,
      `min_gain_to_split: ${params.min_gain_to_split}`,
      `max_bin: ${params.max_bin}`,
      `min_data_in_bin: ${params.min_data_in_bin}`,
      `seed: ${params.seed}`,
      `sigmoid: ${params.sigmoid}`,
      `lambdarank_truncation_level: ${params.lambdarank_truncation_level}`,
      `lambdarank_norm: ${params.lambdarank_norm ? 1 : 0}`,
      `metric: ${params.metric}`,
      `trained_by: @adrank/lightgbm built-in engine`,
    ],
    pandasCategorical: null,
  };
}
