import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/** Peak resident set size of this process so far, in MiB. */
export function peakRssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

export interface StepRecord {
  name: string;
  ms: number;
  /** Peak RSS of the process when the step ended (MiB): the high-water mark up to this step. */
  peakRssMb: number;
  ok: boolean;
}

/**
 * Times the steps of a run: `await steps.run('extract', () => …)`. Failed steps are recorded too (and rethrown), so a
 * run summary always says how far the job got and how long each part took.
 */
export class StepTimer {
  readonly records: StepRecord[] = [];
  private readonly started = performance.now();

  async run<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
    const t0 = performance.now();
    let ok = false;
    try {
      const r = await fn();
      ok = true;
      return r;
    } finally {
      this.records.push({ name, ms: Math.round(performance.now() - t0), peakRssMb: peakRssMb(), ok });
    }
  }

  get totalMs(): number {
    return Math.round(performance.now() - this.started);
  }

  /** `extract 1.2s · validate 0.1s · … · total 9.9s · peak RSS 512 MiB` */
  summaryLine(): string {
    const parts = this.records.map((r) => `${r.name} ${(r.ms / 1000).toFixed(1)}s${r.ok ? '' : ' (failed)'}`);
    return [...parts, `total ${(this.totalMs / 1000).toFixed(1)}s`, `peak RSS ${peakRssMb()} MiB`].join(' · ');
  }

  summary(): {
    steps: Record<string, number>;
    peakRssMbAfter: Record<string, number>;
    totalMs: number;
    peakRssMb: number;
  } {
    return {
      steps: Object.fromEntries(this.records.map((r) => [r.name, r.ms])),
      peakRssMbAfter: Object.fromEntries(this.records.map((r) => [r.name, r.peakRssMb])),
      totalMs: this.totalMs,
      peakRssMb: peakRssMb(),
    };
  }
}

/** Writes a JSON file atomically (temporary file, fsync, rename): readers see the old or the new file, never half. */
export function writeJsonAtomic(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, JSON.stringify(value, null, 2) + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}
