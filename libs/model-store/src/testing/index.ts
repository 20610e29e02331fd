import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ManifestInput } from '../lib/bundles';

const SCHEMA_HASH = 'a'.repeat(64);

/** A valid manifest input (schema hash 'aaaa…'), with overrides. */
export function input(extra: Partial<ManifestInput> = {}): ManifestInput {
  return {
    source_revision: 'abc123',
    feature_schema: { version: 'v1', hash: SCHEMA_HASH, names: ['similarity', 'hour'] },
    embedder: { id: 'lexical-v1:ngram1-3:dim256:murmur3-seed0', dim: 256 },
    data_window: { from: '2026-10-01', to: '2026-11-20' },
    metrics: { ctr_rmse: 0.21, conv_auc: 0.79 },
    ...extra,
  };
}

/** A small bundle directory under `root` (two model files, keywords; `big` bytes of embeddings when asked). */
export function bundleDir(root: string, tag: string, big = 0): string {
  const d = join(root, `bundle-${tag}`);
  mkdirSync(d, { recursive: true });
  writeFileSync(join(d, 'ctr_model.txt'), `tree\nversion=v4\n# ${tag}\n`);
  writeFileSync(join(d, 'conv_model.txt'), `tree\n# conv ${tag}\n`);
  writeFileSync(join(d, 'keywords.json'), JSON.stringify(['나이키 운동화', tag]));
  if (big > 0) writeFileSync(join(d, 'keyword_embeddings.npy'), Buffer.alloc(big, 7));
  return d;
}
