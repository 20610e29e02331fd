import 'reflect-metadata';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { envNumber as int, loadEnvConfig } from '@adrank/job';

/** The API's configuration from the environment, validated at boot; every bad variable is named. */
export class ApiConfig {
  /** Model store: a directory, file:///dir or s3://bucket/prefix. */
  @IsString()
  ADRANK_MODEL_STORE = '.adrank/models/lgbm';

  /** Local cache of verified bundles (and the fallback when the store is unreachable at start). */
  @IsString()
  MODEL_CACHE_DIR = '.adrank/api-cache';

  /** Pointer poll interval (ms); 0 = reload only through POST /admin/reload. */
  @Transform(int)
  @IsInt({ message: 'MODEL_POLL_MS must be an integer' })
  @Min(0)
  MODEL_POLL_MS = 60_000;

  @Transform(int)
  @IsInt({ message: 'API_PORT must be an integer' })
  @Min(0)
  @Max(65535)
  API_PORT = 8080;

  @IsString()
  API_HOST = '0.0.0.0';

  /** Bearer token for the prediction routes (unset = open). */
  @IsOptional()
  @MinLength(16, { message: 'API_TOKEN must be at least 16 characters' })
  API_TOKEN?: string;

  /** Bearer token for /admin routes (unset = admin routes refuse every request). */
  @IsOptional()
  @MinLength(16, { message: 'ADMIN_TOKEN must be at least 16 characters' })
  ADMIN_TOKEN?: string;

  /** Nearest keywords retrieved for a /rank without candidates. */
  @Transform(int)
  @IsInt({ message: 'RANK_RETRIEVE_K must be an integer' })
  @Min(1)
  @Max(1000)
  RANK_RETRIEVE_K = 100;

  @Transform(int)
  @IsInt({ message: 'MAX_CANDIDATES must be an integer' })
  @Min(1)
  @Max(10_000)
  MAX_CANDIDATES = 1000;

  @Transform(int)
  @IsInt({ message: 'MAX_INSTANCES must be an integer' })
  @Min(1)
  @Max(100_000)
  MAX_INSTANCES = 10_000;

  /**
   * Memory for per-keyword split states of the keyword and pair features (MiB per loaded bundle; 0 = off), taken in the
   * predictors' WebAssembly memories when the bundle loads. A /rank over cached keywords evaluates only the splits on
   * the similarity and the request's context. At most 4,096: one model's share must fit a 4 GiB WebAssembly memory.
   */
  @Transform(int)
  @IsInt({ message: 'KEYWORD_STATE_CACHE_MB must be an integer' })
  @Min(0)
  @Max(4_096)
  KEYWORD_STATE_CACHE_MB = 64;

  /** Request body limit (bytes). */
  @Transform(int)
  @IsInt({ message: 'BODY_LIMIT_BYTES must be an integer' })
  @Min(1024)
  BODY_LIMIT_BYTES = 4 * 1024 * 1024;

  /** One JSON line per request on stderr (request id, route, method, status, latency, model version; no payloads). */
  @IsIn(['true', 'false'], { message: 'LOG_REQUESTS must be true or false' })
  LOG_REQUESTS: 'true' | 'false' = 'true';

  /** SIGTERM: readiness turns 503 at once; the server stops accepting after this long, then drains in-flight requests. */
  @Transform(int)
  @IsInt({ message: 'SHUTDOWN_DELAY_MS must be an integer' })
  @Min(0)
  SHUTDOWN_DELAY_MS = 5000;

  /** lexical (default) or transformers:<model> — must be the bundle's embedder. */
  @Matches(/^(lexical|transformers:\S+)$/, { message: 'ADRANK_EMBEDDER must be lexical or transformers:<model>' })
  ADRANK_EMBEDDER = 'lexical';

  @IsOptional()
  @Matches(/^https?:\/\/\S+$/, { message: 'S3_ENDPOINT must be an http(s) URL' })
  S3_ENDPOINT?: string;

  @IsOptional()
  @IsString()
  AWS_REGION?: string;
}

export { ConfigError } from '@adrank/job';

/** Reads and validates the environment; ConfigError names every bad variable (tokens shown as ***). */
export function loadConfig(env: Record<string, string | undefined> = process.env): ApiConfig {
  return loadEnvConfig(ApiConfig, env);
}
