/**
 * npm run bench:embeddings — @adrank/embeddings against what the seed design does in Python (sentence-transformers on
 * PyTorch, numpy), same inputs, same run, one thread each (onnxruntime intraOpNumThreads 1; torch.set_num_threads(1)
 * and single-threaded BLAS for the peer).
 *
 *   lexical embeddings/s        LexicalEmbedder.embedSync, one text per call  | the spec's Python reference
 *   tiny-BERT embeddings/s      TransformersEmbedder, batch 1 and 64          | PyTorch + mean pooling, batch 1 and 64
 *   64 concurrent callers       1 text per call, micro-batched vs unbatched   | PyTorch batch 1 (the seed encodes per request)
 *   nearest top-10              KeywordEmbeddingCache.nearest (WASM SIMD)     | numpy M @ q + argpartition
 *   .npy load 100,000 × 384     readNpyMatrix into the search index           | np.load
 *
 * Options: --seconds S per throughput measurement (default 2), --rows N (default 100000). The peer needs python3 with
 * numpy, torch and transformers (pip install --retries 0 --timeout 5 numpy torch transformers scikit-learn); without
 * them its column says what is missing.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DotProductIndex,
  KeywordEmbeddingCache,
  LexicalEmbedder,
  MicroBatchingEmbedder,
  readNpyMatrix,
  TransformersEmbedder,
  writeNpySync,
  type Embedder,
} from '@adrank/embeddings';
import { randomUnitRows, TINY_BERT_DIR } from '@adrank/embeddings/testing';
import { fmt, table } from './common';

const args = process.argv.slice(2);
const opt = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? (args[i + 1] as string) : fallback;
};
const SECONDS = Number(opt('seconds', '2'));
const ROWS = Number(opt('rows', '100000'));
if (!(SECONDS > 0) || !Number.isInteger(ROWS) || ROWS < 1000) {
  console.error('--seconds must be positive and --rows an integer >= 1000');
  process.exit(2);
}

/** Keywords shaped like Naver ones: Korean product words, brands, modifiers, some English. */
function keywords(n: number): string[] {
  const a = [
    '나이키',
    '아디다스',
    '뉴발란스',
    '캠핑',
    '여성',
    '남성',
    '아동',
    '겨울',
    '여름',
    'nike',
    'running',
    '무료배송',
  ];
  const b = [
    '운동화',
    '러닝화',
    '패딩',
    '원피스',
    '텐트',
    '의자',
    '가방',
    '노트북',
    'shoes',
    '선크림',
    '커피 머신',
    '매트리스',
  ];
  const c = ['추천', '할인', '최저가', '정품', '세트', '2026', 'sale', '후기', '', '', '', ''];
  const out: string[] = [];
  for (let i = 0; out.length < n; i++) {
    out.push(
      `${a[i % a.length]} ${b[Math.floor(i / a.length) % b.length]} ${c[Math.floor(i / 144) % c.length]} ${i}`.trim(),
    );
  }
  return out;
}

async function rate(fn: () => Promise<unknown> | unknown, perCall: number): Promise<number> {
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < SECONDS * 1000) {
    await fn();
    n += perCall;
  }
  return n / ((performance.now() - t0) / 1000);
}

async function concurrent(e: Embedder, texts: string[], callers: number): Promise<number> {
  let n = 0;
  const deadline = performance.now() + SECONDS * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: callers }, async (_, c) => {
      for (let i = c; performance.now() < deadline; i += callers) {
        await e.embed([texts[i % texts.length] as string]);
        n++;
      }
    }),
  );
  return n / ((performance.now() - t0) / 1000);
}

function medianMs(fn: () => unknown, repeat: number): number {
  const ts: number[] = [];
  for (let r = 0; r < repeat; r++) {
    const t0 = performance.now();
    fn();
    ts.push(performance.now() - t0);
  }
  return ts.sort((x, y) => x - y)[Math.floor(repeat / 2)] as number;
}

async function main(): Promise<void> {
  const work = join(tmpdir(), `adrank-bench-embeddings-${process.pid}`);
  mkdirSync(work, { recursive: true });
  try {
    const texts = keywords(5000);
    const textsFile = join(work, 'texts.json');
    writeFileSync(textsFile, JSON.stringify(texts));
    const ours: Record<string, number> = {};
    const notes: string[] = [];

    // Lexical
    const lex = new LexicalEmbedder();
    let li = 0;
    ours['lexical'] = await rate(() => lex.embedSync([texts[li++ % texts.length] as string]), 1);

    // Tiny BERT
    const bert = await TransformersEmbedder.load({ model: TINY_BERT_DIR, threads: 1, batchSize: 64 });
    let bi = 0;
    const batchOf = (n: number) => () => {
      const s = bi % (texts.length - n);
      bi += n;
      return bert.embed(texts.slice(s, s + n));
    };
    ours['bert1'] = await rate(batchOf(1), 1);
    ours['bert64'] = await rate(batchOf(64), 64);
    ours['unbatched64'] = await concurrent(bert, texts, 64);
    const mb = new MicroBatchingEmbedder(bert, { windowMs: 2, maxTexts: 64 });
    ours['micro64'] = await concurrent(mb, texts, 64);
    notes.push(
      `micro-batching: ${mb.stats.calls} calls in ${mb.stats.batches} model runs (${fmt(mb.stats.calls / mb.stats.batches, 1)} texts per run)`,
    );

    // Nearest keywords over 100k-row caches
    for (const dim of [384, 256]) {
      const idx = new DotProductIndex(ROWS, dim);
      randomUnitRows(ROWS, dim, dim, idx.matrix);
      const q = idx.matrix.slice(12345 * dim, 12346 * dim);
      idx.search(q, 10);
      ours[`nearest${dim}`] = medianMs(() => idx.search(q, 10), 30);
      const js = new DotProductIndex(ROWS, dim, { simd: false });
      js.matrix.set(idx.matrix);
      ours[`nearestjs${dim}`] = medianMs(() => js.search(q, 10), 7);
    }
    // The cache API on top of the index (keyword strings, filter hook): 100k lexical keywords.
    const kwCache = await KeywordEmbeddingCache.build(keywords(ROWS), lex, { batchSize: 4096 });
    const kq = lex.embedSync(['나이키 운동화 추천']);
    ours['cacheNearest256'] = medianMs(() => kwCache.nearest(kq, 10), 30);

    // .npy load
    const npyPath = join(work, 'keyword_embeddings.npy');
    writeNpySync(npyPath, randomUnitRows(ROWS, 384, 5), [ROWS, 384]);
    await readNpyMatrix(npyPath);
    const loads: number[] = [];
    for (let r = 0; r < 7; r++) {
      const t0 = performance.now();
      await readNpyMatrix(npyPath, (n) => new DotProductIndex(n / 384, 384).matrix); // as KeywordEmbeddingCache.load
      loads.push(performance.now() - t0);
    }
    ours['npy'] = loads.sort((a, b) => a - b)[3] as number;
    await bert.close();

    // The peer, same inputs, same machine, right after.
    let peer: Record<string, number | string> = {};
    try {
      const out = execFileSync(
        process.env['ADRANK_PYTHON'] || 'python3',
        [
          'tools/bench/embeddings_peer.py',
          '--texts',
          textsFile,
          '--npy',
          npyPath,
          '--rows',
          String(ROWS),
          '--seconds',
          String(SECONDS),
        ],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
      );
      peer = JSON.parse(out.trim().split('\n').pop() as string) as Record<string, number | string>;
    } catch (e) {
      notes.push(`peer not measured: ${(e as Error).message.split('\n')[0]}`);
    }
    const p = (k: string, digits = 0): string =>
      typeof peer[k] === 'number' ? fmt(peer[k] as number, digits) : String(peer['bert_error'] ?? 'n/a');
    const ratio = (a: number, b: unknown, higherIsBetter: boolean): string =>
      typeof b === 'number' ? `${fmt(higherIsBetter ? a / b : b / a, 1)}×` : '';
    const k = (n: number) => `${fmt(n / 1000)}k`;
    console.log(
      table(
        ['measure', 'adrank', 'peer (Python)', 'adrank vs peer'],
        [
          [
            'lexical embeddings/s (1 text per call)',
            fmt(ours['lexical'] as number),
            p('lexical_per_s'),
            ratio(ours['lexical'] as number, peer['lexical_per_s'], true),
          ],
          [
            'tiny-BERT embeddings/s, batch 1',
            fmt(ours['bert1'] as number),
            p('bert_b1_per_s'),
            ratio(ours['bert1'] as number, peer['bert_b1_per_s'], true),
          ],
          [
            'tiny-BERT embeddings/s, batch 64',
            fmt(ours['bert64'] as number),
            p('bert_b64_per_s'),
            ratio(ours['bert64'] as number, peer['bert_b64_per_s'], true),
          ],
          [
            '64 concurrent callers, unbatched, texts/s',
            fmt(ours['unbatched64'] as number),
            p('bert_b1_per_s'),
            ratio(ours['unbatched64'] as number, peer['bert_b1_per_s'], true),
          ],
          [
            '64 concurrent callers, micro-batched, texts/s',
            fmt(ours['micro64'] as number),
            p('bert_b1_per_s'),
            ratio(ours['micro64'] as number, peer['bert_b1_per_s'], true),
          ],
          [
            `nearest top-10, ${k(ROWS)} × 384, ms`,
            fmt(ours['nearest384'] as number, 2),
            p('nearest_384_ms', 2),
            ratio(ours['nearest384'] as number, peer['nearest_384_ms'], false),
          ],
          [
            `nearest top-10, ${k(ROWS)} × 256, ms`,
            fmt(ours['nearest256'] as number, 2),
            p('nearest_256_ms', 2),
            ratio(ours['nearest256'] as number, peer['nearest_256_ms'], false),
          ],
          [
            `  same, JavaScript fallback (no SIMD), 384 / 256, ms`,
            `${fmt(ours['nearestjs384'] as number, 1)} / ${fmt(ours['nearestjs256'] as number, 1)}`,
            '',
            '',
          ],
          [
            `  KeywordEmbeddingCache.nearest, ${k(ROWS)} lexical keywords, ms`,
            fmt(ours['cacheNearest256'] as number, 2),
            '',
            '',
          ],
          [
            `.npy load ${k(ROWS)} × 384 (154 MB), ms`,
            fmt(ours['npy'] as number, 1),
            p('npy_load_ms', 1),
            ratio(ours['npy'] as number, peer['npy_load_ms'], false),
          ],
        ],
      ),
    );
    console.log(
      `\ntargets: nearest top-10 ≤ 15 ms on one core (384: ${(ours['nearest384'] as number) <= 15 ? 'met' : 'MISSED'}, 256: ${(ours['nearest256'] as number) <= 15 ? 'met' : 'MISSED'}); ` +
        `.npy load ≤ 100 ms (${(ours['npy'] as number) <= 100 ? 'met' : 'MISSED'})`,
    );
    for (const n of notes) console.log(n);
    console.log(
      `${SECONDS} s per throughput figure, medians of repeated latencies; Node ${process.version}, numpy ${peer['numpy'] ?? '-'}`,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
