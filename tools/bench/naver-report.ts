/**
 * npm run bench:reports — a 500,000-row AD_DETAIL report (≈ 60 MB, header-less TSV as Naver writes it) through
 * @adrank/naver-ads' streaming parser, from a file and downloaded from the fake Naver server, each in a fresh process
 * so that peak RSS is the parser's own. The peer is what the seed's Python would do: pandas.read_csv of the same file.
 *
 * Options: --rows N (default 500000).
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { NaverAdsClient, parseReport } from '@adrank/naver-ads';
import { adDetailRow, DEFAULT_FAKE_ACCOUNT, FakeNaverServer, toTsvLine } from '@adrank/naver-ads/testing';
import { fmt, runFresh, table } from './common';

const args = process.argv.slice(2);
const HEAP_CAP_MB = 64; // the TypeScript loader alone holds ~26 MB of it
const opt = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? (args[i + 1] as string) : fallback;
};

interface Measured {
  rows: number;
  seconds: number;
  peakRssMb: number;
  baselineRssMb: number;
  checksum: number;
}

async function writeReport(file: string, rows: number): Promise<void> {
  const out = createWriteStream(file);
  let buf = '';
  for (let i = 0; i < rows; i++) {
    buf +=
      toTsvLine(
        'AD_DETAIL',
        adDetailRow({
          date: i % 2 ? '2026-11-20' : '2026-03-20',
          keywordId: i % 17 === 0 ? null : `nkw-a001-01-${String(i).padStart(15, '0')}`,
          hour: i % 24,
          device: i % 3 ? 'MOBILE' : 'PC',
          impressions: i % 500,
          clicks: i % 13,
          cost: i % 2 ? (i % 13) * 330 : Math.round((i % 13) * 301.17 * 100) / 100,
          sumAdRank: (i % 500) * 3,
        }),
      ) + '\n';
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
}

/** Child mode: parse the file (or download it from a fake server) and report. */
async function child(mode: string, file: string): Promise<void> {
  const baseline = process.memoryUsage().rss;
  const t0 = performance.now();
  let rows = 0;
  let checksum = 0;
  let server: FakeNaverServer | undefined;
  let source: AsyncIterable<Uint8Array>;
  if (mode === 'file') {
    source = createReadStream(file, { highWaterMark: 1 << 16 });
  } else {
    // The fake server serves the same bytes as a finished report job.
    server = await FakeNaverServer.start();
    const { createServer } = await import('node:http');
    const http = createServer((req, res) => {
      res.setHeader('content-length', String(statSync(file).size));
      createReadStream(file).pipe(res);
      void req;
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
    const port = (http.address() as { port: number }).port;
    const client = new NaverAdsClient({ ...DEFAULT_FAKE_ACCOUNT, baseUrl: `http://127.0.0.1:${port}` });
    const { body } = await client.openReportDownload({
      reportJobId: 'bench',
      downloadUrl: '/report-download?authtoken=x&fileVersion=v2',
    });
    source = body;
    body.on('end', () => http.close());
  }
  for await (const batch of parseReport('AD_DETAIL', source)) {
    rows += batch.length;
    for (const r of batch) checksum += r.impressions + r.clicks;
  }
  const seconds = (performance.now() - t0) / 1000;
  await server?.close();
  const m: Measured = {
    rows,
    seconds,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    baselineRssMb: baseline / 2 ** 20,
    checksum,
  };
  console.log(JSON.stringify(m));
}

async function main(): Promise<void> {
  if (args[0] === '--child') return child(args[1] as string, args[2] as string);
  const rows = Number(opt('rows', '500000'));
  if (!Number.isInteger(rows) || rows < 1) throw new Error('--rows must be a positive integer');
  const dir = mkdtempSync(join(tmpdir(), 'adrank-bench-report-'));
  try {
    const file = join(dir, 'AD_DETAIL.tsv');
    await writeReport(file, rows);
    const mb = statSync(file).size / 2 ** 20;
    const fromFile = runFresh<Measured>(__filename, ['--child', 'file', file]);
    const fromHttp = runFresh<Measured>(__filename, ['--child', 'http', file]);
    // The proof of bounded memory: the same parse with V8's heap capped far below the file's size.
    const capped = runFresh<Measured>(__filename, ['--child', 'file', file], [`--max-old-space-size=${HEAP_CAP_MB}`]);
    let peer: { rows: number; seconds: number; peakRssMb: number } | string;
    try {
      const script = [
        'import sys, time, resource, pandas as pd',
        't = time.perf_counter()',
        'cols = ["date","customer","campaign","adgroup","keyword","ad","channel","hour","region","media","device","imp","clk","cost","rank","views"]',
        'df = pd.read_csv(sys.argv[1], sep="\\t", header=None, names=cols, dtype={"keyword": str, "region": str, "media": str})',
        'n = len(df); s = time.perf_counter() - t',
        'print(n, s, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)',
      ].join('\n');
      const out = execFileSync(process.env['ADRANK_PYTHON'] || 'python3', ['-c', script, file], { encoding: 'utf8' })
        .trim()
        .split(' ');
      peer = { rows: Number(out[0]), seconds: Number(out[1]), peakRssMb: Number(out[2]) };
    } catch (e) {
      peer = `not measured (${(e as Error).message.split('\n')[0]})`;
    }
    const line = (name: string, m: Measured | { rows: number; seconds: number; peakRssMb: number }) => [
      name,
      fmt(m.rows),
      fmt(m.rows / m.seconds),
      fmt(m.seconds, 2),
      fmt(m.peakRssMb, 0),
    ];
    console.log(`AD_DETAIL report: ${fmt(rows)} rows, ${fmt(mb, 1)} MB\n`);
    console.log(
      table(
        ['parser', 'rows', 'rows/s', 'seconds', 'peak RSS MB'],
        [
          line('adrank parseReport, from a file (streamed)', fromFile),
          line('adrank, downloaded from an HTTP server (streamed)', fromHttp),
          line(`adrank from a file, V8 heap capped at ${HEAP_CAP_MB} MB`, capped),
          ...(typeof peer === 'string'
            ? [['pandas.read_csv (peer)', peer, '', '', '']]
            : [line('pandas.read_csv (peer, whole file in memory)', peer)]),
        ],
      ),
    );
    console.log(
      `\nbounded memory: the ${fmt(mb)} MB report parses with the V8 heap capped at ${HEAP_CAP_MB} MB; ` +
        `uncapped, peak RSS is ${fmt(fromFile.peakRssMb - fromFile.baselineRssMb)} MB above the process baseline (${fmt(fromFile.baselineRssMb)} MB): ` +
        `V8 lets garbage accumulate when it may`,
    );
    if (fromFile.checksum !== fromHttp.checksum || fromFile.checksum !== capped.checksum || fromFile.rows !== rows) {
      throw new Error('the parses disagree');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
