import { Readable } from 'node:stream';
import type { ResolvedConfig } from './config';
import { NaverApiError } from './errors';
import { RateLimitCircuit, TokenBucket, type CustomerLimits } from './rate-limit';
import { signature } from './sign';

export interface RequestSpec {
  operation: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path as sent (already percent-encoded), without the query string. */
  path: string;
  /** Query parameters, appended in order; undefined values are left out. */
  query?: Record<string, string | number | undefined> | URLSearchParams;
  body?: unknown;
  /** keywordstool has its own, much smaller budget. */
  bucket?: 'api' | 'keywordTool';
  timeoutMs?: number;
}

const LIMITS = new Map<string, CustomerLimits>();

function limitsFor(cfg: ResolvedConfig): CustomerLimits {
  const key = `${cfg.baseUrl} ${cfg.customerId}`;
  let l = LIMITS.get(key);
  if (l === undefined) {
    const onOpen = (bucket: 'api' | 'keywordTool') => (pauseMs: number) =>
      cfg.hooks.onCircuitOpen?.({ customerId: cfg.customerId, bucket, pauseMs });
    l = {
      api: new TokenBucket(cfg.rateLimit.ratePerSec, cfg.rateLimit.burst),
      keywordTool: new TokenBucket(cfg.rateLimit.keywordToolRatePerSec, cfg.rateLimit.keywordToolBurst),
      circuit: new RateLimitCircuit(cfg.circuit.threshold, cfg.circuit.pauseMs, onOpen('api')),
      keywordToolCircuit: new RateLimitCircuit(
        cfg.circuit.threshold,
        cfg.circuit.keywordToolPauseMs,
        onOpen('keywordTool'),
      ),
    };
    LIMITS.set(key, l);
  }
  return l;
}

/** Forgets the shared per-customer limiters (tests that change limits between cases). */
export function resetSharedLimits(): void {
  LIMITS.clear();
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Signed requests with timeouts, retries (exponential backoff, full jitter, Retry-After), rate limits and hooks. */
export class Transport {
  private readonly limits: CustomerLimits;

  constructor(readonly cfg: ResolvedConfig) {
    this.limits = limitsFor(cfg);
  }

  /** Sends the request and parses a JSON answer (an empty body resolves to undefined). */
  async json<T>(spec: RequestSpec): Promise<T> {
    return this.withRetries(spec, async (res) => {
      const text = await res.text();
      if (text.trim() === '') return undefined as T;
      try {
        return JSON.parse(text) as T;
      } catch {
        throw new NaverApiError({
          status: res.status,
          message: `answer is not JSON: ${text.slice(0, 120)}`,
          transactionId: res.headers.get('x-transaction-id') ?? undefined,
          method: spec.method,
          path: spec.path,
          retryable: false,
        });
      }
    });
  }

  /** Sends the request and hands over the body as a stream (its errors surface to the reader). */
  async stream(spec: RequestSpec): Promise<{ body: Readable; contentLength: number | undefined }> {
    return this.withRetries(spec, async (res) => {
      if (res.body === null) return { body: Readable.from([]), contentLength: 0 };
      const len = res.headers.get('content-length');
      return {
        body: Readable.fromWeb(res.body as Parameters<typeof Readable.fromWeb>[0]),
        contentLength: len !== null && /^\d+$/.test(len) ? Number(len) : undefined,
      };
    });
  }

  /**
   * Runs `attempt` with the retry policy; `attempt` may throw a retryable NaverApiError itself (e.g. a download that
   * ended early) to be retried like a 5xx.
   */
  async withRetries<T>(spec: RequestSpec, onOk: (res: Response) => Promise<T>): Promise<T> {
    const { maxAttempts, baseDelayMs, maxDelayMs, maxRateLimited } = this.cfg.retry;
    const started = performance.now();
    const bucket = spec.bucket ?? 'api';
    const circuit = bucket === 'keywordTool' ? this.limits.keywordToolCircuit : this.limits.circuit;
    let last: NaverApiError | undefined;
    let failures = 0; // failures other than rate limiting: at most maxAttempts - 1 retries
    let rateLimited = 0; // 429 / 1016: retried behind the backoff and the circuit, up to maxRateLimited times
    for (let attempt = 1; ; attempt++) {
      await circuit.wait();
      await (bucket === 'keywordTool' ? this.limits.keywordTool : this.limits.api).take();
      let retryAfterMs: number | undefined;
      try {
        const res = await this.send(spec);
        if (res.ok) {
          circuit.record(false);
          const out = await onOk(res);
          this.cfg.hooks.onCall?.({
            ...this.event(spec),
            status: res.status,
            durationMs: performance.now() - started,
            attempts: attempt,
          });
          return out;
        }
        const err = await errorFrom(res, spec);
        circuit.record(err.status === 429 || err.code === 429);
        const ra = res.headers.get('retry-after');
        if (ra !== null && /^\d+$/.test(ra)) retryAfterMs = Number(ra) * 1000;
        throw err;
      } catch (e) {
        last = toApiError(e, spec, attempt, spec.timeoutMs ?? this.cfg.timeoutMs);
        if (!last.retryable) break;
        const limited = last.status === 429 || last.code === 429 || last.code === 1016;
        if (limited ? ++rateLimited > maxRateLimited : ++failures >= maxAttempts) break;
        const cap = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.min(limited ? rateLimited - 1 : failures - 1, 20));
        const delayMs = Math.max(retryAfterMs ?? 0, Math.random() * cap);
        this.cfg.hooks.onRetry?.({ ...this.event(spec), attempt, delayMs, reason: last.message });
        await sleep(delayMs);
      }
    }
    const err = last as NaverApiError;
    this.cfg.hooks.onCall?.({
      ...this.event(spec),
      status: err.status,
      durationMs: performance.now() - started,
      attempts: err.attempts,
      error: err,
    });
    throw err;
  }

  private event(spec: RequestSpec): { operation: string; method: string; path: string } {
    return { operation: spec.operation, method: spec.method, path: spec.path };
  }

  private async send(spec: RequestSpec): Promise<Response> {
    const ts = String(Date.now());
    const qs =
      spec.query instanceof URLSearchParams
        ? spec.query.toString()
        : new URLSearchParams(
            Object.entries(spec.query ?? {})
              .filter(([, v]) => v !== undefined)
              .map(([k, v]): [string, string] => [k, String(v)]),
          ).toString();
    const url = `${this.cfg.baseUrl}${spec.path}${qs ? `?${qs}` : ''}`;
    const headers: Record<string, string> = {
      'X-Timestamp': ts,
      'X-API-KEY': this.cfg.apiKey,
      'X-Customer': this.cfg.customerId,
      'X-Signature': signature(this.cfg.secretKey, ts, spec.method, spec.path),
    };
    const init: RequestInit = {
      method: spec.method,
      headers,
      signal: AbortSignal.timeout(spec.timeoutMs ?? this.cfg.timeoutMs),
    };
    if (spec.body !== undefined) {
      headers['Content-Type'] = 'application/json; charset=UTF-8'; // exactly one Content-Type
      init.body = JSON.stringify(spec.body);
    }
    return fetch(url, init);
  }
}

async function errorFrom(res: Response, spec: RequestSpec): Promise<NaverApiError> {
  const text = await res.text().catch(() => '');
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed !== null && typeof parsed === 'object') body = parsed as Record<string, unknown>;
  } catch {
    // not JSON: keep the text as the message
  }
  const code = typeof body['code'] === 'number' ? body['code'] : undefined;
  const str = (k: string): string | undefined => (typeof body[k] === 'string' ? (body[k] as string) : undefined);
  return new NaverApiError({
    status: res.status,
    code,
    type: str('type'),
    title: str('title'),
    message: str('message') ?? str('detail') ?? (Object.keys(body).length === 0 ? text.slice(0, 200) : ''),
    transactionId: res.headers.get('x-transaction-id') ?? undefined,
    method: spec.method,
    path: spec.path,
    retryable: NaverApiError.isRetryable(res.status, code),
  });
}

/** Any failure as a NaverApiError: timeouts and connection errors become status 0, retryable. */
function toApiError(e: unknown, spec: RequestSpec, attempt: number, timeoutMs: number): NaverApiError {
  if (e instanceof NaverApiError) {
    e.attempts = attempt;
    return e;
  }
  const err = e as Error & { cause?: { code?: string } };
  const timeout = err.name === 'TimeoutError' || err.name === 'AbortError';
  const detail = timeout
    ? `timed out after ${timeoutMs} ms`
    : `${err.message}${err.cause?.code ? ` (${err.cause.code})` : ''}`;
  return new NaverApiError({
    status: 0,
    message: detail,
    method: spec.method,
    path: spec.path,
    retryable: true,
    attempts: attempt,
    cause: e,
  });
}
