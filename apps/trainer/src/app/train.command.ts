import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { dayNumber, SCHEMA_V1 } from '@adrank/features';
import { StepTimer, writeJsonAtomic, type Reporter } from '@adrank/job';
import type { EngineName } from '@adrank/lightgbm';
import { BundleStore, newVersion, openStore, type BundleManifest } from '@adrank/model-store';
import type { TrainArgs } from './cli';
import type { TrainerConfig } from './config';
import { dateOf, PerformanceColumns } from './data';
import { defaultParamsPath, loadParams } from './params';
import { renderReport } from './report/report';
import { CurrentBundleStep, MODEL_FILES } from './steps/current.step';
import { EmbedStep, openEmbedder } from './steps/embed.step';
import { EvaluateStep, HEADLINE, type Evaluation } from './steps/evaluate.step';
import { ExtractStep } from './steps/extract.step';
import { FeaturesStep } from './steps/features.step';
import { decideGate, type GateDecision } from './steps/gate.step';
import { TrainStep } from './steps/train.step';
import { validateData, ValidationFailed } from './steps/validate.step';
import { REPORTER, TRAINER_CONFIG } from './tokens';

export type RunStatus = 'published' | 'held' | 'trained' | 'failed' | 'invalid-data';

export interface TrainOutcome {
  status: RunStatus;
  version: string;
  bundleDir: string;
  evaluation?: Evaluation;
  gate?: GateDecision;
  manifest?: BundleManifest;
  steps: ReturnType<StepTimer['summary']>;
  error?: string;
}

/**
 * `trainer train`: extract → validate → (current bundle) → embed → features → train → evaluate → gate → report →
 * publish. Each step is its own object; this command only sequences them, times them, and leaves a status file behind
 * (published / held / trained / failed / invalid-data) whatever happens.
 */
@Injectable()
export class TrainCommand {
  constructor(
    @Inject(TRAINER_CONFIG) private readonly config: TrainerConfig,
    @Inject(REPORTER) private readonly reporter: Reporter,
  ) {}

  async run(args: TrainArgs): Promise<TrainOutcome> {
    const cfg = this.config;
    const rep = this.reporter;
    const steps = new StepTimer();
    const version = newVersion();
    const work = resolve(cfg.TRAINER_WORK_DIR);
    const bundleDir = join(work, 'runs', version);
    const status = (o: Partial<TrainOutcome> & { status: RunStatus }): TrainOutcome => {
      const out: TrainOutcome = { version, bundleDir, steps: steps.summary(), ...o };
      writeJsonAtomic(cfg.statusFile, {
        status: out.status,
        version,
        finishedAt: new Date().toISOString(),
        bundleDir,
        ...(out.gate
          ? {
              gate: {
                decision: out.gate.decision,
                forced: out.gate.forced,
                summary: out.gate.summary,
                checks: out.gate.checks,
              },
            }
          : {}),
        ...(out.evaluation ? { metrics: out.evaluation.model } : {}),
        ...(out.error ? { error: out.error } : {}),
        ...out.steps,
      });
      return out;
    };
    try {
      const engine: EngineName = args.engine;
      const params = loadParams(args.params ?? defaultParamsPath(), engine);
      const embedderSpec = args.embedder ?? cfg.ADRANK_EMBEDDER;
      const store = args.store ?? cfg.ADRANK_MODEL_STORE;
      const bundles = new BundleStore(openStore(store, { s3: cfg.s3 }));
      rep.info('trainer started', {
        version,
        source: args.source,
        store,
        engine,
        embedder: embedderSpec,
        params: params.version,
      });

      const data = await steps.run('extract', () =>
        new ExtractStep(cfg, rep).run({
          source: args.source,
          windowDays: args.windowDays,
          historyDays: args.historyDays,
          endDate: args.endDate,
        }),
      );
      const endDay = dayNumber(data.window.to);
      const holdoutFrom = dateOf(endDay - args.holdoutDays + 1);
      const validFrom = dateOf(endDay - args.holdoutDays - args.validDays + 1);
      const validation = await steps.run('validate', () =>
        validateData(data, { minRows: cfg.TRAINER_MIN_ROWS, minQueries: cfg.TRAINER_MIN_QUERIES, holdoutFrom }),
      );
      for (const w of validation.warnings) rep.warn(`data: ${w.message}`, { examples: w.examples });
      if (!validation.ok) {
        const e = new ValidationFailed(validation);
        rep.error(e.message, { errors: validation.errors });
        writeJsonAtomic(join(work, 'runs', `${version}.validation.json`), validation);
        return status({ status: 'invalid-data', error: e.message });
      }
      const embedder = await openEmbedder(embedderSpec, cfg);
      const current = await steps.run('current', () =>
        new CurrentBundleStep(rep).run(bundles, join(work, 'bundles'), embedder.id),
      );
      const embedded = await steps.run('embed', () => new EmbedStep(rep).run(data, embedder, current?.dir ?? null));
      const windows = {
        from: data.window.from,
        validFrom,
        holdoutFrom,
        to: data.window.to,
        historyDays: args.historyDays,
      };
      const fs = await steps.run('features', () => new FeaturesStep(rep).run(data, embedded.similarity, windows));
      data.columns = new PerformanceColumns(0); // the rows live on as features: let the extracted columns go
      const models = await steps.run('train', () => new TrainStep(rep).run(fs, params, engine));
      const evaluation = await steps.run('evaluate', () =>
        new EvaluateStep(rep).run(fs, models, current?.bundle ?? null, { holdoutFrom, to: data.window.to }),
      );
      const gate = await steps.run('gate', () =>
        decideGate(evaluation, {
          tolerance: cfg.TRAINER_GATE_TOLERANCE,
          driftTolerance: cfg.TRAINER_GATE_DRIFT_TOLERANCE,
          force: args.force,
        }),
      );
      (gate.decision === 'publish' ? rep.info : rep.warn).call(rep, gate.summary, {
        decision: gate.decision,
        forced: gate.forced,
        failed: gate.checks.filter((c) => !c.ok),
      });

      await steps.run('report', async () => {
        rmSync(bundleDir, { recursive: true, force: true });
        mkdirSync(bundleDir, { recursive: true });
        for (const kind of ['ctr', 'conversion', 'ranker'] as const)
          writeFileSync(join(bundleDir, MODEL_FILES[kind]), models[kind].modelText);
        embedded.keywords.save(bundleDir);
        fs.table.save(join(bundleDir, 'keyword_features.bin'));
        writeFileSync(
          join(bundleDir, 'evaluation.json'),
          JSON.stringify({ evaluation, gate, validation }, finite, 1) + '\n',
        );
        writeFileSync(
          join(bundleDir, 'score_distribution.json'),
          JSON.stringify(evaluation.scoreDistribution, null, 1) + '\n',
        );
        writeFileSync(
          join(bundleDir, 'training.json'),
          JSON.stringify(
            {
              source: args.source,
              window: { historyFrom: data.window.historyFrom, ...windows },
              engine,
              embedder: { spec: embedderSpec, id: embedder.id, dim: embedder.dim },
              params: { version: params.version, sha256: params.sha256, models: params.models },
              priors: fs.priors,
              forced: gate.forced,
            },
            null,
            1,
          ) + '\n',
        );
        writeFileSync(
          join(bundleDir, 'report.html'),
          renderReport({
            version,
            createdAt: new Date().toISOString(),
            dataWindow: {
              historyFrom: data.window.historyFrom,
              from: data.window.from,
              validFrom,
              holdoutFrom,
              to: data.window.to,
            },
            source: args.source,
            embedder: { id: embedder.id, dim: embedder.dim },
            params: { version: params.version, source: params.source },
            evaluation,
            gate,
            validation,
            embedStats: embedded.stats,
          }),
        );
      });
      rep.info('bundle written', { dir: bundleDir, report: join(bundleDir, 'report.html') });

      if (gate.decision === 'hold') {
        rep.warn('gate held: nothing published, the current bundle stays', { version, summary: gate.summary });
        return this.finish(steps, status({ status: 'held', evaluation, gate }));
      }
      if (!args.publish) {
        rep.info('not publishing (no --publish)', { dir: bundleDir });
        return this.finish(steps, status({ status: 'trained', evaluation, gate }));
      }
      const manifest = await steps.run('publish', () =>
        bundles.publish(bundleDir, {
          version,
          source_revision: cfg.ADRANK_SOURCE_REVISION ?? 'unknown',
          feature_schema: { version: SCHEMA_V1.version, hash: SCHEMA_V1.hash, names: [...SCHEMA_V1.names] },
          embedder: { id: embedder.id, dim: embedder.dim },
          data_window: { from: data.window.from, to: data.window.to },
          metrics: manifestMetrics(evaluation, gate, fs.rows.rows),
        }),
      );
      rep.info('published', { version: manifest.version, store, parent: manifest.parent_version });
      return this.finish(steps, status({ status: 'published', evaluation, gate, manifest }));
    } catch (e) {
      const msg = (e as Error).message;
      rep.error(`train failed: ${msg}`);
      return this.finish(steps, status({ status: 'failed', error: msg }));
    }
  }

  private finish(steps: StepTimer, out: TrainOutcome): TrainOutcome {
    this.reporter.info(`run summary: ${out.status} · ${steps.summaryLine()}`, {
      status: out.status,
      ...steps.summary(),
    });
    return out;
  }
}

/** The manifest's flat metrics: the new model's holdout metrics, the baselines', the gate's outcome, sizes. */
function manifestMetrics(e: Evaluation, gate: GateDecision, rows: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(e.model)) out[k] = v;
  for (const [name, m] of Object.entries(e.baselines))
    for (const [k, v] of Object.entries(m)) out[`baseline.${name}.${k}`] = v;
  out['gate.passed'] = gate.checks.every((c) => c.ok) ? 1 : 0;
  out['gate.forced'] = gate.forced ? 1 : 0;
  out['rows.total'] = rows;
  out['rows.holdout'] = e.holdout.rows;
  out['holdout.queries'] = e.holdout.queries;
  for (const k of Object.keys(HEADLINE)) if (!(k in out)) out[k] = NaN;
  return Object.fromEntries(Object.entries(out).filter(([, v]) => Number.isFinite(v)));
}

/** JSON replacer: non-finite numbers become strings ("NaN", "Infinity") instead of null. */
function finite(_k: string, v: unknown): unknown {
  return typeof v === 'number' && !Number.isFinite(v) ? String(v) : v;
}
