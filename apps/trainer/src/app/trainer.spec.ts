import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ndcgAt } from '@adrank/lightgbm';
import { parseArgs, UsageError } from './cli';
import { ConfigError, loadConfig } from './config';
import { PerformanceColumns, type ExtractedData } from './data';
import { calibration, fitBinnedMap, meanAveragePrecision, ndcgPerQuery } from './metrics';
import { defaultParamsPath, loadParams } from './params';
import { deciles, type Evaluation } from './steps/evaluate.step';
import { decideGate } from './steps/gate.step';
import { validateData } from './steps/validate.step';

describe('trainer train flags', () => {
  it('has the seed defaults and takes every flag', () => {
    expect(parseArgs(['train'])).toMatchObject({
      source: 'warehouse',
      windowDays: 56,
      holdoutDays: 7,
      engine: 'auto',
      publish: false,
    });
    expect(
      parseArgs([
        'train',
        '--source',
        'file:/d/x.parquet',
        '--window-days=30',
        '--engine',
        'native',
        '--publish',
        '--force',
        '--end-date',
        '2026-11-20',
      ]),
    ).toMatchObject({
      source: 'file:/d/x.parquet',
      windowDays: 30,
      engine: 'native',
      publish: true,
      force: true,
      endDate: '2026-11-20',
    });
  });

  it('names the bad flag or value', () => {
    const bad = (argv: string[]) => () => parseArgs(argv);
    expect(bad(['train', '--window-days', 'x'])).toThrow('--window-days must be an integer from 3 to 3650 (got "x")');
    expect(bad(['train', '--engine', 'gpu'])).toThrow('--engine must be auto, native or builtin (got "gpu")');
    expect(bad(['train', '--source', 'ftp://x'])).toThrow('--source must be warehouse, file:PATH or s3://bucket/key');
    expect(bad(['train', '--end-date', '2026-13-01'])).toThrow('--end-date must be YYYY-MM-DD');
    expect(bad(['train', '--window-days', '10', '--holdout-days', '5', '--valid-days', '5'])).toThrow(
      /must leave training days/,
    );
    expect(bad(['train', '--force'])).toThrow('--force only makes sense with --publish');
    expect(bad(['train', '--store'])).toThrow('--store needs a value');
    expect(bad(['train', '--nope'])).toThrow(UsageError);
    expect(bad(['fit'])).toThrow('unknown command "fit"');
  });
});

describe('trainer configuration', () => {
  it('names every bad variable, warehouse ones only when the warehouse is the source', () => {
    expect(() => loadConfig({ TRAINER_GATE_TOLERANCE: '2', TRAINER_LOG_FORMAT: 'xml' })).toThrow(ConfigError);
    try {
      loadConfig(
        { TRAINER_GATE_TOLERANCE: 'abc', ADRANK_EMBEDDER: 'bert', ADRANK_WAREHOUSE: 'oracle' },
        { warehouse: true },
      );
    } catch (e) {
      const m = (e as Error).message;
      expect(m).toContain('TRAINER_GATE_TOLERANCE must be a number');
      expect(m).toContain('ADRANK_EMBEDDER must be lexical or transformers:<model>');
      expect(m).toContain('ADRANK_WAREHOUSE must be duckdb or redshift');
    }
    expect(loadConfig({ ADRANK_WAREHOUSE: 'oracle' }).statusFile).toBe('.adrank/trainer/status.json');
  });
});

describe('parameter files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'adrank-params-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (doc: unknown): string => {
    const p = join(dir, `p${Math.random()}.json`);
    writeFileSync(p, JSON.stringify(doc));
    return p;
  };

  it('ships v1 with the seed sizes, checked for both engines', () => {
    const p = loadParams(defaultParamsPath(), 'builtin');
    expect(p.version).toBe('v1');
    expect(p.models.ctr.params).toMatchObject({ num_iterations: 400, num_leaves: 63, learning_rate: 0.05 });
    expect(p.models.ranker.objective).toBe('lambdarank');
    expect(p.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses unknown parameters, wrong objectives and malformed files, naming them', () => {
    const base = { format: 'adrank.trainer-params', version: 't' };
    expect(() => loadParams(write({ ...base, ctr: { num_leafs: 3 } }), 'builtin')).toThrow(
      /ctr: unknown parameter "?num_leafs/,
    );
    expect(() => loadParams(write({ ...base, ranker: { objective: 'binary' } }), 'builtin')).toThrow(
      'ranker.objective must be lambdarank',
    );
    expect(() => loadParams(write({ ...base, common: { learning_rate: -1 } }), 'builtin')).toThrow(
      /ctr: .*learning_rate/,
    );
    expect(() => loadParams(write({ version: 't' }), 'builtin')).toThrow('"format" must be "adrank.trainer-params"');
    expect(() => loadParams(write({ ...base, extra: {} }), 'builtin')).toThrow('unknown key "extra"');
    expect(() => loadParams(join(dir, 'missing.json'), 'builtin')).toThrow(/cannot read parameter file/);
  });
});

describe('metrics', () => {
  it('NDCG per query averages to LightGBM’s ndcg@k; MAP and calibration on hand examples', () => {
    const scores = [0.9, 0.1, 0.5, 0.3, 0.3, 0.8, 0.2];
    const labels = [0, 3, 1, 0, 2, 0, 0];
    const groups = [3, 4];
    const per = ndcgPerQuery(10, scores, labels, groups);
    expect((per[0]! + per[1]!) / 2).toBeCloseTo(ndcgAt(10, scores, labels, groups), 12);
    // query 1: ranking 0.9(0) 0.5(1) 0.1(3) → AP over relevant rows (ranks 2, 3) = (1/2 + 2/3) / 2
    // query 2: ranking 0.8(0) 0.3(0) 0.3(2) 0.2(0) (stable ties) → AP = 1/3
    expect(meanAveragePrecision(scores, labels, groups)).toBeCloseTo(((1 / 2 + 2 / 3) / 2 + 1 / 3) / 2, 12);
    const c = calibration([0.1, 0.1, 0.9, 0.9], [0, 1, 1, 1], undefined, 2);
    expect(c.bins).toEqual([
      { predicted: 0.1, observed: 0.5, weight: 2 },
      { predicted: 0.9, observed: 1, weight: 2 },
    ]);
    expect(c.ece).toBeCloseTo((0.4 * 2 + 0.1 * 2) / 4, 12);
    const d = deciles(Float64Array.from({ length: 1000 }, (_, i) => i / 1000));
    expect(d.edges).toEqual([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]);
    expect(d.fractions.every((x) => Math.abs(x - 0.1) < 1e-12)).toBe(true);
    const f = fitBinnedMap([0.1, 0.2, 0.8, 0.9, NaN], [0, 0, 1, 1, 1], undefined, 2);
    expect([f(0.15), f(0.85), f(NaN)]).toEqual([0, 1, 0.6]);
  });
});

function evaluation(model: Record<string, number>, extra: Partial<Evaluation> = {}): Evaluation {
  return {
    holdout: { from: '2026-11-01', to: '2026-11-07', rows: 10, queries: 2, clickedRows: 4 },
    model,
    baselines: {
      constant: { 'ctr.rmse': 0.22, 'conversion.auc': 0.5, 'conversion.logloss': 0.5, 'ranker.ndcg@10': 0.5 },
      similarity: { 'ctr.rmse': 0.219, 'conversion.auc': 0.55, 'conversion.logloss': 0.49, 'ranker.ndcg@10': 0.6 },
      'ctr-model-order': { 'ranker.ndcg@10': 0.99 }, // a reference, not a gate
    },
    current: null,
    calibration: { ctr: [], conversion: [] },
    ndcg10PerQuery: { model: [], similarity: [] },
    importance: { ctr: [], conversion: [], ranker: [] },
    training: {} as Evaluation['training'],
    scoreDistribution: {} as Evaluation['scoreDistribution'],
    ...extra,
  };
}

describe('the gate', () => {
  const good = { 'ctr.rmse': 0.21, 'conversion.auc': 0.8, 'conversion.logloss': 0.4, 'ranker.ndcg@10': 0.68 };
  const o = { tolerance: 0.01, driftTolerance: 0.1, force: false };

  it('passes a first model that beats the trivial baselines', () => {
    const g = decideGate(evaluation(good), o);
    expect(g.decision).toBe('publish');
    expect(g.skipped).toEqual(['no current bundle: first publish']);
    expect(g.checks.map((c) => c.against)).toEqual(['baseline', 'baseline', 'baseline', 'baseline']);
  });

  it('holds when a headline metric is worse than the current bundle on the same holdout, or than its record', () => {
    const current = { version: 'v1', scored: { ...good, 'conversion.auc': 0.85 }, recorded: good };
    const g = decideGate(evaluation(good, { current }), o);
    expect(g.decision).toBe('hold');
    expect(g.summary).toMatch(/^gate held: conversion\.auc 0\.8 vs current 0\.85 \(5\.9% worse, tolerance 1\.0%\)$/);
    // broken data: both models look the same on the broken holdout, but far below the record
    const broken = { 'ctr.rmse': 0.23, 'conversion.auc': 0.5, 'conversion.logloss': 0.52, 'ranker.ndcg@10': 0.5 };
    const g2 = decideGate(evaluation(broken, { current: { version: 'v1', scored: broken, recorded: good } }), o);
    expect(g2.decision).toBe('hold');
    expect(g2.checks.filter((c) => !c.ok && c.against === 'recorded').map((c) => c.metric)).toEqual([
      'conversion.auc',
      'conversion.logloss',
      'ranker.ndcg@10',
    ]);
    const forced = decideGate(evaluation(broken, { current: { version: 'v1', scored: broken, recorded: good } }), {
      ...o,
      force: true,
    });
    expect(forced).toMatchObject({ decision: 'publish', forced: true });
    expect(forced.summary).toMatch(/^gate overridden by --force: /);
  });

  it('holds a model that loses to a trivial baseline, and one whose metric is not a number', () => {
    expect(decideGate(evaluation({ ...good, 'ranker.ndcg@10': 0.55 }), o).decision).toBe('hold');
    const g = decideGate(evaluation({ ...good, 'conversion.auc': NaN }), o);
    expect(g.decision).toBe('hold');
    expect(g.checks.find((c) => !c.ok)?.metric).toBe('conversion.auc');
  });

  it('says why the current bundle was not rescored', () => {
    const g = decideGate(
      evaluation(good, { current: { version: 'v0', scored: null, reason: 'embedder x differs', recorded: {} } }),
      o,
    );
    expect(g.skipped).toEqual([
      'current bundle v0 not rescored: embedder x differs',
      'current bundle v0 records no headline metrics',
    ]);
  });
});

describe('data validation', () => {
  const row = (date: string, over: Record<string, unknown> = {}) => ({
    date,
    hour: 3,
    device: 'PC',
    searchTerm: 't',
    keyword: 'k',
    impressions: 10,
    clicks: 1,
    conversions: 0,
    cost: 100,
    sumAdRank: 20,
    bidAmt: 500,
    qualityIndex: 5,
    isBrand: false,
    isSeason: null,
    ...over,
  });
  const data = (rows: ReturnType<typeof row>[]): ExtractedData => {
    const columns = new PerformanceColumns(4);
    for (const r of rows) columns.push(r as never);
    return {
      columns,
      relations: [],
      accountKeywords: [],
      window: { historyFrom: '2026-10-30', from: '2026-11-01', to: '2026-11-04' },
      source: 'test',
    };
  };

  it('reports every problem with examples, and warnings apart', () => {
    const r = validateData(
      data([
        row('2026-10-31'),
        row('2026-11-01', { clicks: 12 }),
        row('2026-11-01', { impressions: NaN, keyword: 'k2' }),
        row('2026-11-01', { hour: 24, device: 'TV', searchTerm: '' }),
        row('2026-11-03', { conversions: 1 }),
        row('2026-11-04', { conversions: 2, bidAmt: null }),
        row('2026-11-04'),
      ]),
      { minRows: 10, minQueries: 3, holdoutFrom: '2026-11-04' },
    );
    expect(r.ok).toBe(false);
    const by = Object.fromEntries(r.errors.map((e) => [e.check, e]));
    expect(Object.keys(by).sort()).toEqual(
      [
        'clicks-above-impressions',
        'date-gap',
        'device',
        'hour',
        'impressions-missing',
        'min-queries',
        'min-rows',
        'search-term-empty',
      ].sort(),
    );
    expect(by['clicks-above-impressions']?.examples).toEqual(['2026-11-01 "t" / "k": 12 > 10']);
    expect(by['date-gap']?.examples).toEqual(['2026-11-02']);
    expect(by['min-rows']?.message).toBe('only 6 rows in the window 2026-11-01…2026-11-04 (need ≥ 10)');
    expect(r.warnings.map((w) => w.check).sort()).toEqual(['bid-missing', 'conversions-above-clicks', 'history-gap']);
    expect(by['min-queries']?.message).toBe('only 2 distinct search terms (need ≥ 3)');
    expect(r.summary).toMatchObject({ rows: 6, historyRows: 1, days: 3 });
    // a holdout whose clicked rows all converted cannot measure conversion AUC
    const h = validateData(
      data([
        row('2026-11-01'),
        row('2026-11-01', { conversions: 1 }),
        row('2026-11-02'),
        row('2026-11-03'),
        row('2026-11-04', { conversions: 1 }),
      ]),
      {
        minRows: 1,
        minQueries: 1,
        holdoutFrom: '2026-11-04',
      },
    );
    expect(h.errors.map((e) => e.message)).toEqual([
      'the holdout days need both converting and non-converting clicked rows (have 1 of 1)',
    ]);
  });

  it('refuses rows out of date order', () => {
    expect(() => data([row('2026-11-02'), row('2026-11-01')])).toThrow('rows must come in date order');
  });
});
