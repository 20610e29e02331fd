import type { EngineName } from '@adrank/lightgbm';

export const USAGE = `usage: trainer train [options]
  --source warehouse|file:PATH|s3://bucket/key   data (default warehouse; PATH: CSV/Parquet file or directory)
  --window-days N      days of training rows, holdout included (default 56)
  --holdout-days N     last days held out for evaluation (default 7)
  --valid-days N       days before the holdout used for early stopping (default 7)
  --history-days N     trailing window of the history features (default 28)
  --end-date YYYY-MM-DD  last day (default: the latest day in the source)
  --engine auto|native|builtin   LightGBM engine (default auto: native when lib_lightgbm.so is found)
  --embedder lexical|transformers:MODEL   (default $ADRANK_EMBEDDER or lexical)
  --store URL          model store: directory, file:///dir or s3://bucket/prefix (default $ADRANK_MODEL_STORE)
  --params FILE        parameter file (default params/v1.json: the seed's settings)
  --publish            publish the bundle when the gate passes
  --force              publish even when the gate holds (recorded in the manifest)

exit codes: 0 published, held by the gate, or trained without --publish (see the status file);
            1 the job failed; 2 usage or configuration; 3 the data failed validation`;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface TrainArgs {
  command: 'train';
  source: string;
  windowDays: number;
  holdoutDays: number;
  validDays: number;
  historyDays: number;
  endDate?: string | undefined;
  engine: EngineName;
  embedder?: string | undefined;
  store?: string | undefined;
  params?: string | undefined;
  publish: boolean;
  force: boolean;
}

export type Args = TrainArgs | { command: 'help' };

/** Parses argv; a UsageError names the bad flag or value. */
export function parseArgs(argv: readonly string[]): Args {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h')
    return { command: 'help' };
  if (command !== 'train') throw new UsageError(`unknown command "${command}"`);
  const a: TrainArgs = {
    command: 'train',
    source: 'warehouse',
    windowDays: 56,
    holdoutDays: 7,
    validDays: 7,
    historyDays: 28,
    engine: 'auto',
    publish: false,
    force: false,
  };
  const int = (flag: string, v: string, min: number, max: number): number => {
    if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max)
      throw new UsageError(`${flag} must be an integer from ${min} to ${max} (got "${v}")`);
    return Number(v);
  };
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i] as string;
    const [name, inline] = flag.includes('=')
      ? [flag.slice(0, flag.indexOf('=')), flag.slice(flag.indexOf('=') + 1)]
      : [flag, undefined];
    const value = (): string => {
      const v = inline ?? rest[++i];
      if (v === undefined || (inline === undefined && v.startsWith('--')))
        throw new UsageError(`${name} needs a value`);
      return v;
    };
    switch (name) {
      case '--source': {
        const v = value();
        if (v !== 'warehouse' && !/^file:.+/.test(v) && !/^s3:\/\/[^/]+\/.*/.test(v))
          throw new UsageError(`--source must be warehouse, file:PATH or s3://bucket/key (got "${v}")`);
        a.source = v;
        break;
      }
      case '--window-days':
        a.windowDays = int(name, value(), 3, 3650);
        break;
      case '--holdout-days':
        a.holdoutDays = int(name, value(), 1, 365);
        break;
      case '--valid-days':
        a.validDays = int(name, value(), 1, 365);
        break;
      case '--history-days':
        a.historyDays = int(name, value(), 1, 365);
        break;
      case '--end-date': {
        const v = value();
        if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`)))
          throw new UsageError(`--end-date must be YYYY-MM-DD (got "${v}")`);
        a.endDate = v;
        break;
      }
      case '--engine': {
        const v = value();
        if (!['auto', 'native', 'builtin'].includes(v))
          throw new UsageError(`--engine must be auto, native or builtin (got "${v}")`);
        a.engine = v as EngineName;
        break;
      }
      case '--embedder': {
        const v = value();
        if (v !== 'lexical' && !/^transformers:\S+$/.test(v))
          throw new UsageError(`--embedder must be lexical or transformers:MODEL (got "${v}")`);
        a.embedder = v;
        break;
      }
      case '--store':
        a.store = value();
        break;
      case '--params':
        a.params = value();
        break;
      case '--publish':
        a.publish = true;
        break;
      case '--force':
        a.force = true;
        break;
      default:
        throw new UsageError(`unknown flag "${name}"`);
    }
  }
  if (a.holdoutDays + a.validDays >= a.windowDays)
    throw new UsageError(
      `--holdout-days (${a.holdoutDays}) + --valid-days (${a.validDays}) must leave training days in --window-days (${a.windowDays})`,
    );
  if (a.force && !a.publish) throw new UsageError('--force only makes sense with --publish');
  return a;
}
