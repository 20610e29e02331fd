import { loadLexicalGolden } from '../testing';
import { EmbeddingsError } from './errors';
import { LexicalEmbedder } from './lexical';
import { murmur3_32 } from './murmur3';
import { normalizeText } from './normalize';

const dot = (a: Float32Array, b: Float32Array): number => a.reduce((s, v, i) => s + v * (b[i] as number), 0);

describe('murmur3_32', () => {
  // Values from Python: sklearn.utils.murmurhash3_32(key.encode('utf-8'), seed, positive=True).
  it.each([
    ['', 0, 0],
    ['hello', 0, 613153351],
    ['hello', 1, 3142237357],
    ['나이키', 0, 111600118],
    ['abcd', 0, 1139631978],
    ['abc', 42, 1313807976],
    ['ab', 7, 4264175359],
    ['a', 0, 1009084850],
    ['😀x', 0, 1914495294],
  ])('hashes %j with seed %d like the reference', (key, seed, want) => {
    const bytes = new TextEncoder().encode(key);
    expect(murmur3_32(bytes, bytes.length, seed)).toBe(want);
  });
});

describe('normalizeText', () => {
  it('applies NFKC, lowercases and folds whitespace', () => {
    expect(normalizeText('  ＮＩＫＥ\u3000운동화\t\n')).toBe('nike 운동화');
    expect(normalizeText('e\u0301cole')).toBe('école');
    expect(normalizeText('\u1112\u1161\u11ab')).toBe('한'); // conjoining jamo compose
    expect(normalizeText('\u0085a\u2003b\ufeff')).toBe('a b');
    expect(normalizeText('ΣΊΣΥΦΟΣ')).toBe('σίσυφος');
  });
});

describe('LexicalEmbedder', () => {
  const golden = loadLexicalGolden();

  it.each(golden.cases.map((c) => [c.dim, c.seed, c.ngram, c] as const))(
    'matches the Python reference of the spec (dim %d, seed %d, ngram %j)',
    (dim, seed, ngram, c) => {
      const e = new LexicalEmbedder({ dim, seed, ngram });
      const m = e.embedSync(golden.texts);
      golden.texts.forEach((t, i) => {
        expect(normalizeText(t)).toBe(c.normalized[i]);
        expect(e.grams(t)).toEqual(c.grams[i]);
        const want = new Float32Array(dim);
        for (const [k, v] of Object.entries(c.rows[i] as Record<string, number>)) want[Number(k)] = v;
        expect(Array.from(m.subarray(i * dim, (i + 1) * dim))).toEqual(Array.from(want)); // bit for bit
      });
    },
  );

  it('ranks obvious variants of "running shoes" above an unrelated keyword', async () => {
    const e = new LexicalEmbedder();
    const [q, shoe, swapped, coffee] = await Promise.all(
      ['running shoes', 'running shoe', 'shoes running', 'coffee maker'].map(async (t) => e.embed([t])),
    ).then((rows) => rows.map((r) => r));
    const sShoe = dot(q as Float32Array, shoe as Float32Array);
    const sSwapped = dot(q as Float32Array, swapped as Float32Array);
    const sCoffee = dot(q as Float32Array, coffee as Float32Array);
    expect(sShoe).toBeGreaterThan(0.8);
    expect(sSwapped).toBeGreaterThan(0.8);
    expect(sShoe).toBeGreaterThan(sCoffee + 0.5);
    expect(sSwapped).toBeGreaterThan(sCoffee + 0.5);
  });

  it('ranks "나이키운동화" above "커피 머신" for "나이키 운동화"', () => {
    const e = new LexicalEmbedder();
    const m = e.embedSync(['나이키 운동화', '나이키운동화', '커피 머신', '나이키', '운동화 추천']);
    const row = (i: number): Float32Array => m.subarray(i * 256, (i + 1) * 256);
    const s = [1, 2, 3, 4].map((i) => dot(row(0), row(i)));
    expect(s[0]).toBeGreaterThan(0.8);
    expect(s[0]).toBeGreaterThan((s[1] as number) + 0.5);
    expect(s[1]).toBeLessThan(0.2);
    // Partial matches land between.
    expect(s[2]).toBeGreaterThan(s[1] as number);
    expect(s[3]).toBeGreaterThan(s[1] as number);
  });

  it('gives unit rows, zero rows for texts without words, and the same row for the same text', () => {
    const e = new LexicalEmbedder();
    const texts = ['나이키 running 운동화 50%', '', '   ', '!!!', 'a', '러닝화'];
    const m = e.embedSync(texts);
    texts.forEach((t, i) => {
      const r = m.subarray(i * 256, (i + 1) * 256);
      const n = Math.sqrt(dot(r, r));
      if (normalizeText(t).replace(/[^\p{L}\p{N}]/gu, '') === '') expect(n).toBe(0);
      else expect(n).toBeCloseTo(1, 6);
    });
    expect(Array.from(e.embedSync(['러닝화']))).toEqual(Array.from(m.subarray(5 * 256)));
  });

  it('embeds a very long input and 10,000 duplicates', () => {
    const e = new LexicalEmbedder();
    const long = '나이키 운동화 running shoes '.repeat(20_000); // 500k characters
    const one = e.embedSync([long]);
    expect(Math.sqrt(dot(one, one))).toBeCloseTo(1, 5);
    const dup = e.embedSync(new Array<string>(10_000).fill('나이키 운동화'));
    const first = Array.from(dup.subarray(0, 256));
    expect(Array.from(dup.subarray(9_999 * 256))).toEqual(first);
  });

  it('names what is wrong with bad options and inputs', async () => {
    expect(() => new LexicalEmbedder({ dim: 0 })).toThrow(/dim must be an integer/);
    expect(() => new LexicalEmbedder({ ngram: [3, 2] })).toThrow(/ngram/);
    expect(() => new LexicalEmbedder({ seed: -1 })).toThrow(/seed/);
    const e = new LexicalEmbedder();
    await expect(e.embed(['ok', 3 as unknown as string])).rejects.toThrow('texts[1] must be a string, got number 3');
    await expect(e.embed('text' as unknown as string[])).rejects.toBeInstanceOf(EmbeddingsError);
  });

  it('has an id that changes with every setting that changes its output', () => {
    const ids = new Set(
      [{}, { dim: 128 }, { seed: 1 }, { ngram: [2, 4] as const }].map((o) => new LexicalEmbedder(o).id),
    );
    expect(ids.size).toBe(4);
    expect(new LexicalEmbedder().id).toBe('lexical-v1:ngram1-3:dim256:murmur3-seed0');
  });
});
