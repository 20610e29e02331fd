import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** class-transformer `@Transform`: an environment string that is a number becomes that number. */
export const envNumber = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;

/** class-transformer `@Transform`: a comma-separated environment string becomes its non-empty trimmed items. */
export const envList = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '')
    : value;

/** Names of secrets: SECRET, PASSWORD, TOKEN anywhere; KEY as a whole `_`-separated word (API_KEY, not KEYWORD_…). */
const SECRET = /SECRET|PASSWORD|TOKEN|(^|_)KEY(_|$)/i;

/**
 * An app's configuration from the environment: the variables named by the class's fields (empty ones count as
 * unset) are validated by its class-validator decorators; every problem — with `extraProblems` — goes into one
 * ConfigError, each line naming the variable and the value given (secrets shown as ***).
 */
export function loadEnvConfig<T extends object>(
  cls: new () => T,
  env: Record<string, string | undefined>,
  extraProblems: readonly string[] = [],
): T {
  const known = new Set(Object.keys(new cls()));
  const plain: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '' && known.has(k)) plain[k] = v;
  const cfg = plainToInstance(cls, plain);
  const lines = validateSync(cfg).flatMap((e) =>
    Object.values(e.constraints ?? {}).map(
      (m) => `  - ${m} (got ${SECRET.test(e.property) && e.value !== undefined ? '***' : JSON.stringify(e.value)})`,
    ),
  );
  lines.push(...extraProblems.map((p) => `  - ${p}`));
  if (lines.length > 0) throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  return cfg;
}
