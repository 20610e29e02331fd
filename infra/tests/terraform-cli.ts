import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

export const INFRA = join(__dirname, '..');
export const TERRAFORM_DIR = join(INFRA, 'terraform');

/**
 * The local provider mirror (a directory holding `registry.terraform.io/hashicorp/aws`): $ADRANK_TF_MIRROR, else the
 * usual places. Terraform installs only from it — no registry is reachable here, and none is needed.
 */
export function findProviderMirror(): string | null {
  const candidates = [
    process.env['ADRANK_TF_MIRROR'],
    '/opt/tf-plugins',
    join(homedir(), '.terraform.d', 'plugins'),
    '/usr/local/share/terraform/plugins',
    '/usr/share/terraform/plugins',
  ];
  for (const c of candidates) {
    if (c && existsSync(join(c, 'registry.terraform.io', 'hashicorp', 'aws'))) return c;
  }
  return null;
}

export function terraformAvailable(): boolean {
  return spawnSync('terraform', ['version'], { encoding: 'utf8' }).status === 0 && findProviderMirror() !== null;
}

/** A CLI configuration that installs providers from the mirror only. */
export function cliConfig(): string {
  const mirror = findProviderMirror();
  if (mirror === null)
    throw new Error('no Terraform provider mirror (set ADRANK_TF_MIRROR to the folder above registry.terraform.io)');
  const file = join(mkdtempSync(join(tmpdir(), 'adrank-tfrc-')), 'terraform.rc');
  writeFileSync(
    file,
    `provider_installation {
  filesystem_mirror {
    path    = "${mirror}"
    include = ["registry.terraform.io/hashicorp/aws"]
  }
  direct {
    exclude = ["registry.terraform.io/*/*"]
  }
}
`,
  );
  return file;
}

export interface Tf {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs terraform in `cwd` (no colour, no prompts). Asynchronous: the emulator's proxy lives in this process and must
 * keep answering while terraform runs.
 */
export function terraform(args: string[], cwd: string, env: Record<string, string>, timeoutMs = 600_000): Promise<Tf> {
  return new Promise((resolve) => {
    const child = spawn('terraform', args, {
      cwd,
      env: { ...process.env, TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

export function envs(): string[] {
  return readdirSync(join(TERRAFORM_DIR, 'envs'));
}
