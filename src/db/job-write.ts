// The writes of a job's life (API and CLI): each one transaction, so a job never exists
// without its first tick and, when recurring, its check (issue 12, semantics 2 and 6).
import type { GracePolicy } from '../config.js';
import { jobCheckSpec } from '../domain/job-check.js';
import { firstTick } from '../domain/job-schedule.js';
import { insertCheck } from './checks-admin.js';
import { deleteCheck, pauseCheck, resumeCheck, setCheckChannels } from './check-write.js';
import {
  insertJob,
  notifyJobs,
  scheduleOf,
  setJobCheck,
  setJobStatus,
  updateJob,
  windowOf,
  type JobRow,
  type JobValues,
} from './jobs.js';
import type { Client, Queryable } from './pool.js';
import { insertTicks } from './ticks.js';

/** Every channel of the account: a job's check alerts like a new check with channels "*". */
async function accountChannels(db: Queryable, accountId: number): Promise<number[]> {
  const { rows } = await db.query<{ id: number }>('SELECT id FROM channels WHERE account_id = $1', [
    accountId,
  ]);
  return rows.map((r) => r.id);
}

async function addCheck(
  client: Client,
  job: JobRow,
  first: Date,
  now: Date,
  grace: GracePolicy,
): Promise<void> {
  const spec = jobCheckSpec(job.name, job.uuid, scheduleOf(job), first, job.timeoutMs, grace);
  if (!spec) return;
  const check = await insertCheck(client, {
    ...spec,
    accountId: job.accountId,
    slug: null,
    email: null,
    now,
  });
  if (!check) throw new Error(`check name ${spec.name} is taken`);
  const { rows } = await client.query<{ id: number }>(
    // Expected from the first tick on: if no back runs it, the check goes down as any job would.
    `UPDATE checks SET next_deadline = $2::timestamptz + grace * interval '1 second'
      WHERE uuid = $1 RETURNING id`,
    [check.uuid, first],
  );
  const checkId = rows[0]!.id;
  await setCheckChannels(client, checkId, await accountChannels(client, job.accountId));
  await setJobCheck(client, job.id, checkId);
  job.checkId = checkId;
}

/** Creates the job, its first tick and its check; undefined when the schedule never runs. */
export async function createJob(
  client: Client,
  accountId: number,
  v: JobValues,
  now: Date,
  grace: GracePolicy,
): Promise<JobRow | undefined> {
  const first = firstTick(
    v.schedule,
    { ...(v.start ? { start: v.start } : {}), ...(v.end ? { end: v.end } : {}) },
    now,
  );
  if (!first) return undefined;
  const job = await insertJob(client, accountId, v);
  await insertTicks(client, [{ jobId: job.id, scheduledFor: first, state: 'pending' }]);
  await addCheck(client, job, first, now, grace);
  await notifyJobs(client);
  return job;
}

/** Future ticks not started yet are cancelled (a schedule change, a delete). */
async function cancelPending(db: Queryable, jobId: number, running: boolean): Promise<void> {
  await db.query(
    `UPDATE ticks SET state = 'cancelled', finished_at = now(), lease_until = NULL,
            outcome = '{"error":"cancelled"}'
      WHERE job_id = $1 AND (state = 'pending' OR ($2 AND state = 'running'))`,
    [jobId, running],
  );
}

/**
 * Applies a change; a new schedule (or window) starts a new chain from now. The check
 * follows: it is remade with the new schedule.
 */
export async function changeJob(
  client: Client,
  job: JobRow,
  v: JobValues,
  now: Date,
  grace: GracePolicy,
): Promise<JobRow | undefined> {
  const rescheduled =
    JSON.stringify([scheduleOf(job), windowOf(job)]) !==
    JSON.stringify([
      v.schedule,
      { ...(v.start ? { start: v.start } : {}), ...(v.end ? { end: v.end } : {}) },
    ]);
  const updated = await updateJob(client, job.id, v);
  if (rescheduled) {
    const first = firstTick(v.schedule, windowOf(updated), now);
    if (!first) return undefined;
    await cancelPending(client, job.id, false);
    await insertTicks(client, [{ jobId: job.id, scheduledFor: first, state: 'pending' }]);
    if (job.checkId !== null) await deleteCheck(client, job.checkId);
    updated.checkId = null;
    await addCheck(client, updated, first, now, grace);
  }
  await notifyJobs(client);
  return updated;
}

export async function pauseJob(client: Client, job: JobRow, now: Date): Promise<void> {
  await setJobStatus(client, job.id, 'paused');
  if (job.checkId !== null) await pauseCheck(client, job.checkId, now);
}

/** Resumed: the pending tick is claimed at once, under the job's catch-up policy. */
export async function resumeJob(client: Client, job: JobRow, now: Date): Promise<void> {
  await setJobStatus(client, job.id, 'active');
  if (job.checkId !== null) await resumeCheck(client, job.checkId, now);
  await notifyJobs(client);
}

export async function deleteJob(client: Client, job: JobRow): Promise<void> {
  await setJobStatus(client, job.id, 'deleted');
  await cancelPending(client, job.id, true);
  if (job.checkId !== null) await deleteCheck(client, job.checkId);
}

/** A manual tick now, outside the chain; its Run-Id is returned. */
export async function runJobNow(
  client: Client,
  job: JobRow,
): Promise<{ runId: string; scheduledFor: Date }> {
  const { rows } = await client.query<{ runId: string; scheduledFor: Date }>(
    `INSERT INTO ticks (job_id, scheduled_for, due_at, manual) VALUES ($1, now(), now(), true)
     ON CONFLICT (job_id, scheduled_for) DO UPDATE SET due_at = now()
     RETURNING run_id AS "runId", scheduled_for AS "scheduledFor"`,
    [job.id],
  );
  await notifyJobs(client);
  return rows[0]!;
}

/** A dead or failed tick runs again, same Run-Id, a fresh set of attempts. */
export async function redriveTick(
  client: Client,
  job: JobRow,
  runId: string,
): Promise<'ok' | 'not found' | 'not dead'> {
  const { rows } = await client.query<{ state: string }>(
    'SELECT state FROM ticks WHERE job_id = $1 AND run_id = $2 FOR UPDATE',
    [job.id, runId],
  );
  if (!rows[0]) return 'not found';
  if (rows[0].state !== 'dead' && rows[0].state !== 'failed') return 'not dead';
  await client.query(
    `UPDATE ticks SET state = 'pending', attempts = 0, due_at = now(), finished_at = NULL,
            lease_until = NULL WHERE job_id = $1 AND run_id = $2`,
    [job.id, runId],
  );
  await notifyJobs(client);
  return 'ok';
}
