import { readFileSync, writeFileSync } from 'node:fs';
import { ModelFormatError, NativeLightGbmError, PredictInputError, UnsupportedModelError } from '../errors';
import { TrainParamError, TrainParams } from '../train/params';
import { EngineName, TrainData, TrainInputError, train } from '../train/train';
import { parseModel } from '../model/parse';
import { gainImportance, splitImportance } from '../model/serialize';
import { LightGbmModel } from '../model/types';
import { treeDepth } from '../predict/decision';
import { Predictor } from '../predict/predictor';
import { parseCsv } from './csv';

export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  readStdin: () => string;
}

const USAGE = `adrank-lgbm — LightGBM text models from the command line (exact LightGBM predictions, no Python)

Usage:
  adrank-lgbm predict --model MODEL.txt --data ROWS.csv [--raw] [--contrib]
                      [--start-iteration N] [--num-iteration N] [--ignore-extra-columns]
  adrank-lgbm inspect --model MODEL.txt [--json]
  adrank-lgbm train   --data TRAIN.csv --label COL [--weight COL] [--group COL] --objective NAME
                      [--valid VALID.csv] [--param key=value ...] [--engine auto|native|builtin] --out MODEL.txt

predict  ROWS.csv (or - for standard input) has a header row naming the model's features; columns are matched by
         name, in any order. An empty field or NaN is a missing value. Prints one line per row; rows with several
         values (classes, or contributions: one per feature then the expected value) are comma-separated.
inspect  Objective, trees, leaves, depth, features and their importance (split count and total gain).
train    Trains a LightGBM model: objective regression, binary, cross_entropy or lambdarank. Every column other than
         the label, weight and group columns is a feature, in header order. The group column holds a query id;
         rows of one query must be consecutive. Parameters use LightGBM's names (--param num_leaves=63); the built-in
         engine rejects unknown ones. --engine auto (default) uses lib_lightgbm.so when found, else the built-in
         engine. Progress (and the validation metric) goes to standard error.
`;

class UsageError extends Error {}

interface Flags {
  values: Map<string, string>;
  switches: Set<string>;
}

function parseFlags(args: string[], valueFlags: string[], switchFlags: string[]): Flags {
  const values = new Map<string, string>();
  const switches = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(0, eq) : a;
    if (valueFlags.includes(name)) {
      const v = eq > 0 ? a.slice(eq + 1) : args[++i];
      if (v === undefined || v === '') throw new UsageError(`${name} needs a value`);
      values.set(name, v);
    } else if (switchFlags.includes(name) && eq < 0) {
      switches.add(name);
    } else {
      throw new UsageError(`unknown argument "${a}"`);
    }
  }
  return { values, switches };
}

function intFlag(flags: Flags, name: string, min: number): number | undefined {
  const v = flags.values.get(name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^-?\d+$/.test(v) || n < min) throw new UsageError(`${name} must be an integer >= ${min}, got "${v}"`);
  return n;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const SPECIAL: Record<string, number> = {
  nan: NaN,
  inf: Infinity,
  '+inf': Infinity,
  '-inf': -Infinity,
  infinity: Infinity,
  '+infinity': Infinity,
  '-infinity': -Infinity,
};

function cell(raw: string, line: number, column: string): number {
  const s = raw.trim();
  if (s === '') return NaN;
  if (NUMBER.test(s)) return Number(s);
  const special = SPECIAL[s.toLowerCase()];
  if (special !== undefined) return special;
  throw new PredictInputError(
    `line ${line}, column "${column}": "${raw}" is not a number (empty or NaN means missing)`,
  );
}

function readRows(text: string, model: LightGbmModel, ignoreExtra: boolean): { rows: Float64Array; nRows: number } {
  const records = parseCsv(text);
  const header = records[0];
  if (!header) throw new PredictInputError('the data file is empty: expected a header row naming the features');
  const names = header.fields.map((f) => f.trim());
  const index = new Map<string, number>();
  names.forEach((n, i) => {
    if (index.has(n)) throw new PredictInputError(`line ${header.line}: column "${n}" appears twice in the header`);
    index.set(n, i);
  });
  const missing = model.featureNames.filter((f) => !index.has(f));
  if (missing.length > 0) {
    throw new PredictInputError(
      `the data has no column for feature(s) ${missing.join(', ')} (model features: ${model.featureNames.join(', ')})`,
    );
  }
  const extra = names.filter((n) => !model.featureNames.includes(n));
  if (extra.length > 0 && !ignoreExtra) {
    throw new PredictInputError(
      `column(s) ${extra.join(', ')} are not model features (pass --ignore-extra-columns to drop them)`,
    );
  }
  const nf = model.featureNames.length;
  const cols = model.featureNames.map((f) => index.get(f) as number);
  const body = records.slice(1);
  const rows = new Float64Array(body.length * nf);
  body.forEach((rec, r) => {
    if (rec.fields.length !== names.length) {
      throw new PredictInputError(`line ${rec.line}: ${rec.fields.length} fields, the header has ${names.length}`);
    }
    for (let f = 0; f < nf; f++) {
      rows[r * nf + f] = cell(rec.fields[cols[f] as number] as string, rec.line, model.featureNames[f] as string);
    }
  });
  return { rows, nRows: body.length };
}

interface Table {
  data: TrainData;
  featureNames: string[];
}

/** Reads a training CSV: label/weight/group columns by name, every other column a feature in header order. */
function readTable(
  text: string,
  what: string,
  label: string,
  weight?: string,
  group?: string,
  features?: string[],
): Table {
  const records = parseCsv(text);
  const header = records[0];
  if (!header) throw new PredictInputError(`${what} is empty: expected a header row`);
  const names = header.fields.map((f) => f.trim());
  const index = new Map<string, number>();
  names.forEach((n, i) => {
    if (index.has(n))
      throw new PredictInputError(`${what}, line ${header.line}: column "${n}" appears twice in the header`);
    index.set(n, i);
  });
  for (const [flag, col] of [
    ['--label', label],
    ['--weight', weight],
    ['--group', group],
  ] as const) {
    if (col !== undefined && !index.has(col)) {
      throw new PredictInputError(`${what} has no column "${col}" (${flag}); columns: ${names.join(', ')}`);
    }
  }
  const special = new Set([label, weight, group].filter((c): c is string => c !== undefined));
  const featureNames = features ?? names.filter((n) => !special.has(n));
  if (featureNames.length === 0) throw new PredictInputError(`${what} has no feature columns`);
  const missing = featureNames.filter((f) => !index.has(f));
  if (missing.length) throw new PredictInputError(`${what} has no column for feature(s) ${missing.join(', ')}`);
  const extra = names.filter((n) => !special.has(n) && !featureNames.includes(n));
  if (extra.length)
    throw new PredictInputError(`${what}: column(s) ${extra.join(', ')} are not features of the training set`);
  const body = records.slice(1);
  const nf = featureNames.length;
  const rows = new Float64Array(body.length * nf);
  const labels = new Float64Array(body.length);
  const weights = weight !== undefined ? new Float64Array(body.length) : undefined;
  const groups: number[] = [];
  const seen = new Set<string>();
  let lastGroup: string | null = null;
  const cols = featureNames.map((f) => index.get(f) as number);
  body.forEach((rec, r) => {
    if (rec.fields.length !== names.length) {
      throw new PredictInputError(
        `${what}, line ${rec.line}: ${rec.fields.length} fields, the header has ${names.length}`,
      );
    }
    for (let f = 0; f < nf; f++)
      rows[r * nf + f] = cell(rec.fields[cols[f] as number] as string, rec.line, featureNames[f] as string);
    const y = cell(rec.fields[index.get(label) as number] as string, rec.line, label);
    if (Number.isNaN(y)) throw new PredictInputError(`${what}, line ${rec.line}: the label "${label}" is missing`);
    labels[r] = y;
    if (weights && weight !== undefined)
      weights[r] = cell(rec.fields[index.get(weight) as number] as string, rec.line, weight);
    if (group !== undefined) {
      const q = (rec.fields[index.get(group) as number] as string).trim();
      if (q !== lastGroup) {
        if (seen.has(q)) {
          throw new PredictInputError(
            `${what}, line ${rec.line}: query "${q}" appears again after other queries; rows of a query must be consecutive`,
          );
        }
        seen.add(q);
        groups.push(0);
        lastGroup = q;
      }
      groups[groups.length - 1] = (groups[groups.length - 1] as number) + 1;
    }
  });
  return {
    data: {
      rows,
      nRows: body.length,
      nFeatures: nf,
      labels,
      weights,
      groups: group !== undefined ? groups : undefined,
    },
    featureNames,
  };
}

function trainCommand(args: string[], io: CliIo): void {
  const params: TrainParams = {};
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--param' || a.startsWith('--param=')) {
      const kv = a === '--param' ? args[++i] : a.slice('--param='.length);
      const eq = kv?.indexOf('=') ?? -1;
      if (kv === undefined || eq <= 0) throw new UsageError(`--param needs key=value, got "${kv ?? ''}"`);
      const key = kv.slice(0, eq).trim();
      if (key in params) throw new UsageError(`--param ${key} given twice`);
      params[key] = kv.slice(eq + 1).trim();
    } else rest.push(a);
  }
  const flags = parseFlags(
    rest,
    ['--data', '--label', '--weight', '--group', '--objective', '--valid', '--engine', '--out'],
    [],
  );
  const need = (name: string, what: string): string => {
    const v = flags.values.get(name);
    if (v === undefined) throw new UsageError(`train needs ${name} ${what}`);
    return v;
  };
  const dataPath = need('--data', 'TRAIN.csv');
  const label = need('--label', 'COLUMN');
  const objective = need('--objective', 'NAME');
  const out = need('--out', 'MODEL.txt');
  const engine = (flags.values.get('--engine') ?? 'auto') as EngineName;
  if (!['auto', 'native', 'builtin'].includes(engine))
    throw new UsageError(`--engine must be auto, native or builtin, got "${engine}"`);
  const weight = flags.values.get('--weight');
  const group = flags.values.get('--group');
  const trainTable = readTable(readText(dataPath, 'training data'), dataPath, label, weight, group);
  const validPath = flags.values.get('--valid');
  const validTable = validPath
    ? readTable(readText(validPath, 'validation data'), validPath, label, weight, group, trainTable.featureNames)
    : undefined;
  const result = train({
    engine,
    objective: objective as 'regression',
    params,
    train: trainTable.data,
    valid: validTable?.data,
    featureNames: trainTable.featureNames,
    onIteration: ({ iteration, valid }) => {
      if (valid && (iteration % 10 === 0 || iteration === 1))
        io.stderr(`[${iteration}] valid ${valid.metric}: ${valid.value}\n`);
    },
  });
  try {
    writeFileSync(out, result.modelText);
  } catch (e) {
    throw new PredictInputError(`cannot write ${out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const last = result.evals.values[result.bestIteration - 1];
  io.stderr(
    `trained ${result.bestIteration} iteration(s) with the ${result.engine} engine` +
      (last !== undefined ? `; best valid ${result.evals.metric}: ${last}` : '') +
      `; wrote ${out}\n`,
  );
}

function predictCommand(args: string[], io: CliIo): void {
  const flags = parseFlags(
    args,
    ['--model', '--data', '--start-iteration', '--num-iteration'],
    ['--raw', '--contrib', '--ignore-extra-columns'],
  );
  const modelPath = flags.values.get('--model');
  const dataPath = flags.values.get('--data');
  if (!modelPath) throw new UsageError('predict needs --model MODEL.txt');
  if (!dataPath) throw new UsageError('predict needs --data ROWS.csv (or - for standard input)');
  if (flags.switches.has('--raw') && flags.switches.has('--contrib'))
    throw new UsageError('--raw and --contrib exclude each other');
  const startIteration = intFlag(flags, '--start-iteration', 0);
  const numIteration = intFlag(flags, '--num-iteration', 0);
  const predictor = Predictor.compile(loadModel(modelPath));
  const text = dataPath === '-' ? io.readStdin() : readText(dataPath, 'data file');
  const { rows, nRows } = readRows(text, predictor.model, flags.switches.has('--ignore-extra-columns'));
  const range = {
    ...(startIteration !== undefined && { startIteration }),
    ...(numIteration !== undefined && { numIteration }),
  };
  let out: Float64Array;
  let width: number;
  if (flags.switches.has('--contrib')) {
    out = predictor.contributions(rows, nRows, range);
    width = predictor.numOutputs * (predictor.numFeatures + 1);
  } else {
    out = predictor.predict(rows, nRows, { ...range, raw: flags.switches.has('--raw') });
    width = predictor.numOutputs;
  }
  const lines: string[] = [];
  for (let r = 0; r < nRows; r++) lines.push(Array.from(out.subarray(r * width, (r + 1) * width), String).join(','));
  io.stdout(lines.length ? `${lines.join('\n')}\n` : '');
}

function inspectCommand(args: string[], io: CliIo): void {
  const flags = parseFlags(args, ['--model'], ['--json']);
  const modelPath = flags.values.get('--model');
  if (!modelPath) throw new UsageError('inspect needs --model MODEL.txt');
  const model = loadModel(modelPath);
  const leaves = model.trees.map((t) => t.numLeaves);
  const depths = model.trees.map(treeDepth);
  const splits = splitImportance(model);
  const gains = gainImportance(model);
  const features = model.featureNames.map((name, f) => ({
    name,
    splits: splits[f] as number,
    gain: gains[f] as number,
    info: model.featureInfos[f] ?? null,
  }));
  const objective = model.objective
    ? [
        model.objective.name,
        ...Object.entries(model.objective.options).map(([k, v]) => (v === '' ? k : `${k}:${v}`)),
      ].join(' ')
    : null;
  const summary = {
    version: model.version,
    objective,
    numFeatures: model.featureNames.length,
    numClass: model.numClass,
    numTreePerIteration: model.numTreePerIteration,
    numIterations: model.trees.length / model.numTreePerIteration,
    numTrees: model.trees.length,
    leaves: { total: leaves.reduce((a, b) => a + b, 0), min: Math.min(...leaves), max: Math.max(...leaves) },
    maxDepth: Math.max(0, ...depths),
    averageOutput: model.averageOutput,
    features: [...features].sort((a, b) => b.gain - a.gain || b.splits - a.splits),
  };
  if (flags.switches.has('--json')) {
    io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
    return;
  }
  const w = Math.max(7, ...features.map((f) => f.name.length));
  const lines = [
    `objective      ${summary.objective ?? '(none: raw scores)'}`,
    `version        ${summary.version}`,
    `features       ${summary.numFeatures}`,
    `classes        ${summary.numClass} (trees per iteration: ${summary.numTreePerIteration})`,
    `iterations     ${summary.numIterations} (${summary.numTrees} trees)`,
    `leaves         ${summary.leaves.total} in all, ${summary.leaves.min}–${summary.leaves.max} per tree`,
    `max depth      ${summary.maxDepth}`,
    `average_output ${summary.averageOutput ? 'yes (random forest)' : 'no'}`,
    '',
    `${'feature'.padEnd(w)}  ${'splits'.padStart(7)}  ${'gain'.padStart(14)}`,
    ...summary.features.map(
      (f) => `${f.name.padEnd(w)}  ${String(f.splits).padStart(7)}  ${f.gain.toFixed(3).padStart(14)}`,
    ),
  ];
  io.stdout(`${lines.join('\n')}\n`);
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new PredictInputError(
      `cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
}

function loadModel(path: string): LightGbmModel {
  const text = readText(path, 'model file');
  try {
    return parseModel(text);
  } catch (e) {
    if (e instanceof ModelFormatError || e instanceof UnsupportedModelError)
      throw new PredictInputError(`${path}: ${e.message}`);
    throw e;
  }
}

/** Runs the CLI; returns the process exit code (0 ok, 1 bad model or data, 2 bad usage). */
export function runCli(argv: string[], io: CliIo): number {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      io.stdout(USAGE);
      return command === undefined ? 2 : 0;
    }
    if (command === 'predict') predictCommand(rest, io);
    else if (command === 'inspect') inspectCommand(rest, io);
    else if (command === 'train') trainCommand(rest, io);
    else throw new UsageError(`unknown command "${command}"`);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`adrank-lgbm: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    if (
      e instanceof PredictInputError ||
      e instanceof ModelFormatError ||
      e instanceof UnsupportedModelError ||
      e instanceof TrainInputError ||
      e instanceof TrainParamError ||
      e instanceof NativeLightGbmError
    ) {
      io.stderr(`adrank-lgbm: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

/** Entry point of the `adrank-lgbm` bin. */
export function main(): void {
  process.exitCode = runCli(process.argv.slice(2), {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    readStdin: () => readFileSync(0, 'utf8'),
  });
}
