import { Inject, Injectable } from '@nestjs/common';
import { CronJob } from 'cron';
import { yesterdayKst } from '../cli';
import type { EtlConfig } from '../config';
import type { Reporter } from '@adrank/job';
import { ETL_CONFIG, REPORTER } from '../tokens';
import { KeywordsCommand } from './keywords.command';
import { SyncCommand } from './sync.command';

export interface ScheduledRunStatus {
  startedAt: string;
  finishedAt: string | null;
  ok: boolean | null;
  failedPartitions: string[];
  error?: string;
}

/**
 * `etl schedule`: the daily job on a cron expression (ETL_SCHEDULE, in ETL_TIMEZONE): for each customer, yesterday's
 * (KST) reports, then the keyword snapshot (`etl daily` runs it once, for a Kubernetes CronJob). Runs never overlap: a tick that finds the previous run still going is
 * skipped and logged.
 */
@Injectable()
export class ScheduleCommand {
  private job: CronJob | null = null;
  private running: Promise<void> | null = null;
  last: ScheduledRunStatus | null = null;

  constructor(
    @Inject(ETL_CONFIG) private readonly cfg: EtlConfig,
    private readonly sync: SyncCommand,
    private readonly keywords: KeywordsCommand,
    @Inject(REPORTER) private readonly log: Reporter,
  ) {}

  start(customers: string[], runNow: boolean): void {
    if (customers.length === 0) throw new Error('schedule needs --customer or ADRANK_CUSTOMER_IDS');
    this.job = CronJob.from({
      cronTime: this.cfg.ETL_SCHEDULE,
      timeZone: this.cfg.ETL_TIMEZONE,
      onTick: () => void this.tick(customers),
      start: true,
    });
    this.log.info('schedule started', {
      cron: this.cfg.ETL_SCHEDULE,
      timeZone: this.cfg.ETL_TIMEZONE,
      next: this.job.nextDate().toISO(),
      customers,
    });
    if (runNow) void this.tick(customers);
  }

  /** One daily run (also what --run-now triggers). */
  tick(customers: string[]): Promise<void> {
    if (this.running !== null) {
      this.log.warn('previous run still going; tick skipped');
      return this.running;
    }
    const status: ScheduledRunStatus = {
      startedAt: new Date().toISOString(),
      finishedAt: null,
      ok: null,
      failedPartitions: [],
    };
    this.last = status;
    this.running = (async () => {
      try {
        status.failedPartitions.push(...(await this.runOnce(customers, 1)));
        status.ok = status.failedPartitions.length === 0;
      } catch (e) {
        status.ok = false;
        status.error = (e as Error).message;
        this.log.error('scheduled run failed', { error: status.error });
      } finally {
        status.finishedAt = new Date().toISOString();
        this.running = null;
      }
    })();
    return this.running;
  }

  /**
   * The daily job once: per customer, the reports of the `days` days up to yesterday (KST) — partitions already loaded
   * are skipped, so a day a failed run missed is caught up — then the keyword snapshot. Returns the failed partitions.
   */
  async runOnce(customers: string[], days: number): Promise<string[]> {
    const to = yesterdayKst();
    const from = new Date(Date.parse(`${to}T00:00:00Z`) - (days - 1) * 86_400_000).toISOString().slice(0, 10);
    const failed: string[] = [];
    for (const customer of customers) {
      const r = await this.sync.run({
        customer,
        from,
        to,
        reports: ['AD_DETAIL', 'AD_CONVERSION_DETAIL'],
        force: false,
      });
      failed.push(...r.failed.map((f) => `${customer} ${f.report} ${f.date}: ${f.error}`));
      await this.keywords.run({ customer });
    }
    return failed;
  }

  async stop(): Promise<void> {
    await this.job?.stop();
    await this.running;
  }
}
