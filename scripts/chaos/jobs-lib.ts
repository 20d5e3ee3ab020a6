// Shared parts of the jobs engine's fault scenarios (issue 12 "Tests"): jobs seeded in bulk
// with their first tick, and the deliveries a receiver saw, by Run-Id.
import type { HttpReceiver } from '../../test/helpers/receivers.js';
import { query } from './lib.js';

/**
 * `n` one-off jobs due from `fromMs` to `toMs` from now (database time), one tick each, in
 * one statement (as test/back/jobs-processes.test.ts seeds them).
 */
export async function seedOneOffs(
  url: string,
  n: number,
  target: string,
  fromMs: number,
  toMs: number,
  timeoutMs: number,
): Promise<void> {
  const [account] = await query<{ id: number }>(
    url,
    `INSERT INTO accounts (name) VALUES ('chaos-jobs-' || gen_random_uuid()) RETURNING id`,
  );
  await query(
    url,
    `WITH j AS (
       INSERT INTO jobs (account_id, name, schedule_kind, run_at, kind, settings, timeout_ms)
       SELECT $1, 'job-' || i, 'once',
              now() + ($3::float + ($4::float - $3::float) * i / $2::float) * interval '1 millisecond', 'http',
              jsonb_build_object('method', 'POST', 'url', $5::text, 'headers', '{}'::jsonb,
                                 'body', 'x', 'expectedStatuses', '[]'::jsonb), $6
         FROM generate_series(1, $2::int) AS i
       RETURNING id, run_at)
     INSERT INTO ticks (job_id, scheduled_for, due_at) SELECT id, run_at, run_at FROM j`,
    [account!.id, n, fromMs, toMs, target, timeoutMs],
  );
}

/** Deliveries per Cronwatch-Run-Id, with the arrival times. */
export function deliveriesByRunId(rx: HttpReceiver): Map<string, number[]> {
  const m = new Map<string, number[]>();
  for (const r of rx.requests) {
    const id = String(r.headers['cronwatch-run-id']);
    m.set(id, [...(m.get(id) ?? []), r.at]);
  }
  return m;
}
