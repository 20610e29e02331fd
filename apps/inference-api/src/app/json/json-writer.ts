import { writeNumber } from './number-text';

/**
 * Writes JSON text as UTF-8 bytes, byte for byte what `Buffer.from(JSON.stringify(value))` gives for the same values
 * written in the same order — strings escaped as `JSON.stringify` escapes them (`\"`, `\\`, `\b \f \n \r \t`, other
 * controls and lone surrogates as lowercase `\uXXXX`), numbers as `String(x)` writes them ({@link writeNumber}; `null`
 * when not finite).
 *
 * Why: a `/rank` response is 100 objects with four doubles each and Korean keywords. `JSON.stringify` took ~74 µs for
 * it (~170 ns per double), and Node then measured the two-byte string's UTF-8 length (~12 µs) and encoded it again
 * to write it. Sending these bytes instead of the string saved ~150 µs of server CPU per ranking request (an upper
 * bound measured with pre-made bodies; see the API README for the writer's own figures).
 *
 * One writer is reused: {@link take} copies the bytes out and starts over.
 */
export class JsonWriter {
  private buf: Uint8Array;
  private at = 0;

  constructor(initialBytes = 1 << 16) {
    this.buf = new Uint8Array(initialBytes);
  }

  /** Bytes written since the last {@link take}. */
  get length(): number {
    return this.at;
  }

  /** Pre-encoded bytes (punctuation and keys: {@link ascii}). */
  raw(bytes: Uint8Array): this {
    this.room(bytes.length);
    this.at = putBytes(this.buf, this.at, bytes);
    return this;
  }

  /** A JSON string. */
  string(s: string): this {
    this.room(6 * s.length + 2);
    this.at = putString(this.buf, this.at, s);
    return this;
  }

  /** A number as `JSON.stringify` writes it. */
  number(x: number): this {
    this.room(32);
    this.at = writeNumber(x, this.buf, this.at);
    return this;
  }

  boolean(v: boolean): this {
    return this.raw(v ? TRUE : FALSE);
  }

  /**
   * For a caller writing many values at once with {@link putBytes}, {@link putString} and `writeNumber`: room for
   * `n` more bytes; returns the buffer to write into from {@link length}, then {@link commit} the new end.
   */
  reserve(n: number): Uint8Array {
    this.room(n);
    return this.buf;
  }

  commit(end: number): void {
    if (!(end >= this.at && end <= this.buf.length))
      throw new RangeError(`commit(${end}) outside ${this.at}…${this.buf.length}`);
    this.at = end;
  }

  /** A copy of the bytes written (a Buffer of their own); the writer starts over. */
  take(): Buffer {
    const out = Buffer.allocUnsafe(this.at);
    out.set(this.buf.subarray(0, this.at));
    this.at = 0;
    return out;
  }

  private room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const b = new Uint8Array(Math.max(2 * this.buf.length, this.at + n));
    b.set(this.buf.subarray(0, this.at));
    this.buf = b;
  }
}

/** The bytes of an ASCII text (JSON punctuation and keys) for {@link JsonWriter.raw}. */
export function ascii(s: string): Uint8Array {
  if (!/^[\x20-\x7e]*$/.test(s)) throw new Error(`not printable ASCII: ${JSON.stringify(s)}`);
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

/** Copies `bytes` to `b[at…]`; returns the next offset. A loop: keys are a few dozen bytes, where `set` costs more. */
export function putBytes(b: Uint8Array, at: number, bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) b[at++] = bytes[i] as number;
  return at;
}

/** `s` as a JSON string (UTF-8) at `b[at…]`, which has room for 6 bytes per code unit + 2; returns the next offset. */
export function putString(b: Uint8Array, at: number, s: string): number {
  b[at++] = 34;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      if (c >= 0x20 && c !== 34 && c !== 92) b[at++] = c;
      else at = escape(c, b, at);
    } else if (c < 0x800) {
      b[at++] = 0xc0 | (c >> 6);
      b[at++] = 0x80 | (c & 0x3f);
    } else if (c < 0xd800 || c > 0xdfff) {
      b[at++] = 0xe0 | (c >> 12);
      b[at++] = 0x80 | ((c >> 6) & 0x3f);
      b[at++] = 0x80 | (c & 0x3f);
    } else {
      const d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
        const u = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        b[at++] = 0xf0 | (u >> 18);
        b[at++] = 0x80 | ((u >> 12) & 0x3f);
        b[at++] = 0x80 | ((u >> 6) & 0x3f);
        b[at++] = 0x80 | (u & 0x3f);
        i++;
      } else at = escape(c, b, at); // a lone surrogate
    }
  }
  b[at++] = 34;
  return at;
}

const TRUE = ascii('true');
const FALSE = ascii('false');
const HEX = ascii('0123456789abcdef');
/** The short escapes of JSON.stringify, by code unit. */
const SHORT: Record<number, number> = { 8: 98, 9: 116, 10: 110, 12: 102, 13: 114, 34: 34, 92: 92 };

/** `\"`, `\\`, `\b` … or `\uXXXX` (lowercase hex) for code unit c. */
function escape(c: number, b: Uint8Array, at: number): number {
  b[at++] = 92;
  const short = SHORT[c];
  if (short !== undefined) {
    b[at++] = short;
    return at;
  }
  b[at++] = 117;
  b[at++] = HEX[(c >> 12) & 15] as number;
  b[at++] = HEX[(c >> 8) & 15] as number;
  b[at++] = HEX[(c >> 4) & 15] as number;
  b[at++] = HEX[c & 15] as number;
  return at;
}
