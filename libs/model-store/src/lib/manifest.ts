/** A bundle's manifest (manifest.json): what it holds and how it was made. Validated on read and on write. */
export interface BundleManifest {
  format: 'adrank.bundle';
  manifest_version: 1;
  version: string;
  created_at: string;
  /** Source revision of the code that trained it (git sha or similar). */
  source_revision: string;
  feature_schema: { version: string; hash: string; names: string[] };
  embedder: { id: string; dim: number };
  /** Every file of the bundle but the manifest itself. */
  files: Record<string, { sha256: string; bytes: number }>;
  data_window: { from: string; to: string };
  metrics: Record<string, number>;
  parent_version: string | null;
}

/** The `latest.json` pointer: the current version and the sha256 of its manifest. */
export interface LatestPointer {
  version: string;
  manifest_sha256: string;
}

/** The LightGBM model files of a bundle (ARCHITECTURE.md's bundle layout), by model: the trainer writes them, the API loads them. */
export const BUNDLE_MODEL_FILES = {
  ctr: 'ctr_model.txt',
  conversion: 'conv_model.txt',
  ranker: 'ranker_model.txt',
} as const;
export type BundleModelName = keyof typeof BUNDLE_MODEL_FILES;

export class ManifestError extends Error {
  override readonly name = 'ManifestError';
}

const VERSION = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const FILE = /^[A-Za-z0-9._-]{1,200}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Every problem with a manifest, each naming its field; empty when it is valid. */
export function manifestProblems(m: unknown): string[] {
  const p: string[] = [];
  if (m === null || typeof m !== 'object' || Array.isArray(m)) return ['manifest is not a JSON object'];
  const o = m as Record<string, unknown>;
  const str = (k: string, re?: RegExp) => {
    if (typeof o[k] !== 'string' || o[k] === '') p.push(`${k} must be a non-empty string`);
    else if (re && !re.test(o[k] as string)) p.push(`${k} "${String(o[k])}" is not valid`);
  };
  if (o['format'] !== 'adrank.bundle') p.push(`format must be "adrank.bundle", got ${JSON.stringify(o['format'])}`);
  if (o['manifest_version'] !== 1) p.push(`manifest_version ${JSON.stringify(o['manifest_version'])} is not 1`);
  str('version', VERSION);
  str('created_at');
  if (typeof o['created_at'] === 'string' && Number.isNaN(Date.parse(o['created_at'])))
    p.push('created_at is not a timestamp');
  str('source_revision');
  const fs = o['feature_schema'] as Record<string, unknown> | undefined;
  if (!fs || typeof fs !== 'object') p.push('feature_schema is missing');
  else {
    if (typeof fs['version'] !== 'string') p.push('feature_schema.version must be a string');
    if (typeof fs['hash'] !== 'string' || !/^[0-9a-f]{64}$/.test(fs['hash']))
      p.push('feature_schema.hash must be a sha256 hex string');
    if (!Array.isArray(fs['names']) || fs['names'].some((n) => typeof n !== 'string'))
      p.push('feature_schema.names must be an array of strings');
  }
  const e = o['embedder'] as Record<string, unknown> | undefined;
  if (
    !e ||
    typeof e !== 'object' ||
    typeof e['id'] !== 'string' ||
    !Number.isInteger(e['dim']) ||
    (e['dim'] as number) < 1
  ) {
    p.push('embedder must be { id: string, dim: positive integer }');
  }
  const files = o['files'] as Record<string, unknown> | undefined;
  if (!files || typeof files !== 'object' || Array.isArray(files)) p.push('files must be an object');
  else {
    if (Object.keys(files).length === 0) p.push('files is empty');
    for (const [name, f] of Object.entries(files)) {
      if (!FILE.test(name) || name === 'manifest.json') p.push(`files: "${name}" is not a valid bundle file name`);
      const ff = f as Record<string, unknown> | null;
      if (!ff || typeof ff['sha256'] !== 'string' || !/^[0-9a-f]{64}$/.test(ff['sha256']))
        p.push(`files.${name}.sha256 must be a sha256 hex string`);
      if (!ff || !Number.isInteger(ff['bytes']) || (ff['bytes'] as number) < 0)
        p.push(`files.${name}.bytes must be a non-negative integer`);
    }
  }
  const w = o['data_window'] as Record<string, unknown> | undefined;
  if (
    !w ||
    typeof w['from'] !== 'string' ||
    typeof w['to'] !== 'string' ||
    !DATE.test(w['from']) ||
    !DATE.test(w['to'])
  ) {
    p.push('data_window must be { from: YYYY-MM-DD, to: YYYY-MM-DD }');
  } else if ((w['from'] as string) > (w['to'] as string)) p.push('data_window.from is after data_window.to');
  const metrics = o['metrics'] as Record<string, unknown> | undefined;
  if (
    !metrics ||
    typeof metrics !== 'object' ||
    Object.values(metrics).some((v) => typeof v !== 'number' || !Number.isFinite(v))
  ) {
    p.push('metrics must be an object of finite numbers');
  }
  if (o['parent_version'] !== null && (typeof o['parent_version'] !== 'string' || !VERSION.test(o['parent_version']))) {
    p.push('parent_version must be a version or null');
  }
  return p;
}

export function parseManifest(text: string, where: string): BundleManifest {
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch (e) {
    throw new ManifestError(`${where}: not JSON (${(e as Error).message}) — truncated or corrupt`);
  }
  const problems = manifestProblems(m);
  if (problems.length > 0) throw new ManifestError(`${where}: ${problems.join('; ')}`);
  return m as BundleManifest;
}

export function parsePointer(text: string, where: string): LatestPointer {
  let p: unknown;
  try {
    p = JSON.parse(text);
  } catch (e) {
    throw new ManifestError(`${where}: not JSON (${(e as Error).message})`);
  }
  const o = p as Partial<LatestPointer> | null;
  if (
    !o ||
    typeof o.version !== 'string' ||
    !VERSION.test(o.version) ||
    typeof o.manifest_sha256 !== 'string' ||
    !/^[0-9a-f]{64}$/.test(o.manifest_sha256)
  ) {
    throw new ManifestError(`${where}: must be {"version": "...", "manifest_sha256": "<sha256 hex>"}`);
  }
  return { version: o.version, manifest_sha256: o.manifest_sha256 };
}

/** A version string: UTC time to the second and 6 random hex digits, e.g. 2026-11-22T02-00-00Z-3f9a1c. */
export function newVersion(now = new Date()): string {
  const t = now.toISOString().slice(0, 19).replace(/:/g, '-');
  return `${t}Z-${Math.floor(Math.random() * 0xffffff)
    .toString(16)
    .padStart(6, '0')}`;
}
