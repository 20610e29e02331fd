import type { Embedder } from './embedder';
import { LexicalEmbedder } from './lexical';
import { MicroBatchingEmbedder } from './micro-batch';
import { QueryEmbeddingCache } from './query-cache';

/** The lexical embedder, recording the batches it receives; texts containing "FAIL" make a batch fail. */
class Recording implements Embedder {
  readonly batches: string[][] = [];
  readonly inner = new LexicalEmbedder({ dim: 32 });
  readonly id = this.inner.id;
  readonly dim = this.inner.dim;
  closed = false;
  constructor(private readonly delayMs = 0) {}
  async embed(texts: readonly string[]): Promise<Float32Array> {
    this.batches.push([...texts]);
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    if (texts.some((t) => t.includes('FAIL'))) throw new Error('model exploded');
    return this.inner.embedSync(texts);
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

const direct = new LexicalEmbedder({ dim: 32 });

describe('MicroBatchingEmbedder', () => {
  it('sends 64 concurrent callers to the model in one batch and gives each its own rows', async () => {
    const inner = new Recording();
    const mb = new MicroBatchingEmbedder(inner, { windowMs: 5, maxTexts: 1000 });
    const texts = Array.from({ length: 64 }, (_, i) => [`keyword ${i}`, `키워드 ${i % 8}`]);
    const rows = await Promise.all(texts.map((t) => mb.embed(t)));
    expect(inner.batches.length).toBe(1);
    expect(inner.batches[0]?.length).toBe(64 + 8); // the repeated Korean texts are embedded once
    rows.forEach((r, i) => expect(Array.from(r)).toEqual(Array.from(direct.embedSync(texts[i] as string[]))));
    expect(mb.stats).toEqual({ calls: 64, batches: 1, texts: 72 });
  });

  it('sends a batch as soon as maxTexts are waiting, and collects callers that arrive while the model runs', async () => {
    const inner = new Recording(20);
    const mb = new MicroBatchingEmbedder(inner, { windowMs: 1000, maxTexts: 4 });
    const first = Promise.all(['a', 'b', 'c', 'd'].map((t) => mb.embed([t]))); // full: goes at once
    await new Promise((r) => setTimeout(r, 5));
    const second = Promise.all(['e', 'f'].map((t) => mb.embed([t]))); // waits for the running batch, not 1 s
    const started = performance.now();
    await Promise.all([first, second]);
    expect(performance.now() - started).toBeLessThan(500);
    expect(inner.batches).toEqual([
      ['a', 'b', 'c', 'd'],
      ['e', 'f'],
    ]);
  });

  it('fails only the callers whose batch failed, and only the caller with bad input', async () => {
    const inner = new Recording(5);
    const mb = new MicroBatchingEmbedder(inner, { windowMs: 1, maxTexts: 2 });
    const bad = mb.embed(['FAIL here', 'x']);
    const wrong = mb.embed([42 as unknown as string]);
    const good = mb.embed(['fine', 'also fine']);
    await expect(bad).rejects.toThrow('model exploded');
    await expect(wrong).rejects.toThrow('texts[0] must be a string');
    expect(Array.from(await good)).toEqual(Array.from(direct.embedSync(['fine', 'also fine'])));
    expect(await mb.embed([])).toHaveLength(0);
  });

  it('closes the inner embedder and refuses later calls', async () => {
    const inner = new Recording();
    const mb = new MicroBatchingEmbedder(inner);
    await mb.close();
    expect(inner.closed).toBe(true);
    await expect(mb.embed(['x'])).rejects.toThrow('embedder is closed');
  });

  it('validates its options', () => {
    expect(() => new MicroBatchingEmbedder(direct, { windowMs: -1 })).toThrow(/windowMs/);
    expect(() => new MicroBatchingEmbedder(direct, { maxTexts: 0 })).toThrow(/maxTexts/);
  });
});

describe('QueryEmbeddingCache', () => {
  it('embeds only misses, keyed by the normalised text, and counts hits and misses', async () => {
    const inner = new Recording();
    const q = new QueryEmbeddingCache(inner, 2);
    const a = await q.embed(['나이키 운동화', 'NIKE']);
    const b = await q.embed(['  나이키   운동화', 'nike', 'adidas']);
    expect(inner.batches).toEqual([['나이키 운동화', 'nike'], ['adidas']]);
    expect(Array.from(b.subarray(0, 64))).toEqual(Array.from(a));
    expect(q.stats).toEqual({ hits: 2, misses: 3, size: 2, capacity: 2 });
    b.fill(0); // callers own their rows
    expect(Array.from(await q.embedOne('adidas'))).toEqual(Array.from(direct.embedSync(['adidas'])));
  });
});
