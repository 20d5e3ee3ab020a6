// The dashboard's reads of jobs (issue 13): a page of the list with each job's next run and
// last outcome, the channels of a job's check, its dead ticks. The writes are the API's
// (job-write.ts); these are reads only, in their own file.
import type { Outcome } from '../domain/job-retry.js';
import { JOB_VIEW, SHOWN_STATUS, type JobView, type ShownStatus } from './jobs.js';
import type { Queryable } from './pool.js';
import type { RunRow, TickState } from './ticks.js';

export interface ListedJob extends JobView {
  /** The newest tick that ended (any final state), if any. */
  lastState: TickState | null;
  lastFinishedAt: Date | null;
  lastOutcome: Outcome | null;
}

export type JobsFilter = Exclude<ShownStatus, 'deleted'>;

export interface JobsQuery {
  status: JobsFilter | null;
  tag: string | null;
  offset: number;
  limit: number;
}

/** One page of the account's jobs by name; each row's lookups are index probes. */
export async function pageJobs(
  db: Queryable,
  accountId: number,
  q: JobsQuery,
): Promise<ListedJob[]> {
  const { rows } = await db.query<ListedJob>(
    `SELECT ${JOB_VIEW},
            last.state AS "lastState", last.finished_at AS "lastFinishedAt", last.outcome AS "lastOutcome"
       FROM (SELECT * FROM jobs j
              WHERE j.account_id = $1 AND j.status <> 'deleted'
                AND ($2::text IS NULL OR ${SHOWN_STATUS} = $2) AND ($3::text IS NULL OR $3 = ANY (j.tags))
              ORDER BY j.name, j.id OFFSET $4 LIMIT $5) j
       LEFT JOIN LATERAL (
         SELECT t.state, t.finished_at, t.outcome FROM ticks t
          WHERE t.job_id = j.id AND t.finished_at IS NOT NULL AND t.state <> 'cancelled'
          ORDER BY t.scheduled_for DESC LIMIT 1) last ON true
      ORDER BY j.name, j.id`,
    [accountId, q.status, q.tag, q.offset, q.limit],
  );
  return rows;
}

/** How many jobs the list's filter matches, by shown status. */
export async function jobCounts(
  db: Queryable,
  accountId: number,
  tag: string | null,
): Promise<Record<JobsFilter, number>> {
  const { rows } = await db.query<{ status: JobsFilter; n: number }>(
    `SELECT ${SHOWN_STATUS} AS status, count(*)::int AS n FROM jobs j
      WHERE j.account_id = $1 AND j.status <> 'deleted' AND ($2::text IS NULL OR $2 = ANY (j.tags))
      GROUP BY 1`,
    [accountId, tag],
  );
  const out = { active: 0, finished: 0, paused: 0 };
  for (const r of rows) out[r.status] = r.n;
  return out;
}

/** The uuids of the channels a check alerts. */
export async function checkChannelUuids(db: Queryable, checkId: number): Promise<string[]> {
  const { rows } = await db.query<{ uuid: string }>(
    `SELECT ch.uuid::text AS uuid FROM check_channels cc JOIN channels ch ON ch.id = cc.channel_id
      WHERE cc.check_id = $1 ORDER BY ch.id`,
    [checkId],
  );
  return rows.map((r) => r.uuid);
}

/** A job's dead ticks (dead letters), newest first: the ones a person redrives. */
export async function deadTicks(db: Queryable, jobId: number, limit: number): Promise<RunRow[]> {
  const { rows } = await db.query<RunRow>(
    `SELECT scheduled_for AS "scheduledFor", state, attempts, run_id AS "runId", manual, outcome,
            first_started_at AS "firstStartedAt", finished_at AS "finishedAt", due_at AS "dueAt"
       FROM ticks WHERE job_id = $1 AND state = 'dead'
      ORDER BY scheduled_for DESC LIMIT $2`,
    [jobId, limit],
  );
  return rows;
}
