import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import type { ApiConfig } from './config';
import { ErrorFilter } from './error.filter';
import { MetricsService } from './metrics.service';
import { ModelsService } from './models.service';

export interface RunningApi {
  app: NestFastifyApplication;
  url: string;
  models: ModelsService;
  close(): Promise<void>;
}

/**
 * Builds and starts the API: Fastify with the body limit, the error filter, the model registry started (ready when a
 * verified bundle is active — `/health/ready` says so; prediction routes answer 503 until then), then listening.
 */
export async function startApi(config: ApiConfig, options: { waitForModel?: boolean } = {}): Promise<RunningApi> {
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config),
    new FastifyAdapter({ bodyLimit: config.BODY_LIMIT_BYTES }),
    { logger: false, abortOnError: false },
  );
  app.useGlobalFilters(new ErrorFilter());
  app.enableShutdownHooks();
  const models = app.get(ModelsService);
  const metrics = app.get(MetricsService);
  // every response, errors included, by its route pattern (unmatched URLs count as one route)
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onResponse', (req, reply, done) => {
      metrics.observeRequest(
        req.routeOptions.url ?? 'unmatched',
        req.method,
        reply.statusCode,
        reply.elapsedTime / 1000,
      );
      done();
    });
  const started = models.registry.start();
  if (options.waitForModel ?? true) await started;
  else started.catch((e: unknown) => process.stderr.write(`inference-api: model load: ${(e as Error).message}\n`));
  await app.listen(config.API_PORT, config.API_HOST);
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return { app, url, models, close: () => app.close() };
}
