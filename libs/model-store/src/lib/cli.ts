import { BundleError, BundleStore } from './bundles';
import { openStore, StoreError } from './store';

export const USAGE = `adrank-models — operate on a model bundle store

  adrank-models list    --store URL                 versions, newest first (* = current)
  adrank-models show    --store URL [--version V]   a version's manifest (default: the current one)
  adrank-models verify  --store URL [--version V]   re-hash every file of a version against its manifest
  adrank-models promote --store URL --version V     make V current (rollback / roll forward), after verifying it
  adrank-models gc      --store URL --retain N [--dry-run]
                                                    delete all but the newest N versions (never the current one or its parent)

URL: s3://bucket/prefix, file:///dir or a directory. S3 settings from the environment (AWS_REGION, credentials;
S3_ENDPOINT for S3-compatible servers, path-style). Exit codes: 0 ok, 1 failed (e.g. verify found problems), 2 usage.`;

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env: Record<string, string | undefined>;
}

/** Runs one command; resolves to the exit code. */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.out(USAGE);
    return command === undefined ? 2 : 0;
  }
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i] as string;
    if (!a.startsWith('--')) {
      io.err(`adrank-models: unexpected argument "${a}"\n\n${USAGE}`);
      return 2;
    }
    const name = a.slice(2);
    if (name === 'dry-run' || name === 'json') flags[name] = true;
    else {
      const v = rest[++i];
      if (v === undefined) {
        io.err(`adrank-models: --${name} needs a value`);
        return 2;
      }
      flags[name] = v;
    }
  }
  const allowed: Record<string, string[]> = {
    list: ['store', 'json'],
    show: ['store', 'version'],
    verify: ['store', 'version', 'json'],
    promote: ['store', 'version'],
    gc: ['store', 'retain', 'dry-run', 'json'],
  };
  if (!(command in allowed)) {
    io.err(`adrank-models: unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  const bad = Object.keys(flags).filter((f) => !(allowed[command] as string[]).includes(f));
  if (bad.length > 0) {
    io.err(`adrank-models ${command}: unknown flag(s) ${bad.map((b) => `--${b}`).join(', ')}`);
    return 2;
  }
  if (typeof flags['store'] !== 'string') {
    io.err(`adrank-models ${command}: --store URL is required`);
    return 2;
  }
  const endpoint = io.env['S3_ENDPOINT'];
  try {
    const store = openStore(flags['store'], {
      s3: {
        ...(io.env['AWS_REGION'] ? { region: io.env['AWS_REGION'] } : {}),
        ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
      },
    });
    const bundles = new BundleStore(store);
    switch (command) {
      case 'list': {
        const versions = await bundles.list();
        if (flags['json']) io.out(JSON.stringify(versions));
        else if (versions.length === 0) io.out('(no versions)');
        else
          for (const v of versions)
            io.out(
              `${v.current ? '*' : ' '} ${v.version}  ${v.created_at || '(incomplete)'}  ${(v.bytes / 1024 / 1024).toFixed(1)} MB  parent ${v.parent_version ?? '-'}`,
            );
        return 0;
      }
      case 'show': {
        const b =
          typeof flags['version'] === 'string'
            ? await bundles.resolveVersion(flags['version'])
            : await bundles.resolve();
        io.out(JSON.stringify(b.manifest, null, 2));
        return 0;
      }
      case 'verify': {
        const version = typeof flags['version'] === 'string' ? flags['version'] : (await bundles.resolve()).version;
        const problems = await bundles.verify(version);
        if (flags['json']) io.out(JSON.stringify({ version, ok: problems.length === 0, problems }));
        else
          io.out(
            problems.length === 0
              ? `${version}: every file matches its manifest`
              : `${version}:\n${problems.map((p) => `  ${p}`).join('\n')}`,
          );
        return problems.length === 0 ? 0 : 1;
      }
      case 'promote': {
        if (typeof flags['version'] !== 'string') {
          io.err('adrank-models promote: --version is required');
          return 2;
        }
        const p = await bundles.promote(flags['version']);
        io.out(`latest.json → ${p.version}`);
        return 0;
      }
      default: {
        const retain = Number(flags['retain']);
        if (!Number.isInteger(retain) || retain < 1) {
          io.err(`adrank-models gc: --retain must be an integer >= 1, got ${String(flags['retain'])}`);
          return 2;
        }
        const gone = await bundles.gc(retain, { dryRun: flags['dry-run'] === true });
        if (flags['json']) io.out(JSON.stringify({ deleted: gone, dryRun: flags['dry-run'] === true }));
        else
          io.out(
            gone.length === 0
              ? 'nothing to delete'
              : `${flags['dry-run'] ? 'would delete' : 'deleted'}: ${gone.join(', ')}`,
          );
        return 0;
      }
    }
  } catch (e) {
    if (e instanceof BundleError || e instanceof StoreError) {
      io.err(`adrank-models ${command}: ${e.message}`);
      return 1;
    }
    throw e;
  }
}

export function main(): void {
  run(process.argv.slice(2), {
    out: (l) => process.stdout.write(l + '\n'),
    err: (l) => process.stderr.write(l + '\n'),
    env: process.env,
  })
    .then((code) => {
      process.exitCode = code;
    })
    .catch((e: unknown) => {
      process.stderr.write(`adrank-models: ${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = 1;
    });
}
