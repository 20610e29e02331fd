import { join } from 'node:path';

/** Written by tools/fixtures/naver-ads/generate.sh (signature vectors from openssl, report files per the reference). */
export const FIXTURES_DIR = join(__dirname, 'fixtures');
