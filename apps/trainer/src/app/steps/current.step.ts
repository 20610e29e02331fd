import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SCHEMA_V1 } from '@adrank/features';
import { Predictor } from '@adrank/lightgbm';
import type { Reporter } from '@adrank/job';
import { BUNDLE_MODEL_FILES, BundleError, type BundleStore, type BundleManifest } from '@adrank/model-store';
import type { CurrentBundle } from './evaluate.step';

/** The bundle's model files (`@adrank/model-store`'s layout), by model. */
export const MODEL_FILES = BUNDLE_MODEL_FILES;

/**
 * The currently published bundle, for the embeddings to reuse and the models to beat: resolved, downloaded into the
 * work dir and verified. No bundle yet → null. A store that cannot be read fails the job (the gate cannot be judged).
 */
export class CurrentBundleStep {
  constructor(private readonly reporter: Reporter) {}

  async run(
    bundles: BundleStore,
    cacheDir: string,
    embedderId: string,
  ): Promise<{ bundle: CurrentBundle; dir: string; manifest: BundleManifest } | null> {
    let resolved;
    try {
      resolved = await bundles.resolve();
    } catch (e) {
      if (e instanceof BundleError && e.code === 'NO_BUNDLE') {
        this.reporter.info('no current bundle: this will be the first');
        return null;
      }
      throw e;
    }
    const dir = await bundles.download(resolved, cacheDir);
    const m = resolved.manifest;
    const recorded = Object.fromEntries(
      Object.entries(m.metrics).filter(([k]) => /^(ctr|conversion|ranker)\./.test(k)),
    );
    let reason: string | undefined;
    if (m.feature_schema.hash !== SCHEMA_V1.hash)
      reason = `feature schema ${m.feature_schema.version} (${m.feature_schema.hash.slice(0, 12)}) differs from ours`;
    else if (m.embedder.id !== embedderId) reason = `embedder ${m.embedder.id} differs from ours (${embedderId})`;
    else if (!Object.values(MODEL_FILES).every((f) => f in m.files)) reason = 'it lacks a model file';
    let predictors: CurrentBundle['predictors'] = null;
    if (reason === undefined) {
      try {
        const load = (f: string) => Predictor.fromText(readFileSync(join(dir, f), 'utf8'));
        predictors = {
          ctr: load(MODEL_FILES.ctr),
          conversion: load(MODEL_FILES.conversion),
          ranker: load(MODEL_FILES.ranker),
        };
      } catch (e) {
        reason = `its models do not load: ${(e as Error).message}`;
      }
    }
    this.reporter.info('current bundle', {
      version: m.version,
      rescored: predictors !== null,
      ...(reason ? { reason } : {}),
    });
    return {
      bundle: { version: m.version, predictors, recorded, ...(reason ? { reason } : {}) },
      dir,
      manifest: m,
    };
  }
}
