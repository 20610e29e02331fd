/**
 * numpy reads what we write (npm run test:parity; CI runs it with ADRANK_REQUIRE_NATIVE=1 and fails, not skips,
 * when Python's numpy is missing). The other direction — we read numpy's files — is in npy.spec.ts against committed
 * golden files.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUnitRows } from '../testing';
import { KeywordEmbeddingCache } from './keyword-cache';
import { LexicalEmbedder } from './lexical';
import { writeNpySync } from './npy';

const PY = process.env['PYTHON'] ?? 'python3';

function python(script: string, ...args: string[]): string {
  return execFileSync(PY, ['-c', script, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
}

describe('numpy reads our .npy files', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'npy-parity-'));
    python('import numpy'); // fails with ModuleNotFoundError when numpy is missing: pip install numpy
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['random unit rows', 37, 48],
    ['no rows', 0, 384],
    ['one column', 5, 1],
    ['special values', 2, 4],
  ])('np.load gives back the same float32 values (%s)', (_name, rows, cols) => {
    const data = randomUnitRows(rows, cols, 11);
    if (rows === 2 && cols === 4) data.set([0, -0, Infinity, -Infinity, NaN, 1e-45, 3.4e38, -1.5]);
    const path = join(dir, `m-${rows}x${cols}.npy`);
    writeNpySync(path, data, [rows, cols]);
    const out = python(
      [
        'import sys, numpy as np',
        'a = np.load(sys.argv[1], allow_pickle=False)',
        'assert a.dtype == np.dtype("<f4") and a.flags.c_contiguous, (a.dtype, a.flags)',
        'print(a.shape[0], a.shape[1], a.tobytes().hex())',
        // np.save of the same array must produce our exact bytes
        'import io; b = io.BytesIO(); np.save(b, a); print(b.getvalue() == open(sys.argv[1], "rb").read())',
      ].join('\n'),
      path,
    )
      .trim()
      .split('\n');
    const [r, c, hex] = (out[0] as string).split(' ');
    expect([Number(r), Number(c)]).toEqual([rows, cols]);
    expect(hex ?? '').toBe(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('hex'));
    expect(out[1]).toBe('True');
  });

  it('reads a saved keyword cache as the seed layout (keywords.json + keyword_embeddings.npy)', async () => {
    const e = new LexicalEmbedder();
    const cache = await KeywordEmbeddingCache.build(['나이키 운동화', 'running shoes', '커피 머신'], e);
    cache.save(dir);
    const out = python(
      [
        'import sys, json, numpy as np',
        'm = np.load(sys.argv[1] + "/keyword_embeddings.npy")',
        'k = json.load(open(sys.argv[1] + "/keywords.json", encoding="utf-8"))',
        'print(json.dumps({"shape": list(m.shape), "keywords": k, "norms": [float(x) for x in np.linalg.norm(m, axis=1)],',
        '  "top": k[int(np.argmax(m @ m[0]))]}, ensure_ascii=False))',
      ].join('\n'),
      dir,
    );
    const res = JSON.parse(out) as { shape: number[]; keywords: string[]; norms: number[]; top: string };
    expect(res.shape).toEqual([3, 256]);
    expect(res.keywords).toEqual(cache.keywords);
    res.norms.forEach((n) => expect(n).toBeCloseTo(1, 5));
    expect(res.top).toBe('나이키 운동화');
    expect(readFileSync(join(dir, 'keywords.json'), 'utf8')).toBe(JSON.stringify(cache.keywords));
  });
});
