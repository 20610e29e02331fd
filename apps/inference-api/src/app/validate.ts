import type { FeatureSchema } from '@adrank/features';

/** A client error: the HTTP status and a message naming the field. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
    /** More fields for the error body, beside `error` and `statusCode`. */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

const bad = (m: string): never => {
  throw new ApiError(400, m);
};

function object(v: unknown, path: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) bad(`${path} must be a JSON object`);
  return v as Record<string, unknown>;
}

function onlyKeys(o: Record<string, unknown>, allowed: readonly string[], path: string): void {
  const extra = Object.keys(o).filter((k) => !allowed.includes(k));
  if (extra.length)
    bad(`${path}: unknown field(s) ${extra.map((k) => JSON.stringify(k)).join(', ')} (allowed: ${allowed.join(', ')})`);
}

function int(v: unknown, path: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    bad(`${path} must be an integer from ${min} to ${max}`);
  return v as number;
}

function text(v: unknown, path: string, maxLength: number): string {
  if (typeof v !== 'string' || v.trim() === '') bad(`${path} must be a non-empty string`);
  if ((v as string).length > maxLength) bad(`${path} is longer than ${maxLength} characters`);
  return v as string;
}

export interface RankRequest {
  given_word: string;
  candidates?: string[] | undefined;
  top_k?: number | undefined;
  hour?: number | undefined;
  device?: 'PC' | 'MOBILE' | undefined;
  explain?: boolean | undefined;
}

/** The body fields the parsers accept (the DTOs in dto.ts document the same ones; api.spec.ts checks). */
export const RANK_REQUEST_FIELDS = ['given_word', 'candidates', 'top_k', 'hour', 'device', 'explain'] as const;
export const PREDICT_REQUEST_FIELDS = ['instances', 'explain'] as const;

/** Rows a request may ask TreeSHAP contributions for (they cost ~depth² more than a prediction). */
export const MAX_EXPLAIN_ROWS = 100;

function bool(v: unknown, path: string): boolean {
  if (typeof v !== 'boolean') bad(`${path} must be true or false`);
  return v as boolean;
}

/**
 * POST /rank body: `{ given_word, candidates?: string[1..maxCandidates], top_k?, hour?, device?, explain? }`; with
 * `explain`, at most {@link MAX_EXPLAIN_ROWS} results (`top_k`, or the candidates) are explained.
 */
export function parseRankRequest(body: unknown, maxCandidates: number): RankRequest {
  const o = object(body, 'body');
  onlyKeys(o, RANK_REQUEST_FIELDS, 'body');
  const out: RankRequest = { given_word: text(o['given_word'], 'given_word', 256) };
  if (o['candidates'] !== undefined) {
    const c = o['candidates'];
    if (!Array.isArray(c) || c.length < 1 || c.length > maxCandidates)
      bad(`candidates must be an array of 1 to ${maxCandidates} keywords`);
    const list = c as unknown[];
    for (let i = 0; i < list.length; i++) {
      const k = list[i];
      // the common case without building a field path per candidate
      if (typeof k !== 'string' || k.length > 512 || k.trim() === '') text(k, `candidates[${i}]`, 512);
    }
    out.candidates = list as string[];
  }
  if (o['top_k'] !== undefined) out.top_k = int(o['top_k'], 'top_k', 1, 1000);
  if (o['hour'] !== undefined) out.hour = int(o['hour'], 'hour', 0, 23);
  if (o['device'] !== undefined) {
    if (o['device'] !== 'PC' && o['device'] !== 'MOBILE') bad('device must be "PC" or "MOBILE"');
    out.device = o['device'] as 'PC' | 'MOBILE';
  }
  if (o['explain'] !== undefined) out.explain = bool(o['explain'], 'explain');
  return out;
}

/**
 * POST /predict/* body: `{ instances: [{ <feature>: number | null }] (1..maxInstances), explain?: boolean }` → a
 * row-major matrix in the
 * schema's order. Absent features and null are missing values (NaN), as in training; an unknown feature name is an
 * error naming it.
 */
export function parseInstances(
  body: unknown,
  schema: FeatureSchema,
  maxInstances: number,
): { rows: Float64Array; n: number; explain: boolean } {
  const o = object(body, 'body');
  onlyKeys(o, PREDICT_REQUEST_FIELDS, 'body');
  const explain = o['explain'] === undefined ? false : bool(o['explain'], 'explain');
  const list = o['instances'];
  if (!Array.isArray(list) || list.length < 1 || list.length > maxInstances)
    bad(`instances must be an array of 1 to ${maxInstances} objects`);
  if (explain && (list as unknown[]).length > MAX_EXPLAIN_ROWS)
    bad(`explain takes at most ${MAX_EXPLAIN_ROWS} instances per request, got ${(list as unknown[]).length}`);
  const arr = list as unknown[];
  const w = schema.width;
  const rows = new Float64Array(arr.length * w).fill(NaN);
  arr.forEach((inst, i) => {
    const r = object(inst, `instances[${i}]`);
    const unknown = Object.keys(r).filter((k) => !schema.names.includes(k));
    if (unknown.length)
      bad(
        `instances[${i}]: unknown feature(s) ${unknown.map((k) => JSON.stringify(k)).join(', ')} (schema ${schema.version}: ${schema.names.join(', ')})`,
      );
    for (const [k, v] of Object.entries(r)) {
      if (v === null) continue;
      if (typeof v !== 'number' || !Number.isFinite(v)) bad(`instances[${i}].${k} must be a finite number or null`);
      rows[i * w + schema.indexOf(k)] = v as number;
    }
  });
  return { rows, n: arr.length, explain };
}

/** Bearer-token check: no expected token = open (or, for `required` admin routes, refused). */
export function checkToken(expected: string | undefined, header: string | undefined, required: boolean): void {
  if (expected === undefined) {
    if (required) throw new ApiError(403, 'admin routes are disabled (ADMIN_TOKEN is not set)');
    return;
  }
  if (header === undefined || !/^Bearer\s+/i.test(header))
    throw new ApiError(401, 'missing bearer token', { 'www-authenticate': 'Bearer' });
  if (header.replace(/^Bearer\s+/i, '') !== expected) throw new ApiError(403, 'invalid token');
}
