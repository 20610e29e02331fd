#!/usr/bin/env node
// The trainer's entry point: `trainer train …` (see app/cli.ts for usage and exit codes). Run as a Kubernetes CronJob.
import { runCli } from './app/run-cli';

runCli(process.argv.slice(2))
  .then(({ code }) => {
    process.exitCode = code;
  })
  .catch((e: unknown) => {
    process.stderr.write(`trainer: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 1;
  });
