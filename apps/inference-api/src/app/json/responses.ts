import type { RankedKeyword } from '../serving/serving-model';
import { ascii, JsonWriter, putBytes, putString } from './json-writer';
import { writeNumber } from './number-text';

/** The JSON bodies of the hot routes, as the bytes `JSON.stringify` would give (`responses.spec.ts` checks it). */

export interface RankResponse {
  model_version: string;
  given_word: string;
  results: RankedKeyword[];
  took_ms: number;
}

export interface PredictResponse {
  model_version: string;
  predictions: ArrayLike<number>;
}

/** One writer for every body: each is written and copied out without an await in between. */
const writer = new JsonWriter();

const K = {
  version: ascii('{"model_version":'),
  givenWord: ascii(',"given_word":'),
  results: ascii(',"results":['),
  first: ascii('{"keyword":'),
  next: ascii(',{"keyword":'),
  score: ascii(',"score":'),
  ctr: ascii(',"ctr":'),
  conversion: ascii(',"conversion_probability":'),
  similarity: ascii(',"similarity":'),
  knownTrue: ascii(',"known_keyword":true}'),
  knownFalse: ascii(',"known_keyword":false}'),
  close: ascii('}'),
  took: ascii('],"took_ms":'),
  predictions: ascii(',"predictions":['),
  end: ascii(']}'),
};

/** `POST /rank`'s body. Results with explanations (at most 100 rows) go through `JSON.stringify`. */
export function rankResponseJson(r: RankResponse): Buffer {
  const results = r.results;
  for (const x of results) if (x.explanation !== undefined) return Buffer.from(JSON.stringify(r));
  const w = writer;
  w.raw(K.version).string(r.model_version).raw(K.givenWord).string(r.given_word).raw(K.results);
  for (let i = 0; i < results.length; i++) {
    const x = results[i] as RankedKeyword;
    const kw = x.keyword;
    // keys ≤ 110 bytes, four numbers ≤ 32 each, the keyword ≤ 6 per code unit + 2
    const b = w.reserve(6 * kw.length + 250);
    let at = putBytes(b, w.length, i === 0 ? K.first : K.next);
    at = putString(b, at, kw);
    at = writeNumber(x.score, b, putBytes(b, at, K.score));
    at = writeNumber(x.ctr, b, putBytes(b, at, K.ctr));
    at = writeNumber(x.conversion_probability, b, putBytes(b, at, K.conversion));
    at = writeNumber(x.similarity, b, putBytes(b, at, K.similarity));
    at = putBytes(b, at, x.known_keyword ? K.knownTrue : K.knownFalse);
    w.commit(at);
  }
  w.raw(K.took).number(r.took_ms).raw(K.close);
  return w.take();
}

/** `POST /predict/*`'s body without explanations. */
export function predictResponseJson(r: PredictResponse): Buffer {
  const w = writer;
  const p = r.predictions;
  w.raw(K.version).string(r.model_version).raw(K.predictions);
  for (let i = 0; i < p.length; i++) {
    const b = w.reserve(33);
    let at = w.length;
    if (i > 0) b[at++] = 44;
    w.commit(writeNumber(p[i] as number, b, at));
  }
  w.raw(K.end);
  return w.take();
}
