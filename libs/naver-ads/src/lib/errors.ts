/** An error answer from the Naver Search Ads API (or a transport failure on the way to it). */
export class NaverApiError extends Error {
  override readonly name = 'NaverApiError';
  /** HTTP status (0 when no response arrived: timeout, connection reset). */
  readonly status: number;
  /** Naver's business error code (`{"code": 11001}`), or the `code` of a 429 body. */
  readonly code: number | undefined;
  /** Problem type of gateway errors, e.g. `urn:naver:api:problem:invalid-signature`. */
  readonly type: string | undefined;
  readonly title: string | undefined;
  /** The `x-transaction-id` response header: quote it to Naver support. */
  readonly transactionId: string | undefined;
  readonly method: string;
  readonly path: string;
  /** Whether the client retries this kind of failure (429, 1016, 5xx, timeouts, connection resets). */
  readonly retryable: boolean;
  /** Attempts made before this error was final. */
  attempts: number;

  constructor(init: {
    status: number;
    code?: number | undefined;
    type?: string | undefined;
    title?: string | undefined;
    message: string;
    transactionId?: string | undefined;
    method: string;
    path: string;
    retryable: boolean;
    attempts?: number;
    cause?: unknown;
  }) {
    const parts = [
      `${init.method} ${init.path}:`,
      init.status > 0 ? `HTTP ${init.status}` : 'no response',
      init.code !== undefined ? `code ${init.code}` : undefined,
      init.title,
      init.message,
      init.transactionId !== undefined ? `(x-transaction-id ${init.transactionId})` : undefined,
    ].filter((p): p is string => p !== undefined && p !== '');
    super(parts.join(' '), init.cause !== undefined ? { cause: init.cause } : undefined);
    this.status = init.status;
    this.code = init.code;
    this.type = init.type;
    this.title = init.title;
    this.transactionId = init.transactionId;
    this.method = init.method;
    this.path = init.path;
    this.retryable = init.retryable;
    this.attempts = init.attempts ?? 1;
  }

  /** 429, business code 1016 (too many connections), 5xx, or no response at all. */
  static isRetryable(status: number, code: number | undefined): boolean {
    return status === 429 || code === 429 || code === 1016 || status >= 500 || status === 0;
  }
}

/** A response that arrived but does not have the documented shape. */
export class NaverResponseError extends Error {
  override readonly name = 'NaverResponseError';
  constructor(
    readonly operation: string,
    message: string,
  ) {
    super(`${operation}: ${message}`);
  }
}

/** Invalid client configuration or call arguments, detected before anything is sent. */
export class NaverConfigError extends Error {
  override readonly name = 'NaverConfigError';
}

/** A report file line that does not match its report type's columns. */
export class ReportParseError extends Error {
  override readonly name = 'ReportParseError';
  constructor(
    readonly reportType: string,
    readonly line: number,
    readonly column: string | undefined,
    message: string,
  ) {
    super(`${reportType} line ${line}${column !== undefined ? `, column ${column}` : ''}: ${message}`);
  }
}

/** A stat report that ended in ERROR, or kept changing, or did not finish in time. */
export class ReportJobError extends Error {
  override readonly name = 'ReportJobError';
  constructor(
    readonly reportJobId: string,
    readonly status: string,
    message: string,
  ) {
    super(`stat report ${reportJobId} (${status}): ${message}`);
  }
}
