import fc from 'fast-check';
import { fastPath, numberText, writeNumber } from './number-text';

/** Doubles from raw bits: every exponent, NaNs and infinities included. */
const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);
function fromBits(high: number, low: number): number {
  words[1] = high >>> 0;
  words[0] = low >>> 0;
  return bits[0] as number;
}

/** A deterministic generator (xorshift) of 32-bit fractions, so a failure names a reproducible value. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

/** Fractions with all 53 bits random, as model outputs have. */
function rng53(seed: number): () => number {
  const r = rng(seed);
  return () => (Math.floor(r() * 2 ** 26) * 2 ** 27 + Math.floor(r() * 2 ** 27)) / 2 ** 53;
}

/** The values of `gen` whose text differs from `String`'s (JSON's `null` for the non-finite ones). */
function mismatches(count: number, gen: () => number): string[] {
  const bad: string[] = [];
  for (let i = 0; i < count && bad.length < 5; i++) {
    const x = gen();
    const want = Number.isFinite(x) ? String(x) : 'null';
    const got = numberText(x);
    if (got !== want) bad.push(`${want} → ${got}`);
  }
  return bad;
}

describe('writeNumber', () => {
  const r = rng53(20261123);
  const r32 = rng(7); // 32-bit fractions: short binary expansions, whose decimals end early (ties, exact edges)
  const u = (): number => r32() * 4294967296;
  it.each<[string, () => number]>([
    ['probabilities (0, 1)', () => r() + r() * 2 ** -30],
    ['small probabilities', () => r() * 0.05],
    ['ranker scores (−4, 4)', () => r() * 8 - 4],
    ['32-bit fractions (short binary expansions) at every scale', () => r32() * 10 ** Math.floor(r32() * 24 - 9)],
    ['log-uniform magnitudes 1e-12 … 1e18, both signs', () => 10 ** (r() * 30 - 12) * (r() < 0.5 ? -1 : 1)],
    ['random bit patterns (every exponent, subnormals, NaN, ±Infinity)', () => fromBits(u(), u())],
    ['short decimals (1–17 digits)', () => Number((r() * 100).toPrecision(1 + Math.floor(r() * 17)))],
    ['short decimals near 1e-6', () => Number((r() * 2e-6).toPrecision(1 + Math.floor(r() * 17)))],
    [
      'neighbours of short decimals (a few ulps away)',
      () => {
        bits[0] = Number(r().toPrecision(1 + Math.floor(r() * 15)));
        words[0] = ((words[0] as number) + Math.floor(r() * 7) - 3) >>> 0;
        return bits[0] as number;
      },
    ],
  ])('writes %s as String does', (_, gen) => {
    expect(mismatches(100_000, gen)).toEqual([]);
  });

  it('writes the edge cases as String does', () => {
    const xs: number[] = [0, -0, 1, -1, 0.1, 0.2, 0.3, 0.5, 0.25, 1 / 3, 2 / 3, Math.PI, Math.E];
    xs.push(5e-324, -5e-324, 2.2250738585072014e-308, 2.225073858507201e-308, Number.MAX_VALUE, -Number.MAX_VALUE);
    xs.push(2 ** 31 - 1, 2 ** 31, -(2 ** 31), 2 ** 31 + 0.5, 2 ** 53, 2 ** 53 + 2, Number.MAX_SAFE_INTEGER);
    xs.push(1e21, 1e21 - 65536, 1e-6, 1e-7, 1.5e-7, 0.000001234, 1e14, 1e15);
    // the literals' nearest doubles
    for (const t of ['999999999999999900000', '9.999999999999999e-7', '99999999999999.99', '999999999999999.9'])
      xs.push(Number(t));
    xs.push(0.09999999999999999, 0.9999999999999999);
    for (let e = -325; e <= 309; e++)
      for (const m of ['1', '2', '5', '9.999999999999999', '1.0000000000000002', '4.35', '1.7976931348623157']) {
        const x = Number(`${m}e${e}`);
        xs.push(x, -x, 2 ** Math.max(-1074, Math.min(1023, Math.round(e * 3.32))));
        bits[0] = x;
        words[0] = ((words[0] as number) + 1) >>> 0; // the next double up
        xs.push(bits[0] as number);
      }
    const want = (x: number): string => (Number.isFinite(x) ? String(x) : 'null');
    const bad = xs.filter((x) => numberText(x) !== want(x)).map((x) => `${want(x)} → ${numberText(x)}`);
    expect(bad).toEqual([]);
  });

  it('writes JSON null for NaN and the infinities', () => {
    expect([NaN, Infinity, -Infinity].map(numberText)).toEqual(['null', 'null', 'null']);
  });

  it('is property-for-property the same as JSON.stringify', () => {
    fc.assert(
      fc.property(fc.double(), (x) => numberText(x) === JSON.stringify(x)),
      { numRuns: 20_000 },
    );
  });

  it('formats the API’s values itself, not through String (the point of it)', () => {
    // (doubles ≥ 1e11 with a short binary fraction can sit exactly halfway between two 17-digit decimals: String breaks
    // such ties, so they are left to it)
    const gens = [() => r(), () => r() * 0.05, () => r() * 8 - 4, () => 10 ** (r() * 13 - 7)];
    let slow = 0;
    for (const gen of gens) for (let i = 0; i < 100_000; i++) if (!fastPath(gen())) slow++;
    expect(slow).toBeLessThan(5); // in 400,000: only values within 1e-9 of a decision (none seen in 10⁶ per kind)
  });

  it('writes at the offset it is given and returns the end (bytes past the end are scratch)', () => {
    const out = new Uint8Array(64).fill(120);
    const end = writeNumber(-0.0123, out, 3);
    expect(end).toBe(10);
    expect(String.fromCharCode(...out.subarray(0, end))).toBe('xxx-0.0123');
  });
});
