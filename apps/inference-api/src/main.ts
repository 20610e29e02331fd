#!/usr/bin/env node
// The inference API's entry point: config from the environment (see app/config.ts), models from ADRANK_MODEL_STORE.
import { ConfigError, loadConfig } from './app/config';
import { startApi } from './app/server';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`inference-api: ${e.message}\n`);
      process.exitCode = 2;
      return;
    }
    throw e;
  }
  const api = await startApi(config, { waitForModel: false });
  process.stderr.write(
    `${JSON.stringify({ time: new Date().toISOString(), level: 'info', msg: 'listening', url: api.url })}\n`,
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`inference-api: ${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
});
