/** Shared by the benchmark scripts: number formatting, plain-text tables, and re-running a script in a fresh process. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** A table with the first column left-aligned and the others right-aligned. */
export function table(headers: string[], rows: string[][]): string {
  const w = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(w[i] as number) : c.padStart(w[i] as number))).join('  ');
  return [line(headers), w.map((x) => '-'.repeat(x)).join('  '), ...rows.map(line)].join('\n');
}

/**
 * Runs the TypeScript script `file` in a fresh Node process (same Node flags, plus `nodeArgs`) with `args`, and parses the JSON on the
 * last line of its standard output. Its standard error passes through.
 */
export function runFresh<T>(file: string, args: string[], nodeArgs: string[] = []): T {
  const out = execFileSync(
    process.execPath,
    [...process.execArgv, ...nodeArgs, join(__dirname, '..', 'scripts', 'ts-run.cjs'), file, ...args],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return JSON.parse(out.trim().split('\n').pop() as string) as T;
}
