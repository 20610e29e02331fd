import { NaverConfigError } from './errors';

export interface CallEvent {
  /** Operation name, e.g. `listCampaigns`, `stats`, `downloadReport`. */
  operation: string;
  method: string;
  /** Path without the query string (no credentials in it). */
  path: string;
  /** HTTP status of the final attempt; 0 when no response arrived. */
  status: number;
  durationMs: number;
  /** Attempts made (1 = no retry). */
  attempts: number;
  error?: Error;
}

export interface RetryEvent {
  operation: string;
  method: string;
  path: string;
  attempt: number;
  delayMs: number;
  reason: string;
}

export interface NaverAdsHooks {
  /** After every call (success or final failure): durations, retries and statuses for metrics and logs. */
  onCall?: (e: CallEvent) => void;
  /** Before each retry's wait. */
  onRetry?: (e: RetryEvent) => void;
  /** When repeated 429s pause all calls of a customer. */
  onCircuitOpen?: (e: { customerId: string; bucket: 'api' | 'keywordTool'; pauseMs: number }) => void;
}

export interface NaverAdsConfig {
  /** Default https://api.searchad.naver.com (sandbox: https://sandbox-api.searchad.naver.com). */
  baseUrl?: string;
  /** Access license (X-API-KEY). */
  apiKey: string;
  /** Secret key for the HMAC signature; never logged. */
  secretKey: string;
  /** X-Customer. */
  customerId: string;
  /** Per-request timeout in ms (default 30,000; report downloads: downloadTimeoutMs, default 600,000). */
  timeoutMs?: number;
  downloadTimeoutMs?: number;
  /**
   * Attempts per call including the first (default 6), backoff base and cap in ms (default 500, 30,000). Rate-limit
   * answers (429, 1016) are retried separately, up to maxRateLimited times (default 30), behind the circuit.
   */
  retry?: { maxAttempts?: number; baseDelayMs?: number; maxDelayMs?: number; maxRateLimited?: number };
  /** Requests per second and burst per customer (default 10/s, burst 10); keywordstool (default 1/s, burst 2). */
  rateLimit?: { ratePerSec?: number; burst?: number; keywordToolRatePerSec?: number; keywordToolBurst?: number };
  /** Pause all calls for pauseMs after `threshold` 429s in a row (default 5, 60,000; keywordstool 300,000). */
  circuit?: { threshold?: number; pauseMs?: number; keywordToolPauseMs?: number };
  hooks?: NaverAdsHooks;
}

export interface ResolvedConfig {
  baseUrl: string;
  apiKey: string;
  secretKey: string;
  customerId: string;
  timeoutMs: number;
  downloadTimeoutMs: number;
  retry: { maxAttempts: number; baseDelayMs: number; maxDelayMs: number; maxRateLimited: number };
  rateLimit: { ratePerSec: number; burst: number; keywordToolRatePerSec: number; keywordToolBurst: number };
  circuit: { threshold: number; pauseMs: number; keywordToolPauseMs: number };
  hooks: NaverAdsHooks;
}

export const DEFAULT_BASE_URL = 'https://api.searchad.naver.com';

/** Checks every setting and names the first bad one; the secret never appears in a message. */
export function resolveConfig(c: NaverAdsConfig): ResolvedConfig {
  const fail = (m: string): never => {
    throw new NaverConfigError(`Naver Ads config: ${m}`);
  };
  if (c === null || typeof c !== 'object') fail('expected an object');
  for (const k of ['apiKey', 'secretKey', 'customerId'] as const) {
    if (typeof c[k] !== 'string' || c[k].trim() === '') fail(`${k} is required (a non-empty string)`);
  }
  if (!/^\d+$/.test(c.customerId)) fail(`customerId must be digits, got "${c.customerId}"`);
  const baseUrl = (c.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
  let u: URL | undefined;
  try {
    u = new URL(baseUrl);
  } catch {
    fail(`baseUrl "${baseUrl}" is not a URL`);
  }
  if (u !== undefined && u.protocol !== 'https:' && u.protocol !== 'http:')
    fail(`baseUrl must be http(s), got ${u.protocol}`);
  const pos = (name: string, v: number | undefined, dflt: number, min = 0): number => {
    const x = v ?? dflt;
    if (typeof x !== 'number' || !Number.isFinite(x) || x <= min)
      fail(`${name} must be a number > ${min}, got ${String(v)}`);
    return x;
  };
  const int = (name: string, v: number | undefined, dflt: number): number => {
    const x = pos(name, v, dflt);
    if (!Number.isInteger(x)) fail(`${name} must be an integer, got ${x}`);
    return x;
  };
  return {
    baseUrl,
    apiKey: c.apiKey,
    secretKey: c.secretKey,
    customerId: c.customerId,
    timeoutMs: pos('timeoutMs', c.timeoutMs, 30_000),
    downloadTimeoutMs: pos('downloadTimeoutMs', c.downloadTimeoutMs, 600_000),
    retry: {
      maxAttempts: int('retry.maxAttempts', c.retry?.maxAttempts, 6),
      baseDelayMs: pos('retry.baseDelayMs', c.retry?.baseDelayMs, 500, -1),
      maxDelayMs: pos('retry.maxDelayMs', c.retry?.maxDelayMs, 30_000, -1),
      maxRateLimited: pos('retry.maxRateLimited', c.retry?.maxRateLimited, 30, -1),
    },
    rateLimit: {
      ratePerSec: pos('rateLimit.ratePerSec', c.rateLimit?.ratePerSec, 10),
      burst: int('rateLimit.burst', c.rateLimit?.burst, 10),
      keywordToolRatePerSec: pos('rateLimit.keywordToolRatePerSec', c.rateLimit?.keywordToolRatePerSec, 1),
      keywordToolBurst: int('rateLimit.keywordToolBurst', c.rateLimit?.keywordToolBurst, 2),
    },
    circuit: {
      threshold: int('circuit.threshold', c.circuit?.threshold, 5),
      pauseMs: pos('circuit.pauseMs', c.circuit?.pauseMs, 60_000, -1),
      keywordToolPauseMs: pos('circuit.keywordToolPauseMs', c.circuit?.keywordToolPauseMs, 300_000, -1),
    },
    hooks: c.hooks ?? {},
  };
}

/**
 * Credentials and base URL from environment variables: NAVER_ADS_API_KEY, NAVER_ADS_SECRET_KEY,
 * NAVER_ADS_CUSTOMER_ID, NAVER_ADS_BASE_URL (optional). The error names the missing variables.
 */
export function configFromEnv(env: Record<string, string | undefined> = process.env): NaverAdsConfig {
  const need = ['NAVER_ADS_API_KEY', 'NAVER_ADS_SECRET_KEY', 'NAVER_ADS_CUSTOMER_ID'];
  const missing = need.filter((k) => !env[k]);
  if (missing.length > 0) throw new NaverConfigError(`missing environment variable(s): ${missing.join(', ')}`);
  return {
    apiKey: env['NAVER_ADS_API_KEY'] as string,
    secretKey: env['NAVER_ADS_SECRET_KEY'] as string,
    customerId: env['NAVER_ADS_CUSTOMER_ID'] as string,
    ...(env['NAVER_ADS_BASE_URL'] ? { baseUrl: env['NAVER_ADS_BASE_URL'] } : {}),
  };
}
