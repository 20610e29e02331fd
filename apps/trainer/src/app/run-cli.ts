import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { Reporter } from '@adrank/job';
import { parseArgs, UsageError, USAGE } from './cli';
import { ConfigError, loadConfig } from './config';
import { TrainCommand, type TrainOutcome } from './train.command';
import { TrainerModule } from './trainer.module';

export interface CliIo {
  env?: Record<string, string | undefined>;
  out?: (line: string) => void;
  err?: (line: string) => void;
  reporter?: Reporter;
}

export const EXIT = { ok: 0, failed: 1, usage: 2, invalidData: 3 } as const;

/** The whole CLI, callable in-process (tests) or from main.ts. */
export async function runCli(
  argv: readonly string[],
  io: CliIo = {},
): Promise<{ code: number; outcome?: TrainOutcome }> {
  const out = io.out ?? ((l: string) => process.stdout.write(l + '\n'));
  const err = io.err ?? ((l: string) => process.stderr.write(l + '\n'));
  let args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      err(`trainer: ${e.message}\n\n${USAGE}`);
      return { code: EXIT.usage };
    }
    throw e;
  }
  if (args.command === 'help') {
    out(USAGE);
    return { code: EXIT.ok };
  }
  let config;
  try {
    config = loadConfig(io.env ?? process.env, { warehouse: args.source === 'warehouse' });
  } catch (e) {
    if (e instanceof ConfigError) {
      err(`trainer: ${e.message}`);
      return { code: EXIT.usage };
    }
    throw e;
  }
  const ctx = await NestFactory.createApplicationContext(
    TrainerModule.forRoot({ config, ...(io.reporter ? { reporter: io.reporter } : {}) }),
    { logger: false, abortOnError: false },
  );
  try {
    const outcome = await ctx.get(TrainCommand).run(args);
    out(
      JSON.stringify({
        status: outcome.status,
        version: outcome.version,
        ...(outcome.gate ? { gate: outcome.gate.summary } : {}),
        ...(outcome.error ? { error: outcome.error } : {}),
        bundleDir: outcome.bundleDir,
        ...outcome.steps,
      }),
    );
    const code =
      outcome.status === 'failed' ? EXIT.failed : outcome.status === 'invalid-data' ? EXIT.invalidData : EXIT.ok;
    return { code, outcome };
  } finally {
    await ctx.close();
  }
}
