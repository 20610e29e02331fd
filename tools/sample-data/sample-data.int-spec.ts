import { FACT_TABLES, DuckDbWarehouse } from '@adrank/warehouse';
import { evaluateSample } from './quality';
import { generateSample, toFakeNaverData } from './sample-data';
import { loadSampleIntoWarehouse } from './warehouse-load';

describe('sample data', () => {
  it('is deterministic for a seed, realistic in shape, and sparse', () => {
    const a = generateSample({ keywords: 300, days: 5, seed: 3 });
    const b = generateSample({ keywords: 300, days: 5, seed: 3 });
    expect(b.records).toEqual(a.records);
    expect(generateSample({ keywords: 300, days: 5, seed: 4 }).records).not.toEqual(a.records);
    expect(a.keywords.some((k) => /[가-힣]/.test(k.keyword))).toBe(true);
    expect(a.keywords.some((k) => /^[a-z ]+$/.test(k.keyword))).toBe(true);
    expect(a.keywords.some((k) => /^[가-힣]+$/.test(k.keyword) && k.tokens.length === 2)).toBe(true); // spacing variants
    const zeroClick = a.records.filter((r) => r.clicks === 0).length / a.records.length;
    expect(zeroClick).toBeGreaterThan(0.8);
    expect(a.records.every((r) => r.clicks <= r.impressions && r.conversions <= r.clicks)).toBe(true);
  });

  it('loads straight into a DuckDB warehouse with the totals of the sample', async () => {
    const s = generateSample({ keywords: 200, days: 4, seed: 5 });
    const fake = toFakeNaverData(s);
    const w = await DuckDbWarehouse.open(':memory:');
    try {
      const counts = await loadSampleIntoWarehouse(w, s, fake);
      expect(counts['naver_keywords']).toBe(200);
      const [p] = await w.query<{ imp: number; clk: number }>(
        `SELECT SUM(impressions) AS imp, SUM(clicks) AS clk FROM ${FACT_TABLES.AD_DETAIL.name}`,
      );
      expect(p).toEqual({
        imp: s.records.reduce((a, r) => a + r.impressions, 0),
        clk: s.records.reduce((a, r) => a + r.clicks, 0),
      });
      const [c] = await w.query<{ n: number }>(
        `SELECT SUM(conversions) AS n FROM ${FACT_TABLES.AD_CONVERSION_DETAIL.name}`,
      );
      expect(c?.n).toBe(s.records.reduce((a, r) => a + r.conversions, 0));
      expect(counts['search_term_hourly_performance']).toBe(s.records.length);
      const [t] = await w.query<{ clk: number; terms: number }>(
        'SELECT SUM(clicks) AS clk, COUNT(DISTINCT search_term) AS terms FROM search_term_hourly_performance',
      );
      expect(t).toEqual({
        clk: s.records.reduce((a, r) => a + r.clicks, 0),
        terms: new Set(s.records.map((r) => r.searchTerm)).size,
      });
    } finally {
      await w.close();
    }
  });

  it('trains models that beat trivial baselines on a time-based holdout', () => {
    const q = evaluateSample(generateSample({ keywords: 1500, days: 45, seed: 7 }));
    expect(q.ctr.model).toBeLessThan(q.ctr.constant); // weighted RMSE below the constant model
    expect(q.conversion.auc).toBeGreaterThanOrEqual(0.75);
    expect(q.ranking.ndcg10).toBeGreaterThan(q.ranking.similarityNdcg10 + 0.05); // well above similarity alone
  }, 120_000);
});
