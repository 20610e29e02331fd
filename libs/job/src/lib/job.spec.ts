import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { ConsoleReporter, etaMs, formatDuration } from './reporter';
import { StepTimer, writeJsonAtomic } from './steps';
import { IsInt, IsOptional, IsString, Min } from 'class-validator';
import { Transform } from 'class-transformer';
import { ConfigError, envList, envNumber, loadEnvConfig } from './env-config';

function capture(): { out: PassThrough; text: () => string } {
  const out = new PassThrough();
  let buf = '';
  out.on('data', (d: Buffer) => (buf += d.toString()));
  return { out, text: () => buf };
}

describe('ConsoleReporter', () => {
  it('writes one JSON object per line off a TTY, with progress throttled per label and the last one always', () => {
    const c = capture();
    let t = 0;
    const r = new ConsoleReporter({ out: c.out, format: 'json', jsonProgressEveryMs: 1000, now: () => t });
    r.info('extract started', { source: 'warehouse' });
    r.progress(0, 100, 'embed');
    t = 500;
    r.progress(50, 100, 'embed'); // throttled
    t = 1500;
    r.progress(75, 100, 'embed');
    t = 1600;
    r.progress(100, 100, 'embed'); // last one always
    r.warn('gate held', { reason: 'worse' });
    const lines = c
      .text()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => [l['level'], l['msg'], l['done']])).toEqual([
      ['info', 'extract started', undefined],
      ['info', 'progress', 0],
      ['info', 'progress', 75],
      ['info', 'progress', 100],
      ['warn', 'gate held', undefined],
    ]);
    expect(lines[2]).toMatchObject({ label: 'embed', total: 100, etaS: 1 }); // 75 in 1.5 s → 25 more in 0.5 s
    expect(typeof lines[0]?.['time']).toBe('string');
  });

  it('draws a bar with rate and ETA on a TTY and clears it before messages', () => {
    const c = capture();
    let t = 0;
    const r = new ConsoleReporter({ out: c.out, format: 'tty', now: () => t });
    r.progress(0, 1000, 'keywords');
    t = 2000;
    r.progress(500, 1000, 'keywords');
    expect(c.text()).toContain('[############............] 500/1000 keywords 250/s ETA 2s');
    r.info('hello');
    expect(c.text().endsWith('\rhello\n')).toBe(true);
    t = 4000;
    r.progress(1000, 1000, 'keywords');
    expect(c.text().endsWith('1000/1000 keywords 250/s\n')).toBe(true);
  });

  it('computes ETAs and formats durations', () => {
    expect(etaMs(0, 10, 100)).toBeNull();
    expect(etaMs(5, 10, 100)).toBe(100);
    expect(formatDuration(59_400)).toBe('59s');
    expect(formatDuration(61_000)).toBe('1m01s');
    expect(formatDuration(3_725_000)).toBe('1h02m');
  });
});

describe('StepTimer', () => {
  it('records each step, failed ones too, and summarises durations and peak RSS', async () => {
    const steps = new StepTimer();
    expect(await steps.run('extract', async () => 42)).toBe(42);
    await expect(
      steps.run('validate', () => {
        throw new Error('bad data');
      }),
    ).rejects.toThrow('bad data');
    expect(steps.records.map((r) => [r.name, r.ok])).toEqual([
      ['extract', true],
      ['validate', false],
    ]);
    expect(steps.records[0]?.peakRssMb).toBeGreaterThan(10);
    expect(steps.summaryLine()).toMatch(
      /^extract \d+\.\ds · validate \d+\.\ds \(failed\) · total .* · peak RSS \d+ MiB$/,
    );
    expect(Object.keys(steps.summary().steps)).toEqual(['extract', 'validate']);
  });
});

describe('writeJsonAtomic', () => {
  it('replaces the file whole and leaves no temporary file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'adrank-job-'));
    try {
      const f = join(dir, 'sub', 'status.json');
      writeJsonAtomic(f, { a: 1 });
      writeJsonAtomic(f, { a: 2 });
      expect(JSON.parse(readFileSync(f, 'utf8'))).toEqual({ a: 2 });
      expect(readdirSync(join(dir, 'sub'))).toEqual(['status.json']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

class DemoConfig {
  @Transform(envNumber)
  @IsInt({ message: 'PORT must be an integer' })
  @Min(1)
  PORT = 8080;

  @IsOptional()
  @IsString()
  API_TOKEN?: string;

  @Transform(envList)
  @IsString({ each: true })
  NAMES: string[] = [];
}

describe('loadEnvConfig', () => {
  it('reads the fields it knows, converts, defaults, and lists every problem with secrets hidden', () => {
    const c = loadEnvConfig(DemoConfig, { PORT: '9000', NAMES: 'a, b,,c', OTHER: 'x', API_TOKEN: '' });
    expect(c).toMatchObject({ PORT: 9000, NAMES: ['a', 'b', 'c'] });
    expect(c.API_TOKEN).toBeUndefined();
    expect(() => loadEnvConfig(DemoConfig, { PORT: 'x', API_TOKEN: '5' as never }, ['WAREHOUSE is wrong'])).toThrow(
      ConfigError,
    );
    let m = '';
    try {
      loadEnvConfig(DemoConfig, { PORT: '0' }, ['WAREHOUSE is wrong']);
    } catch (e) {
      m = (e as Error).message;
    }
    expect(m).toBe('invalid configuration:\n  - PORT must not be less than 1 (got 0)\n  - WAREHOUSE is wrong');
  });
});
