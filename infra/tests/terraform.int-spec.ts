/**
 * infra/terraform: formatted, initialised offline against the provider mirror, valid for each env; envs/dev applied to
 * moto (a real AWS API emulator on 127.0.0.1, behind MotoGaps for the two Redshift calls it lacks) and destroyed.
 * After the apply, every bucket is checked through the S3 API: SSE-KMS, public access blocked, TLS-only policy,
 * versioning, lifecycle rules. Only the EKS add-ons are switched off (moto has no add-on API); see infra/README.md.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketPolicyCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  ListBucketsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { describeIfAvailable, motoAvailable, startMoto, type Moto } from '@adrank/testing';
import { MotoGaps } from './moto-gaps';
import { TERRAFORM_DIR, cliConfig, envs, terraform, terraformAvailable } from './terraform-cli';

const available = terraformAvailable();

describeIfAvailable(available, 'Terraform suite (terraform + provider mirror)')('infra/terraform', () => {
  let rc: string;
  const data = mkdtempSync(join(tmpdir(), 'adrank-tfdata-'));
  beforeAll(() => {
    rc = cliConfig();
  });
  afterAll(() => rmSync(data, { recursive: true, force: true }));

  it('is formatted (terraform fmt -check)', async () => {
    const r = await terraform(['fmt', '-check', '-recursive', '-diff', '-no-color'], TERRAFORM_DIR, {});
    expect({ status: r.status, diff: r.stdout }).toEqual({ status: 0, diff: '' });
  });

  it('has the two environments', () => {
    expect(envs().sort()).toEqual(['dev', 'prod']);
  });

  it.each(['dev', 'prod'])(
    'envs/%s: init offline from the mirror (committed lock file) and validate',
    async (env) => {
      const cwd = join(TERRAFORM_DIR, 'envs', env);
      const e = { TF_CLI_CONFIG_FILE: rc, TF_DATA_DIR: join(data, env) };
      const init = await terraform(['init', '-backend=false', '-lockfile=readonly', '-no-color'], cwd, e);
      expect({ status: init.status, err: init.stderr }).toEqual({ status: 0, err: '' });
      const v = await terraform(['validate', '-json', '-no-color'], cwd, e);
      const report = JSON.parse(v.stdout) as {
        valid: boolean;
        error_count: number;
        diagnostics: { summary: string }[];
      };
      expect({ valid: report.valid, diagnostics: report.diagnostics.map((d) => d.summary) }).toEqual({
        valid: true,
        diagnostics: [],
      });
    },
    120_000,
  );

  describeIfAvailable(motoAvailable(), 'moto suite')('envs/dev against moto', () => {
    let moto: Moto;
    let gaps: MotoGaps;
    let work: string;
    let cwd: string;
    let e: Record<string, string>;
    const vars = ['-var', 'enable_eks_addons=false']; // the only switch: moto has no EKS add-on API

    beforeAll(async () => {
      moto = await startMoto();
      gaps = new MotoGaps(moto.endpoint);
      await gaps.start();
      work = mkdtempSync(join(tmpdir(), 'adrank-tf-moto-'));
      cpSync(join(TERRAFORM_DIR, 'modules'), join(work, 'modules'), { recursive: true });
      cpSync(join(TERRAFORM_DIR, 'envs', 'dev'), join(work, 'envs', 'dev'), {
        recursive: true,
        filter: (src) => !src.includes('.terraform') || src.endsWith('.terraform.lock.hcl'),
      });
      cwd = join(work, 'envs', 'dev');
      const services = ['ec2', 's3', 'iam', 'sts', 'eks', 'ecr', 'kms', 'redshift', 'secretsmanager', 'cloudwatchlogs'];
      // an override file (merged into the env's provider block): credentials and endpoints of the emulator
      writeFileSync(
        join(cwd, 'moto_override.tf'),
        `provider "aws" {
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  s3_use_path_style           = true
  endpoints {
${services.map((s) => `    ${s} = "${gaps.url}"`).join('\n')}
  }
}
`,
      );
      e = { TF_CLI_CONFIG_FILE: rc, TF_DATA_DIR: join(work, '.terraform-data'), AWS_EC2_METADATA_DISABLED: 'true' };
      const init = await terraform(['init', '-backend=false', '-lockfile=readonly', '-no-color'], cwd, e);
      if (init.status !== 0) throw new Error(`terraform init: ${init.stderr}`);
    }, 120_000);

    afterAll(async () => {
      await gaps?.stop();
      await moto?.stop();
      rmSync(work, { recursive: true, force: true });
    });

    it('refuses bad variables with the validation message', async () => {
      const r = await terraform(['plan', '-no-color', ...vars, '-var', 'vpc_cidr=10.0.0.0/8'], cwd, e, 120_000);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain('cidr must be an IPv4 CIDR block between /16 and /20');
      const region = await terraform(['plan', '-no-color', ...vars, '-var', 'region=Seoul'], cwd, e, 120_000);
      expect(region.stderr).toContain('region must be an AWS region name');
    }, 240_000);

    it('applies, every bucket is encrypted, private and TLS-only, the outputs feed the overlays, and it destroys', async () => {
      const apply = await terraform(['apply', '-auto-approve', '-no-color', ...vars], cwd, e, 900_000);
      if (apply.status !== 0) throw new Error(`terraform apply failed:\n${apply.stdout.slice(-3000)}\n${apply.stderr}`);
      expect(apply.stdout).toMatch(/Apply complete! Resources: \d+ added, 0 changed, 0 destroyed/);
      expect([...gaps.patched.keys()].sort()).toEqual(
        expect.arrayContaining(['DescribeClusters', 'ModifyClusterParameterGroup']),
      );

      const out = JSON.parse((await terraform(['output', '-json', '-no-color'], cwd, e)).stdout) as Record<
        string,
        { value: Record<string, string> }
      >;
      const k = out['kustomize_values']?.value ?? {};
      expect(k['ADRANK_MODEL_STORE']).toMatch(/^s3:\/\/adrank-dev-models-\d{12}\/models\/lgbm$/);
      expect(k['ADRANK_DATA_LAKE']).toMatch(/^s3:\/\/adrank-dev-data-lake-\d{12}$/);
      for (const role of ['INFERENCE_API_ROLE_ARN', 'TRAINER_ROLE_ARN', 'ETL_ROLE_ARN'])
        expect(k[role]).toMatch(/^arn:aws:iam::\d{12}:role\/adrank-dev-/);
      expect(k['REDSHIFT_CLUSTER_ID']).toBe('adrank-dev');

      // every bucket, through the S3 API
      const s3 = new S3Client(moto.clientConfig);
      const buckets = ((await s3.send(new ListBucketsCommand({}))).Buckets ?? [])
        .map((b) => b.Name as string)
        .filter((n) => n.startsWith('adrank-dev-'));
      expect(buckets.length).toBe(2);
      for (const Bucket of buckets) {
        const enc = await s3.send(new GetBucketEncryptionCommand({ Bucket }));
        const rule = enc.ServerSideEncryptionConfiguration?.Rules?.[0];
        expect({ Bucket, sse: rule?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm }).toEqual({
          Bucket,
          sse: 'aws:kms',
        });
        expect(rule?.ApplyServerSideEncryptionByDefault?.KMSMasterKeyID).toMatch(/^arn:aws:kms:/);
        const pab = (await s3.send(new GetPublicAccessBlockCommand({ Bucket }))).PublicAccessBlockConfiguration;
        expect({ Bucket, ...pab }).toEqual({
          Bucket,
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        });
        const policy = JSON.parse((await s3.send(new GetBucketPolicyCommand({ Bucket }))).Policy ?? '{}') as {
          Statement: { Effect: string; Action: string; Condition?: Record<string, Record<string, string>> }[];
        };
        expect(
          policy.Statement.some(
            (s) =>
              s.Effect === 'Deny' && s.Action === 's3:*' && s.Condition?.['Bool']?.['aws:SecureTransport'] === 'false',
          ),
        ).toBe(true);
        expect((await s3.send(new GetBucketVersioningCommand({ Bucket }))).Status).toBe('Enabled');
        const rules = (await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket }))).Rules ?? [];
        expect(rules.length).toBeGreaterThanOrEqual(2);
      }

      // what terraform read back from the emulator: IRSA trust per service account, least privilege, ECR, Redshift
      const state = JSON.parse((await terraform(['show', '-json', '-no-color'], cwd, e)).stdout) as TfState;
      const all = resources(state.values.root_module);
      const roles = all.filter((r) => r.type === 'aws_iam_role' && r.address.includes('module.iam'));
      expect(roles.map((r) => r.values['name']).sort()).toEqual([
        'adrank-dev-etl',
        'adrank-dev-inference-api',
        'adrank-dev-trainer',
      ]);
      for (const r of roles) {
        const trust = JSON.stringify(JSON.parse(String(r.values['assume_role_policy'])));
        const sa = String(r.values['name']).replace('adrank-dev-', '');
        expect(trust).toContain(`system:serviceaccount:adrank:${sa}`);
        expect(trust).toContain('sts:AssumeRoleWithWebIdentity');
      }
      const policies = Object.fromEntries(
        all
          .filter((r) => r.type === 'aws_iam_role_policy' && r.address.includes('module.iam'))
          .map((r) => [String(r.address.match(/\["(\w+)"\]/)?.[1]), String(r.values['policy'])]),
      );
      expect(policies['inference_api']).not.toMatch(/PutObject|DeleteObject|redshift|secretsmanager/);
      expect(policies['trainer']).toContain('redshift-data:ExecuteStatement');
      expect(policies['trainer']).not.toContain('secretsmanager');
      expect(policies['etl']).toContain('secretsmanager:GetSecretValue');
      expect(policies['etl']).not.toMatch(/models\/lgbm/);
      for (const repo of all.filter((r) => r.type === 'aws_ecr_repository')) {
        expect(repo.values['image_tag_mutability']).toBe('IMMUTABLE');
        expect(repo.values['image_scanning_configuration']).toEqual([{ scan_on_push: true }]);
      }
      const cluster = all.find((r) => r.type === 'aws_redshift_cluster');
      expect(cluster?.values).toMatchObject({
        encrypted: true,
        publicly_accessible: false,
        enhanced_vpc_routing: true,
      });

      const destroy = await terraform(['destroy', '-auto-approve', '-no-color', ...vars], cwd, e, 900_000);
      if (destroy.status !== 0)
        throw new Error(`terraform destroy failed:\n${destroy.stdout.slice(-3000)}\n${destroy.stderr}`);
      expect(destroy.stdout).toMatch(/Destroy complete! Resources: \d+ destroyed/);
      const left = ((await s3.send(new ListBucketsCommand({}))).Buckets ?? []).filter((b) =>
        b.Name?.startsWith('adrank-dev-'),
      );
      expect(left).toEqual([]);
      expect(JSON.parse(readFileSync(join(cwd, 'terraform.tfstate'), 'utf8')).resources).toEqual([]);
    }, 1_200_000);
  });
});

interface TfResource {
  address: string;
  type: string;
  values: Record<string, unknown>;
}
interface TfModule {
  resources?: TfResource[];
  child_modules?: TfModule[];
}
interface TfState {
  values: { root_module: TfModule };
}

function resources(m: TfModule): TfResource[] {
  return [...(m.resources ?? []), ...(m.child_modules ?? []).flatMap(resources)];
}
