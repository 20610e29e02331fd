import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { INestApplicationContext } from '@nestjs/common';
import type { Warehouse } from '@adrank/warehouse';
import { parseArgs, UsageError, USAGE } from './cli';
import { KeywordsCommand } from './commands/keywords.command';
import { RelatedCommand } from './commands/related.command';
import { ScheduleCommand } from './commands/schedule.command';
import { SyncCommand, type SyncResult } from './commands/sync.command';
import { ConfigError, loadConfig } from './config';
import { resolveNaverSecret } from './naver-secret';
import { EtlModule } from './etl.module';
import type { Reporter } from '@adrank/job';
import { WAREHOUSE } from './tokens';

export interface CliIo {
  env?: Record<string, string | undefined>;
  out?: (line: string) => void;
  err?: (line: string) => void;
  reporter?: Reporter;
}

export interface CliOutcome {
  code: number;
  result?: unknown;
  /** Long-running mode: the HTTP app and a stop function. */
  server?: { url: string; stop(): Promise<void>; schedule: ScheduleCommand };
}

/** The whole CLI, callable in-process (tests) or from main.ts. */
export async function runCli(argv: readonly string[], io: CliIo = {}): Promise<CliOutcome> {
  const out = io.out ?? ((l: string) => process.stdout.write(l + '\n'));
  const err = io.err ?? ((l: string) => process.stderr.write(l + '\n'));
  let args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      err(`etl: ${e.message}\n\n${USAGE}`);
      return { code: 2 };
    }
    throw e;
  }
  if (args.command === 'help') {
    out(USAGE);
    return { code: 0 };
  }
  let config;
  try {
    config = loadConfig(io.env ?? process.env);
    await resolveNaverSecret(config, io.env ?? process.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      err(`etl: ${e.message}`);
      return { code: 2 };
    }
    throw e;
  }
  const moduleOptions = { config, ...(io.reporter ? { reporter: io.reporter } : {}) };

  if (args.command === 'schedule') {
    const customers = args.customers.length > 0 ? args.customers : (config.ADRANK_CUSTOMER_IDS ?? []);
    if (customers.length === 0) {
      err('etl: schedule needs --customer or ADRANK_CUSTOMER_IDS');
      return { code: 2 };
    }
    const app = await NestFactory.create<NestFastifyApplication>(
      EtlModule.forRoot({ ...moduleOptions, http: true }),
      new FastifyAdapter(),
      {
        logger: false,
        abortOnError: false,
      },
    );
    await app.listen(config.ETL_HEALTH_PORT, process.env['ETL_HEALTH_HOST'] ?? '0.0.0.0');
    const schedule = app.get(ScheduleCommand);
    schedule.start(customers, args.runNow);
    const url = await app.getUrl();
    const stop = async (): Promise<void> => {
      await schedule.stop();
      await app.get<Warehouse>(WAREHOUSE).close();
      await app.close();
    };
    return { code: 0, server: { url, stop, schedule } };
  }

  const ctx: INestApplicationContext = await NestFactory.createApplicationContext(EtlModule.forRoot(moduleOptions), {
    logger: false,
    abortOnError: false,
  });
  const warehouse = ctx.get<Warehouse>(WAREHOUSE);
  try {
    switch (args.command) {
      case 'migrate': {
        const applied = await warehouse.migrate();
        out(JSON.stringify({ migrationsApplied: applied }));
        return { code: 0, result: applied };
      }
      case 'sync': {
        const r = await ctx.get(SyncCommand).run(args);
        out(JSON.stringify(summary(r)));
        if (r.failed.length > 0) {
          err(
            `etl: ${r.failed.length} partition(s) failed:\n${r.failed.map((f) => `  ${f.report} ${f.date}: ${f.error}`).join('\n')}`,
          );
          return { code: 1, result: r };
        }
        return { code: 0, result: r };
      }
      case 'keywords': {
        const r = await ctx.get(KeywordsCommand).run(args);
        out(JSON.stringify(r));
        return { code: 0, result: r };
      }
      case 'related': {
        const r = await ctx.get(RelatedCommand).run(args);
        out(JSON.stringify(r));
        return { code: 0, result: r };
      }
      case 'daily': {
        const customers = args.customers.length > 0 ? args.customers : (config.ADRANK_CUSTOMER_IDS ?? []);
        if (customers.length === 0) {
          err('etl: daily needs --customer or ADRANK_CUSTOMER_IDS');
          return { code: 2 };
        }
        const failed = await ctx.get(ScheduleCommand).runOnce(customers, args.days);
        out(JSON.stringify({ customers, days: args.days, failedPartitions: failed }));
        if (failed.length > 0) {
          err(`etl: ${failed.length} partition(s) failed:\n${failed.map((f) => `  ${f}`).join('\n')}`);
          return { code: 1, result: failed };
        }
        return { code: 0, result: failed };
      }
    }
  } catch (e) {
    err(`etl: ${args.command} failed: ${(e as Error).message}`);
    return { code: 1 };
  } finally {
    await warehouse.close();
    await ctx.close();
  }
}

function summary(r: SyncResult): Record<string, unknown> {
  const count = (s: string) => r.partitions.filter((p) => p.status === s).length;
  return {
    runId: r.runId,
    partitions: { loaded: count('loaded'), none: count('none'), skipped: count('skipped'), failed: count('failed') },
    rowsByTable: r.rowsByTable,
    retries: r.retries,
    durationMs: r.durationMs,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}
