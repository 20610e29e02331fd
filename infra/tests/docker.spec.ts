/**
 * infra/docker, checked without a Docker engine: each app's Dockerfile is multi-stage, builds the app's bundle with
 * Nx, runs as a non-root user with a HEALTHCHECK; and every package the bundles keep external that production code
 * imports is a production dependency in the lockfile (what `npm ci --omit=dev` installs in the image).
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const APPS = ['inference-api', 'etl', 'trainer'];
const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');

describe.each(APPS)('infra/docker/%s.Dockerfile', (app) => {
  const file = read(`infra/docker/${app}.Dockerfile`);
  const lines = file.split('\n').filter((l) => !l.trimStart().startsWith('#'));

  it('builds the Nx bundle of the app and ships only it and the production dependencies', () => {
    expect(lines.filter((l) => /^FROM /.test(l)).length).toBeGreaterThanOrEqual(3);
    expect(file).toContain(`RUN npx nx run ${app}:bundle`);
    const project = JSON.parse(read(`apps/${app}/project.json`)) as { targets: Record<string, unknown> };
    expect(Object.keys(project.targets)).toContain('bundle');
    expect(file).toContain(`COPY --from=build /repo/dist/apps/${app}/main.js ./main.js`);
    expect(file).toMatch(/npm ci --omit=dev/);
    expect(file).toContain('ENTRYPOINT ["node", "main.js"]');
  });

  it('runs as a non-root user with a healthcheck', () => {
    const users = lines.filter((l) => /^USER /.test(l));
    expect(users.length).toBe(1);
    expect(users[0]).toMatch(/^USER [1-9]\d{3,}:[1-9]\d{3,}$/);
    // the USER line comes after the last FROM: the runtime stage is the one that drops root
    expect(file.lastIndexOf('\nUSER ')).toBeGreaterThan(file.lastIndexOf('\nFROM '));
    expect(file).toMatch(/\nHEALTHCHECK --interval=\d+s --timeout=\d+s[^\n]*\\\n\s+CMD \[/);
  });
});

it('the trainer image carries the native LightGBM library and its OpenMP runtime', () => {
  const file = read('infra/docker/trainer.Dockerfile');
  expect(file).toMatch(/pip install[^\n]+lightgbm==\$\{LIGHTGBM_VERSION\}/);
  expect(file).toContain('LIGHTGBM_LIB=/opt/lightgbm/lib_lightgbm.so');
  expect(file).toMatch(/apt-get install -y --no-install-recommends libgomp1/);
});

it('every external package that production code imports is a production dependency', () => {
  const externals = (JSON.parse(read('tools/scripts/bundle-externals.json')) as { external: string[] }).external;
  const matches = (pkg: string) =>
    externals.some((e) => (e.endsWith('/*') ? pkg.startsWith(e.slice(0, -1)) : pkg === e));
  // bare imports and requires of the apps' and libs' production sources (tests and testing helpers excluded)
  const imported = new Set<string>();
  const walk = (dir: string): void => {
    for (const f of readdirSync(dir)) {
      const p = join(dir, f);
      if (statSync(p).isDirectory()) {
        if (f !== 'testing' && f !== 'fixtures') walk(p);
      } else if (f.endsWith('.ts') && !/\.(spec|int-spec|parity-spec)\.ts$/.test(f)) {
        for (const m of readFileSync(p, 'utf8').matchAll(/(?:from|import\(|require\()\s*'((?:@[\w.-]+\/)?[\w.-]+)/g)) {
          const pkg = m[1] as string;
          if (!pkg.startsWith('@adrank/') && !pkg.startsWith('node:')) imported.add(pkg);
        }
      }
    }
  };
  for (const group of ['apps', 'libs'])
    for (const p of readdirSync(join(ROOT, group)))
      if (existsSync(join(ROOT, group, p, 'src'))) walk(join(ROOT, group, p, 'src'));
  const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, { dev?: boolean }> };
  const external = [...imported].filter(matches).sort();
  expect(external).toEqual(expect.arrayContaining(['@aws-sdk/client-s3', '@duckdb/node-api', 'koffi']));
  const devOnly = external.filter(
    (pkg) => lock.packages[`node_modules/${pkg}`]?.dev === true || !lock.packages[`node_modules/${pkg}`],
  );
  expect(devOnly).toEqual([]);
});
