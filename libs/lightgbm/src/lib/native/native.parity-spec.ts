/**
 * Parity against the real LightGBM (npm run test:parity; CI runs it with ADRANK_REQUIRE_NATIVE=1 after
 * `pip install lightgbm numpy`). Fails — never skips — when Python's lightgbm or lib_lightgbm.so is missing.
 *  1. fresh random models from tools/fixtures/lightgbm/generate.py (a new seed each run, printed for reproduction);
 *  2. our serialised text loaded by LightGBM itself predicts bit-identically;
 *  3. LightGBM's C API agrees with the committed golden files (the fixtures are still what LightGBM produces).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NativeLightGbm, Predictor, serializeModel } from '../../index';
import { loadGoldenCases, maxAbsDiff } from '../../testing';

const root = join(__dirname, '..', '..', '..', '..', '..');
const seed = Number(process.env['ADRANK_PARITY_SEED'] ?? Math.floor(Math.random() * 1e6));
const count = Number(process.env['ADRANK_PARITY_CASES'] ?? 16);

let native: NativeLightGbm;
beforeAll(() => {
  native = NativeLightGbm.load(); // throws with install instructions when missing: the suite fails, not skips
});

describe(`random models from the real LightGBM (ADRANK_PARITY_SEED=${seed})`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'adrank-parity-'));
  execFileSync(
    process.env['ADRANK_PYTHON'] || 'python3',
    [
      join(root, 'tools/fixtures/lightgbm/generate.py'),
      '--random',
      String(count),
      '--seed',
      String(seed),
      '--out',
      dir,
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const cases = loadGoldenCases(dir);

  it(`generated ${count} cases`, () => expect(cases).toHaveLength(count));

  describe.each(cases.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    it('raw, transformed, sliced and contributions match', () => {
      const p = Predictor.fromText(c.modelText);
      expect(maxAbsDiff(p.predict(c.rows, c.nRows, { raw: true }), c.raw)).toBe(0);
      expect(maxAbsDiff(p.predict(c.rows, c.nRows), c.pred)).toBeLessThanOrEqual(1e-9);
      expect(
        maxAbsDiff(
          p.predict(c.rows, c.nRows, { raw: true, startIteration: c.slice.start, numIteration: c.slice.num }),
          c.slice.raw,
        ),
      ).toBe(0);
      expect(maxAbsDiff(p.contributions(c.rows, c.nRows), c.contrib)).toBeLessThanOrEqual(1e-9);
      for (let r = 0; r < Math.min(c.nRows, 20) && p.numOutputs === 1; r++) {
        expect(p.predictRow(c.rows.subarray(r * p.numFeatures, (r + 1) * p.numFeatures), { raw: true })).toBe(c.raw[r]);
      }
    });

    it('every engine gives LightGBM raw scores bit for bit', () => {
      const engines =
        c.numClass === 1
          ? ([
              { singleRow: 'quickscorer', batch: 'quickscorer' },
              { singleRow: 'walk', batch: 'codegen' },
            ] as const)
          : ([{ singleRow: 'walk', batch: 'codegen' }] as const);
      for (const e of engines) {
        const p = Predictor.fromText(c.modelText, e);
        expect(maxAbsDiff(p.predict(c.rows, c.nRows, { raw: true }), c.raw)).toBe(0);
        for (let r = 0; r < c.nRows && p.numOutputs === 1; r++) {
          expect(p.predictRow(c.rows.subarray(r * p.numFeatures, (r + 1) * p.numFeatures), { raw: true })).toBe(
            c.raw[r],
          );
        }
      }
    });
  });
});

describe('round trip through LightGBM itself', () => {
  const golden = loadGoldenCases();
  it.each(golden.map((c) => [c.name, c] as const))(
    '%s: LightGBM loads our serialised text and predicts identically',
    (_n, c) => {
      const p = Predictor.fromText(c.modelText);
      const booster = native.boosterFromString(serializeModel(p.model));
      try {
        expect(booster.numIterations).toBe(c.numIterations);
        expect(maxAbsDiff(booster.predictForMat(c.rows, c.nRows, { type: 'raw' }), c.raw)).toBe(0);
        expect(maxAbsDiff(booster.predictForMat(c.rows, c.nRows, { type: 'normal' }), c.pred)).toBe(0);
        // and LightGBM's own re-serialisation parses back to the same predictions
        const again = Predictor.fromText(booster.saveModelToString());
        expect(maxAbsDiff(again.predict(c.rows, c.nRows, { raw: true }), c.raw)).toBe(0);
      } finally {
        booster.free();
      }
    },
  );

  it.each(golden.map((c) => [c.name, c] as const))(
    '%s: the installed LightGBM still produces the golden outputs',
    (_n, c) => {
      const booster = native.boosterFromString(c.modelText);
      try {
        expect(maxAbsDiff(booster.predictForMat(c.rows, c.nRows, { type: 'raw' }), c.raw)).toBe(0);
        expect(maxAbsDiff(booster.predictForMat(c.rows, c.nRows, { type: 'contrib' }), c.contrib)).toBeLessThanOrEqual(
          1e-12,
        );
        const fast = booster.singleRowFast({ type: 'raw' });
        expect(fast.predict(c.rows.slice(0, c.numFeatures))[0]).toBe(c.raw[0]);
        fast.free();
      } finally {
        booster.free();
      }
    },
  );
});

describe('native error handling', () => {
  it('turns LGBM_GetLastError into a typed error', () => {
    expect(() => native.boosterFromString('tree\nversion=v4\n')).toThrow(
      /LGBM_BoosterLoadModelFromString: .*number of classes/,
    );
  });

  it('LIGHTGBM_LIB pointing nowhere is a clear error', () => {
    expect(() => NativeLightGbm.load({ LIGHTGBM_LIB: '/nonexistent/lib_lightgbm.so' })).toThrow(
      /LIGHTGBM_LIB=\/nonexistent\/lib_lightgbm.so does not exist; install LightGBM with `pip install lightgbm`/,
    );
  });
});
