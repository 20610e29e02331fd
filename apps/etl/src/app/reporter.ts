/**
 * What the ETL tells its operator: on a TTY a progress line (partitions done / total) and plain messages; otherwise one
 * JSON object per line (level, msg, fields) for log collectors.
 */
export interface Reporter {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  progress(done: number, total: number, label: string): void;
}

export class ConsoleReporter implements Reporter {
  private lastLen = 0;
  constructor(
    private readonly out: NodeJS.WriteStream = process.stderr,
    private readonly tty = Boolean(out.isTTY),
  ) {}

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
    if (!this.tty) return; // JSON mode logs each partition instead
    const width = 24;
    const filled = total > 0 ? Math.round((done / total) * width) : width;
    const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${label}`;
    this.clear();
    this.out.write(line);
    this.lastLen = line.length;
  }
  private clear(): void {
    if (this.tty && this.lastLen > 0) {
      this.out.write(`\r${' '.repeat(this.lastLen)}\r`);
      this.lastLen = 0;
    }
  }
}

/** Collects everything (tests, and the schedule's last-run status). */
export class MemoryReporter implements Reporter {
  readonly lines: { level: string; msg: string; fields: Record<string, unknown> }[] = [];
  info(msg: string, fields: Record<string, unknown> = {}): void {
    this.lines.push({ level: 'info', msg, fields });
  }
  warn(msg: string, fields: Record<string, unknown> = {}): void {
    this.lines.push({ level: 'warn', msg, fields });
  }
  error(msg: string, fields: Record<string, unknown> = {}): void {
    this.lines.push({ level: 'error', msg, fields });
  }
  progress(): void {
    // progress lines are for terminals; the collected messages carry the per-partition outcome
  }
}
