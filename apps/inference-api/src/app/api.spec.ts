import { SCHEMA_V1 } from '@adrank/features';
import { kstNow } from './api.controller';
import { loadConfig } from './config';
import { psi } from './metrics.service';
import { parseInstances, parseRankRequest } from './validate';

describe('request parsing', () => {
  it('takes a rank request and names the bad field', () => {
    expect(parseRankRequest({ given_word: '나이키', candidates: ['a'], top_k: 5, hour: 0, device: 'PC' }, 10)).toEqual({
      given_word: '나이키',
      candidates: ['a'],
      top_k: 5,
      hour: 0,
      device: 'PC',
    });
    expect(() => parseRankRequest({ given_word: '  ' }, 10)).toThrow('given_word must be a non-empty string');
    expect(() => parseRankRequest({ given_word: 'x', candidates: Array(11).fill('k') }, 10)).toThrow(
      'candidates must be an array of 1 to 10 keywords',
    );
    expect(() => parseRankRequest({ given_word: 'x', top_k: 2.5 }, 10)).toThrow(
      'top_k must be an integer from 1 to 1000',
    );
    // each candidate is checked, the first bad one named by its index
    expect(() => parseRankRequest({ given_word: 'x', candidates: ['a', ' ', 'b'] }, 10)).toThrow(
      'candidates[1] must be a non-empty string',
    );
    expect(() => parseRankRequest({ given_word: 'x', candidates: ['a', 'b', 7] }, 10)).toThrow(
      'candidates[2] must be a non-empty string',
    );
    expect(() => parseRankRequest({ given_word: 'x', candidates: ['x'.repeat(513)] }, 10)).toThrow(
      'candidates[0] is longer than 512 characters',
    );
    expect(parseRankRequest({ given_word: 'x', candidates: ['x'.repeat(512), '신발'] }, 10).candidates).toEqual([
      'x'.repeat(512),
      '신발',
    ]);
  });

  it('turns instances into schema-ordered rows with NaN for absent and null features', () => {
    const { rows, n } = parseInstances(
      { instances: [{ hour: 7, similarity: 0.5, quality_index: null }] },
      SCHEMA_V1,
      5,
    );
    expect(n).toBe(1);
    expect(rows[SCHEMA_V1.indexOf('hour')]).toBe(7);
    expect(rows[SCHEMA_V1.indexOf('similarity')]).toBe(0.5);
    expect(Number.isNaN(rows[SCHEMA_V1.indexOf('quality_index')] as number)).toBe(true);
    expect(Array.from(rows).filter((x) => !Number.isNaN(x))).toHaveLength(2);
    expect(() => parseInstances({ instances: Array(6).fill({}) }, SCHEMA_V1, 5)).toThrow(
      'instances must be an array of 1 to 5 objects',
    );
  });
});

describe('KST clock and configuration', () => {
  it('computes the hour and day of week in Korea (UTC+9)', () => {
    // 2026-11-22T16:30Z is Monday 01:30 in Seoul (day 0 = Monday)
    expect(kstNow(Date.parse('2026-11-22T16:30:00Z'))).toEqual({ hour: 1, dayOfWeek: 0 });
    expect(kstNow(Date.parse('2026-11-22T14:59:00Z'))).toEqual({ hour: 23, dayOfWeek: 6 });
  });

  it('names every bad variable and hides tokens', () => {
    let message = '';
    try {
      loadConfig({ API_PORT: '70000', API_TOKEN: 'short', MODEL_POLL_MS: 'x', KEYWORD_STATE_CACHE_MB: '5000' });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('API_PORT must not be greater than 65535 (got 70000)');
    expect(message).toContain('API_TOKEN must be at least 16 characters (got ***)');
    expect(message).toContain('MODEL_POLL_MS must be an integer (got "x")');
    expect(message).toContain('KEYWORD_STATE_CACHE_MB must not be greater than 4096 (got 5000)');
    expect(loadConfig({}).RANK_RETRIEVE_K).toBe(100);
  });
});

describe('score drift', () => {
  it('PSI is 0 for the expected distribution and grows with the shift', () => {
    const e = new Array(10).fill(0.1);
    expect(psi(new Array(10).fill(7), e)).toBeCloseTo(0, 12);
    expect(psi([], e)).toBe(0);
    const shifted = psi([0, 0, 0, 0, 0, 10, 10, 10, 10, 10], e);
    // half the bins empty (floored at 1e-4), half doubled: 5·(0.2−0.1)·ln 2 + 5·(1e-4−0.1)·ln(1e-3)
    expect(shifted).toBeCloseTo(5 * 0.1 * Math.log(2) + 5 * (1e-4 - 0.1) * Math.log(1e-3), 9);
  });
});
