/**
 * A number as JavaScript writes it (`String(x)`: the shortest decimal that reads back as the same double, the closest
 * one when several are that short; JSON's `null` for NaN and ±Infinity), written as ASCII bytes.
 *
 * Why not `String(x)`: a `/rank` response has 400 doubles, and V8 takes ~170 ns for each (its shortest-digits search
 * plus a new heap string) — most of the 74 µs `JSON.stringify` spends on the response. Here a double in
 * [1e-8, 1e14) — every score, CTR, probability and similarity the API returns — costs 70–85 ns here:
 *
 * - `y = x · 10^s` is scaled into [10^14, 10^15) and computed exactly as `p + e` (Dekker's product of two doubles:
 *   10^s is exact for s ≤ 22), so `y = I + F` with I the 15 leading digits and F ∈ [0, 1) the rest.
 * - A decimal reads back as x when it lies within half an ulp of x: `h = 2^(exponent − 1) · 10^s` in y's units,
 *   exact. As h < 0.12, at most one integer (15 digits) lies within h of y — I when F ≤ h, I + 1 when 1 − F ≤ h — and
 *   it is then the shortest answer once its trailing zeros go. Otherwise the nearest 16-digit decimal (a tenth) if
 *   it lies within h, else the nearest 17-digit one (a hundredth), which always does: h > 0.0055.
 * - Each comparison is made in doubles whose error is ~1e-16; when a compared pair is closer than 1e-9 (a decimal on
 *   the edge of the interval, or halfway between two candidates), the answer comes from `String(x)` instead. So do
 *   numbers outside the range, subnormals and powers of two (whose interval is lopsided).
 *
 * The spec's layout follows: plain digits up to 21 integer digits, `0.000ddd` down to 1e-6, exponent form beyond.
 * `number-text.spec.ts` compares it with `String` on millions of doubles.
 */

/** 10^0 … 10^22: every one exact in a double. */
const POW10 = Float64Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));
/** Dekker's split of each 10^s into a 26-bit high part and the rest (exact: high + low = 10^s). */
const POW10_HI = new Float64Array(23);
const POW10_LO = new Float64Array(23);
/** 2^27 + 1: the splitting constant for 53-bit doubles. */
const SPLIT = 134217729;
for (let s = 0; s < 23; s++) {
  const p = POW10[s] as number;
  const c = SPLIT * p;
  const hi = c - (c - p);
  POW10_HI[s] = hi;
  POW10_LO[s] = p - hi;
}
/** 2^(b − 1076) for each biased exponent b: half an ulp of a double of that exponent. */
const HALF_ULP = Float64Array.from({ length: 2047 }, (_, b) => 2 ** (b - 1076));
/**
 * Per biased exponent b (doubles in [2^(b−1023), 2^(b−1022))): 14 − floor(log10 2^(b−1023)), and the power of ten
 * above 2^(b−1023) that x may reach within the binade (+Infinity where the range of {@link POW10} ends).
 */
const SCALE = new Int32Array(2047);
const NEXT_POW10 = new Float64Array(2047);
for (let b = 1; b < 2047; b++) {
  const low = 2 ** (b - 1023);
  let k = Math.floor(Math.log10(low)) + 1;
  while (Number(`1e${k}`) > low) k--; // a decimal power as its literal reads (a wrong s only costs the fast path)
  while (Number(`1e${k + 1}`) <= low) k++;
  SCALE[b] = 14 - k;
  NEXT_POW10[b] = Number(`1e${k + 1}`);
}
/** Below this distance two compared values count as too close to decide in doubles. */
const MARGIN = 1e-9;

const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);
/** The word of the sign and exponent (the high word on little-endian machines, every platform Node runs on here). */
const HIGH = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LOW = 1 - HIGH;

/**
 * Writes `x` as `String(x)` writes it (JSON: `null` when not finite) into `out` from `at`; returns the next offset.
 * `out` needs 32 free bytes.
 */
export function writeNumber(x: number, out: Uint8Array, at: number): number {
  if (x !== x || x === Infinity || x === -Infinity) {
    out[at] = 110; // null
    out[at + 1] = 117;
    out[at + 2] = 108;
    out[at + 3] = 108;
    return at + 4;
  }
  if (x < 0) {
    out[at++] = 45; // -
    x = -x;
  }
  if (x < 2147483648 && x === Math.floor(x)) return writeUint(x, out, at); // 0 and -0 included: "0"
  const n = shortest(x);
  if (n === NO_FAST_PATH) return writeAscii(String(x), out, at);
  return layout(n, out, at);
}

/** Whether `writeNumber` formats x itself rather than through `String` (for the tests: the fast path must be taken). */
export function fastPath(x: number): boolean {
  x = Math.abs(x);
  return !(x < 2147483648 && x === Math.floor(x)) && Number.isFinite(x) && shortest(x) !== NO_FAST_PATH;
}

/** `String(x)` for the tests: the same code path, as a string. */
export function numberText(x: number): string {
  const out = new Uint8Array(40);
  const end = writeNumber(x, out, 0);
  return String.fromCharCode(...out.subarray(0, end));
}

const NO_FAST_PATH = 1000;
/**
 * The digits found by the last {@link shortest} call: `digitsHigh` (7 digits) and `digitsLow` (8) are the first 15,
 * `tail` the 16th and 17th (`tailLength` 0, 1 or 2 of them); `count` significant digits in all (after trailing zeros).
 */
let digitsHigh = 0;
let digitsLow = 0;
let tail = 0;
let tailLength = 0;
let count = 0;

/**
 * The shortest digits of x > 0 (not an integer below 2^31); returns the decimal exponent n (x = 0.d₁d₂… × 10^n), or
 * {@link NO_FAST_PATH}.
 */
function shortest(x: number): number {
  bits[0] = x;
  const high = words[HIGH] as number;
  const biased = high >>> 20; // x > 0: no sign bit
  if (biased === 0 || ((high & 0xfffff) === 0 && words[LOW] === 0)) return NO_FAST_PATH; // subnormal, power of two
  // s = 14 − floor(log10 x): the binade's lower value, one less when x reaches the next power of ten (no branch)
  const s = (SCALE[biased] as number) - +(x >= (NEXT_POW10[biased] as number));
  if (s < 0 || s > 22) return NO_FAST_PATH;
  // y = x · 10^s exactly, as p + e (Dekker)
  const ph = POW10_HI[s] as number;
  const pl = POW10_LO[s] as number;
  const p = x * (POW10[s] as number);
  const c = SPLIT * x;
  const xh = c - (c - x);
  const xl = x - xh;
  const e = xh * ph - p + xh * pl + xl * ph + xl * pl;
  let int = Math.floor(p);
  let frac = p - int + e;
  if (frac < 0) {
    int -= 1;
    frac += 1;
  } else if (frac >= 1) {
    int += 1;
    frac -= 1;
  }
  if (int < 1e14 || int >= 1e15) return NO_FAST_PATH; // y on the edge of the scaled range
  const h = (HALF_ULP[biased] as number) * (POW10[s] as number);
  const n = 15 - s;
  // an integer within h of y: 15 digits or fewer
  if (Math.abs(frac - h) < MARGIN || Math.abs(1 - frac - h) < MARGIN) return NO_FAST_PATH;
  if (frac < h) return integer(int, n);
  if (1 - frac < h) return int + 1 === 1e15 ? power(n + 1) : integer(int + 1, n);
  // the nearest tenth
  const t = frac * 10;
  const d1 = t | 0; // 0…9
  const r1 = t - d1;
  if (Math.abs(r1 - 0.5) < MARGIN * 10) return NO_FAST_PATH;
  const up1 = r1 > 0.5;
  const dist1 = (up1 ? 1 - r1 : r1) / 10;
  if (Math.abs(dist1 - h) < MARGIN) return NO_FAST_PATH;
  if (dist1 < h) {
    const last = up1 ? d1 + 1 : d1;
    if (last === 0 || last === 10) return NO_FAST_PATH; // then an integer was within h: not expected here
    split(int);
    tail = last;
    tailLength = 1;
    count = 16;
    return n;
  }
  // the nearest hundredth (within h: h > 0.0055 ≥ the distance)
  const t2 = frac * 100;
  const d2 = t2 | 0; // 0…99
  const r2 = t2 - d2;
  if (Math.abs(r2 - 0.5) < MARGIN * 100) return NO_FAST_PATH;
  const last2 = r2 > 0.5 ? d2 + 1 : d2;
  if (last2 % 10 === 0) return NO_FAST_PATH; // then a tenth was within h: not expected here
  split(int);
  tail = last2;
  tailLength = 2;
  count = 17;
  return n;
}

/** 10^14 ≤ v < 10^15 as its first 7 and last 8 digits. */
function split(v: number): void {
  const hi = (v / 1e8) | 0;
  digitsHigh = hi;
  digitsLow = (v - hi * 1e8) | 0;
}

/** The integer 10^14 ≤ v < 10^15, less its trailing zeros. */
function integer(v: number, n: number): number {
  split(v);
  tailLength = 0;
  let k = 15;
  let lo = digitsLow;
  if (lo === 0) {
    k = 7;
    for (let hi = digitsHigh; hi % 10 === 0; hi = (hi / 10) | 0) k--;
  } else for (; lo % 10 === 0; lo = (lo / 10) | 0) k--;
  count = k;
  return n;
}

/** 10^(n−1): the digit 1. */
function power(n: number): number {
  digitsHigh = 1000000;
  digitsLow = 0;
  tailLength = 0;
  count = 1;
  return n;
}

/**
 * The digits of the last {@link shortest} call at `out[at…)` (the 15 leading digits, the tail; the caller's layout
 * then uses the first {@link count}).
 */
function putDigits(out: Uint8Array, at: number): void {
  let h = digitsHigh;
  let q = (h / 100) | 0;
  let r = (h - q * 100) << 1;
  out[at + 5] = PAIRS[r] as number;
  out[at + 6] = PAIRS[r + 1] as number;
  h = q;
  q = (h / 100) | 0;
  r = (h - q * 100) << 1;
  out[at + 3] = PAIRS[r] as number;
  out[at + 4] = PAIRS[r + 1] as number;
  h = q;
  q = (h / 100) | 0;
  r = (h - q * 100) << 1;
  out[at + 1] = PAIRS[r] as number;
  out[at + 2] = PAIRS[r + 1] as number;
  out[at] = 48 + q;
  let l = digitsLow;
  for (let i = at + 13; i > at + 6; i -= 2) {
    q = (l / 100) | 0;
    r = (l - q * 100) << 1;
    out[i] = PAIRS[r] as number;
    out[i + 1] = PAIRS[r + 1] as number;
    l = q;
  }
  if (tailLength === 1) out[at + 15] = 48 + tail;
  else if (tailLength === 2) {
    out[at + 15] = PAIRS[tail << 1] as number;
    out[at + 16] = PAIRS[(tail << 1) + 1] as number;
  }
}

/** "00" … "99" as ASCII pairs. */
const PAIRS = Uint8Array.from({ length: 200 }, (_, i) => 48 + (i & 1 ? (i >> 1) % 10 : Math.floor((i >> 1) / 10)));

/** The digits with exponent n in the layout of Number::toString; returns the next offset. */
function layout(n: number, out: Uint8Array, at: number): number {
  const k = count;
  if (n <= 0 && n > -6) {
    // 0.000ddd
    out[at] = 48;
    out[at + 1] = 46;
    let z = at + 2;
    for (let i = n; i < 0; i++) out[z++] = 48;
    putDigits(out, z);
    return z + k;
  }
  if (n > 0 && n < k) {
    // ddd.ddd: the digits one place on, then the first n moved back in front of the point
    putDigits(out, at + 1);
    for (let i = 0; i < n; i++) out[at + i] = out[at + i + 1] as number;
    out[at + n] = 46;
    return at + k + 1;
  }
  if (n >= k && n <= 21) {
    // ddd000
    putDigits(out, at);
    let end = at + k;
    for (let i = k; i < n; i++) out[end++] = 48;
    return end;
  }
  // d.ddde±x
  putDigits(out, at + 1);
  out[at] = out[at + 1] as number;
  let end = at + 1;
  if (k > 1) {
    out[at + 1] = 46;
    end = at + k + 1;
  }
  out[end++] = 101; // e
  const exp = n - 1;
  out[end++] = exp < 0 ? 45 : 43;
  return writeUint(exp < 0 ? -exp : exp, out, end);
}

/** A non-negative integer below 2^31 in decimal. */
function writeUint(v: number, out: Uint8Array, at: number): number {
  if (v < 10) {
    out[at] = 48 + v;
    return at + 1;
  }
  let len = 1;
  for (let t = v; t >= 10; t = (t / 10) | 0) len++;
  let end = at + len;
  const next = end;
  let u = v | 0;
  while (end > at) {
    const q = (u / 10) | 0;
    out[--end] = 48 + u - q * 10;
    u = q;
  }
  return next;
}

/** An ASCII string's bytes. */
export function writeAscii(s: string, out: Uint8Array, at: number): number {
  for (let i = 0; i < s.length; i++) out[at++] = s.charCodeAt(i);
  return at;
}
