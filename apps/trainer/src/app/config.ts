import 'reflect-metadata';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsNumber, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { envNumber as num, loadEnvConfig } from '@adrank/job';
import { warehouseEnvProblems } from '@adrank/warehouse';

/**
 * The trainer's configuration from the environment, validated at boot (every bad variable is named). Flags of
 * `trainer train` override the defaults they correspond to. Warehouse variables are those of `@adrank/warehouse`
 * (`ADRANK_WAREHOUSE`, `ADRANK_DUCKDB_PATH`, `REDSHIFT_*`), checked only when the warehouse is the source.
 */
export class TrainerConfig {
  /** Where bundles are published and the current one is read: a directory, file:///dir or s3://bucket/prefix. */
  @IsString()
  ADRANK_MODEL_STORE = '.adrank/models/lgbm';

  /** Scratch space: the bundle being built, the current bundle's download, the status file by default. */
  @IsString()
  TRAINER_WORK_DIR = '.adrank/trainer';

  /** JSON status of the last run (a CronJob's alerting reads it); default <TRAINER_WORK_DIR>/status.json. */
  @IsOptional()
  @IsString()
  TRAINER_STATUS_FILE?: string;

  /** json (one object per line), tty (progress bars), auto (tty when stderr is a terminal). */
  @IsIn(['auto', 'json', 'tty'], { message: 'TRAINER_LOG_FORMAT must be auto, json or tty' })
  TRAINER_LOG_FORMAT: 'auto' | 'json' | 'tty' = 'auto';

  /** Same-holdout gate: a headline metric may be at most this fraction worse than the current bundle's. */
  @Transform(num)
  @IsNumber({}, { message: 'TRAINER_GATE_TOLERANCE must be a number' })
  @Min(0)
  @Max(1)
  TRAINER_GATE_TOLERANCE = 0.01;

  /**
   * Drift gate: a headline metric may be at most this fraction worse than the current bundle's recorded holdout
   * metrics (another holdout window, hence looser).
   */
  @Transform(num)
  @IsNumber({}, { message: 'TRAINER_GATE_DRIFT_TOLERANCE must be a number' })
  @Min(0)
  @Max(1)
  TRAINER_GATE_DRIFT_TOLERANCE = 0.1;

  /** Validation: the least rows and distinct search terms worth training on. */
  @Transform(num)
  @IsInt({ message: 'TRAINER_MIN_ROWS must be an integer' })
  @Min(1)
  TRAINER_MIN_ROWS = 1000;

  @Transform(num)
  @IsInt({ message: 'TRAINER_MIN_QUERIES must be an integer' })
  @Min(1)
  TRAINER_MIN_QUERIES = 20;

  /** Default embedder: lexical, or transformers:<dir | s3://… | hub id>. */
  @Matches(/^(lexical|transformers:\S+)$/, { message: 'ADRANK_EMBEDDER must be lexical or transformers:<model>' })
  ADRANK_EMBEDDER = 'lexical';

  /** Recorded in the manifest (source_revision); CI sets it from git. */
  @IsOptional()
  @IsString()
  ADRANK_SOURCE_REVISION?: string;

  @IsOptional()
  @Matches(/^https?:\/\/\S+$/, { message: 'S3_ENDPOINT must be an http(s) URL' })
  S3_ENDPOINT?: string;

  @IsOptional()
  @IsString()
  AWS_REGION?: string;

  /** Every variable as given (the warehouse reads its own). */
  env: Record<string, string | undefined> = {};

  get statusFile(): string {
    return this.TRAINER_STATUS_FILE ?? `${this.TRAINER_WORK_DIR}/status.json`;
  }

  /** SDK settings for s3:// stores and sources. */
  get s3(): { region?: string; endpoint?: string; forcePathStyle?: boolean } {
    return {
      ...(this.AWS_REGION ? { region: this.AWS_REGION } : {}),
      ...(this.S3_ENDPOINT ? { endpoint: this.S3_ENDPOINT, forcePathStyle: true } : {}),
    };
  }
}

export { ConfigError } from '@adrank/job';

/** Reads and validates the environment (the warehouse's variables too when it is the source); ConfigError names every bad one. */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  options: { warehouse?: boolean } = {},
): TrainerConfig {
  const cfg = loadEnvConfig(TrainerConfig, env, options.warehouse ? warehouseEnvProblems(env) : []);
  cfg.env = { ...env };
  return cfg;
}
