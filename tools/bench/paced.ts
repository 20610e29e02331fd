import { Agent, request } from 'node:http';

export interface PacedRun {
  /** Responses per second over the run (first send to last response). */
  rps: number;
  /** Latency percentiles in ms, each measured from the time the request was due (not from when it was sent). */
  p50: number;
  p99: number;
  /** Non-2xx responses, socket errors and requests without an answer at the end. */
  errors: number;
  sent: number;
}

/**
 * An open-loop load at a constant rate (wrk2-style): request i is due at `i / rate` seconds and is sent then, whether
 * or not earlier ones have been answered (over at most `connections` keep-alive sockets; a request waiting for a free
 * socket waits in the queue, and that wait counts). Its latency runs from the due time to the end of the response, so
 * a stall of the server shows in the percentiles instead of slowing the load (coordinated omission).
 *
 * autocannon's `overallRate` is not that: each connection sends its share of a second as fast as it can when the
 * second starts and then pauses, so "half the best rate" saturates the server for half of every second.
 */
export async function paced(
  url: string,
  bodies: readonly string[],
  rate: number,
  durationS: number,
  connections: number,
): Promise<PacedRun> {
  if (!(rate > 0) || !(durationS > 0) || bodies.length === 0) throw new Error('paced: rate, duration and bodies');
  const u = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const total = Math.max(1, Math.floor(rate * durationS));
  const latencies: number[] = [];
  let errors = 0;
  let answered = 0;
  let next = 0;
  let lastEnd = 0;
  const t0 = performance.now();
  const due = (i: number) => t0 + (i * 1000) / rate;
  await new Promise<void>((resolve) => {
    const finish = setTimeout(resolve, durationS * 1000 + 10_000); // the server stopped answering: stop anyway
    const settle = () => {
      answered++;
      lastEnd = performance.now();
      if (answered === total) {
        clearTimeout(finish);
        resolve();
      }
    };
    const send = (i: number) => {
      const body = bodies[i % bodies.length] as string;
      const at = due(i);
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
          res.on('end', () => {
            if (res.statusCode === undefined || res.statusCode < 200 || res.statusCode > 299) errors++;
            else latencies.push(performance.now() - at);
            settle();
          });
        },
      );
      req.on('error', () => {
        errors++;
        settle();
      });
      req.end(body);
    };
    const tick = () => {
      const now = performance.now();
      while (next < total && due(next) <= now) send(next++);
      if (next < total) setTimeout(tick, Math.max(0, due(next) - performance.now()));
    };
    tick();
  });
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    latencies.length === 0
      ? NaN
      : (latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] as number);
  return {
    rps: answered / Math.max(1e-9, (lastEnd - t0) / 1000),
    p50: Math.round(pct(0.5) * 10) / 10,
    p99: Math.round(pct(0.99) * 10) / 10,
    errors: errors + (total - answered),
    sent: next,
  };
}
