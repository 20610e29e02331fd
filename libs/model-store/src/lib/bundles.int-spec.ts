/**
 * The bundle store against the filesystem store and against a real S3 API (moto; required under CI, skipped with a
 * notice elsewhere): publish / resolve / download / verify / promote / gc, concurrent publishers, corrupted bundles,
 * and a bundle uploaded with the AWS CLI in the seed's latest/ layout.
 */
import { execFileSync } from 'node:child_process';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { describeIfAvailable, motoAvailable, startMoto, type Moto } from '@adrank/testing';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleDir, input } from '../testing';
import { BundleError, BundleStore } from './bundles';
import { FileSystemStore, S3Store, type ArtifactStore } from './store';

function contract(
  name: string,
  make: () => Promise<{
    store: ArtifactStore;
    corrupt: (key: string, bytes: Buffer | null) => Promise<void>;
    close(): Promise<void>;
  }>,
) {
  describe(name, () => {
    let dir: string;
    let s: Awaited<ReturnType<typeof make>>;
    let bundles: BundleStore;
    beforeEach(async () => {
      dir = mkdtempSync(join(tmpdir(), 'bundles-'));
      s = await make();
      bundles = new BundleStore(s.store);
    });
    afterEach(async () => {
      await s.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('publishes, resolves, downloads (reusing matching files), verifies, promotes back and collects garbage', async () => {
      const m1 = await bundles.publish(bundleDir(dir, 'one'), input({ version: '2026-11-20T02-00-00Z-000001' }));
      expect(m1.parent_version).toBeNull();
      const m2 = await bundles.publish(
        bundleDir(dir, 'two', 20 * 1024 * 1024),
        input({ version: '2026-11-21T02-00-00Z-000002' }),
      );
      expect(m2.parent_version).toBe(m1.version);
      const r = await bundles.resolve();
      expect(r.version).toBe(m2.version);
      const cache = join(dir, 'cache');
      const local = await bundles.download(r, cache);
      expect(readFileSync(join(local, 'ctr_model.txt'), 'utf8')).toContain('# two');
      expect(readFileSync(join(local, 'keyword_embeddings.npy')).length).toBe(20 * 1024 * 1024);
      await bundles.download(r, cache); // everything reused (checksums match)
      expect(await bundles.verify(m2.version)).toEqual([]);
      // The seed's layout mirrors the current bundle.
      expect((await s.store.get('latest/ctr_model.txt')).toString()).toContain('# two');
      await bundles.promote(m1.version); // rollback
      expect((await bundles.resolve()).version).toBe(m1.version);
      expect((await s.store.get('latest/ctr_model.txt')).toString()).toContain('# one');
      expect(await s.store.head('latest/keyword_embeddings.npy')).toBeNull(); // not part of one
      const list = await bundles.list();
      expect(list.map((v) => [v.version, v.current])).toEqual([
        [m2.version, false],
        [m1.version, true],
      ]);
      const m3 = await bundles.publish(bundleDir(dir, 'three'), input({ version: '2026-11-22T02-00-00Z-000003' }));
      expect(m3.parent_version).toBe(m1.version);
      // retain 1: keeps three (newest, current) and its parent one; two goes.
      expect(await bundles.gc(1)).toEqual([m2.version]);
      expect((await bundles.list()).map((v) => v.version)).toEqual([m3.version, m1.version]);
    });

    it('lets exactly one of two concurrent publishers win; the other fails clearly', async () => {
      await bundles.publish(bundleDir(dir, 'base'), input({ version: '2026-11-19T00-00-00Z-00000a' }));
      const results = await Promise.allSettled([
        new BundleStore(s.store).publish(bundleDir(dir, 'a'), input({ version: '2026-11-20T00-00-00Z-00000b' })),
        new BundleStore(s.store).publish(bundleDir(dir, 'b'), input({ version: '2026-11-20T00-00-00Z-00000c' })),
      ]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(lost[0]?.reason).toBeInstanceOf(BundleError);
      expect((lost[0]?.reason as BundleError).code).toBe('CONFLICT');
      expect(String((lost[0]?.reason as Error).message)).toMatch(/another publisher changed latest.json first/);
      const current = await bundles.resolve();
      expect(current.version).toBe((won[0] as PromiseFulfilledResult<{ version: string }>).value.version);
      const mirrored = JSON.parse((await s.store.get('latest/manifest.json')).toString()) as { version: string };
      expect(mirrored.version).toBe(current.version); // latest/ follows the winner
    });

    it('refuses a bundle corrupted after publish: a flipped byte, a missing file, a truncated manifest', async () => {
      const m = await bundles.publish(bundleDir(dir, 'good'), input({ version: '2026-11-20T00-00-00Z-0000aa' }));
      const cache = join(dir, 'cache');
      const ctr = (await s.store.get(`${m.version}/ctr_model.txt`)) as Buffer;
      const flipped = Buffer.from(ctr);
      flipped[3] = (flipped[3] as number) ^ 1;
      await s.corrupt(`${m.version}/ctr_model.txt`, flipped);
      await expect(bundles.download(await bundles.resolve(), cache)).rejects.toMatchObject({
        code: 'CORRUPT',
        message: expect.stringContaining('ctr_model.txt'),
      });
      expect(existsSync(join(cache, m.version, 'ctr_model.txt'))).toBe(false);
      expect((await bundles.verify(m.version))[0]).toMatch(/^ctr_model\.txt: /);
      await expect(bundles.promote(m.version)).rejects.toThrow(/refusing to promote/);
      await s.corrupt(`${m.version}/ctr_model.txt`, ctr);
      await s.corrupt(`${m.version}/conv_model.txt`, null);
      // A fresh cache (the first attempt cached a verified conv_model.txt, which would rightly be reused).
      await expect(bundles.download(await bundles.resolve(), join(dir, 'cache2'))).rejects.toThrow(
        /conv_model\.txt is missing/,
      );
      const manifest = await s.store.get(`${m.version}/manifest.json`);
      await s.corrupt(`${m.version}/manifest.json`, manifest.subarray(0, 40));
      await expect(bundles.resolve()).rejects.toMatchObject({
        code: 'CORRUPT',
        message: expect.stringMatching(/sha256 .* latest.json says/),
      });
    });

    it('refuses invalid manifests and existing versions before uploading anything', async () => {
      await expect(
        bundles.publish(bundleDir(dir, 'x'), input({ data_window: { from: '2026-11-20', to: '2026-11-01' } })),
      ).rejects.toThrow(/data_window.from is after/);
      await expect(bundles.publish(bundleDir(dir, 'x'), input({ version: '../escape' }))).rejects.toThrow(
        /version "..\/escape" is not valid/,
      );
      expect(await s.store.list('')).toEqual([]);
      await bundles.publish(bundleDir(dir, 'x'), input({ version: '2026-11-20T00-00-00Z-0000bb' }));
      await expect(
        bundles.publish(bundleDir(dir, 'y'), input({ version: '2026-11-20T00-00-00Z-0000bb' })),
      ).rejects.toThrow(/already exists/);
    });
  });
}

contract('BundleStore on FileSystemStore', async () => {
  const root = mkdtempSync(join(tmpdir(), 'fsstore-'));
  const store = new FileSystemStore(root);
  return {
    store,
    corrupt: async (key, bytes) => {
      if (bytes === null) rmSync(join(root, key));
      else writeFileSync(join(root, key), bytes);
    },
    close: async () => rmSync(root, { recursive: true, force: true }),
  };
});

describeIfAvailable(motoAvailable(), 'S3 bundle suite')('against S3 (moto)', () => {
  let moto: Moto;
  let n = 0;
  beforeAll(async () => {
    moto = await startMoto();
  }, 60_000);
  afterAll(() => moto?.stop());

  contract('BundleStore on S3Store', async () => {
    const bucket = `models-${++n}`;
    const client = new S3Client(moto.clientConfig);
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    const store = new S3Store(bucket, 'models/lgbm', { client, multipartThreshold: 5 * 1024 * 1024 });
    const raw = new S3Store(bucket, 'models/lgbm', { client });
    return {
      store,
      corrupt: async (key, bytes) => {
        if (bytes === null) await raw.delete(key);
        else await raw.put(key, bytes);
      },
      close: async () => client.destroy(),
    };
  });

  it('loads a bundle uploaded with the AWS CLI in the seed layout (latest/ with a manifest, no pointer)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'awscli-'));
    const client = new S3Client(moto.clientConfig);
    try {
      await client.send(new CreateBucketCommand({ Bucket: 'seed' }));
      const src = bundleDir(dir, 'seed');
      // A manifest made by hand for the files, as an operator would.
      const files: Record<string, { sha256: string; bytes: number }> = {};
      const { sha256File } = await import('./bundles');
      for (const f of ['ctr_model.txt', 'conv_model.txt', 'keywords.json']) files[f] = await sha256File(join(src, f));
      writeFileSync(
        join(src, 'manifest.json'),
        JSON.stringify({
          format: 'adrank.bundle',
          manifest_version: 1,
          version: 'seed-2026-11-20',
          created_at: '2026-11-20T00:00:00Z',
          parent_version: null,
          files,
          ...input(),
        }),
      );
      execFileSync(
        'aws',
        ['s3', 'cp', '--recursive', src, 's3://seed/models/lgbm/latest/', '--endpoint-url', moto.endpoint],
        {
          env: {
            ...process.env,
            AWS_ACCESS_KEY_ID: 'testing',
            AWS_SECRET_ACCESS_KEY: 'testing',
            AWS_DEFAULT_REGION: 'us-east-1',
          },
          stdio: 'ignore',
        },
      );
      const bundles = new BundleStore(new S3Store('seed', 'models/lgbm', { client }));
      const r = await bundles.resolve();
      expect(r).toMatchObject({ version: 'seed-2026-11-20', prefix: 'latest' });
      const local = await bundles.download(r, join(dir, 'cache'));
      expect(readFileSync(join(local, 'ctr_model.txt'), 'utf8')).toContain('# seed');
    } finally {
      client.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
