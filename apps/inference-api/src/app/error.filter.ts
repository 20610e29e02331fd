import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { ApiError } from './validate';

/**
 * Every error leaves as `{ "error": message, "statusCode": n }`: ApiError with its status (400 naming the field, 401,
 * 403, 503 + Retry-After; the readiness 503 adds the Terminus result as `health`), Nest and Fastify client errors (404 route, 413 body too large, 415, malformed JSON → 400)
 * with theirs; anything else is a 500 whose details are logged, not sent.
 */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  catch(e: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<{
      status(code: number): { headers(h: Record<string, string>): { send(body: unknown): unknown } };
    }>();
    let status = 500;
    let message = 'internal error';
    let headers: Record<string, string> = {};
    let extra: Record<string, unknown> = {};
    if (e instanceof ApiError) {
      status = e.status;
      message = e.message;
      headers = e.headers;
      extra = e.extra;
    } else if (e instanceof HttpException) {
      status = e.getStatus();
      const r = e.getResponse();
      message = typeof r === 'string' ? r : String((r as { message?: unknown }).message ?? e.message);
    } else if (typeof (e as { statusCode?: unknown })?.statusCode === 'number') {
      const s = (e as { statusCode: number }).statusCode;
      if (s >= 400 && s < 500) {
        status = s;
        message = (e as Error).message;
      }
    }
    if (status >= 500 && !(e instanceof ApiError))
      process.stderr.write(`inference-api: ${(e as Error)?.stack ?? String(e)}\n`);
    // JSON whatever the route declared for its success (the HTML routes set text/html before the handler runs)
    void reply
      .status(status)
      .headers({ ...headers, 'content-type': 'application/json; charset=utf-8' })
      .send(JSON.stringify({ ...extra, error: message, statusCode: status }));
  }
}
