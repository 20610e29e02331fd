import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fitBetaPrior } from './priors';
import { dayOfWeek, type PerformanceRecord, type RelationFigures } from './records';
import { ROW_V1_WIDTH } from './row';
import { SCHEMA_V1, schemaByHash } from './schema';
import { buildServingRows } from './serving';
import { KeywordFeatureTable } from './table';
import { buildTrainingRows, fitPriors, relevanceGrade, TrainingRowBuilder, type TrainingOptions } from './training';

const DAYS = ['2026-11-01', '2026-11-02', '2026-11-03', '2026-11-04', '2026-11-05', '2026-11-06'];
const TERMS = ['나이키 운동화', 'running shoes', '커피 머신'];
const KEYWORDS = ['나이키운동화', '나이키 러닝화', 'running shoe', '커피머신 추천'];

const recordArb: fc.Arbitrary<PerformanceRecord> = fc
  .record({
    date: fc.constantFrom(...DAYS),
    hour: fc.integer({ min: 0, max: 23 }),
    device: fc.constantFrom('PC' as const, 'MOBILE' as const),
    searchTerm: fc.constantFrom(...TERMS),
    keyword: fc.constantFrom(...KEYWORDS),
    impressions: fc.integer({ min: 0, max: 50 }),
    clickShare: fc.double({ min: 0, max: 1, noNaN: true }),
    convShare: fc.double({ min: 0, max: 1, noNaN: true }),
    cpc: fc.integer({ min: 70, max: 2000 }),
    rank: fc.double({ min: 1, max: 15, noNaN: true }),
    bidAmt: fc.integer({ min: 70, max: 5000 }),
    qualityIndex: fc.option(fc.integer({ min: 1, max: 7 }), { nil: null }),
    isBrand: fc.option(fc.boolean(), { nil: null }),
  })
  .map((x) => {
    const clicks = Math.floor(x.impressions * x.clickShare * 0.3);
    const conversions = Math.floor(clicks * x.convShare * 0.5);
    return {
      date: x.date,
      hour: x.hour,
      device: x.device,
      searchTerm: x.searchTerm,
      keyword: x.keyword,
      impressions: x.impressions,
      clicks,
      conversions,
      cost: clicks * x.cpc + 0.1 * clicks, // non-integer costs: sums must be taken in one order
      sumAdRank: (Math.round(x.rank * 10) / 10) * x.impressions,
      bidAmt: x.bidAmt,
      qualityIndex: x.qualityIndex,
      isBrand: x.isBrand,
      isSeason: null,
    };
  });

/** Records without duplicate (day, hour, device, term, keyword) cells. */
const recordsArb = fc.uniqueArray(recordArb, {
  minLength: 1,
  maxLength: 120,
  selector: (r) => `${r.date}|${r.hour}|${r.device}|${r.searchTerm}|${r.keyword}`,
});

const similarity = (s: string, k: string): number => ((s.length * 31 + k.length * 17) % 100) / 100;
const relations = new Map<string, RelationFigures>([
  [`${TERMS[0]}|${KEYWORDS[0]}`, { monthlySearchVolume: 12000, competition: 'high', adDepth: 12 }],
  [`${TERMS[1]}|${KEYWORDS[2]}`, { monthlySearchVolume: 5, competition: 'low', adDepth: null }],
]);
const options: TrainingOptions = {
  similarity,
  relation: (s, k) => relations.get(`${s}|${k}`),
  windowDays: 3,
  priors: { ctr: { alpha: 1, beta: 30 }, cvr: { alpha: 1, beta: 9 } },
};

/** Bitwise equality of float arrays, NaN included. */
function sameFloats(a: Float64Array, b: Float64Array): boolean {
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}

/** Features of the rows keyed by their identity (order-free comparison). */
function featuresByKey(rows: ReturnType<typeof buildTrainingRows>): Map<string, Float64Array> {
  const m = new Map<string, Float64Array>();
  rows.keys.forEach((k, i) =>
    m.set(
      `${k.date}|${k.hour}|${k.device}|${k.searchTerm}|${k.keyword}`,
      rows.matrix.slice(i * ROW_V1_WIDTH, (i + 1) * ROW_V1_WIDTH),
    ),
  );
  return m;
}

describe('FeatureSchema v1', () => {
  it('has stable names, a content hash, and is found by its hash', () => {
    expect(SCHEMA_V1.width).toBe(ROW_V1_WIDTH);
    expect(SCHEMA_V1.names.slice(0, 4)).toEqual(['similarity', 'hour', 'day_of_week', 'device']);
    expect(SCHEMA_V1.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(schemaByHash(SCHEMA_V1.hash)).toBe(SCHEMA_V1);
    expect(schemaByHash('0'.repeat(64))).toBeUndefined();
    expect(SCHEMA_V1.indexOf('kw_ctr')).toBe(10);
    expect(() => SCHEMA_V1.indexOf('nope')).toThrow(/no feature "nope"/);
  });

  it('serving rows honour the scopes: keyword values per keyword, pair values per pair (per keyword without history)', () => {
    const scopes = ['context', 'keyword', 'pair', 'embedding'] as const;
    expect(scopes.flatMap((s) => SCHEMA_V1.indicesOf(s)).sort((a, b) => a - b)).toEqual(
      Array.from({ length: SCHEMA_V1.width }, (_, i) => i),
    );
    expect(SCHEMA_V1.indicesOf('embedding')).toEqual([SCHEMA_V1.indexOf('similarity')]);
    let withoutHistory = 0;
    fc.assert(
      fc.property(
        recordsArb,
        fc.constantFrom(...TERMS, 'a term with no history'),
        fc.constantFrom(...TERMS, 'another term with no history'),
        (records, t1, t2) => {
          const table = KeywordFeatureTable.build(records, {
            endDate: DAYS[DAYS.length - 1] as string,
            windowDays: 3,
            priors: options.priors as NonNullable<TrainingOptions['priors']>,
            relations: [...relations].map(([k, figures]) => {
              const [searchTerm, keyword] = k.split('|') as [string, string];
              return { searchTerm, keyword, figures };
            }),
          });
          const candidates = [...KEYWORDS, 'a keyword not in the table'].map((keyword) => ({
            keyword,
            similarity: 0.5,
          }));
          const w = ROW_V1_WIDTH;
          const a = buildServingRows({ searchTerm: t1 }, candidates, table, { hour: 3, dayOfWeek: 1, device: 'PC' });
          const b = buildServingRows({ searchTerm: t2 }, candidates, table, {
            hour: 20,
            dayOfWeek: 5,
            device: 'MOBILE',
          });
          const values = (rows: Float64Array, r: number, scope: (typeof scopes)[number]) =>
            SCHEMA_V1.indicesOf(scope).map((f) => String(rows[r * w + f]));
          candidates.forEach(({ keyword }, r) => {
            expect(values(a, r, 'keyword')).toEqual(values(b, r, 'keyword'));
            const bare = (t: string) =>
              table.pair(t, keyword) === undefined && table.relation(t, keyword) === undefined;
            if (bare(t1) && bare(t2)) {
              expect(values(a, r, 'pair')).toEqual(values(b, r, 'pair'));
              withoutHistory++;
            }
          });
          expect(values(a, 0, 'context')).toEqual(['3', '1', '0']);
          expect(values(b, 0, 'context')).toEqual(['20', '5', '1']);
        },
      ),
      { numRuns: 100 },
    );
    expect(withoutHistory).toBeGreaterThan(50);
  });
});

describe('training rows', () => {
  it('are point in time: day D sees the keyword and pair totals of the window before D, never its own counts', () => {
    const base = {
      hour: 10,
      device: 'MOBILE' as const,
      searchTerm: TERMS[0] as string,
      keyword: KEYWORDS[0] as string,
      bidAmt: 500,
      qualityIndex: 4,
      isBrand: true,
      isSeason: false,
      sumAdRank: 0,
    };
    const recs: PerformanceRecord[] = [
      { ...base, date: '2026-11-01', impressions: 100, clicks: 10, conversions: 1, cost: 5000 },
      { ...base, date: '2026-11-02', impressions: 50, clicks: 5, conversions: 0, cost: 2500 },
      {
        ...base,
        date: '2026-11-02',
        searchTerm: TERMS[1] as string,
        impressions: 20,
        clicks: 0,
        conversions: 0,
        cost: 0,
      },
      { ...base, date: '2026-11-05', impressions: 10, clicks: 9, conversions: 9, cost: 100 },
    ];
    const rows = buildTrainingRows(recs, options);
    const f = (i: number, name: string) => rows.matrix[i * ROW_V1_WIDTH + SCHEMA_V1.indexOf(name)];
    expect(rows.keys.map((k) => `${k.date} ${k.searchTerm}`)).toEqual([
      `2026-11-01 ${TERMS[0]}`,
      `2026-11-02 ${TERMS[1]}`, // sorted by code unit: Latin before Hangul
      `2026-11-02 ${TERMS[0]}`,
      `2026-11-05 ${TERMS[0]}`,
    ]);
    expect(f(0, 'kw_impressions')).toBe(0); // nothing before the first day
    expect(f(2, 'kw_impressions')).toBe(100); // day 1 only, not its own 50
    expect(f(1, 'kw_impressions')).toBe(100);
    expect(f(1, 'pair_impressions')).toBe(0); // the other term has no pair history yet
    // Day 5 with a 3-day window sees days 2–4: 50 + 20 impressions, 5 clicks; day 1 has left the window.
    expect(f(3, 'kw_impressions')).toBe(70);
    expect(f(3, 'kw_clicks')).toBe(5);
    expect(f(3, 'kw_ctr')).toBeCloseTo((5 + 1) / (70 + 31), 12);
    expect(f(3, 'kw_cpc')).toBe(500);
    expect(f(3, 'pair_impressions')).toBe(50);
    expect(f(0, 'kw_cpc')).toBeNaN();
    expect(f(0, 'day_of_week')).toBe(dayOfWeek('2026-11-01'));
    expect(f(0, 'rel_search_volume')).toBe(12000);
    expect(f(0, 'rel_competition')).toBe(2);
    expect(f(1, 'rel_search_volume')).toBeNaN();
    // Labels are the row's own outcome.
    expect(Array.from(rows.labels.ctr)).toEqual([0.1, 0, 0.1, 0.9]);
    expect(Array.from(rows.labels.weight)).toEqual([100, 20, 50, 10]);
    expect(Array.from(rows.labels.converted)).toEqual([1, NaN, 0, 1]);
    expect(Array.from(rows.labels.relevance)).toEqual([4, 0, 3, 4]);
    expect(rows.groups).toEqual([1, 1, 1, 1]);
  });

  it('grades relevance from the row outcome', () => {
    expect(relevanceGrade({ impressions: 100, clicks: 1, conversions: 1 })).toBe(4);
    expect(relevanceGrade({ impressions: 100, clicks: 5, conversions: 0 })).toBe(3);
    expect(relevanceGrade({ impressions: 100, clicks: 2, conversions: 0 })).toBe(2);
    expect(relevanceGrade({ impressions: 100, clicks: 1, conversions: 0 })).toBe(1);
    expect(relevanceGrade({ impressions: 100, clicks: 0, conversions: 0 })).toBe(0);
    expect(relevanceGrade({ impressions: 0, clicks: 0, conversions: 0 })).toBe(0);
  });

  it('do not depend on the order of the input rows (property)', () => {
    fc.assert(
      fc.property(recordsArb, fc.integer(), (records, seed) => {
        const shuffled = [...records];
        let s = seed >>> 0 || 1;
        for (let i = shuffled.length - 1; i > 0; i--) {
          s = (Math.imul(s, 1103515245) + 12345) >>> 0;
          const j = s % (i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j] as PerformanceRecord, shuffled[i] as PerformanceRecord];
        }
        const a = buildTrainingRows(records, options);
        const b = buildTrainingRows(shuffled, options);
        expect(sameFloats(a.matrix, b.matrix)).toBe(true);
        expect(b.keys).toEqual(a.keys);
        expect(b.groups).toEqual(a.groups);
      }),
      { numRuns: 60 },
    );
  });

  it('stream day by day into preallocated buffers that grow, without keys, with the same floats (property)', () => {
    fc.assert(
      fc.property(recordsArb, fc.integer({ min: 0, max: 8 }), (records, capacity) => {
        const whole = buildTrainingRows(records, options);
        const b = new TrainingRowBuilder({ ...options, priors: whole.priors, capacity, keepKeys: false });
        for (const d of DAYS)
          b.addDay(
            d,
            records.filter((r) => r.date === d),
          );
        const s = b.finish();
        expect(s.rows).toBe(whole.rows);
        expect(b.rowCount).toBe(whole.rows);
        expect(sameFloats(s.matrix, whole.matrix)).toBe(true);
        for (const k of ['ctr', 'weight', 'converted', 'relevance'] as const)
          expect(sameFloats(s.labels[k], whole.labels[k])).toBe(true);
        expect(s.groups).toEqual(whole.groups);
        expect(s.keys).toEqual([]);
        expect(s.dayRows).toEqual(whole.dayRows);
        // dayRows partitions the rows by date, in order
        let at = 0;
        for (const d of whole.dayRows) {
          expect(d.start).toBe(at);
          for (let i = d.start; i < d.start + d.rows; i++) expect(whole.keys[i]?.date).toBe(d.date);
          at += d.rows;
        }
        expect(at).toBe(whole.rows);
      }),
      { numRuns: 60 },
    );
  });

  it("never depend on data on or after the row's own day (property: mutate the future, features stay)", () => {
    fc.assert(
      fc.property(recordsArb, fc.constantFrom(...DAYS), recordsArb, (records, cut, future) => {
        const past = records.filter((r) => r.date < cut);
        const today = records.filter((r) => r.date === cut);
        const changedFuture = future
          .filter((r) => r.date >= cut)
          .map((r) => ({
            ...r,
            impressions: r.impressions + 7,
            clicks: r.clicks + 3,
            conversions: r.conversions + 1,
            cost: r.cost + 99,
          }));
        // Same past and same rows of the cut day; everything on or after the cut day is rewritten (the cut day's own
        // counts too — they are labels, not features).
        const a = featuresByKey(buildTrainingRows([...past, ...today], options));
        const todayChanged = today.map((r) => ({
          ...r,
          impressions: r.impressions + 5,
          clicks: r.clicks + 5,
          conversions: r.conversions + 2,
          cost: r.cost + 1,
        }));
        const bRows = buildTrainingRows(
          [...past, ...todayChanged, ...changedFuture.filter((r) => !today.some((t) => same(t, r)))],
          options,
        );
        const b = featuresByKey(bRows);
        for (const [k, v] of a)
          if (k.startsWith(cut) || k < cut) expect(sameFloats(v, b.get(k) as Float64Array)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('names the bad record', () => {
    const r: PerformanceRecord = {
      date: '2026-11-01',
      hour: 24,
      device: 'PC',
      searchTerm: 'a',
      keyword: 'b',
      impressions: 1,
      clicks: 0,
      conversions: 0,
      cost: 0,
      sumAdRank: 0,
      bidAmt: 70,
      qualityIndex: null,
      isBrand: null,
      isSeason: null,
    };
    expect(() => buildTrainingRows([r], options)).toThrow('records[0].hour must be an integer 0–23 (got 24)');
    expect(() => buildTrainingRows([{ ...r, hour: 1, clicks: 2 }], options)).toThrow(/clicks exceeds impressions/);
    expect(() => buildTrainingRows([{ ...r, hour: 1, date: '2026-13-01' }], options)).toThrow(/not a date/);
  });
});

function same(a: PerformanceRecord, b: PerformanceRecord): boolean {
  return (
    a.date === b.date &&
    a.hour === b.hour &&
    a.device === b.device &&
    a.searchTerm === b.searchTerm &&
    a.keyword === b.keyword
  );
}

describe('serving rows equal training rows', () => {
  it('for every feature, from the table snapshot at the end of the previous day (property)', () => {
    let compared = 0;
    fc.assert(
      fc.property(recordsArb, fc.constantFrom(...DAYS.slice(1)), (records, day) => {
        const training = buildTrainingRows(records, options);
        const prev = DAYS[DAYS.indexOf(day) - 1] as string;
        const table = KeywordFeatureTable.build(records, {
          endDate: prev,
          windowDays: 3,
          priors: options.priors as NonNullable<TrainingOptions['priors']>,
          relations: [...relations].map(([k, figures]) => {
            const [searchTerm, keyword] = k.split('|') as [string, string];
            return { searchTerm, keyword, figures };
          }),
        });
        training.keys.forEach((k, i) => {
          if (k.date !== day) return;
          const r = records.find((x) => same(x, { ...k } as PerformanceRecord)) as PerformanceRecord;
          const served = buildServingRows(
            { searchTerm: k.searchTerm },
            [
              {
                keyword: k.keyword,
                similarity: similarity(k.searchTerm, k.keyword),
                bidAmt: r.bidAmt,
                qualityIndex: r.qualityIndex,
                isBrand: r.isBrand,
                isSeason: r.isSeason,
              },
            ],
            table,
            { hour: k.hour, date: k.date, device: k.device },
          );
          expect(Array.from(served).map(String)).toEqual(
            Array.from(training.matrix.slice(i * ROW_V1_WIDTH, (i + 1) * ROW_V1_WIDTH)).map(String),
          );
          compared++;
        });
      }),
      { numRuns: 150 },
    );
    expect(compared).toBeGreaterThan(20); // the property compared real rows, not an empty set
  });
});

describe('KeywordFeatureTable', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'kft-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips through its file, and refuses a damaged one', () => {
    const records = fc.sample(recordsArb, { numRuns: 1, seed: 7 })[0] as PerformanceRecord[];
    const t = KeywordFeatureTable.build(records, { endDate: '2026-11-06', windowDays: 3, priors: fitPriors(records) });
    t.save(join(dir, 'kf.bin'));
    const u = KeywordFeatureTable.load(join(dir, 'kf.bin'));
    expect(u.endDate).toBe('2026-11-06');
    expect(u.schemaHash).toBe(SCHEMA_V1.hash);
    expect(u.priors).toEqual(t.priors);
    for (const k of KEYWORDS) {
      expect(u.keyword(k)).toEqual(t.keyword(k));
      expect(u.keywordStatic(k)).toEqual(t.keywordStatic(k));
      for (const s of TERMS) expect(u.pair(s, k)).toEqual(t.pair(s, k));
    }
    const bytes = readFileSync(join(dir, 'kf.bin'));
    writeFileSync(join(dir, 'cut.bin'), bytes.subarray(0, bytes.length - 8));
    expect(() => KeywordFeatureTable.load(join(dir, 'cut.bin'))).toThrow(/data is .* bytes, the header describes/);
    writeFileSync(join(dir, 'junk.bin'), 'hello');
    expect(() => KeywordFeatureTable.load(join(dir, 'junk.bin'))).toThrow(/not a keyword feature table/);
  });

  it('validates the serving context', () => {
    const t = KeywordFeatureTable.build([], {
      endDate: '2026-11-06',
      priors: options.priors as NonNullable<TrainingOptions['priors']>,
    });
    expect(() => buildServingRows({ searchTerm: 'x' }, [], t, { hour: 25, device: 'PC', dayOfWeek: 1 })).toThrow(
      /hour must be 0–23/,
    );
    expect(() => buildServingRows({ searchTerm: 'x' }, [], t, { hour: 1, device: 'PC' })).toThrow(/dayOfWeek/);
    const rows = buildServingRows({ searchTerm: 'x' }, [{ keyword: 'unknown', similarity: 0.5 }], t, {
      hour: 1,
      device: 'MOBILE',
      dayOfWeek: 2,
    });
    expect(rows[SCHEMA_V1.indexOf('kw_impressions')]).toBe(0);
    expect(rows[SCHEMA_V1.indexOf('bid_amt')]).toBeNaN(); // unknown keyword, no bid given: missing, not 0
    expect(() =>
      buildServingRows(
        { searchTerm: 'x' },
        [{ keyword: 'k', similarity: 0 }],
        t,
        { hour: 1, device: 'PC', dayOfWeek: 2 },
        undefined,
        new Int32Array(0),
      ),
    ).toThrow('keywordRows holds 0 values, 1 needed');
  });

  it('gives each candidate its table row with its features: one number per keyword, −1 without a row', () => {
    const records = fc.sample(recordsArb, { numRuns: 1, seed: 11 })[0] as PerformanceRecord[];
    const t = KeywordFeatureTable.build(records, { endDate: '2026-11-06', windowDays: 3, priors: fitPriors(records) });
    const candidates = [...KEYWORDS, 'never seen', ...KEYWORDS].map((keyword) => ({ keyword, similarity: 0.5 }));
    const keywordRows = new Int32Array(candidates.length).fill(99);
    const context = { hour: 1, device: 'PC' as const, dayOfWeek: 2 };
    const rows = buildServingRows({ searchTerm: TERMS[0] as string }, candidates, t, context, undefined, keywordRows);
    expect(rows).toEqual(buildServingRows({ searchTerm: TERMS[0] as string }, candidates, t, context));
    const byKeyword = new Map<string, number>();
    candidates.forEach((c, i) => {
      const row = keywordRows[i] as number;
      expect(row >= 0).toBe(t.hasKeyword(c.keyword));
      expect(row).toBeLessThan(t.keywordCount);
      if (byKeyword.has(c.keyword)) expect(row).toBe(byKeyword.get(c.keyword));
      byKeyword.set(c.keyword, row);
    });
    const known = [...byKeyword].filter(([, r]) => r >= 0).map(([, r]) => r);
    expect(new Set(known).size).toBe(known.length);
    expect(known.length).toBeGreaterThan(0);
  });
});

describe('fitBetaPrior', () => {
  it('recovers the mean and a plausible strength from many units, and falls back with few', () => {
    const units = Array.from({ length: 200 }, (_, i) => ({ trials: 1000, successes: 20 + (i % 21) }));
    const p = fitBetaPrior(units);
    expect(p.alpha / (p.alpha + p.beta)).toBeCloseTo(0.03, 3);
    expect(p.alpha + p.beta).toBeGreaterThan(100);
    const few = fitBetaPrior([{ trials: 10, successes: 1 }]);
    expect(few.alpha + few.beta).toBe(10);
  });
});
