// Queries on checks for healthchecks-style pings: find and lock the pinged check (by uuid, or
// by ping key and slug, creating it for ?create=1), and store the ping's effect.
import type { PingCheck, Status } from '../domain/ping.js';
import { POLICY_COLUMNS } from './policy-state.js';
import type { Queryable } from './pool.js';

/** A check as a healthchecks-style ping sees it, locked for the ping's transaction. */
export interface PingTarget extends PingCheck {
  id: number;
  uuid: string;
  name: string;
  account: string;
}

export const PING_TARGET = `c.id, c.uuid, c.name, a.name AS account, c.status, c.kind, c.period, c.cron, c.tz, c.grace,
  c.started_at AS "startedAt", c.run_id AS "runId", c.next_deadline AS "nextDeadline",
  c.manual_resume AS "manualResume", ${POLICY_COLUMNS}`;

export async function lockCheckByUuid(
  db: Queryable,
  uuid: string,
): Promise<PingTarget | undefined> {
  const { rows } = await db.query<PingTarget>(
    `SELECT ${PING_TARGET} FROM checks c JOIN accounts a ON a.id = c.account_id
      WHERE c.uuid = $1 FOR UPDATE OF c`,
    [uuid],
  );
  return rows[0];
}

/** Checks of the account with this ping key and slug (more than one: ambiguous, 409). */
export async function lockChecksBySlug(
  db: Queryable,
  pingKey: string,
  slug: string,
): Promise<PingTarget[]> {
  const { rows } = await db.query<PingTarget>(
    `SELECT ${PING_TARGET} FROM checks c JOIN accounts a ON a.id = c.account_id
      WHERE a.ping_key = $1 AND c.slug = $2
      ORDER BY c.id LIMIT 2
        FOR UPDATE OF c`,
    [pingKey, slug],
  );
  return rows;
}

export interface SlugAccount {
  id: number;
  checks: number;
}

/** The account of a ping key and its number of checks (for the auto-create limit). */
export async function accountByPingKey(
  db: Queryable,
  pingKey: string,
): Promise<SlugAccount | undefined> {
  const { rows } = await db.query<SlugAccount>(
    `SELECT a.id, (SELECT count(*) FROM checks c WHERE c.account_id = a.id)::int AS checks
       FROM accounts a WHERE a.ping_key = $1
        FOR UPDATE`,
    [pingKey],
  );
  return rows[0];
}

/** A check created by `?create=1`, named after its slug; undefined if the name is taken. */
export async function insertSlugCheck(
  db: Queryable,
  accountId: number,
  slug: string,
  period: number,
  grace: number,
  now: Date,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO checks (account_id, name, slug, kind, period, grace, status, created_at, updated_at)
     VALUES ($1, $2, $2, 'simple', $3, $4, 'new', $5, $5)
     ON CONFLICT (account_id, name) DO NOTHING`,
    [accountId, slug, period, grace, now],
  );
  return rowCount === 1;
}

export interface PingUpdate {
  status: Status;
  nextDeadline: Date | null;
  startedAt: Date | null;
  runId: string | null;
  lastPingAt: Date | null;
  duration: number | null;
  address: string | null;
  now: Date;
}

/** Stores a ping's effect on its check; returns the check's new ping number. */
export async function applyPingUpdate(db: Queryable, id: number, u: PingUpdate): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `UPDATE checks
        SET status = $2, next_deadline = $3, started_at = $4, run_id = $5,
            last_ping_at = coalesce($6, last_ping_at), last_duration = coalesce($7, last_duration),
            last_address = coalesce($8, last_address), updated_at = $9, ping_count = ping_count + 1
      WHERE id = $1
      RETURNING ping_count AS n`,
    [
      id,
      u.status,
      u.nextDeadline,
      u.startedAt,
      u.runId,
      u.lastPingAt,
      u.duration,
      u.address,
      u.now,
    ],
  );
  return rows[0]!.n;
}
