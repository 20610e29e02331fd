import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { AppModule } from './app.module';
import type { ApiConfig } from './config';
import { ErrorFilter } from './error.filter';
import { MetricsService } from './metrics.service';
import { ModelsService } from './models.service';

/** The OpenAPI 3 document of the running app's routes (controllers + DTOs in dto.ts). */
export function openApiDocument(app: NestFastifyApplication): OpenAPIObject {
  return SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('adrank inference API')
      .setDescription(
        'Ranks advertising keywords for a search term and predicts CTR and conversion probability with the LightGBM models of the active bundle. Errors are `{ "error": message, "statusCode": n }`.',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
}

export interface RunningApi {
  app: NestFastifyApplication;
  url: string;
  models: ModelsService;
  close(): Promise<void>;
  /** Graceful stop: readiness 503 now, stop accepting after `delayMs`, let in-flight requests finish, close. */
  shutdown(delayMs: number): Promise<void>;
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
  // GET /docs: Swagger UI over the OpenAPI document built from the controllers and DTOs (JSON: /docs/openapi.json)
  SwaggerModule.setup('docs', app, () => openApiDocument(app), {
    jsonDocumentUrl: 'docs/openapi.json',
    yamlDocumentUrl: 'docs/openapi.yaml',
  });
  const models = app.get(ModelsService);
  const metrics = app.get(MetricsService);
  // every response, errors included, by its route pattern (unmatched URLs count as one route)
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onResponse', (req, reply, done) => {
      const route = req.routeOptions.url ?? 'unmatched';
      metrics.observeRequest(route, req.method, reply.statusCode, reply.elapsedTime / 1000);
      if (config.LOG_REQUESTS === 'true')
        process.stderr.write(
          JSON.stringify({
            time: new Date().toISOString(),
            level: reply.statusCode >= 500 ? 'error' : 'info',
            msg: 'request',
            req_id: req.id,
            route,
            method: req.method,
            status: reply.statusCode,
            ms: Math.round(reply.elapsedTime * 1000) / 1000,
            model_version: models.registry.status().activeVersion,
          }) + '\n',
        );
      done();
    });
  const started = models.registry.start();
  if (options.waitForModel ?? true) await started;
  else started.catch((e: unknown) => process.stderr.write(`inference-api: model load: ${(e as Error).message}\n`));
  await app.listen(config.API_PORT, config.API_HOST);
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const close = () => app.close();
  const shutdown = async (delayMs: number): Promise<void> => {
    models.draining = true;
    await new Promise((r) => setTimeout(r, delayMs));
    await close(); // Fastify stops accepting, closes idle keep-alive connections, lets in-flight requests finish
  };
  return { app, url, models, close, shutdown };
}
