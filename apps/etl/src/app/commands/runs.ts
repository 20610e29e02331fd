import { randomUUID } from 'node:crypto';
import type { Warehouse } from '@adrank/warehouse';

/** Bookkeeping of ETL runs (etl_runs): one row per command run, its status and a JSON summary. */
export async function startRun(w: Warehouse, command: string, customer: string): Promise<string> {
  const runId = `${new Date().toISOString().replace(/[-:.]/g, '').slice(0, 15)}-${randomUUID().slice(0, 8)}`;
  await w.execute(
    `INSERT INTO etl_runs (run_id, command, customer_id, started_at, status) VALUES (:runId, :command, :customer, CAST(:now AS TIMESTAMP), 'running')`,
    { runId, command, customer, now: new Date() },
  );
  return runId;
}

export async function finishRun(
  w: Warehouse,
  runId: string,
  status: 'succeeded' | 'failed',
  summary: unknown,
): Promise<void> {
  await w.execute(
    `UPDATE etl_runs SET status = :status, finished_at = CAST(:now AS TIMESTAMP), summary = :summary WHERE run_id = :runId`,
    {
      status,
      now: new Date(),
      summary: JSON.stringify(summary).slice(0, 65_000),
      runId,
    },
  );
}

export interface LastRun {
  run_id: string;
  command: string;
  customer_id: string;
  status: string;
  started_at: string;
  finished_at: string | null;
}

export async function lastRun(w: Warehouse): Promise<LastRun | null> {
  const rows = await w.query<LastRun & Record<string, unknown>>(
    'SELECT run_id, command, customer_id, status, started_at, finished_at FROM etl_runs ORDER BY started_at DESC LIMIT 1',
  );
  return rows[0] ?? null;
}
