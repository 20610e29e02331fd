#!/usr/bin/env node
// @ts-check
/**
 * node tools/bench/paced.cjs <url> <bodies.json> <rate> <seconds> [connections=8] — an open-loop load at a constant
 * rate (wrk2-style), its result as one JSON line: { rps, p50, p99, errors, sent }.
 *
 * Request i is due at i / rate seconds and is sent then, whether or not earlier ones have been answered (over at most
 * `connections` keep-alive sockets; a request waiting for a free socket waits in the queue, and that wait counts). Its
 * latency runs from the due time to the end of the response, so a stall of the server shows in the percentiles
 * instead of slowing the load (coordinated omission). autocannon's `overallRate` is not that: each connection sends
 * its share of a second as fast as it can when the second starts and then pauses, so "half the best rate" saturates
 * the server for half of every second. The connections are opened first (one request each, not counted): their
 * handshakes are not the steady state.
 *
 * Plain JavaScript in a process of its own (bench:api runs it as a child): a client's own pauses count as latency
 * here, and a process that has loaded the TypeScript compiler (ts-run) pauses for its collections.
 */
'use strict';
const { readFileSync } = require('node:fs');
const { Agent, request } = require('node:http');

/**
 * @param {string} url
 * @param {string[]} bodies
 * @param {number} rate
 * @param {number} seconds
 * @param {number} connections
 */
async function paced(url, bodies, rate, seconds, connections) {
  const u = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  /** @param {string} body @param {(status: number | undefined) => void} done */
  const post = (body, done) => {
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => done(res.statusCode));
      },
    );
    req.on('error', () => done(undefined));
    req.end(body);
  };
  await Promise.all(
    Array.from({ length: connections }, (_, i) => new Promise((r) => post(bodies[i % bodies.length], r))),
  );
  const total = Math.max(1, Math.floor(rate * seconds));
  const latencies = new Float64Array(total);
  let ok = 0;
  let errors = 0;
  let answered = 0;
  let next = 0;
  let lastEnd = 0;
  const t0 = performance.now() + 5;
  /** @param {number} i */
  const due = (i) => t0 + (i * 1000) / rate;
  await new Promise((resolve) => {
    const finish = setTimeout(resolve, seconds * 1000 + 10_000); // the server stopped answering: stop anyway
    const settle = () => {
      answered++;
      lastEnd = performance.now();
      if (answered === total) {
        clearTimeout(finish);
        resolve(undefined);
      }
    };
    /** @param {number} i */
    const send = (i) => {
      const at = due(i);
      post(bodies[i % bodies.length], (status) => {
        if (status === undefined || status < 200 || status > 299) errors++;
        else latencies[ok++] = performance.now() - at;
        settle();
      });
    };
    const tick = () => {
      const now = performance.now();
      while (next < total && due(next) <= now) send(next++);
      if (next < total) setTimeout(tick, Math.max(0, due(next) - performance.now()));
    };
    tick();
  });
  agent.destroy();
  const sorted = latencies.subarray(0, ok).sort();
  /** @param {number} p */
  const pct = (p) => (ok === 0 ? NaN : Math.round(sorted[Math.min(ok - 1, Math.floor(p * ok))] * 10) / 10);
  return {
    rps: answered / Math.max(1e-9, (lastEnd - t0) / 1000),
    p50: pct(0.5),
    p99: pct(0.99),
    errors: errors + (total - answered),
    sent: next,
  };
}

const [url, file, rate, seconds, connections] = process.argv.slice(2);
if (url === undefined || file === undefined || !(Number(rate) > 0) || !(Number(seconds) > 0)) {
  process.stderr.write('usage: paced.cjs <url> <bodies.json> <rate> <seconds> [connections]\n');
  process.exit(2);
}
paced(url, JSON.parse(readFileSync(file, 'utf8')), Number(rate), Number(seconds), Number(connections ?? 8)).then(
  (r) => process.stdout.write(JSON.stringify(r) + '\n'),
  (e) => {
    process.stderr.write(`paced: ${e.message}\n`);
    process.exit(1);
  },
);
