/**
 * infra/k8s: each overlay rendered with `kubectl kustomize` (offline), every object validated against the Kubernetes
 * OpenAPI schemas (kubernetes-models), and the policies every workload must keep — so a regression fails CI.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describeIfAvailable } from '@adrank/testing';
import { warehouseEnvProblems } from '@adrank/warehouse';
import { INFRA } from './terraform-cli';
import { type K8sObject, podSpecOf, policyProblems, validateSchema } from './k8s-policy';

const ROOT = join(INFRA, '..');
const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;

function render(overlay: string): K8sObject[] {
  const r = spawnSync('kubectl', ['kustomize', join(INFRA, 'k8s', 'overlays', overlay)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`kubectl kustomize ${overlay}: ${r.stderr}`);
  return parseAllDocuments(r.stdout).map((d) => d.toJSON() as K8sObject);
}

/** Environment variable names an app's config class declares (apps/<app>/src/app/config.ts), plus the shared ones. */
function configNames(app: string): Set<string> {
  const src = readFileSync(join(ROOT, 'apps', app, 'src', 'app', 'config.ts'), 'utf8');
  const names = new Set([...src.matchAll(/^\s{2}([A-Z][A-Z0-9_]+)[?!]?\s*[:=]/gm)].map((m) => m[1] as string));
  // the warehouse settings come from @adrank/warehouse's openWarehouseFromEnv, read by the ETL and the trainer
  const wh = readFileSync(join(ROOT, 'libs', 'warehouse', 'src', 'lib', 'from-env.ts'), 'utf8');
  for (const m of wh.matchAll(/'((?:ADRANK|REDSHIFT)_[A-Z0-9_]+)'/g)) names.add(m[1] as string);
  return names;
}

describeIfAvailable(kubectl, 'kubectl (kustomize)')('infra/k8s overlays', () => {
  describe.each(['dev', 'prod'])('%s', (overlay) => {
    const objects = render(overlay);
    const byKind = (kind: string) => objects.filter((o) => o.kind === kind);
    /** A generated ConfigMap's data, by its name without the hash suffix. */
    const cm = (name: string) => byKind('ConfigMap').find((c) => c.metadata.name.startsWith(name))?.data ?? {};

    it('renders the expected objects, every one valid against the Kubernetes schemas', () => {
      expect(objects.map((o) => `${o.kind}/${o.metadata.name.replace(/-[a-z0-9]{10}$/, '')}`).sort()).toEqual(
        [
          'ConfigMap/etl-config',
          'ConfigMap/inference-api-config',
          'ConfigMap/trainer-config',
          'CronJob/etl',
          'CronJob/trainer',
          'Deployment/inference-api',
          'HorizontalPodAutoscaler/inference-api',
          'Namespace/adrank',
          'NetworkPolicy/allow-dns',
          'NetworkPolicy/default-deny',
          'NetworkPolicy/inference-api',
          'NetworkPolicy/jobs',
          'PodDisruptionBudget/inference-api',
          'Service/inference-api',
          'ServiceAccount/etl',
          'ServiceAccount/inference-api',
          'ServiceAccount/trainer',
        ].sort(),
      );
      for (const o of objects)
        expect({ object: `${o.kind}/${o.metadata.name}`, errors: validateSchema(o) }).toEqual({
          object: `${o.kind}/${o.metadata.name}`,
          errors: [],
        });
    });

    it('keeps every workload policy: probes, limits, non-root, read-only fs, IRSA, spread, schedules', () => {
      expect(policyProblems(objects)).toEqual([]);
    });

    it('fills every placeholder from the Terraform outputs', () => {
      const text = JSON.stringify(objects);
      expect(text).not.toMatch(/IRSA_ROLE_ARN|IMAGE_TAG|VPC_CIDR|adrank\/(inference-api|etl|trainer):/);
      for (const o of byKind('ServiceAccount'))
        expect(o.metadata.annotations?.['eks.amazonaws.com/role-arn']).toBe(
          `arn:aws:iam::123456789012:role/adrank-${overlay}-${o.metadata.name}`,
        );
      const images = [...byKind('Deployment'), ...byKind('CronJob')].map((o) => podSpecOf(o)?.containers[0]?.image);
      for (const i of images)
        expect(i).toMatch(
          new RegExp(
            `^123456789012\\.dkr\\.ecr\\.ap-northeast-2\\.amazonaws\\.com/adrank-${overlay}/[a-z-]+:0\\.1\\.0$`,
          ),
        );
      expect(cm('inference-api-config')['ADRANK_MODEL_STORE']).toBe(
        `s3://adrank-${overlay}-models-123456789012/models/lgbm`,
      );
      expect(cm('etl-config')['REDSHIFT_CLUSTER_ID']).toBe(`adrank-${overlay}`);
      expect(cm('etl-config')['NAVER_ADS_SECRET_ARN']).toMatch(/^arn:aws:secretsmanager:/);
      expect(cm('trainer-config')['ADRANK_MODEL_STORE']).toBe(cm('inference-api-config')['ADRANK_MODEL_STORE']);
    });

    it('configures each app only with variables its config class knows', () => {
      for (const [prefix, app] of [
        ['inference-api-config', 'inference-api'],
        ['etl-config', 'etl'],
        ['trainer-config', 'trainer'],
      ] as const) {
        const known = configNames(app);
        const data = cm(prefix);
        expect({ app, unknown: Object.keys(data).filter((k) => !known.has(k)) }).toEqual({ app, unknown: [] });
      }
    });

    it("gives the ETL and the trainer a complete Redshift configuration (the warehouse lib's own check)", () => {
      expect(warehouseEnvProblems(cm('etl-config'), { requireCopyRole: true })).toEqual([]);
      expect(warehouseEnvProblems(cm('trainer-config'))).toEqual([]);
      expect(cm('etl-config')['ADRANK_WAREHOUSE']).toBe('redshift');
      expect(cm('etl-config')['ADRANK_DATA_LAKE']).toMatch(/^s3:\/\//); // Redshift COPY reads S3
    });
  });

  it('the policies catch a regression (a workload without limits, running as root, without IRSA)', () => {
    const objects = render('dev');
    const deployment = objects.find((o) => o.kind === 'Deployment') as K8sObject;
    const pod = podSpecOf(deployment);
    if (!pod) throw new Error('no pod spec');
    const c = pod.containers[0];
    if (!c) throw new Error('no container');
    delete c.resources?.limits;
    c.securityContext = { ...c.securityContext, readOnlyRootFilesystem: false, runAsNonRoot: false };
    delete c.readinessProbe;
    const sa = objects.find((o) => o.kind === 'ServiceAccount' && o.metadata.name === 'etl') as K8sObject;
    delete sa.metadata.annotations;
    const problems = policyProblems(objects);
    for (const p of [
      'Deployment/inference-api: container inference-api has no cpu and memory limits',
      'Deployment/inference-api: container inference-api does not have a read-only root filesystem',
      'Deployment/inference-api: container inference-api may run as root',
      'Deployment/inference-api: no readinessProbe',
      'CronJob/etl: service account etl has no IRSA role (eks.amazonaws.com/role-arn)',
    ])
      expect(problems).toContain(p);
    const broken = { ...deployment, spec: { ...deployment.spec, replicas: 'two' } } as unknown as K8sObject;
    expect(validateSchema(broken).join()).toMatch(/replicas/);
  });
});
