// What an action kind keeps between a job's runs (job_action_state), and the change alerts it
// queues to the job's channels through the outbox, in the same transaction as the new state.
import type { AlertEvent } from '../domain/alert.js';
import { NOTIFY_CHANNEL } from './notifications.js';
import type { Queryable } from './pool.js';

export async function loadJobState(db: Queryable, jobUuid: string): Promise<unknown> {
  const { rows } = await db.query<{ state: unknown }>(
    `SELECT s.state FROM job_action_state s JOIN jobs j ON j.id = s.job_id WHERE j.uuid = $1`,
    [jobUuid],
  );
  return rows[0]?.state;
}

/**
 * Saves `next` when the stored state is still `previous` (none when undefined): a compare
 * and set, so of two attempts that saw the same state only one saves (and alerts).
 */
export async function swapJobState(
  db: Queryable,
  jobUuid: string,
  previous: unknown,
  next: unknown,
): Promise<boolean> {
  const { rowCount } = await db.query(
    previous === undefined
      ? `INSERT INTO job_action_state (job_id, state) SELECT id, $2 FROM jobs WHERE uuid = $1
         ON CONFLICT (job_id) DO NOTHING`
      : `UPDATE job_action_state s SET state = $2, updated_at = now() FROM jobs j
          WHERE j.id = s.job_id AND j.uuid = $1 AND s.state = $3::jsonb`,
    previous === undefined
      ? [jobUuid, JSON.stringify(next)]
      : [jobUuid, JSON.stringify(next), JSON.stringify(previous)],
  );
  return (rowCount ?? 0) > 0;
}

/** The job's check as an alert names it; undefined for a job without a check (a one-off). */
export async function jobAlertCheck(
  db: Queryable,
  jobUuid: string,
): Promise<AlertEvent['check'] | undefined> {
  const { rows } = await db.query<AlertEvent['check']>(
    `SELECT c.id::int AS id, c.uuid, c.name, a.name AS account
       FROM jobs j JOIN checks c ON c.id = j.check_id JOIN accounts a ON a.id = j.account_id
      WHERE j.uuid = $1`,
    [jobUuid],
  );
  return rows[0];
}

/** One notification per channel of the check (no flip: a change is not a status change). */
export async function insertChangeNotifications(
  db: Queryable,
  event: AlertEvent,
  at: Date,
): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `WITH n AS (
       INSERT INTO notifications (channel_id, transport, target, payload, next_attempt_at, created_at)
       SELECT ch.id, ch.kind, ch.config, $2::jsonb, $3::timestamptz, $3::timestamptz
         FROM check_channels cc JOIN channels ch ON ch.id = cc.channel_id
        WHERE cc.check_id = $1
       RETURNING 1)
     SELECT count(*)::int AS n, pg_notify($4, '') FROM n`,
    [event.check.id, JSON.stringify(event), at, NOTIFY_CHANNEL],
  );
  return rows[0]?.n ?? 0;
}
