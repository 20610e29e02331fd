import fc from 'fast-check';
import { ascii, JsonWriter } from './json-writer';
import { predictResponseJson, rankResponseJson, type RankResponse } from './responses';

const json = (v: unknown): Buffer => Buffer.from(JSON.stringify(v));

describe('JsonWriter', () => {
  it('writes strings byte for byte as JSON.stringify + UTF-8 do (escapes, Hangul, emoji, lone surrogates)', () => {
    const w = new JsonWriter(8); // grows as it goes
    const cases = [
      '',
      'a"b\\c',
      '\b\f\n\r\t\u0000\u001f\u007f',
      '다이슨 청소기',
      '😀 x',
      '\ud800',
      'x\udc00y',
      '\udc00\udc00',
      '\ud800\ud800\udc00',
      '\udbff\udfff',
      '\u2028\u2029',
    ];
    for (const s of cases) expect(w.string(s).take().toString('latin1')).toBe(json(s).toString('latin1'));
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (s) => w.string(s).take().equals(json(s))),
      { numRuns: 5_000 },
    );
  });

  it('writes a sequence of values and starts over after take', () => {
    const w = new JsonWriter(4);
    w.raw(ascii('[')).number(0.1).raw(ascii(',')).boolean(true).raw(ascii(',')).string('키').raw(ascii(']'));
    expect(w.take().toString()).toBe('[0.1,true,"키"]');
    expect(w.length).toBe(0);
    expect(w.number(-2).take().toString()).toBe('-2');
  });

  it('refuses what it cannot write', () => {
    expect(() => ascii('키')).toThrow('not printable ASCII');
    const w = new JsonWriter(16);
    w.reserve(8);
    expect(() => w.commit(100)).toThrow('commit(100) outside 0…16');
  });
});

const ranked = fc.record({
  keyword: fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }),
  score: fc.double(),
  ctr: fc.double({ min: 0, max: 1 }),
  conversion_probability: fc.double({ min: 0, max: 1, noNaN: true }),
  similarity: fc.double({ min: -1, max: 1, noNaN: true }),
  known_keyword: fc.boolean(),
});

describe('response bodies', () => {
  it('POST /rank: the bytes of JSON.stringify', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.string({ unit: 'binary' }),
        fc.array(ranked, { maxLength: 120 }),
        fc.double({ min: 0, max: 1e4, noNaN: true }),
        (version, word, results, took) => {
          const body: RankResponse = { model_version: version, given_word: word, results, took_ms: took };
          return rankResponseJson(body).equals(json(body));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('POST /rank with explanations and with more than the writer’s first buffer holds', () => {
    const explained: RankResponse = {
      model_version: 'v1',
      given_word: 'w',
      results: [
        {
          keyword: 'k',
          score: 1.5,
          ctr: 0.01,
          conversion_probability: 0.02,
          similarity: 0.3,
          known_keyword: true,
          explanation: {
            ranker: { expected_value: 0.1, contributions: { similarity: 0.2 } },
            ctr: { expected_value: 0.1, contributions: { similarity: 0.2 } },
            conversion: { expected_value: 0.1, contributions: { similarity: 0.2 } },
          },
        },
      ],
      took_ms: 0.5,
    };
    expect(rankResponseJson(explained).equals(json(explained))).toBe(true);
    const big: RankResponse = {
      model_version: 'v1',
      given_word: 'w',
      results: Array.from({ length: 1000 }, (_, i) => ({
        keyword: `아주 긴 키워드 ${'가'.repeat(40)} ${i}`,
        score: Math.sin(i),
        ctr: i / 1e5,
        conversion_probability: 1 / (i + 3),
        similarity: Math.cos(i),
        known_keyword: i % 3 === 0,
      })),
      took_ms: 12.345,
    };
    const bytes = rankResponseJson(big);
    expect(bytes.length).toBeGreaterThan(1 << 16);
    expect(bytes.equals(json(big))).toBe(true);
  });

  it('POST /predict/*: the bytes of JSON.stringify, NaN as null', () => {
    fc.assert(
      fc.property(fc.string(), fc.array(fc.double(), { maxLength: 300 }), (version, p) =>
        predictResponseJson({ model_version: version, predictions: Float64Array.from(p) }).equals(
          json({ model_version: version, predictions: p }),
        ),
      ),
      { numRuns: 500 },
    );
  });
});
