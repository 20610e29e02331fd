import { WarehouseError, type SqlParams, type SqlValue } from './types';

export interface ParsedSql {
  /** The SQL split around parameters: text[0] name[0] text[1] name[1] … text[n]. */
  text: string[];
  names: string[];
}

/**
 * Finds `:name` parameters outside string literals, quoted identifiers and comments (`::type` casts are left alone).
 */
export function parseNamed(sql: string): ParsedSql {
  const text: string[] = [];
  const names: string[] = [];
  let start = 0;
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (c === "'" || c === '"') {
      const end = sql.indexOf(c, i + 1);
      i = end < 0 ? sql.length : end + 1;
      continue;
    }
    if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end;
      continue;
    }
    if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 2;
      continue;
    }
    if (c === ':' && sql[i + 1] === ':') {
      i += 2;
      continue;
    }
    if (c === ':' && /[A-Za-z_]/.test(sql[i + 1] ?? '') && sql[i - 1] !== ':') {
      let j = i + 1;
      while (j < sql.length && /[A-Za-z0-9_]/.test(sql[j] as string)) j++;
      text.push(sql.slice(start, i));
      names.push(sql.slice(i + 1, j));
      start = i = j;
      continue;
    }
    i++;
  }
  text.push(sql.slice(start));
  return { text, names };
}

/** Checks that the parameters given are exactly the ones the SQL names. */
export function checkParams(parsed: ParsedSql, params: SqlParams, sql: string): void {
  const used = new Set(parsed.names);
  const missing = [...used].filter((n) => !(n in params));
  const extra = Object.keys(params).filter((n) => !used.has(n));
  if (missing.length > 0 || extra.length > 0) {
    throw new WarehouseError(
      'PARAMS',
      [
        missing.length ? `missing parameter(s) ${missing.map((n) => `:${n}`).join(', ')}` : '',
        extra.length ? `unused parameter(s) ${extra.join(', ')}` : '',
      ]
        .filter(Boolean)
        .join('; '),
      sql,
    );
  }
  for (const [k, v] of Object.entries(params)) {
    if (typeof v === 'number' && !Number.isFinite(v))
      throw new WarehouseError('PARAMS', `parameter :${k} is ${v}`, sql);
    if (v instanceof Date && Number.isNaN(v.getTime()))
      throw new WarehouseError('PARAMS', `parameter :${k} is an invalid Date`, sql);
  }
}

/** The text form of a value (what Redshift's Data API binds, and how dates are passed everywhere). */
export function textValue(v: Exclude<SqlValue, null>): string {
  if (v instanceof Date) return v.toISOString().replace('T', ' ').replace('Z', '');
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return String(v);
}

/** Rebuilds the SQL with each parameter written by `placeholder` (NULL values become the literal NULL). */
export function rewrite(parsed: ParsedSql, params: SqlParams, placeholder: (name: string) => string): string {
  let out = parsed.text[0] as string;
  parsed.names.forEach((n, k) => {
    out += params[n] === null ? 'NULL' : placeholder(n);
    out += parsed.text[k + 1] as string;
  });
  return out;
}
