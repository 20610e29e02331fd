import { WordArena } from './simd';

/** Random words, and every length from 4 to 96 words (the kernels' 64-byte turns and their 16-byte tails). */
function randomArena(simd: boolean, length: number, seed: number): WordArena {
  const a = new WordArena(length, simd, 64 * 64); // leaves for up to 64 trees of 64
  let x = seed;
  for (let i = 0; i < a.words.length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) | 0;
    a.words[i] = x ^ (x << 7);
  }
  for (let i = 0; i < a.leaves.length; i++) a.leaves[i] = Math.sin(i + seed) / 7;
  return a;
}

const LENGTHS = Array.from({ length: 24 }, (_, k) => 4 * (k + 1));

describe('WordArena kernels: WebAssembly SIMD and the JavaScript fallback give the same words and sums', () => {
  const fast = randomArena(true, 1024, 7);
  const slow = randomArena(false, 1024, 7);

  it('runs on SIMD here', () => {
    expect(fast.simd).toBe(true);
    expect(slow.simd).toBe(false);
  });

  it.each(LENGTHS)('set3, and2 and and over %i words, leaving the words around them alone', (n) => {
    for (const a of [fast, slow]) {
      a.set3(100, 300, 500, 700, n);
      a.and2(200, 400, 600, n);
      a.and(800, 900, n);
    }
    expect(Array.from(fast.words.subarray(0, 1024))).toEqual(Array.from(slow.words.subarray(0, 1024)));
    // and they are what they say
    const w = slow.words;
    const set3 = Array.from(
      { length: n },
      (_, i) => (w[300 + i] as number) & (w[500 + i] as number) & (w[700 + i] as number),
    );
    expect(Array.from(w.subarray(100, 100 + n))).toEqual(set3);
  });

  it.each([1, 2, 3, 31, 32, 33, 63])('sum1, sum2, sum1x4 and sum2x4 over %i trees', (trees) => {
    for (const a of [fast, slow]) for (let i = 0; i < 4 * 128; i++) a.words[i] = (a.words[i] as number) | 1;
    expect(fast.sum1(trees)).toBe(slow.sum1(trees));
    expect(fast.sum2(trees)).toBe(slow.sum2(trees));
    fast.sum1x4(0, 128, trees);
    slow.sum1x4(0, 128, trees);
    expect(Array.from(fast.sums)).toEqual(Array.from(slow.sums));
    fast.sum2x4(0, 128, trees);
    slow.sum2x4(0, 128, trees);
    expect(Array.from(fast.sums)).toEqual(Array.from(slow.sums));
  });
});
