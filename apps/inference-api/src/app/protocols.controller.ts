import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ApiConfig } from './config';
import { AUTH_HEADER } from './dto';
import { MetricsService } from './metrics.service';
import { ModelsService } from './models.service';
import { MODEL_FILES, type ModelName } from './serving/serving-model';
import { API_CONFIG } from './tokens';
import { ApiError, checkToken } from './validate';

const NAMES = Object.keys(MODEL_FILES) as ModelName[];

function modelName(name: string): ModelName {
  if (!(NAMES as string[]).includes(name))
    throw new ApiError(404, `unknown model "${name}" (models: ${NAMES.join(', ')})`);
  return name as ModelName;
}

/**
 * Standard serving protocols over the same models, so existing tooling works: TF-Serving-style model status
 * (`/v1/models`) and the Open Inference Protocol, KServe V2 (`/v2/health/*`, `/v2/models/{name}[/ready]`,
 * `POST /v2/models/{name}/infer` with one FP32/FP64 `[N, n_features]` tensor in the schema's feature order). Errors are
 * `{"error": …}` bodies with the status, as both protocols expect.
 */
@ApiTags('standard protocols (TF-Serving status, KServe V2)')
@Controller()
export class ProtocolsController {
  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(ModelsService) private readonly models: ModelsService,
    @Inject(MetricsService) private readonly metrics: MetricsService,
  ) {}

  @Get('v1/models')
  @ApiOperation({ summary: 'TF-Serving style: the models and their state' })
  v1List() {
    const s = this.models.registry.status();
    return {
      models: NAMES.map((name) => ({ name, version: s.activeVersion, state: s.ready ? 'AVAILABLE' : 'LOADING' })),
    };
  }

  @Get('v1/models/:name')
  @ApiOperation({ summary: 'TF-Serving style model version status (ctr, conversion, ranker)' })
  v1Status(@Param('name') name: string) {
    modelName(name);
    const s = this.models.registry.status();
    return {
      model_version_status: [
        {
          version: s.activeVersion ?? '',
          state: s.ready ? 'AVAILABLE' : 'LOADING',
          status: { error_code: s.lastError ? 'UNKNOWN' : 'OK', error_message: s.lastError ?? '' },
        },
      ],
    };
  }

  @Get('v2/health/live')
  @ApiOperation({ summary: 'Open Inference Protocol: server live' })
  v2Live() {
    return { live: true };
  }

  @Get('v2/health/ready')
  @ApiOperation({ summary: 'Open Inference Protocol: server ready' })
  v2Ready() {
    if (!this.models.registry.status().ready)
      throw new ApiError(503, 'no verified model bundle is active', { 'retry-after': '5' });
    return { ready: true };
  }

  @Get('v2/models/:name')
  @ApiOperation({ summary: 'Open Inference Protocol: model metadata (inputs, outputs, versions)' })
  v2Metadata(@Param('name') name: string) {
    const m = modelName(name);
    const active = this.models.active();
    return {
      name: m,
      versions: [active.version],
      platform: 'lightgbm',
      inputs: [{ name: 'input-0', datatype: 'FP64', shape: [-1, active.model.schema.width] }],
      outputs: [{ name: 'predict', datatype: 'FP64', shape: [-1] }],
      parameters: { feature_names: active.model.schema.names, feature_schema_hash: active.model.schema.hash },
    };
  }

  @Get('v2/models/:name/ready')
  @ApiOperation({ summary: 'Open Inference Protocol: model ready' })
  v2ModelReady(@Param('name') name: string) {
    const m = modelName(name);
    this.models.active();
    return { name: m, ready: true };
  }

  @Post('v2/models/:name/infer')
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiHeader(AUTH_HEADER)
  @ApiOperation({
    summary: 'Open Inference Protocol inference: one FP32/FP64 [N, n_features] tensor in the schema feature order',
  })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['inputs'],
      properties: {
        id: { type: 'string' },
        inputs: {
          type: 'array',
          minItems: 1,
          maxItems: 1,
          items: {
            type: 'object',
            required: ['name', 'shape', 'datatype', 'data'],
            properties: {
              name: { type: 'string' },
              shape: { type: 'array', items: { type: 'integer' }, example: [1, 23] },
              datatype: { type: 'string', enum: ['FP32', 'FP64'] },
              data: { type: 'array', items: { type: 'number', nullable: true } },
            },
          },
        },
      },
    },
  })
  v2Infer(@Param('name') name: string, @Body() body: unknown, @Headers('authorization') auth?: string) {
    checkToken(this.config.API_TOKEN, auth, false);
    const m = modelName(name);
    const active = this.models.active();
    const width = active.model.schema.width;
    const { rows, n, id } = parseInferRequest(body, width, this.config.MAX_INSTANCES);
    const scores = active.model.predictors[m].predict(rows, n, m === 'ranker' ? { raw: true } : {});
    this.metrics.observeScores(m, active.version, active.model.scoreDistribution, scores);
    return {
      model_name: m,
      model_version: active.version,
      ...(id !== undefined ? { id } : {}),
      outputs: [{ name: 'predict', datatype: 'FP64', shape: [n], data: Array.from(scores) }],
    };
  }
}

/** One `[N, width]` FP32/FP64 tensor, data flat (row-major) or nested. */
export function parseInferRequest(
  body: unknown,
  width: number,
  maxRows: number,
): { rows: Float64Array; n: number; id: string | undefined } {
  const bad = (m: string): never => {
    throw new ApiError(400, m);
  };
  if (typeof body !== 'object' || body === null || Array.isArray(body)) bad('body must be a JSON object');
  const o = body as Record<string, unknown>;
  if (o['id'] !== undefined && typeof o['id'] !== 'string') bad('id must be a string');
  const inputs = o['inputs'];
  if (!Array.isArray(inputs) || inputs.length !== 1) bad('inputs must be an array with exactly one tensor');
  const t = (inputs as unknown[])[0];
  if (typeof t !== 'object' || t === null || Array.isArray(t)) bad('inputs[0] must be a tensor object');
  const x = t as Record<string, unknown>;
  if (x['datatype'] !== 'FP32' && x['datatype'] !== 'FP64') bad('inputs[0].datatype must be FP32 or FP64');
  const shape = x['shape'];
  if (!Array.isArray(shape) || shape.length !== 2 || !shape.every((d) => Number.isInteger(d)))
    bad(`inputs[0].shape must be [N, ${width}]`);
  const [n, w] = shape as [number, number];
  if (w !== width) bad(`inputs[0].shape[1] must be ${width} (the model's features), got ${w}`);
  if (n < 1 || n > maxRows) bad(`inputs[0].shape[0] must be from 1 to ${maxRows}, got ${n}`);
  const data = x['data'];
  if (!Array.isArray(data)) bad('inputs[0].data must be an array');
  const flat = (data as unknown[]).flat(2);
  if (flat.length !== n * w) bad(`inputs[0].data has ${flat.length} values for shape [${n}, ${w}]`);
  const rows = new Float64Array(n * w);
  flat.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) bad(`inputs[0].data[${i}] must be a finite number`);
    rows[i] = x['datatype'] === 'FP32' ? Math.fround(v as number) : (v as number);
  });
  return { rows, n, id: o['id'] as string | undefined };
}
