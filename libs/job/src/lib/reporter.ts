/**
 * What a batch job tells its operator: on a TTY, plain messages and one live progress line (bar, counts, rate, ETA);
 * otherwise one JSON object per line (time, level, msg, fields) for log collectors, with progress reported as
 * occasional `progress` lines rather than redrawn.
 */
export interface Reporter {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  progress(done: number, total: number, label: string): void;
}

export interface ConsoleReporterOptions {
  /** Default: process.stderr. */
  out?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Force the format (default: a TTY gets the human format, anything else JSON lines). */
  format?: 'tty' | 'json';
  /** JSON mode: at most one progress line per label this often (default 10 s; the last one always). */
  jsonProgressEveryMs?: number;
  now?: () => number;
}

export class ConsoleReporter implements Reporter {
  private readonly out: NodeJS.WritableStream;
  private readonly tty: boolean;
  private readonly every: number;
  private readonly now: () => number;
  private lastLen = 0;
  private readonly started = new Map<string, number>();
  private readonly lastJson = new Map<string, number>();

  constructor(o: ConsoleReporterOptions = {}) {
    this.out = o.out ?? process.stderr;
    this.tty = o.format ? o.format === 'tty' : Boolean((this.out as { isTTY?: boolean }).isTTY);
    this.every = o.jsonProgressEveryMs ?? 10_000;
    this.now = o.now ?? (() => performance.now());
  }

  private emit(level: string, msg: string, fields: Record<string, unknown> = {}): void {
    if (this.tty) {
      this.clear();
      const extra = Object.keys(fields).length ? ` ${JSON.stringify(fields)}` : '';
      this.out.write(`${level === 'info' ? '' : `${level.toUpperCase()}: `}${msg}${extra}\n`);
    } else {
      this.out.write(JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields }) + '\n');
    }
  }
  info(msg: string, fields?: Record<string, unknown>): void {
    this.emit('info', msg, fields);
  }
  warn(msg: string, fields?: Record<string, unknown>): void {
    this.emit('warn', msg, fields);
  }
  error(msg: string, fields?: Record<string, unknown>): void {
    this.emit('error', msg, fields);
  }

  progress(done: number, total: number, label: string): void {
    const t = this.now();
    if (!this.started.has(label) || done === 0) this.started.set(label, t);
    const elapsed = t - (this.started.get(label) as number);
    const eta = etaMs(done, total, elapsed);
    const finished = done >= total;
    if (finished) this.started.delete(label);
    if (!this.tty) {
      const last = this.lastJson.get(label);
      if (!finished && last !== undefined && t - last < this.every) return;
      this.lastJson.set(label, t);
      if (finished) this.lastJson.delete(label);
      this.emit('info', 'progress', { label, done, total, ...(eta === null ? {} : { etaS: Math.round(eta / 1000) }) });
      return;
    }
    const width = 24;
    const filled = total > 0 ? Math.min(width, Math.round((done / total) * width)) : width;
    const rate = elapsed > 0 ? (done / elapsed) * 1000 : 0;
    const line =
      `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${label}` +
      (rate > 0 ? ` ${formatRate(rate)}/s` : '') +
      (eta !== null && !finished ? ` ETA ${formatDuration(eta)}` : '');
    this.clear();
    this.out.write(line);
    this.lastLen = line.length;
    if (finished) {
      this.out.write('\n');
      this.lastLen = 0;
    }
  }

  private clear(): void {
    if (this.tty && this.lastLen > 0) {
      this.out.write(`\r${' '.repeat(this.lastLen)}\r`);
      this.lastLen = 0;
    }
  }
}

/** Remaining time at the average rate so far; null before there is a rate. */
export function etaMs(done: number, total: number, elapsedMs: number): number | null {
  if (done <= 0 || elapsedMs <= 0 || total <= 0) return null;
  return Math.max(0, ((total - done) * elapsedMs) / done);
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

function formatRate(r: number): string {
  return r >= 10_000 ? `${(r / 1000).toFixed(0)}k` : r >= 100 ? r.toFixed(0) : r.toFixed(1);
}

/** Collects everything (tests, and a long-running job's last-run status). */
export class MemoryReporter implements Reporter {
  readonly lines: { level: string; msg: string; fields: Record<string, unknown> }[] = [];
  readonly progressCalls: { done: number; total: number; label: string }[] = [];
  info(msg: string, fields: Record<string, unknown> = {}): void {
    this.lines.push({ level: 'info', msg, fields });
  }
  warn(msg: string, fields: Record<string, unknown> = {}): void {
    this.lines.push({ level: 'warn', msg, fields });
  }
  error(msg: string, fields: Record<string, unknown> = {}): void {
    this.lines.push({ level: 'error', msg, fields });
  }
  progress(done: number, total: number, label: string): void {
    this.progressCalls.push({ done, total, label });
  }
}
