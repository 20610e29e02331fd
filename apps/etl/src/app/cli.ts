import { REPORT_TYPES, type ReportType } from '@adrank/naver-ads';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const USAGE = `adrank ETL: Naver Search Ads → data lake → warehouse

Usage:
  etl sync --customer ID --from YYYY-MM-DD --to YYYY-MM-DD [--reports AD_DETAIL,AD_CONVERSION_DETAIL] [--force]
  etl keywords --customer ID
  etl related --customer ID [--given-words-file FILE] [--hints-per-call 1..5]
  etl schedule [--customer ID[,ID…]] [--run-now]
  etl daily [--customer ID[,ID…]] [--days 1..31]
  etl migrate

Configuration comes from the environment (see apps/etl/README.md). Exit codes: 0 done, 1 some partitions failed
(listed), 2 bad usage or configuration.`;

export interface SyncArgs {
  command: 'sync';
  customer: string;
  from: string;
  to: string;
  reports: ReportType[];
  force: boolean;
}
export interface KeywordsArgs {
  command: 'keywords';
  customer: string;
}
export interface RelatedArgs {
  command: 'related';
  customer: string;
  givenWordsFile?: string;
  hintsPerCall: number;
}
export interface ScheduleArgs {
  command: 'schedule';
  customers: string[];
  runNow: boolean;
}
/** The scheduled job once (a Kubernetes CronJob): the last `days` days up to yesterday (KST), then the keywords. */
export interface DailyArgs {
  command: 'daily';
  customers: string[];
  days: number;
}
export type EtlArgs =
  SyncArgs | KeywordsArgs | RelatedArgs | ScheduleArgs | DailyArgs | { command: 'migrate' } | { command: 'help' };

const FLAGS: Record<string, { boolean?: boolean }> = {
  customer: {},
  from: {},
  to: {},
  reports: {},
  force: { boolean: true },
  'given-words-file': {},
  'hints-per-call': {},
  'run-now': { boolean: true },
  days: {},
  help: { boolean: true },
};

const ALLOWED: Record<string, string[]> = {
  sync: ['customer', 'from', 'to', 'reports', 'force'],
  keywords: ['customer'],
  related: ['customer', 'given-words-file', 'hints-per-call'],
  schedule: ['customer', 'run-now'],
  daily: ['customer', 'days'],
  migrate: [],
};

function isDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** Parses `etl <command> --flag value …`; every problem is a UsageError that names the flag. */
export function parseArgs(argv: readonly string[]): EtlArgs {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h')
    return { command: 'help' };
  if (!(command in ALLOWED))
    throw new UsageError(`unknown command "${command}" (sync, keywords, related, schedule, daily, migrate)`);
  const flags: Record<string, string | boolean> = {};
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i] as string;
    if (!a.startsWith('--')) throw new UsageError(`unexpected argument "${a}"`);
    const [name, inline] = a.slice(2).split('=', 2) as [string, string | undefined];
    const spec = FLAGS[name];
    if (spec === undefined || !(ALLOWED[command] as string[]).includes(name)) {
      throw new UsageError(
        `${command} does not take --${name} (it takes ${(ALLOWED[command] as string[]).map((f) => `--${f}`).join(', ') || 'no flags'})`,
      );
    }
    if (spec.boolean) flags[name] = true;
    else {
      const v = inline ?? rest[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`--${name} needs a value`);
      flags[name] = v;
    }
  }
  const customer = (): string => {
    const c = flags['customer'];
    if (typeof c !== 'string') throw new UsageError('--customer is required');
    if (!/^\d+$/.test(c)) throw new UsageError(`--customer must be a numeric customer id, got "${c}"`);
    return c;
  };
  switch (command) {
    case 'sync': {
      const from = flags['from'];
      const to = flags['to'];
      if (typeof from !== 'string' || !isDate(from))
        throw new UsageError(`--from must be a date YYYY-MM-DD, got ${JSON.stringify(from ?? null)}`);
      if (typeof to !== 'string' || !isDate(to))
        throw new UsageError(`--to must be a date YYYY-MM-DD, got ${JSON.stringify(to ?? null)}`);
      if (from > to) throw new UsageError(`--from ${from} is after --to ${to}`);
      const days = (Date.parse(to) - Date.parse(from)) / 86_400_000 + 1;
      if (days > 366) throw new UsageError(`--from … --to spans ${days} days; at most 366 per run`);
      const reportsRaw = typeof flags['reports'] === 'string' ? flags['reports'] : 'AD_DETAIL,AD_CONVERSION_DETAIL';
      const reports = reportsRaw
        .split(',')
        .map((r) => r.trim().toUpperCase())
        .filter((r) => r !== '');
      const bad = reports.filter((r) => !(REPORT_TYPES as readonly string[]).includes(r));
      if (bad.length > 0 || reports.length === 0)
        throw new UsageError(
          `--reports: unknown report type(s) ${bad.join(', ') || '(none given)'}; known: ${REPORT_TYPES.join(', ')}`,
        );
      return {
        command,
        customer: customer(),
        from,
        to,
        reports: [...new Set(reports)] as ReportType[],
        force: flags['force'] === true,
      };
    }
    case 'keywords':
      return { command, customer: customer() };
    case 'related': {
      const h = flags['hints-per-call'] ?? '1';
      const hintsPerCall = Number(h);
      if (!Number.isInteger(hintsPerCall) || hintsPerCall < 1 || hintsPerCall > 5)
        throw new UsageError(`--hints-per-call must be 1..5, got ${String(h)}`);
      const file = flags['given-words-file'];
      return {
        command,
        customer: customer(),
        hintsPerCall,
        ...(typeof file === 'string' ? { givenWordsFile: file } : {}),
      };
    }
    case 'schedule':
      return { command, customers: customerList(flags['customer']), runNow: flags['run-now'] === true };
    case 'daily': {
      const d = flags['days'] ?? '3';
      const days = Number(d);
      if (!Number.isInteger(days) || days < 1 || days > 31)
        throw new UsageError(`--days must be 1..31, got ${String(d)}`);
      return { command, customers: customerList(flags['customer']), days };
    }
    default:
      return { command: 'migrate' };
  }
}

function customerList(c: unknown): string[] {
  const customers = typeof c === 'string' ? c.split(',').map((s) => s.trim()) : [];
  const bad = customers.filter((x) => !/^\d+$/.test(x));
  if (bad.length > 0) throw new UsageError(`--customer must be numeric customer ids, got ${bad.join(', ')}`);
  return customers;
}

/** Dates from `from` to `to` inclusive (YYYY-MM-DD). */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

/** Yesterday in KST (the day whose reports are final after ~04:00 KST). */
export function yesterdayKst(now = new Date()): string {
  return new Date(now.getTime() + 9 * 3_600_000 - 86_400_000).toISOString().slice(0, 10);
}
