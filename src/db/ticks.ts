// Queries on ticks (issue 12, semantics 1-3). Claims lock due rows with SKIP LOCKED, so any
// number of back instances share a backlog without waiting on each other, and leases are
// computed on the database's clock, so the backs' clocks do not matter.
import type { FinalState, Outcome } from '../domain/job-retry.js';
import { JOB_COLUMNS, type JobRow } from './jobs.js';
import type { Client, Queryable } from './pool.js';

export type TickState = 'pending' | 'running' | FinalState;

export interface DueTick {
  id: number;
  scheduledFor: Date;
  state: 'pending' | 'running';
  attempts: number;
  runId: string;
  firstStartedAt: Date | null;
  /** A "run now" tick: outside the chain. */
  manual: boolean;
  job: JobRow;
  checkUuid: string | null;
  /** The lease end of another running tick of the same job, if one is running. */
  busyUntil: Date | null;
}

/** Locks up to `limit` due ticks of active jobs, oldest first; also returns the database time. */
export async function lockDueTicks(
  client: Client,
  limit: number,
): Promise<{ now: Date; ticks: DueTick[] }> {
  const { rows } = await client.query<
    Omit<DueTick, 'job'> & JobRow & { tickId: number; dbNow: Date }
  >(
    `SELECT t.id AS "tickId", t.scheduled_for AS "scheduledFor", t.state, t.attempts,
            t.run_id AS "runId", t.first_started_at AS "firstStartedAt", t.manual, c.uuid AS "checkUuid",
            (SELECT max(r.lease_until) FROM ticks r
              WHERE r.job_id = t.job_id AND r.state = 'running' AND r.lease_until > now()
                AND r.id <> t.id) AS "busyUntil",
            now() AS "dbNow", ${JOB_COLUMNS}
       FROM ticks t JOIN jobs j ON j.id = t.job_id LEFT JOIN checks c ON c.id = j.check_id
      WHERE t.state IN ('pending', 'running') AND t.due_at <= now() AND j.status = 'active'
      ORDER BY t.due_at
      LIMIT $1
        FOR UPDATE OF t SKIP LOCKED`,
    [limit],
  );
  const now = rows[0]?.dbNow ?? (await client.query<{ now: Date }>('SELECT now()')).rows[0]!.now;
  return {
    now,
    ticks: rows.map((r) => ({
      id: r.tickId,
      scheduledFor: r.scheduledFor,
      state: r.state,
      attempts: r.attempts,
      runId: r.runId,
      firstStartedAt: r.firstStartedAt,
      manual: r.manual,
      checkUuid: r.checkUuid,
      busyUntil: r.busyUntil,
      job: r,
    })),
  };
}

export interface Started {
  id: number;
  attempts: number;
  startedAt: Date;
}

/** Starts an attempt of each tick: running, under a lease of `leaseMs` on database time. */
export async function startAttempts(
  db: Queryable,
  ticks: { id: number; leaseMs: number }[],
): Promise<Started[]> {
  if (!ticks.length) return [];
  const { rows } = await db.query<Started>(
    `UPDATE ticks t SET state = 'running', attempts = t.attempts + 1, started_at = now(),
            first_started_at = coalesce(t.first_started_at, now()),
            lease_until = now() + u.lease_ms * interval '1 millisecond',
            due_at = now() + u.lease_ms * interval '1 millisecond'
       FROM unnest($1::bigint[], $2::int[]) AS u(id, lease_ms)
      WHERE t.id = ANY($1::bigint[]) AND t.id = u.id
      RETURNING t.id, t.attempts, t.started_at AS "startedAt"`,
    [ticks.map((t) => t.id), ticks.map((t) => t.leaseMs)],
  );
  return rows;
}

/** Ends ticks that were not run (missed, skipped) in the claiming transaction. */
export async function endUnrun(
  db: Queryable,
  ticks: { id: number; state: FinalState; outcome: object }[],
): Promise<void> {
  if (!ticks.length) return;
  await db.query(
    `UPDATE ticks t SET state = u.state, outcome = u.outcome, finished_at = now(), lease_until = NULL
       FROM unnest($1::bigint[], $2::text[], $3::jsonb[]) AS u(id, state, outcome)
      WHERE t.id = ANY($1::bigint[]) AND t.id = u.id`,
    [
      ticks.map((t) => t.id),
      ticks.map((t) => t.state),
      ticks.map((t) => JSON.stringify(t.outcome)),
    ],
  );
}

/** Puts ticks back to wait (overlap "queue") until `dueAt`. */
export async function deferTicks(
  db: Queryable,
  ticks: { id: number; dueAt: Date }[],
): Promise<void> {
  if (!ticks.length) return;
  await db.query(
    `UPDATE ticks t SET due_at = u.due_at FROM unnest($1::bigint[], $2::timestamptz[]) AS u(id, due_at)
      WHERE t.id = ANY($1::bigint[]) AND t.id = u.id`,
    [ticks.map((t) => t.id), ticks.map((t) => t.dueAt)],
  );
}

export interface NewTick {
  jobId: number;
  scheduledFor: Date;
  /** 'missed' rows record scheduled times skipped by catch-up; they are final at once. */
  state: 'pending' | 'missed';
}

/** Inserts ticks; one that exists already (same job and time) is left as it is. */
export async function insertTicks(db: Queryable, ticks: NewTick[]): Promise<number> {
  if (!ticks.length) return 0;
  const { rowCount } = await db.query(
    `INSERT INTO ticks (job_id, scheduled_for, due_at, state, finished_at, outcome)
     SELECT u.job_id, u.at, u.at, u.state, CASE WHEN u.state = 'missed' THEN now() END,
            CASE WHEN u.state = 'missed' THEN '{"error":"missed: no back instance ran it in time"}'::jsonb END
       FROM unnest($1::bigint[], $2::timestamptz[], $3::text[]) AS u(job_id, at, state)
     ON CONFLICT (job_id, scheduled_for) DO NOTHING`,
    [ticks.map((t) => t.jobId), ticks.map((t) => t.scheduledFor), ticks.map((t) => t.state)],
  );
  return rowCount ?? 0;
}

/**
 * Records the end of attempt number `attempt`: a final state, or back to pending until
 * `retryAt`. Written only while that attempt still holds the tick: after its lease expired
 * and another back attempted again, this attempt's result is dropped (one final state).
 */
export async function recordAttempt(
  db: Queryable,
  r: { id: number; attempt: number; outcome: Outcome } & (
    { state: FinalState } | { state: 'pending'; retryAt: Date }
  ),
): Promise<{ jobId: number } | undefined> {
  const { rows } = await db.query<{ jobId: number }>(
    `UPDATE ticks SET state = $3, outcome = $4, lease_until = NULL,
            due_at = coalesce($5, due_at), finished_at = CASE WHEN $3 = 'pending' THEN NULL ELSE now() END
      WHERE id = $1 AND state = 'running' AND attempts = $2
      RETURNING job_id AS "jobId"`,
    [r.id, r.attempt, r.state, JSON.stringify(r.outcome), r.state === 'pending' ? r.retryAt : null],
  );
  return rows[0];
}

/** Queued ticks of a job whose running tick just ended: due now. */
export async function releaseQueued(db: Queryable, jobId: number): Promise<void> {
  await db.query(
    `UPDATE ticks SET due_at = now()
      WHERE id IN (SELECT id FROM ticks WHERE job_id = $1 AND state = 'pending'
                     AND first_started_at IS NULL AND due_at > now() AND scheduled_for <= now()
                     FOR UPDATE SKIP LOCKED)`,
    [jobId],
  );
}

/** The earliest moment a tick of an active job is due (or its lease ends). */
export async function earliestTickDue(db: Queryable): Promise<Date | undefined> {
  const { rows } = await db.query<{ due: Date }>(
    `SELECT t.due_at AS due FROM ticks t JOIN jobs j ON j.id = t.job_id
      WHERE t.state IN ('pending', 'running') AND j.status = 'active'
      ORDER BY t.due_at LIMIT 1`,
  );
  return rows[0]?.due;
}

export interface RunRow {
  scheduledFor: Date;
  state: TickState;
  attempts: number;
  runId: string;
  manual: boolean;
  outcome: Outcome | null;
  firstStartedAt: Date | null;
  finishedAt: Date | null;
  dueAt: Date;
}

/** A job's ticks, newest first, scheduled before `before` when given. */
export async function listRuns(
  db: Queryable,
  jobId: number,
  limit: number,
  before?: Date,
): Promise<RunRow[]> {
  const { rows } = await db.query<RunRow>(
    `SELECT scheduled_for AS "scheduledFor", state, attempts, run_id AS "runId", manual, outcome,
            first_started_at AS "firstStartedAt", finished_at AS "finishedAt", due_at AS "dueAt"
       FROM ticks WHERE job_id = $1 AND ($2::timestamptz IS NULL OR scheduled_for < $2)
      ORDER BY scheduled_for DESC LIMIT $3`,
    [jobId, before ?? null, limit],
  );
  return rows;
}
