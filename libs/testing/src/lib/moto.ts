import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** A free TCP port on 127.0.0.1 (bound and released; good enough for a server started right after). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => (typeof addr === 'object' && addr !== null ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** Whether `moto_server` (pip install "moto[server]") is on the PATH. */
export function motoAvailable(): boolean {
  const r = spawnSync('moto_server', ['--help'], { stdio: 'ignore', timeout: 30_000 });
  return r.status === 0;
}

export interface Moto {
  /** http://127.0.0.1:<port> */
  endpoint: string;
  /** Client settings for an AWS SDK v3 client pointed at this server. */
  clientConfig: {
    endpoint: string;
    region: string;
    forcePathStyle: boolean;
    credentials: { accessKeyId: string; secretAccessKey: string };
  };
  stop(): Promise<void>;
}

/**
 * Starts moto's server (a real AWS API emulator: S3, IAM, ...) on 127.0.0.1 and waits until it answers. Fails with
 * install instructions when moto is missing. Stop it in afterAll.
 */
export async function startMoto(timeoutMs = 30_000): Promise<Moto> {
  if (!motoAvailable()) {
    throw new Error('moto_server not found: pip install --retries 0 --timeout 5 "moto[server]"');
  }
  const port = await freePort();
  const child: ChildProcess = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    env: { ...process.env, MOTO_IAM_LOAD_MANAGED_POLICIES: 'true' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}: ${stderr}`);
    try {
      const r = await fetch(`${endpoint}/moto-api/`);
      if (r.ok || r.status < 500) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`moto_server did not answer on ${endpoint} within ${timeoutMs} ms: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    endpoint,
    clientConfig: {
      endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      }),
  };
}

/**
 * For suites that need a tool outside npm (moto, Python): under CI or ADRANK_REQUIRE_NATIVE=1 they must run (and fail
 * when the tool is missing); elsewhere they are skipped with a notice.
 */
export function describeIfAvailable(available: boolean, what: string): jest.Describe {
  const required = Boolean(process.env['CI']) || process.env['ADRANK_REQUIRE_NATIVE'] === '1';
  if (!available && !required) console.warn(`${what} skipped: not installed here; CI runs it`);
  return available || required ? describe : describe.skip;
}
