import { createHmac } from 'node:crypto';

/**
 * X-Signature: base64(HMAC-SHA256(key = the secret key's UTF-8 bytes as given, message = "<ts>.<METHOD>.<path>")),
 * where `path` is the request path exactly as sent — path parameters included, percent-encoded non-ASCII segments as
 * they appear on the wire, query string excluded.
 */
export function signature(secretKey: string, timestamp: string | number, method: string, path: string): string {
  const q = path.indexOf('?');
  const bare = q >= 0 ? path.slice(0, q) : path;
  return createHmac('sha256', Buffer.from(secretKey, 'utf8'))
    .update(`${timestamp}.${method.toUpperCase()}.${bare}`, 'utf8')
    .digest('base64');
}

/** Joins raw path segments, percent-encoding each once (Korean keywords, ids with spaces): `/ncc/keywords/%EB%82%98`. */
export function encodePath(...segments: (string | number)[]): string {
  return '/' + segments.map((s) => encodeURIComponent(String(s))).join('/');
}
