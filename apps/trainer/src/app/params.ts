import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkTrainParams, type EngineName, type ObjectiveName, type TrainParams } from '@adrank/lightgbm';

export const MODEL_KINDS = ['ctr', 'conversion', 'ranker'] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];
const OBJECTIVES: Record<ModelKind, ObjectiveName> = { ctr: 'regression', conversion: 'binary', ranker: 'lambdarank' };

export interface ModelParams {
  objective: ObjectiveName;
  params: TrainParams;
}

export interface ParamsFile {
  version: string;
  /** Where they came from (the default file or --params). */
  source: string;
  sha256: string;
  models: Record<ModelKind, ModelParams>;
}

export class ParamsError extends Error {
  override readonly name = 'ParamsError';
}

/** The versioned default parameters shipped with the trainer (params/v1.json: the seed's model sizes). */
export function defaultParamsPath(): string {
  // apps/trainer/src/app → apps/trainer/params (source tree) or dist/apps/trainer/src/app → …/params (build assets)
  for (const p of [join(__dirname, '..', '..', 'params', 'v1.json'), join(__dirname, '..', 'params', 'v1.json')])
    if (existsSync(p)) return p;
  throw new ParamsError(`the default parameter file params/v1.json is missing next to ${__dirname}`);
}

/**
 * Reads a parameter file: `{ format: "adrank.trainer-params", version, common: {…}, ctr: {objective, …},
 * conversion: {…}, ranker: {…} }` with LightGBM parameter names. Every model's parameters (common + its own) are checked
 * for the engine in use before any data is read; errors name the file, the model and the parameter.
 */
export function loadParams(path: string, engine: EngineName): ParamsFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ParamsError(`cannot read parameter file ${path}: ${(e as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new ParamsError(`${path} is not JSON: ${(e as Error).message}`);
  }
  const o = doc as Record<string, unknown>;
  const bad = (m: string): never => {
    throw new ParamsError(`${path}: ${m}`);
  };
  if (typeof o !== 'object' || o === null || Array.isArray(o)) bad('must be a JSON object');
  if (o['format'] !== 'adrank.trainer-params') bad(`"format" must be "adrank.trainer-params"`);
  if (typeof o['version'] !== 'string' || o['version'] === '') bad('"version" must be a non-empty string');
  const known = new Set(['format', 'version', 'description', 'common', ...MODEL_KINDS]);
  for (const k of Object.keys(o))
    if (!known.has(k)) bad(`unknown key "${k}" (expected common, ${MODEL_KINDS.join(', ')})`);
  const common = section(o['common'] ?? {}, 'common', bad);
  const models = {} as Record<ModelKind, ModelParams>;
  for (const kind of MODEL_KINDS) {
    const own = section(o[kind] ?? {}, kind, bad);
    const { objective = OBJECTIVES[kind], ...rest } = own as TrainParams & { objective?: unknown };
    if (objective !== OBJECTIVES[kind])
      bad(`${kind}.objective must be ${OBJECTIVES[kind]} (got ${JSON.stringify(objective)})`);
    const params: TrainParams = { ...common, ...rest };
    try {
      checkTrainParams(OBJECTIVES[kind], params, engine);
    } catch (e) {
      bad(`${kind}: ${(e as Error).message}`);
    }
    models[kind] = { objective: OBJECTIVES[kind], params };
  }
  return {
    version: o['version'] as string,
    source: path,
    sha256: createHash('sha256').update(text).digest('hex'),
    models,
  };
}

function section(v: unknown, name: string, bad: (m: string) => never): TrainParams {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) bad(`"${name}" must be an object of parameters`);
  for (const [k, x] of Object.entries(v as object)) {
    const ok =
      ['string', 'number', 'boolean'].includes(typeof x) || (Array.isArray(x) && x.every((e) => typeof e !== 'object'));
    if (!ok) bad(`${name}.${k} must be a string, number, boolean or a list of them`);
  }
  return v as TrainParams;
}
