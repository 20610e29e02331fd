#!/usr/bin/env node
// node infra/scripts/overlay-env.mjs <dev|prod> <image-tag>
//
// Writes infra/k8s/overlays/<env>/terraform-outputs.env from `terraform output -json kustomize_values` of
// infra/terraform/envs/<env> plus the image tag the CI pushed, so that `kubectl apply -k infra/k8s/overlays/<env>`
// deploys the right images with the right roles, buckets and Redshift settings. Exit 2 on bad arguments, 1 when
// terraform fails or an output is missing.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const infra = join(dirname(fileURLToPath(import.meta.url)), '..');
const [env, tag] = process.argv.slice(2);
if (!['dev', 'prod'].includes(env ?? '') || !/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag ?? '')) {
  console.error(
    'usage: node infra/scripts/overlay-env.mjs <dev|prod> <image-tag>  (a Docker tag: letters, digits, _ . -)',
  );
  process.exit(2);
}
const REQUIRED = [
  'AWS_REGION',
  'VPC_CIDR',
  'INFERENCE_API_IMAGE',
  'ETL_IMAGE',
  'TRAINER_IMAGE',
  'ADRANK_MODEL_STORE',
  'ADRANK_DATA_LAKE',
  'REDSHIFT_CLUSTER_ID',
  'REDSHIFT_DATABASE',
  'REDSHIFT_COPY_ROLE_ARN',
  'INFERENCE_API_ROLE_ARN',
  'TRAINER_ROLE_ARN',
  'ETL_ROLE_ARN',
  'NAVER_SECRET_ARN',
];
let values;
try {
  const out = execFileSync(
    'terraform',
    [`-chdir=${join(infra, 'terraform', 'envs', env)}`, 'output', '-json', 'kustomize_values'],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  values = JSON.parse(out);
} catch (e) {
  console.error(`overlay-env: terraform output failed in infra/terraform/envs/${env}: ${e.message}`);
  process.exit(1);
}
const missing = REQUIRED.filter((k) => typeof values[k] !== 'string' || values[k] === '');
if (missing.length > 0) {
  console.error(`overlay-env: outputs missing or empty: ${missing.join(', ')} (is the warehouse enabled?)`);
  process.exit(1);
}
const lines = [
  `# Written by \`node infra/scripts/overlay-env.mjs ${env} ${tag}\` from \`terraform output -json kustomize_values\` in`,
  `# infra/terraform/envs/${env}.`,
  `IMAGE_TAG=${tag}`,
  ...REQUIRED.map((k) => `${k}=${values[k]}`),
];
const file = join(infra, 'k8s', 'overlays', env, 'terraform-outputs.env');
writeFileSync(file, lines.join('\n') + '\n');
console.log(`wrote ${file}`);
