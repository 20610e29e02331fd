import 'reflect-metadata';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, ValidateIf } from 'class-validator';
import { envList as list, envNumber as int, loadEnvConfig } from '@adrank/job';

/**
 * The ETL's configuration, read from the environment and validated at boot: a bad or missing variable stops the
 * process with a message naming it. Warehouse settings are required only for the warehouse in use, S3 settings only
 * for an s3:// data lake.
 */
export class EtlConfig {
  @ValidateIf((c: EtlConfig) => !c.NAVER_ADS_SECRET_ARN)
  @IsString({ message: 'NAVER_ADS_API_KEY is required (or NAVER_ADS_SECRET_ARN)' })
  NAVER_ADS_API_KEY!: string;

  @ValidateIf((c: EtlConfig) => !c.NAVER_ADS_SECRET_ARN)
  @IsString({ message: 'NAVER_ADS_SECRET_KEY is required (or NAVER_ADS_SECRET_ARN)' })
  NAVER_ADS_SECRET_KEY!: string;

  /**
   * A Secrets Manager secret holding {"NAVER_ADS_API_KEY": …, "NAVER_ADS_SECRET_KEY": …}, read at start (the pod's
   * IRSA role may read it) instead of the two variables — not both.
   */
  @IsOptional()
  @Matches(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+/, {
    message: 'NAVER_ADS_SECRET_ARN must be a Secrets Manager secret ARN',
  })
  NAVER_ADS_SECRET_ARN?: string;

  @IsOptional()
  @Matches(/^https?:\/\/\S+$/, { message: 'NAVER_ADS_BASE_URL must be an http(s) URL' })
  NAVER_ADS_BASE_URL?: string;

  /** Customer ids this deployment may sync (comma-separated); `--customer` must be one of them. */
  @IsOptional()
  @Transform(list)
  @Matches(/^\d+$/, { each: true, message: 'ADRANK_CUSTOMER_IDS must be comma-separated digits' })
  ADRANK_CUSTOMER_IDS?: string[];

  @IsIn(['duckdb', 'redshift'], { message: 'ADRANK_WAREHOUSE must be duckdb or redshift' })
  ADRANK_WAREHOUSE: 'duckdb' | 'redshift' = 'duckdb';

  @ValidateIf((c: EtlConfig) => c.ADRANK_WAREHOUSE === 'duckdb')
  @IsString({ message: 'ADRANK_DUCKDB_PATH must be a path' })
  ADRANK_DUCKDB_PATH = '.adrank/warehouse.duckdb';

  @ValidateIf((c: EtlConfig) => c.ADRANK_WAREHOUSE === 'redshift')
  @IsString({ message: 'REDSHIFT_DATABASE is required with ADRANK_WAREHOUSE=redshift' })
  REDSHIFT_DATABASE?: string;

  @ValidateIf((c: EtlConfig) => c.ADRANK_WAREHOUSE === 'redshift' && !c.REDSHIFT_WORKGROUP)
  @IsString({ message: 'REDSHIFT_CLUSTER_ID or REDSHIFT_WORKGROUP is required with ADRANK_WAREHOUSE=redshift' })
  REDSHIFT_CLUSTER_ID?: string;

  @IsOptional()
  @IsString()
  REDSHIFT_WORKGROUP?: string;

  @ValidateIf((c: EtlConfig) => c.ADRANK_WAREHOUSE === 'redshift' && !!c.REDSHIFT_CLUSTER_ID && !c.REDSHIFT_DB_USER)
  @Matches(/^arn:aws:secretsmanager:/, {
    message: 'REDSHIFT_SECRET_ARN (a Secrets Manager ARN) or REDSHIFT_DB_USER is required for a cluster',
  })
  REDSHIFT_SECRET_ARN?: string;

  @IsOptional()
  @IsString()
  REDSHIFT_DB_USER?: string;

  @ValidateIf((c: EtlConfig) => c.ADRANK_WAREHOUSE === 'redshift')
  @Matches(/^arn:aws:iam::\d{12}:role\/.+/, {
    message: 'REDSHIFT_COPY_ROLE_ARN (an IAM role ARN) is required with ADRANK_WAREHOUSE=redshift',
  })
  REDSHIFT_COPY_ROLE_ARN?: string;

  /** A Data-API-compatible endpoint (tests, VPC endpoints); default: the AWS regional endpoint. */
  @IsOptional()
  @Matches(/^https?:\/\/\S+$/, { message: 'REDSHIFT_DATA_ENDPOINT must be an http(s) URL' })
  REDSHIFT_DATA_ENDPOINT?: string;

  /** file:///dir, a directory, or s3://bucket/prefix (required to be s3:// with Redshift: COPY reads S3). */
  @ValidateIf((c: EtlConfig) => c.ADRANK_WAREHOUSE === 'redshift')
  @Matches(/^s3:\/\/[^/]+/, { message: 'ADRANK_DATA_LAKE must be s3://bucket/prefix with ADRANK_WAREHOUSE=redshift' })
  ADRANK_DATA_LAKE = '.adrank/lake';

  @IsOptional()
  @Matches(/^https?:\/\/\S+$/, { message: 'S3_ENDPOINT must be an http(s) URL' })
  S3_ENDPOINT?: string;

  @IsOptional()
  @IsString()
  AWS_REGION?: string;

  /** Cron expression of `etl schedule` (KST by default): yesterday's reports + the keyword snapshot. */
  @Matches(/^(\S+\s+){4,5}\S+$/, { message: 'ETL_SCHEDULE must be a cron expression (5 or 6 fields)' })
  ETL_SCHEDULE = '0 30 4 * * *';

  @IsString()
  ETL_TIMEZONE = 'Asia/Seoul';

  @Transform(int)
  @IsInt({ message: 'ETL_HEALTH_PORT must be an integer' })
  @Min(0)
  @Max(65535)
  ETL_HEALTH_PORT = 8081;

  /** Naver client retry attempts and base backoff (ms). */
  @Transform(int)
  @IsInt({ message: 'NAVER_ADS_MAX_ATTEMPTS must be an integer' })
  @Min(1)
  NAVER_ADS_MAX_ATTEMPTS = 6;

  @Transform(int)
  @IsInt({ message: 'NAVER_ADS_RETRY_BASE_MS must be an integer' })
  @Min(0)
  NAVER_ADS_RETRY_BASE_MS = 500;

  /** Requests per second per customer (Naver allows roughly 10 for reports, 25–30 otherwise). */
  @Transform(int)
  @IsInt({ message: 'NAVER_ADS_RATE_PER_SEC must be an integer' })
  @Min(1)
  NAVER_ADS_RATE_PER_SEC = 10;

  /** Keyword-tool requests per second per customer (its limit is about a fifth of the rest). */
  @Transform(int)
  @IsInt({ message: 'NAVER_ADS_KEYWORDTOOL_RATE_PER_SEC must be an integer' })
  @Min(1)
  NAVER_ADS_KEYWORDTOOL_RATE_PER_SEC = 1;

  /** First DescribeStatement poll of the Redshift Data API (ms; backoff ×1.5 up to 5 s). */
  @Transform(int)
  @IsInt({ message: 'REDSHIFT_POLL_MS must be an integer' })
  @Min(1)
  REDSHIFT_POLL_MS = 100;

  /** Pause of all calls of a customer after repeated 429s (ms). */
  @Transform(int)
  @IsInt({ message: 'NAVER_ADS_CIRCUIT_PAUSE_MS must be an integer' })
  @Min(0)
  NAVER_ADS_CIRCUIT_PAUSE_MS = 60_000;

  /** Seconds between report status polls at first (backoff ×1.5 up to 60 s). */
  @Transform(int)
  @IsInt({ message: 'ETL_REPORT_POLL_MS must be an integer' })
  @Min(1)
  ETL_REPORT_POLL_MS = 2000;
}

export { ConfigError } from '@adrank/job';

/** Reads and validates the environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): EtlConfig {
  return loadEnvConfig(EtlConfig, env);
}
