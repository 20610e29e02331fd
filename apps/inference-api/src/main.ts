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
  const log = (msg: string, fields: Record<string, unknown> = {}): void => {
    process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'info', msg, ...fields })}\n`);
  };
  log('listening', { url: api.url });
  const stop = (signal: string): void => {
    log('shutting down', { signal, delayMs: config.SHUTDOWN_DELAY_MS });
    api
      .shutdown(config.SHUTDOWN_DELAY_MS)
      .then(() => {
        log('stopped');
        process.exit(0);
      })
      .catch((e: unknown) => {
        process.stderr.write(`inference-api: shutdown: ${(e as Error).message}\n`);
        process.exit(1);
      });
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((e: unknown) => {
  process.stderr.write(`inference-api: ${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
});
