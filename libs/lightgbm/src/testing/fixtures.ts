import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

/** One golden case written by tools/fixtures/lightgbm/generate.py from the real LightGBM. */
export interface GoldenCase {
  name: string;
  dir: string;
  modelText: string;
  lightgbm: string;
  note: string;
  numFeatures: number;
  numClass: number;
  numIterations: number;
  /** Row-major input, nRows × numFeatures (NaN = missing). */
  rows: Float64Array;
  nRows: number;
  raw: Float64Array;
  pred: Float64Array;
  contrib: Float64Array;
  slice: { start: number; num: number; raw: Float64Array };
}

export const FIXTURES_DIR = join(__dirname, 'fixtures');

function decode(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  throw new Error(`fixture value ${JSON.stringify(v)} is not a number`);
}

function flat(m: unknown[][]): Float64Array {
  return Float64Array.from(m.flat().map(decode));
}

export function loadGoldenCase(dir: string, name = dir.split('/').pop() as string): GoldenCase {
  const doc = JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8'));
  return {
    name,
    dir,
    modelText: readFileSync(join(dir, 'model.txt'), 'utf8'),
    lightgbm: doc.lightgbm,
    note: doc.note,
    numFeatures: doc.num_features,
    numClass: doc.num_class,
    numIterations: doc.num_iterations,
    rows: flat(doc.rows),
    nRows: doc.rows.length,
    raw: flat(doc.raw),
    pred: flat(doc.pred),
    contrib: flat(doc.contrib),
    slice: { start: doc.slice.start, num: doc.slice.num, raw: flat(doc.slice.raw) },
  };
}

/** Every case directory under `root` (default: the committed golden set). */
export function loadGoldenCases(root = FIXTURES_DIR): GoldenCase[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(root, d.name, 'cases.json')))
    .map((d) => loadGoldenCase(join(root, d.name), d.name))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Largest |a - b| over two arrays of equal length; NaN in the same place counts as equal. */
export function maxAbsDiff(a: Float64Array, b: Float64Array): number {
  if (a.length !== b.length) throw new Error(`length mismatch: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (Number.isNaN(x) && Number.isNaN(y)) continue;
    if (x === y) continue; // also equal infinities
    const d = Math.abs(x - y);
    m = Number.isNaN(d) ? Infinity : Math.max(m, d);
  }
  return m;
}
