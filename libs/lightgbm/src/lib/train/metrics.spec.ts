import { auc, evaluate, l2, logloss, ndcgAt, parseMetric, rmse } from './metrics';

describe('metrics (LightGBM definitions)', () => {
  it('l2 and rmse are weighted mean squared error and its root', () => {
    expect(l2([1, 2, 3], [1, 4, 0])).toBeCloseTo((0 + 4 + 9) / 3, 15);
    expect(l2([1, 2, 3], [1, 4, 0], [1, 1, 2])).toBeCloseTo((0 + 4 + 18) / 4, 15);
    expect(rmse([0, 0], [3, 4])).toBeCloseTo(Math.sqrt(12.5), 15);
  });

  it('logloss clamps probabilities at 1e-15 and takes probability labels', () => {
    expect(logloss([0.8, 0.3], [1, 0])).toBeCloseTo(-(Math.log(0.8) + Math.log(0.7)) / 2, 15);
    expect(logloss([1], [0])).toBe(-Math.log(1 - (1 - 1e-15)));
    expect(logloss([0.6], [0.25])).toBeCloseTo(-(0.25 * Math.log(0.6) + 0.75 * Math.log(0.4)), 15);
  });

  it('auc equals the Mann-Whitney statistic with ties counted half, weighted', () => {
    const scores = [0.9, 0.8, 0.8, 0.5, 0.3, 0.3, 0.1];
    const labels = [1, 0, 1, 1, 0, 1, 0];
    const weights = [1, 2, 1, 0.5, 1, 3, 1];
    let num = 0;
    let den = 0;
    for (let i = 0; i < 7; i++) {
      for (let j = 0; j < 7; j++) {
        if (labels[i] === 1 && labels[j] === 0) {
          const w = (weights[i] as number) * (weights[j] as number);
          den += w;
          num += w * ((scores[i] as number) > (scores[j] as number) ? 1 : scores[i] === scores[j] ? 0.5 : 0);
        }
      }
    }
    expect(auc(scores, labels, weights)).toBeCloseTo(num / den, 15);
    expect(auc([0.1, 0.2], [1, 1])).toBe(1);
  });

  it('ndcg@k: gain 2^l − 1, log2 discount, queries without relevance count 1', () => {
    // query 1: labels by score order 2, 0, 1 ; ideal 2, 1, 0
    const dcg = 3 / Math.log2(2) + 0 + 1 / Math.log2(4);
    const ideal = 3 / Math.log2(2) + 1 / Math.log2(3);
    const got = ndcgAt(3, [3, 2, 1, 5, 4], [2, 0, 1, 0, 0], [3, 2]);
    expect(got).toBeCloseTo((dcg / ideal + 1) / 2, 15);
    expect(ndcgAt(1, [1, 2], [1, 0], [2])).toBe(0);
  });

  it('parses metric names and rejects unknown ones', () => {
    expect(parseMetric('ndcg@10')).toBe('ndcg@10');
    expect(() => parseMetric('ndcg@0')).toThrow(/unknown metric "ndcg@0"/);
    expect(() => parseMetric('mae')).toThrow(/expected l2, rmse/);
    expect(() => evaluate('ndcg@3', [1], [1])).toThrow(/needs query groups/);
  });
});
