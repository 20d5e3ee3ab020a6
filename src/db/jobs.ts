// Queries on jobs (issue 12). A change that the back must see at once (a job created, a
// schedule changed, a resume, a run now) NOTIFYs JOBS_CHANNEL in its transaction.
import type { CatchUp } from '../domain/job-catchup.js';
import type { JobValues, Overlap } from '../domain/job-input.js';
import type { JobSchedule, JobWindow } from '../domain/job-schedule.js';
import type { Queryable } from './pool.js';

export type { JobValues };

export const JOBS_CHANNEL = 'cronwatch_jobs';

export interface JobRow {
  id: number;
  accountId: number;
  uuid: string;
  name: string;
  tags: string[];
  scheduleKind: 'cron' | 'every' | 'once';
  cron: string | null;
  tz: string;
  everySeconds: number | null;
  runAt: Date | null;
  startsAt: Date | null;
  endsAt: Date | null;
  kind: string;
  settings: unknown;
  timeoutMs: number;
  maxAttempts: number;
  overlap: Overlap;
  catchUp: CatchUp;
  startingDeadline: number | null;
  secret: string | null;
  status: 'active' | 'paused' | 'deleted';
  checkId: number | null;
  createdAt: Date;
  updatedAt: Date;
}

export const JOB_COLUMNS = `j.id, j.account_id AS "accountId", j.uuid, j.name, j.tags,
  j.schedule_kind AS "scheduleKind", j.cron, j.tz, j.every_seconds AS "everySeconds",
  j.run_at AS "runAt", j.starts_at AS "startsAt", j.ends_at AS "endsAt", j.kind, j.settings,
  j.timeout_ms AS "timeoutMs", j.max_attempts AS "maxAttempts", j.overlap, j.catch_up AS "catchUp",
  j.starting_deadline AS "startingDeadline", j.secret, j.status, j.check_id AS "checkId",
  j.created_at AS "createdAt", j.updated_at AS "updatedAt"`;

/** A job as the API shows it: with its next tick and the uuid of its check. */
export interface JobView extends JobRow {
  nextRun: Date | null;
  checkUuid: string | null;
  /** A one-off job whose run ended: nothing is left to run (FINISHED). */
  finished: boolean;
}

/** The status a person sees: an active job with nothing left to run is "finished". */
export type ShownStatus = JobRow['status'] | 'finished';

/**
 * An active one-off job whose tick ended (none pending or running): without it, a one-off that
 * ran stayed "active" with no next run forever. A run now or a redrive makes it active again.
 */
const FINISHED = `(j.schedule_kind = 'once' AND j.status = 'active'
  AND NOT EXISTS (SELECT 1 FROM ticks t WHERE t.job_id = j.id AND t.state IN ('pending', 'running'))
  AND EXISTS (SELECT 1 FROM ticks t WHERE t.job_id = j.id AND t.state <> 'cancelled'))`;

/** The shown status of the job `j` as SQL, for filters and counts. */
export const SHOWN_STATUS = `CASE WHEN ${FINISHED} THEN 'finished' ELSE j.status END`;

export function shownStatus(j: Pick<JobView, 'status' | 'finished'>): ShownStatus {
  return j.status === 'active' && j.finished ? 'finished' : j.status;
}

export const JOB_VIEW = `${JOB_COLUMNS},
  (SELECT min(t.scheduled_for) FROM ticks t WHERE t.job_id = j.id AND t.state = 'pending') AS "nextRun",
  (SELECT c.uuid FROM checks c WHERE c.id = j.check_id) AS "checkUuid",
  ${FINISHED} AS finished`;

type ScheduleColumns = Pick<
  JobRow,
  'scheduleKind' | 'cron' | 'tz' | 'everySeconds' | 'runAt' | 'startsAt' | 'endsAt'
>;

export function scheduleOf(j: ScheduleColumns): JobSchedule {
  if (j.scheduleKind === 'cron') return { kind: 'cron', cron: j.cron ?? '', tz: j.tz };
  if (j.scheduleKind === 'every') return { kind: 'every', seconds: j.everySeconds ?? 60 };
  return { kind: 'once', at: j.runAt ?? new Date(0) };
}

export function windowOf(j: ScheduleColumns): JobWindow {
  return { ...(j.startsAt ? { start: j.startsAt } : {}), ...(j.endsAt ? { end: j.endsAt } : {}) };
}

/** The schedule as columns. */
export function scheduleColumns(
  s: JobSchedule,
): [string, string | null, string, number | null, Date | null] {
  if (s.kind === 'cron') return ['cron', s.cron, s.tz, null, null];
  if (s.kind === 'every') return ['every', null, 'UTC', s.seconds, null];
  return ['once', null, 'UTC', null, s.at];
}

function values(v: JobValues): unknown[] {
  return [
    v.name,
    v.tags,
    ...scheduleColumns(v.schedule),
    v.start,
    v.end,
    v.kind,
    JSON.stringify(v.settings),
    v.timeoutMs,
    v.maxAttempts,
    v.overlap,
    v.catchUp,
    v.startingDeadline,
    v.secret,
  ];
}

export async function insertJob(db: Queryable, accountId: number, v: JobValues): Promise<JobRow> {
  const { rows } = await db.query<JobRow>(
    `INSERT INTO jobs AS j (name, tags, schedule_kind, cron, tz, every_seconds, run_at, starts_at,
       ends_at, kind, settings, timeout_ms, max_attempts, overlap, catch_up, starting_deadline,
       secret, account_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
     RETURNING ${JOB_COLUMNS}`,
    [...values(v), accountId],
  );
  return rows[0]!;
}

export async function updateJob(db: Queryable, id: number, v: JobValues): Promise<JobRow> {
  const { rows } = await db.query<JobRow>(
    `UPDATE jobs AS j SET name = $1, tags = $2, schedule_kind = $3, cron = $4, tz = $5,
       every_seconds = $6, run_at = $7, starts_at = $8, ends_at = $9, kind = $10, settings = $11,
       timeout_ms = $12, max_attempts = $13, overlap = $14, catch_up = $15,
       starting_deadline = $16, secret = $17, updated_at = now()
     WHERE id = $18 RETURNING ${JOB_COLUMNS}`,
    [...values(v), id],
  );
  return rows[0]!;
}

export async function setJobCheck(db: Queryable, id: number, checkId: number): Promise<void> {
  await db.query('UPDATE jobs SET check_id = $2 WHERE id = $1', [id, checkId]);
}

/** The account's job by uuid, locked for a change when `lock`; deleted jobs are not found. */
export async function findJob(
  db: Queryable,
  accountId: number,
  uuid: string,
  lock = false,
): Promise<JobView | undefined> {
  const { rows } = await db.query<JobView>(
    `SELECT ${JOB_VIEW} FROM jobs j
      WHERE j.account_id = $1 AND j.uuid = $2 AND j.status <> 'deleted'${lock ? ' FOR UPDATE OF j' : ''}`,
    [accountId, uuid],
  );
  return rows[0];
}

export interface JobListing {
  status?: Exclude<ShownStatus, 'deleted'>;
  tag?: string;
  /** The id of the last job of the previous page. */
  after?: number;
  limit: number;
}

export async function listJobs(
  db: Queryable,
  accountId: number,
  q: JobListing,
): Promise<JobView[]> {
  const { rows } = await db.query<JobView>(
    `SELECT ${JOB_VIEW} FROM jobs j
      WHERE j.account_id = $1 AND j.status <> 'deleted'
        AND ($2::text IS NULL OR ${SHOWN_STATUS} = $2) AND ($3::text IS NULL OR $3 = ANY (j.tags))
        AND j.id > $4
      ORDER BY j.id LIMIT $5`,
    [accountId, q.status ?? null, q.tag ?? null, q.after ?? 0, q.limit],
  );
  return rows;
}

export async function setJobStatus(
  db: Queryable,
  id: number,
  status: JobRow['status'],
): Promise<void> {
  await db.query('UPDATE jobs SET status = $2, updated_at = now() WHERE id = $1', [id, status]);
}

/** Wakes every back's trigger loop when this transaction commits. */
export async function notifyJobs(db: Queryable): Promise<void> {
  await db.query(`SELECT pg_notify('${JOBS_CHANNEL}', '')`);
}

/** A job's values, as a change starts from them. */
export function valuesOf(j: JobRow): JobValues {
  return {
    name: j.name,
    tags: j.tags,
    schedule: scheduleOf(j),
    start: j.startsAt,
    end: j.endsAt,
    kind: j.kind,
    settings: j.settings,
    timeoutMs: j.timeoutMs,
    maxAttempts: j.maxAttempts,
    overlap: j.overlap,
    catchUp: j.catchUp,
    startingDeadline: j.startingDeadline,
    secret: j.secret,
  };
}

export async function maxJobId(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ max: number | null }>('SELECT max(id) AS max FROM jobs');
  return rows[0]?.max ?? 0;
}
