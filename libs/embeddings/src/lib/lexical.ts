import { checkTexts, type Embedder } from './embedder';
import { EmbeddingsError } from './errors';
import { murmur3_32, putUtf8 } from './murmur3';
import { normalizeText, WORD_CHAR } from './normalize';

export interface LexicalEmbedderOptions {
  /** Output width (default 256). */
  dim?: number;
  /** Smallest and largest character n-gram (default [1, 3]). */
  ngram?: readonly [number, number];
  /** MurmurHash3 seed (default 0). */
  seed?: number;
}

/**
 * The embedded default: no weights, deterministic everywhere. Specification (the golden fixtures recompute it in
 * Python, independently):
 *
 * 1. `normalizeText` (NFKC, lowercase, whitespace folded).
 * 2. Words: maximal runs of letters, marks and numbers (Unicode L*, M*, N*); everything else separates words, so
 *    "running-shoes" and "running shoes" are the same words. Hangul syllables and Latin letters are treated alike.
 * 3. Grams, counted with multiplicity:
 *    - for each word w: every substring of length n ∈ [nMin, nMax] (in code points) of " " + w + " ", except " ";
 *    - for each pair of adjacent words a, b: the substrings of a + b of length n ∈ [max(2, nMin), nMax] that start in a
 *      and end in b — so "나이키 운동화" also has the grams of "나이키운동화" that cross the space.
 * 4. Each gram g: u = MurmurHash3_x86_32(UTF-8(g), seed) as unsigned; v[u mod dim] += (u < 2³¹ ? +1 : −1).
 * 5. v / ‖v‖₂ in double precision, rounded to float32. A text without words embeds as all zeros.
 */
export class LexicalEmbedder implements Embedder {
  readonly id: string;
  readonly dim: number;
  readonly nMin: number;
  readonly nMax: number;
  readonly seed: number;
  private acc: Float64Array;
  private cps = new Int32Array(256);
  private bytes = new Uint8Array(64);

  constructor(options: LexicalEmbedderOptions = {}) {
    const dim = options.dim ?? 256;
    const [nMin, nMax] = options.ngram ?? [1, 3];
    const seed = options.seed ?? 0;
    if (!Number.isInteger(dim) || dim < 1 || dim > 1 << 20) {
      throw new EmbeddingsError(
        'INVALID_INPUT',
        `lexical embedder: dim must be an integer in [1, 1048576], got ${dim}`,
      );
    }
    if (!Number.isInteger(nMin) || !Number.isInteger(nMax) || nMin < 1 || nMax < nMin || nMax > 8) {
      throw new EmbeddingsError(
        'INVALID_INPUT',
        `lexical embedder: ngram must be [min, max] with 1 <= min <= max <= 8, got [${nMin}, ${nMax}]`,
      );
    }
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new EmbeddingsError(
        'INVALID_INPUT',
        `lexical embedder: seed must be an unsigned 32-bit integer, got ${seed}`,
      );
    }
    this.dim = dim;
    this.nMin = nMin;
    this.nMax = nMax;
    this.seed = seed;
    this.acc = new Float64Array(dim);
    this.id = `lexical-v1:ngram${nMin}-${nMax}:dim${dim}:murmur3-seed${seed}`;
  }

  embed(texts: readonly string[]): Promise<Float32Array> {
    try {
      return Promise.resolve(this.embedSync(texts));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** The same as `embed`, synchronously (the lexical embedder does no I/O). */
  embedSync(texts: readonly string[], out?: Float32Array): Float32Array {
    checkTexts(texts);
    const dim = this.dim;
    const res = out ?? new Float32Array(texts.length * dim);
    if (res.length < texts.length * dim) {
      throw new EmbeddingsError('INVALID_INPUT', `out has ${res.length} values, ${texts.length} × ${dim} needed`);
    }
    for (let i = 0; i < texts.length; i++) this.embedOne(texts[i] as string, res, i * dim);
    return res;
  }

  private embedOne(text: string, out: Float32Array, at: number): void {
    const s = normalizeText(text);
    const acc = this.acc;
    acc.fill(0);
    // Code points of the words, each word stored as " " w " " so that boundary grams read straight off the array.
    if (this.cps.length < s.length * 2 + 8) this.cps = new Int32Array(s.length * 2 + 8);
    const cps = this.cps;
    let n = 0;
    let prevStart = -1; // start (after the leading pad) of the previous word
    let prevEnd = -1;
    let inWord = false;
    let wordStart = 0;
    for (let i = 0; i < s.length;) {
      const cp = s.codePointAt(i) as number;
      i += cp > 0xffff ? 2 : 1;
      if (isWordChar(cp)) {
        if (!inWord) {
          cps[n++] = 32;
          wordStart = n;
          inWord = true;
        }
        cps[n++] = cp;
      } else if (inWord) {
        cps[n++] = 32;
        inWord = false;
        this.wordGrams(wordStart, n - 1);
        if (prevStart >= 0) this.crossGrams(prevStart, prevEnd, wordStart, n - 1);
        prevStart = wordStart;
        prevEnd = n - 1;
      }
    }
    if (inWord) {
      cps[n++] = 32;
      this.wordGrams(wordStart, n - 1);
      if (prevStart >= 0) this.crossGrams(prevStart, prevEnd, wordStart, n - 1);
    }
    let ss = 0;
    for (let j = 0; j < this.dim; j++) ss += (acc[j] as number) * (acc[j] as number);
    if (ss === 0) {
      out.fill(0, at, at + this.dim);
      return;
    }
    const norm = Math.sqrt(ss); // counts are integers: ss is exact, so this matches any summation order
    for (let j = 0; j < this.dim; j++) out[at + j] = (acc[j] as number) / norm;
  }

  /** Grams of " " + cps[start, end) + " " (the pads sit at start − 1 and end). */
  private wordGrams(start: number, end: number): void {
    const cps = this.cps;
    for (let len = this.nMin; len <= this.nMax; len++) {
      for (let i = start - 1; i + len <= end + 1; i++) {
        if (len === 1 && (i === start - 1 || i === end)) continue; // the lone pad " "
        this.addGram(cps, i, len);
      }
    }
  }

  /** Grams of a + b that start in a = cps[aStart, aEnd) and end in b = cps[bStart, bEnd). */
  private crossGrams(aStart: number, aEnd: number, bStart: number, bEnd: number): void {
    const aLen = aEnd - aStart;
    const bLen = bEnd - bStart;
    const cps = this.cps;
    for (let len = Math.max(2, this.nMin); len <= this.nMax; len++) {
      for (let i = Math.max(0, aLen - len + 1); i < aLen; i++) {
        const fromB = len - (aLen - i); // code points taken from b
        if (fromB > bLen) continue;
        let p = 0;
        const bytes = this.ensureBytes(len);
        for (let j = aStart + i; j < aEnd; j++) p = putUtf8(bytes, p, cps[j] as number);
        for (let j = bStart; j < bStart + fromB; j++) p = putUtf8(bytes, p, cps[j] as number);
        this.addHash(murmur3_32(bytes, p, this.seed));
      }
    }
  }

  private addGram(cps: Int32Array, from: number, len: number): void {
    const bytes = this.ensureBytes(len);
    let p = 0;
    for (let j = from; j < from + len; j++) p = putUtf8(bytes, p, cps[j] as number);
    this.addHash(murmur3_32(bytes, p, this.seed));
  }

  private addHash(u: number): void {
    const b = u % this.dim;
    this.acc[b] = (this.acc[b] as number) + (u < 0x80000000 ? 1 : -1);
  }

  private ensureBytes(len: number): Uint8Array {
    if (this.bytes.length < len * 4) this.bytes = new Uint8Array(len * 4);
    return this.bytes;
  }

  /** The grams of `text` in the order they are hashed (for tests and for explaining a similarity). */
  grams(text: string): string[] {
    const out: string[] = [];
    const words: string[][] = [];
    let cur: string[] = [];
    for (const ch of normalizeText(text)) {
      if (isWordChar(ch.codePointAt(0) as number)) cur.push(ch);
      else if (cur.length > 0) {
        words.push(cur);
        cur = [];
      }
    }
    if (cur.length > 0) words.push(cur);
    for (const w of words) {
      const p = [' ', ...w, ' '];
      for (let len = this.nMin; len <= this.nMax; len++) {
        for (let i = 0; i + len <= p.length; i++) {
          const g = p.slice(i, i + len).join('');
          if (g !== ' ') out.push(g);
        }
      }
    }
    for (let k = 0; k + 1 < words.length; k++) {
      const a = words[k] as string[];
      const j = [...a, ...(words[k + 1] as string[])];
      for (let len = Math.max(2, this.nMin); len <= this.nMax; len++) {
        for (let i = Math.max(0, a.length - len + 1); i < a.length; i++) {
          if (i + len <= j.length) out.push(j.slice(i, i + len).join(''));
        }
      }
    }
    return out;
  }
}

const ASCII_WORD = new Uint8Array(128);
for (let c = 0; c < 128; c++) ASCII_WORD[c] = WORD_CHAR.test(String.fromCharCode(c)) ? 1 : 0;

function isWordChar(cp: number): boolean {
  if (cp < 128) return ASCII_WORD[cp] === 1;
  if (cp >= 0xac00 && cp <= 0xd7a3) return true; // Hangul syllables
  return WORD_CHAR.test(String.fromCodePoint(cp));
}
