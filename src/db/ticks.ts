// Queries on ticks (issue 12, semantics 1-3). Claims lock due rows with SKIP LOCKED, so any
// number of back instances share a backlog without waiting on each other, and leases are
// computed on the database's clock, so the backs' clocks do not matter.
import type { FinalState, Outcome } from '../domain/job-retry.js';
import { JOB_COLUMNS, type JobRow } from './jobs.js';
import type { Client, Queryable } from './pool.js';

/**
 * Inserts ticks ($1 jobs, $2 times, $3 states, $4 due times or null: the scheduled time);
 * one that exists already is left as it is.
 */
const INSERT_TICKS = `INSERT INTO ticks (job_id, scheduled_for, due_at, state, finished_at, outcome)
  SELECT u.job_id, u.at, coalesce(u.due, u.at), u.state, CASE WHEN u.state = 'missed' THEN now() END,
         CASE WHEN u.state = 'missed' THEN '{"error":"missed: no back instance ran it in time"}'::jsonb END
    FROM unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::timestamptz[]) AS u(job_id, at, state, due)
  ON CONFLICT (job_id, scheduled_for) DO NOTHING`;

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

/** A share of the jobs: a trigger lane takes the ticks of jobs with job_id % count = index. */
export interface Lane {
  index: number;
  count: number;
}

export const ALL_JOBS: Lane = { index: 0, count: 1 };

/**
 * Locks up to `limit` due ticks of active jobs of `lane`, oldest first; also returns the
 * database time.
 */
export async function lockDueTicks(
  client: Client,
  limit: number,
  lane: Lane = ALL_JOBS,
): Promise<{ now: Date; ticks: DueTick[] }> {
  const { rows } = await client.query<
    Omit<DueTick, 'job'> & JobRow & { tickId: number; dbNow: Date }
  >({
    // Named: prepared once per connection (parsed and planned once, not on every claim).
    name: 'ticks-lock-due',
    // claim_due_ticks (migrations 0013, 0021) locks them; each is then read by its primary key
    // (OFFSET 0 keeps every part a per-row probe, whatever the statistics).
    text: `SELECT t.id AS "tickId", t.scheduled_for AS "scheduledFor", t.state, t.attempts,
            t.run_id AS "runId", t.first_started_at AS "firstStartedAt", t.manual, c.uuid AS "checkUuid",
            (SELECT max(r.lease_until) FROM ticks r
              WHERE r.job_id = t.job_id AND r.state = 'running' AND r.lease_until > now()
                AND r.id <> t.id) AS "busyUntil",
            now() AS "dbNow", j.*
       FROM claim_due_ticks($1, $2, $3) AS due(id),
            LATERAL (SELECT * FROM ticks t WHERE t.id = due.id OFFSET 0) t,
            LATERAL (SELECT ${JOB_COLUMNS} FROM jobs j WHERE j.id = t.job_id OFFSET 0) j
            LEFT JOIN LATERAL (SELECT c.uuid FROM checks c WHERE c.id = j."checkId" OFFSET 0) c ON true
      ORDER BY t.due_at`,
    values: [limit, lane.index, lane.count],
  });
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

export interface NewTick {
  jobId: number;
  scheduledFor: Date;
  /** 'missed' rows record scheduled times skipped by catch-up; they are final at once. */
  state: 'pending' | 'missed';
  /** When it may be claimed, when not at its scheduled time (a spread catch-up run). */
  dueAt?: Date;
}

/** The columns of INSERT_TICKS ($1-$4). */
function insertValues(ticks: NewTick[]): unknown[] {
  return [
    ticks.map((t) => t.jobId),
    ticks.map((t) => t.scheduledFor),
    ticks.map((t) => t.state),
    ticks.map((t) => t.dueAt ?? null),
  ];
}

/** Inserts ticks; one that exists already (same job and time) is left as it is. */
export async function insertTicks(db: Queryable, ticks: NewTick[]): Promise<number> {
  if (!ticks.length) return 0;
  const { rowCount } = await db.query(INSERT_TICKS, insertValues(ticks));
  return rowCount ?? 0;
}

export interface Started {
  id: number;
  attempts: number;
}

export interface ClaimWrite {
  /** The next tick of each chain, and the scheduled times catch-up skipped (final at once). */
  inserts: NewTick[];
  /** Ticks not run (missed, skipped): final in the claim. */
  unrun: { id: number; state: FinalState; outcome: object }[];
  /** Ticks put back to wait (overlap "queue") until `dueAt`. */
  deferred: { id: number; dueAt: Date }[];
  /** Ticks whose next attempt starts now, under a lease of `leaseMs` on database time. */
  starts: { id: number; leaseMs: number }[];
}

/**
 * Everything a claim writes, in one statement whatever the batch size: the ticks inserted,
 * ended, deferred and started are disjoint sets (locked by the caller), so the four
 * data-modifying parts cannot touch one row twice. A statement per part (or per tick) made
 * the claim's round trips, not its rows, the engine's cost.
 */
export async function writeClaim(db: Queryable, w: ClaimWrite): Promise<Started[]> {
  const { rows } = await db.query<Started>({
    name: 'ticks-claim-write',
    text: `WITH inserted AS (
${INSERT_TICKS}),
     ended AS (
       UPDATE ticks t SET state = u.state, outcome = u.outcome, finished_at = now(), lease_until = NULL
         FROM unnest($5::bigint[], $6::text[], $7::jsonb[]) AS u(id, state, outcome)
        WHERE t.id = u.id),
     deferred AS (
       UPDATE ticks t SET due_at = u.due_at
         FROM unnest($8::bigint[], $9::timestamptz[]) AS u(id, due_at)
        WHERE t.id = u.id),
     started AS (
       UPDATE ticks t SET state = 'running', attempts = t.attempts + 1, started_at = now(),
              first_started_at = coalesce(t.first_started_at, now()),
              lease_until = now() + u.lease_ms * interval '1 millisecond',
              due_at = now() + u.lease_ms * interval '1 millisecond'
         FROM unnest($10::bigint[], $11::int[]) AS u(id, lease_ms)
        WHERE t.id = u.id
       RETURNING t.id, t.attempts)
     SELECT id, attempts FROM started`,
    values: [
      ...insertValues(w.inserts),
      w.unrun.map((t) => t.id),
      w.unrun.map((t) => t.state),
      w.unrun.map((t) => JSON.stringify(t.outcome)),
      w.deferred.map((t) => t.id),
      w.deferred.map((t) => t.dueAt),
      w.starts.map((t) => t.id),
      w.starts.map((t) => t.leaseMs),
    ],
  });
  return rows;
}

export type AttemptEnd = { id: number; attempt: number; outcome: Outcome } & (
  { state: FinalState } | { state: 'pending'; retryAt: Date }
);

/**
 * Records the end of attempts, one statement for the batch: each a final state, or back to
 * pending until its retry time. A row is written only while that attempt still holds the
 * tick: after its lease expired and another back attempted again, this attempt's result is
 * dropped (one final state). Returns the ticks written.
 */
export async function recordAttempts(
  db: Queryable,
  ends: AttemptEnd[],
): Promise<{ id: number; jobId: number }[]> {
  if (!ends.length) return [];
  // In id order, as every writer of many ticks: two never wait on each other in a cycle.
  const sorted = [...ends].sort((a, b) => a.id - b.id);
  const { rows } = await db.query<{ id: number; jobId: number }>({
    name: 'ticks-record-attempts',
    text: `UPDATE ticks t SET state = u.state, outcome = u.outcome, lease_until = NULL,
              due_at = coalesce(u.retry_at, t.due_at),
              finished_at = CASE WHEN u.state = 'pending' THEN NULL ELSE now() END
         FROM unnest($1::bigint[], $2::int[], $3::text[], $4::jsonb[], $5::timestamptz[])
              AS u(id, attempt, state, outcome, retry_at)
        WHERE t.id = u.id AND t.state = 'running' AND t.attempts = u.attempt
        RETURNING t.id, t.job_id AS "jobId"`,
    values: [
      sorted.map((e) => e.id),
      sorted.map((e) => e.attempt),
      sorted.map((e) => e.state),
      sorted.map((e) => JSON.stringify(e.outcome)),
      sorted.map((e) => (e.state === 'pending' ? e.retryAt : null)),
    ],
  });
  return rows;
}

/** Queued ticks of jobs whose running tick just ended: due now. */
export async function releaseQueued(db: Queryable, jobIds: number[]): Promise<void> {
  if (!jobIds.length) return;
  await db.query(
    `UPDATE ticks SET due_at = now()
      WHERE id IN (SELECT id FROM ticks WHERE job_id = ANY($1::bigint[]) AND state = 'pending'
                     AND first_started_at IS NULL AND due_at > now() AND scheduled_for <= now()
                     FOR UPDATE SKIP LOCKED)`,
    [jobIds],
  );
}

/** The earliest moment a tick of an active job of `lane` is due (or its lease ends);
 * next_tick_due (migrations 0013, 0021) walks the due index in order whatever the statistics
 * say. */
export async function earliestTickDue(
  db: Queryable,
  lane: Lane = ALL_JOBS,
): Promise<Date | undefined> {
  const { rows } = await db.query<{ due: Date | null }>('SELECT next_tick_due($1, $2) AS due', [
    lane.index,
    lane.count,
  ]);
  return rows[0]?.due ?? undefined;
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

/**
 * Deletes the finished ticks of jobs `fromId`..`toId` older than each job's `keep` newest
 * ticks; pending and running ticks stay whatever their age (a retry, a lease). Without it a
 * job's history grew forever (an every-minute job: 525,600 rows a year). The edge is read
 * from the (job_id, scheduled_for) index, `keep` entries per job, without the heap.
 */
export async function pruneTicks(
  db: Queryable,
  fromId: number,
  toId: number,
  keep: number,
): Promise<number> {
  const { rowCount } = await db.query(
    `DELETE FROM ticks t
      USING jobs j, LATERAL (
        SELECT x.scheduled_for FROM ticks x WHERE x.job_id = j.id
         ORDER BY x.scheduled_for DESC OFFSET $3 - 1 LIMIT 1) edge
      WHERE j.id BETWEEN $1 AND $2 AND t.job_id = j.id
        AND t.scheduled_for < edge.scheduled_for
        AND t.state NOT IN ('pending', 'running')`,
    [fromId, toId, keep],
  );
  return rowCount ?? 0;
}
