#!/usr/bin/env node
// The ETL's entry point: `etl <command> …` (see app/cli.ts for usage). Long-running `schedule` keeps serving /health
// until SIGTERM/SIGINT.
import { runCli } from './app/run-cli';

runCli(process.argv.slice(2))
  .then((outcome) => {
    if (outcome.server) {
      const stop = (): void => {
        void outcome.server?.stop().then(() => process.exit(0));
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
      return;
    }
    process.exitCode = outcome.code;
  })
  .catch((e: unknown) => {
    process.stderr.write(`etl: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 1;
  });
