import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES_DIR } from '../testing';
import { encodePath, signature } from './sign';

interface Vector {
  secret: string;
  timestamp: string;
  method: string;
  path: string;
  signature: string;
}
const vectors = JSON.parse(readFileSync(join(FIXTURES_DIR, 'signatures.json'), 'utf8')) as Vector[];

describe('signature', () => {
  it.each(vectors.map((v) => [v.method, v.path, v] as const))('matches openssl for %s %s', (_m, _p, v) => {
    expect(signature(v.secret, v.timestamp, v.method, v.path)).toBe(v.signature);
  });

  it('signs the path without its query string, and the method upper-cased', () => {
    const v = vectors[1] as Vector;
    expect(signature(v.secret, v.timestamp, 'get', `${v.path}?nccAdgroupId=grp-1&recordSize=1000`)).toBe(v.signature);
  });

  it('signs Korean path segments percent-encoded once, exactly as sent', () => {
    const korean = vectors.find((v) => v.path.includes('%EB%82%98')) as Vector;
    expect(encodePath('ncc', 'keywords', '나이키 운동화')).toBe(korean.path);
    expect(signature(korean.secret, korean.timestamp, 'GET', encodePath('ncc', 'keywords', '나이키 운동화'))).toBe(
      korean.signature,
    );
    // The usual mistakes give other signatures: raw Unicode, double encoding, hex output.
    expect(signature(korean.secret, korean.timestamp, 'GET', '/ncc/keywords/나이키 운동화')).not.toBe(korean.signature);
    expect(
      signature(
        korean.secret,
        korean.timestamp,
        'GET',
        encodePath('ncc', 'keywords', encodeURIComponent('나이키 운동화')),
      ),
    ).not.toBe(korean.signature);
  });
});
