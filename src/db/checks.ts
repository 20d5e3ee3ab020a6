import type { Queryable } from './pool.js';

import type { GocronMode } from '../domain/gocron-trust.js';
import type { Status } from '../domain/ping.js';
import type { MissCheck } from '../domain/policy-miss.js';
import { POLICY_COLUMNS } from './policy-state.js';

export type { Status };

export interface LockedCheck {
  id: number;
  uuid: string;
  status: Status;
  /** Made by a gocron check-in or import-gocron: check-ins may change its settings. */
  gocronOrigin: boolean;
  /** Its account's gocron check-in mode and ping key, read with the lock (one round trip). */
  accountMode: GocronMode;
  pingKey: string | null;
}

/**
 * Locks the check (account name, check name) for the rest of the transaction. FOR UPDATE
 * under READ COMMITTED returns the newest committed status after any wait, so a check-in
 * racing a sweep sees the sweep's `down` and writes the recovery.
 */
export async function lockCheckByName(
  db: Queryable,
  account: string,
  name: string,
): Promise<LockedCheck | undefined> {
  const { rows } = await db.query<LockedCheck>(
    `SELECT c.id, c.uuid, c.status, c.gocron_origin AS "gocronOrigin",
            a.gocron_checkins AS "accountMode", a.ping_key AS "pingKey"
       FROM checks c JOIN accounts a ON a.id = c.account_id
      WHERE a.name = $1 AND c.name = $2
        FOR UPDATE OF c`,
    [account, name],
  );
  return rows[0];
}

export interface DueCheck extends MissCheck {
  id: number;
  uuid: string;
  name: string;
  accountId: number;
  account: string;
  status: Status;
  site: boolean;
  address: string | null;
  lastPingAt: Date | null;
  deadline: Date;
}

/**
 * Claims up to `limit` checks whose stored deadline has passed, through the partial index
 * checks_sweep (invariant 2). SKIP LOCKED lets several back instances sweep side by side, and
 * a check being checked in right now is left to that check-in. Checks whose sweep_at (a lower
 * bound, migration 0020) passed while their deadline did not get sweep_at = next_deadline in
 * the same statement, up to `limit` of them, so the index scan does not walk them again.
 */
export async function claimDueChecks(db: Queryable, now: Date, limit: number): Promise<DueCheck[]> {
  const { rows } = await db.query<DueCheck>(
    `WITH rearmed AS (
       UPDATE checks SET sweep_at = next_deadline
        WHERE id = ANY(ARRAY(
          SELECT id FROM checks
           WHERE sweep_at <= $1 AND (next_deadline IS NULL OR next_deadline > $1)
           ORDER BY sweep_at LIMIT $2
             FOR UPDATE SKIP LOCKED))
     )
     SELECT c.id, c.uuid, c.name, c.account_id AS "accountId", a.name AS account, c.status,
            c.site, c.last_address AS address, c.last_ping_at AS "lastPingAt", c.next_deadline AS deadline,
            c.kind, c.period, c.cron, c.tz, c.grace, c.started_at AS "startedAt", ${POLICY_COLUMNS}
       FROM checks c JOIN accounts a ON a.id = c.account_id
      WHERE c.sweep_at <= $1 AND c.next_deadline <= $1
      ORDER BY c.sweep_at
      LIMIT $2
        FOR UPDATE OF c SKIP LOCKED`,
    [now, limit],
  );
  return rows;
}

/** Down, and out of the due index until the next check-in stores a new deadline. */
export async function markDown(db: Queryable, ids: number[], now: Date): Promise<void> {
  await db.query(
    `UPDATE checks SET status = 'down', next_deadline = NULL, updated_at = $2 WHERE id = ANY($1::bigint[])`,
    [ids, now],
  );
}

/**
 * Checks below their failure threshold stay expected: their next deadline (the next run's
 * miss counts too) and streak, in one statement.
 */
export async function keepExpecting(
  db: Queryable,
  rows: { id: number; deadline: Date; failStreak: number }[],
): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `UPDATE checks c SET next_deadline = u.d, sweep_at = u.d, fail_streak = u.f
       FROM unnest($1::bigint[], $2::timestamptz[], $3::int[]) AS u(id, d, f)
      WHERE c.id = ANY($1::bigint[]) AND c.id = u.id`,
    [rows.map((r) => r.id), rows.map((r) => r.deadline), rows.map((r) => r.failStreak)],
  );
}

/** A check the sweeper cannot evaluate is looked at again later instead of crash-looping it. */
export async function pushDeadline(db: Queryable, id: number, until: Date): Promise<void> {
  await db.query(`UPDATE checks SET next_deadline = $2, sweep_at = $2 WHERE id = $1`, [id, until]);
}

/**
 * When the sweep must look next: the earliest deadline bound or alert-policy action,
 * index-only min()s over checks_sweep and checks_policy_due (least() skips a NULL).
 */
export async function earliestDeadline(db: Queryable): Promise<Date | undefined> {
  const { rows } = await db.query<{ at: Date | null }>(
    `SELECT least((SELECT min(sweep_at) FROM checks WHERE sweep_at IS NOT NULL),
                  (SELECT min(policy_due_at) FROM checks WHERE policy_due_at IS NOT NULL)) AS at`,
  );
  return rows[0]?.at ?? undefined;
}

export async function maxCheckId(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ max: number | null }>('SELECT max(id) AS max FROM checks');
  return rows[0]?.max ?? 0;
}

/** The grace of each check: alerts show the expected time as well as the deadline. */
export async function gracesOf(db: Queryable, ids: number[]): Promise<Map<number, number>> {
  const { rows } = await db.query<{ id: number; grace: number }>(
    `SELECT id, grace FROM checks WHERE id = ANY($1::bigint[])`,
    [ids],
  );
  return new Map(rows.map((r) => [Number(r.id), r.grace]));
}
