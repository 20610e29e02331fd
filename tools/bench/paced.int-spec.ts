/**
 * The open-loop client of bench:api (tools/bench/paced.cjs) against node:http servers on 127.0.0.1: the rate and the
 * bodies it sends, responses with a content-length, chunked (with trailers) and `connection: close`, errors counted
 * (non-2xx statuses, connections dropped mid-response), and a server stall showing in the percentiles (latency from
 * each request's due time, not from when a connection was free).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PACED = join(__dirname, 'paced.cjs');

interface Result {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  sent: number;
}

describe('paced.cjs (open-loop client of bench:api)', () => {
  let dir: string;
  let server: Server | null = null;
  const bodies = [JSON.stringify({ n: 0, word: '운동화' }), JSON.stringify({ n: 1 }), JSON.stringify({ n: 2 })];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'adrank-paced-'));
    writeFileSync(join(dir, 'bodies.json'), JSON.stringify(bodies));
  });
  afterEach(async () => {
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
    server?.closeAllConnections();
    server = null;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Serves `handle(i, req, res)` for the i-th request (warm-ups included) with its body read; returns the URL. */
  async function serve(
    handle: (i: number, body: string, req: IncomingMessage, res: ServerResponse) => void,
  ): Promise<{ url: string; seen: string[]; connections: () => number }> {
    const seen: string[] = [];
    let connections = 0;
    server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => {
        seen.push(body);
        handle(seen.length - 1, body, req, res);
      });
    });
    server.on('connection', () => connections++);
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}/rank`, seen, connections: () => connections };
  }

  /** Runs the client as bench:api does (its own process), without blocking this one, which serves. */
  function run(url: string, rate: number, seconds: number, connections: number): Promise<Result> {
    return new Promise((resolve, reject) => {
      execFile(
        process.execPath,
        [PACED, url, join(dir, 'bodies.json'), String(rate), String(seconds), String(connections)],
        { encoding: 'utf8', timeout: 30_000 },
        (e, out, err) => (e ? reject(new Error(`${e.message}\n${err}`)) : resolve(JSON.parse(out) as Result)),
      );
    });
  }

  it('sends the bodies in turn at the asked rate and reads responses with a content-length', async () => {
    const s = await serve((_i, body, req, res) => {
      setTimeout(() => {
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify({
            echo: JSON.parse(body),
            method: req.method,
            url: req.url,
            type: req.headers['content-type'],
          }),
        );
      }, 3);
    });
    const r = await run(s.url, 200, 1, 4);
    expect(r.sent).toBe(200);
    expect(r.errors).toBe(0);
    expect(r.rps).toBeGreaterThan(170);
    expect(r.rps).toBeLessThan(230);
    expect(r.p50).toBeGreaterThanOrEqual(3);
    expect(r.p50).toBeLessThan(50);
    // 4 warm-ups, then request i sends body i mod 3
    expect(s.seen).toHaveLength(204);
    expect(s.seen.slice(4)).toEqual(Array.from({ length: 200 }, (_, i) => bodies[i % 3]));
    expect(s.connections()).toBe(4);
  }, 30_000);

  it('reads chunked responses, trailers included, and reconnects after `connection: close`', async () => {
    // one connection, asked for more than it can answer: the next request always waits for it, also after a close
    const s = await serve((i, _body, _req, res) => {
      setTimeout(() => {
        if (i % 3 === 0) res.setHeader('connection', 'close');
        res.setHeader('trailer', 'x-checksum');
        if (i % 2 === 0) res.addTrailers({ 'x-checksum': 'abc' });
        res.write('{"part":1,');
        res.write('"pad":"' + 'x'.repeat(20_000) + '",');
        res.end('"part2":2}');
      }, 5);
    });
    const r = await run(s.url, 300, 1, 1);
    expect(r).toMatchObject({ sent: 300, errors: 0 });
    expect(r.rps).toBeLessThan(250); // at most one answer per 5 ms: requests queued all along
    // every third response closed its connection
    expect(s.connections()).toBeGreaterThanOrEqual(100);
  }, 30_000);

  it('counts non-2xx answers and connections dropped mid-response as errors, and goes on', async () => {
    const s = await serve((i, _body, _req, res) => {
      const k = i - 4; // after the 4 warm-ups
      if (k >= 0 && k % 5 === 0) {
        res.statusCode = 503;
        res.end('{"error":"busy"}');
      } else if (k >= 0 && k % 7 === 0) {
        res.setHeader('content-length', '100');
        res.write('{"partial":');
        res.destroy();
      } else res.end('{}');
    });
    const r = await run(s.url, 140, 1, 4);
    expect(r.sent).toBe(140);
    const failed = Array.from({ length: 140 }, (_, k) => k % 5 === 0 || k % 7 === 0).filter(Boolean).length;
    expect(r.errors).toBe(failed);
  }, 30_000);

  it("counts a server's stall in the latency of every request due during it", async () => {
    // one connection at 100 req/s; request 10 is answered after 600 ms: the ~60 due meanwhile wait their turn, and
    // their latencies run from their due times (~600 ms down to ~0), not from when the connection was free again
    const s = await serve((i, _body, _req, res) => {
      if (i === 11) setTimeout(() => res.end('{}'), 600);
      else res.end('{}');
    });
    const r = await run(s.url, 100, 1, 1);
    expect(r).toMatchObject({ sent: 100, errors: 0 });
    expect(r.p50).toBeGreaterThan(50);
    expect(r.p99).toBeGreaterThan(500);
  }, 30_000);

  it('refuses what it cannot measure, naming it', async () => {
    const s = await serve((_i, _body, _req, res) => res.end('{}'));
    await expect(run(s.url.replace('http:', 'https:'), 10, 1, 1)).rejects.toThrow(/only http:\/\/ URLs/);
    server?.close();
    server = null;
    await expect(run(s.url, 10, 1, 1)).rejects.toThrow(/cannot reach/);
  }, 30_000);
});
