// Fixtures of the jobs engine tests: a job written as the API writes it, the back's trigger
// dependencies with an outbound client allowed to reach the receivers on 127.0.0.1.
import { after } from 'node:test';
import { actionState } from '../../src/back/action-state.js';
import type { TriggerDeps } from '../../src/back/trigger.js';
import { createJob } from '../../src/db/job-write.js';
import type { JobRow, JobValues } from '../../src/db/jobs.js';
import { transaction, type Pool } from '../../src/db/pool.js';
import { outboundClient } from '../../src/outbound/client.js';
import { backDeps } from './back.js';

export function triggerDeps(pool: Pool, env: Record<string, string> = {}): TriggerDeps {
  const outbound = outboundClient({ allowPrivate: true });
  after(() => outbound.close());
  const back = backDeps(pool, env);
  return { ...back, random: () => 0, actions: { outbound, state: actionState(pool, back.clock) } };
}

export function jobValues(url: string, extra: Partial<JobValues> = {}): JobValues {
  return {
    name: 'job',
    tags: [],
    schedule: { kind: 'every', seconds: 60 },
    start: null,
    end: null,
    kind: 'http',
    settings: { method: 'POST', url, headers: {}, body: 'hi', expectedStatuses: [] },
    timeoutMs: 5000,
    maxAttempts: 5,
    overlap: 'skip',
    catchUp: 'latest',
    startingDeadline: null,
    secret: null,
    ...extra,
  };
}

export async function addJob(pool: Pool, accountId: number, v: JobValues): Promise<JobRow> {
  const grace = { percent: 10, minSeconds: 60, maxSeconds: 3600 };
  const job = await transaction(pool, (c) => createJob(c, accountId, v, new Date(), grace));
  if (!job) throw new Error('the schedule never runs');
  return job;
}

/** Moves the job's pending tick to `agoMs` before the database's now: due at once. */
export async function makeDue(pool: Pool, jobId: number, agoMs = 0): Promise<Date> {
  const { rows } = await pool.query<{ at: Date }>(
    `UPDATE ticks SET scheduled_for = now() - $2 * interval '1 millisecond', due_at = now() - $2 * interval '1 millisecond'
      WHERE job_id = $1 AND state = 'pending' RETURNING scheduled_for AS at`,
    [jobId, agoMs],
  );
  return rows[0]!.at;
}

export interface TickRow {
  scheduled_for: Date;
  state: string;
  attempts: number;
  run_id: string;
  due_at: Date;
  outcome: { error?: string; status?: number } | null;
  manual: boolean;
}

export async function ticksOf(pool: Pool, jobId: number): Promise<TickRow[]> {
  const { rows } = await pool.query<TickRow>(
    `SELECT scheduled_for, state, attempts, run_id, due_at, outcome, manual FROM ticks
      WHERE job_id = $1 ORDER BY scheduled_for`,
    [jobId],
  );
  return rows;
}

/** Pauses every other job: triggerOnce claims the oldest due ticks of all accounts. */
export async function only(pool: Pool, jobId: number): Promise<void> {
  await pool.query(`UPDATE jobs SET status = 'paused' WHERE id <> $1 AND status = 'active'`, [
    jobId,
  ]);
}
