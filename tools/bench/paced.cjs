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
 * here, and a process that has loaded the TypeScript compiler (ts-run) pauses for its collections. The requests are
 * encoded once and written to plain TCP sockets, and a response is read only as far as its status and its end
 * (`content-length` or chunked): the client shares the machine's CPUs with the server it measures, and node:http's
 * client took twice the CPU (1.3 against 0.7 s for 3,900 `/rank` requests).
 */
'use strict';
const { readFileSync } = require('node:fs');
const net = require('node:net');

const CRLF2 = Buffer.from('\r\n\r\n');

/**
 * One keep-alive HTTP/1.1 connection: one request at a time; `done(status)` when its response has ended, `done()`
 * (no status) when the connection failed first. After a `connection: close` response, or when the server closes it,
 * the next request opens a new socket.
 */
class Connection {
  /** @param {string} host @param {number} port */
  constructor(host, port) {
    this.host = host;
    this.port = port;
    /** @type {net.Socket | null} */
    this.socket = null;
    /** @type {((status?: number) => void) | null} */
    this.done = null;
    this.reset();
  }

  reset() {
    /** @type {Buffer | null} */
    this.buf = null;
    this.status = 0;
    /** -1: reading the head; otherwise the buffer length at which the body (or the current chunk) ends */
    this.end = -1;
    this.chunked = false;
    /** in a chunked body: reading a chunk's size line (true) or its data (false) */
    this.sizeLine = false;
    this.close = false;
  }

  /** @param {Buffer} request @param {(status?: number) => void} done */
  send(request, done) {
    this.done = done;
    this.reset();
    if (this.socket === null) {
      const socket = net.connect({ host: this.host, port: this.port });
      socket.setNoDelay(true);
      // events of a socket already replaced (closed after a `connection: close` response) are not this request's
      socket.on('data', (chunk) => this.socket === socket && this.data(chunk));
      socket.on('error', () => socket.destroy());
      socket.on('close', () => {
        if (this.socket !== socket) return;
        this.socket = null;
        this.finish(undefined);
      });
      this.socket = socket;
    }
    this.socket.write(request);
  }

  /** @param {number | undefined} status */
  finish(status) {
    const done = this.done;
    this.done = null;
    if (status === undefined || this.close) {
      this.socket?.destroy();
      this.socket = null;
    }
    done?.(status);
  }

  /** @param {Buffer} chunk */
  data(chunk) {
    if (this.done === null) return this.socket?.destroy(); // nothing asked: the stream is out of step
    this.buf = this.buf === null ? chunk : Buffer.concat([this.buf, chunk]);
    for (;;) {
      const buf = this.buf;
      if (this.end < 0) {
        const head = buf.indexOf(CRLF2);
        if (head < 0) return;
        const text = buf.toString('latin1', 0, head);
        const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
        if (m === null) return this.finish(undefined);
        this.status = Number(m[1]);
        this.close = /\r\nconnection:[ \t]*close/i.test(text);
        const length = /\r\ncontent-length:[ \t]*(\d+)/i.exec(text);
        this.chunked = /\r\ntransfer-encoding:[^\r]*chunked/i.test(text);
        if (this.chunked) {
          this.sizeLine = true;
          this.end = head + 4;
        } else if (length !== null) this.end = head + 4 + Number(length[1]);
        else if (this.status === 204 || this.status === 304) this.end = head + 4;
        else return this.finish(undefined); // a body up to the close: not a keep-alive response
      }
      if (this.chunked) {
        // `end` is where the unread part of the body starts
        if (this.sizeLine) {
          const eol = buf.indexOf('\r\n', this.end, 'latin1');
          if (eol < 0) return;
          const size = parseInt(buf.toString('latin1', this.end, eol), 16);
          if (!(size >= 0)) return this.finish(undefined);
          if (size === 0) {
            // the last chunk: optional trailers, then an empty line
            const tail = buf.indexOf('\r\n', eol + 2, 'latin1') === eol + 2 ? eol + 4 : buf.indexOf(CRLF2, eol) + 4;
            if (tail < 4 || buf.length < tail) return;
            this.end = tail;
            this.chunked = false;
          } else {
            this.end = eol + 2 + size + 2;
            this.sizeLine = false;
            continue;
          }
        } else {
          if (buf.length < this.end) return;
          this.sizeLine = true;
          continue;
        }
      }
      if (buf.length < this.end) return;
      this.buf = null; // one request at a time: nothing follows a response
      return this.finish(this.status);
    }
  }
}

/**
 * @param {string} url
 * @param {string[]} bodies
 * @param {number} rate
 * @param {number} seconds
 * @param {number} connections
 */
async function paced(url, bodies, rate, seconds, connections) {
  const u = new URL(url);
  const port = Number(u.port || 80);
  const requests = bodies.map((b) => {
    const body = Buffer.from(b);
    const head = `POST ${u.pathname}${u.search} HTTP/1.1\r\nhost: ${u.host}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n`;
    return Buffer.concat([Buffer.from(head, 'latin1'), body]);
  });
  const conns = Array.from({ length: connections }, () => new Connection(u.hostname, port));
  const warm = await Promise.all(
    conns.map((c, i) => new Promise((r) => c.send(/** @type {Buffer} */ (requests[i % requests.length]), r))),
  );
  if (warm.some((s) => s === undefined)) throw new Error(`cannot reach ${url}`);
  /** @type {Connection[]} */
  const idle = [...conns];
  /** @type {number[]} */
  const queue = [];
  let head = 0;
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
    /** @param {Connection} c @param {number} i */
    const start = (c, i) => {
      const at = due(i);
      c.send(/** @type {Buffer} */ (requests[i % requests.length]), (status) => {
        if (status === undefined || status < 200 || status > 299) errors++;
        else latencies[ok++] = performance.now() - at;
        answered++;
        lastEnd = performance.now();
        if (answered === total) {
          clearTimeout(finish);
          resolve(undefined);
        }
        if (head < queue.length) start(c, /** @type {number} */ (queue[head++]));
        else idle.push(c);
      });
    };
    const tick = () => {
      const now = performance.now();
      while (next < total && due(next) <= now) {
        const c = idle.pop();
        if (c !== undefined) start(c, next++);
        else queue.push(next++);
      }
      if (next < total) setTimeout(tick, Math.max(0, due(next) - performance.now()));
    };
    tick();
  });
  for (const c of conns) c.socket?.destroy();
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
if (!url.startsWith('http://')) {
  process.stderr.write(`paced: ${url}: only http:// URLs\n`);
  process.exit(2);
}
paced(url, JSON.parse(readFileSync(file, 'utf8')), Number(rate), Number(seconds), Number(connections ?? 8)).then(
  (r) => {
    process.stdout.write(JSON.stringify(r) + '\n');
    process.exit(0); // sockets the server keeps open must not hold the process
  },
  (e) => {
    process.stderr.write(`paced: ${e.message}\n`);
    process.exit(1);
  },
);
