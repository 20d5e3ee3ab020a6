// The alert-policy columns of checks (migrations/0015): thresholds' streaks, whether a
// recovery alert is owed, repeats, acknowledge, and policy_due_at for the sweep.
import type { Streaks } from '../domain/policy-threshold.js';
import type { Queryable } from './pool.js';

/** The policy columns the ping path and the sweep read with the check (domain/policy-ping.ts). */
export const POLICY_COLUMNS = `c.failure_threshold AS "failureThreshold",
  c.success_threshold AS "successThreshold", c.fail_streak AS "failStreak",
  c.ok_streak AS "okStreak", c.down_unalerted AS "downUnalerted", c.min_runtime AS "minRuntime",
  c.max_runtime AS "maxRuntime"`;

/** Stores the streaks of checks whose counters a ping or a miss changed (rare: failures). */
export async function saveStreaks(
  db: Queryable,
  rows: { id: number; streaks: Streaks }[],
): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `UPDATE checks c SET fail_streak = u.f, ok_streak = u.o, down_unalerted = u.h
       FROM unnest($1::bigint[], $2::int[], $3::int[], $4::boolean[]) AS u(id, f, o, h)
      WHERE c.id = ANY($1::bigint[]) AND c.id = u.id`,
    [
      rows.map((r) => r.id),
      rows.map((r) => r.streaks.failStreak),
      rows.map((r) => r.streaks.okStreak),
      // A failure counted without its alert out. Saved before the alert is written (then
      // markAlerted clears it); a recovery verdict (no failure counted) clears it too.
      rows.map((r) => !r.streaks.alertedDown && r.streaks.failStreak > 0),
    ],
  );
}

/**
 * An alert was written for these checks: a down alert starts the repeat clock (and a new
 * outage: no acknowledge yet), a recovery ends it. Either way the streaks start over.
 */
export async function markAlerted(
  db: Queryable,
  ids: number[],
  kind: 'down' | 'up',
  at: Date,
): Promise<void> {
  if (ids.length === 0) return;
  await db.query(
    `UPDATE checks SET down_unalerted = false, fail_streak = 0, ok_streak = 0, repeats_sent = 0,
            acked_at = NULL,
            policy_due_at = CASE WHEN $2 AND repeat_every IS NOT NULL
                                 THEN $3::timestamptz + repeat_every * interval '1 second' END
      WHERE id = ANY($1::bigint[])`,
    [ids, kind === 'down', at],
  );
}

/** Any recovery (alerted or not) ends the failure streak of these checks. */
export async function endFailStreaks(db: Queryable, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await db.query(
    `UPDATE checks SET fail_streak = 0 WHERE id = ANY($1::bigint[]) AND fail_streak <> 0`,
    [ids],
  );
}

/** Look at the check's alerts again at `at` (the end of a silence), or never (null). */
export async function setPolicyDue(db: Queryable, ids: number[], at: Date | null): Promise<void> {
  if (ids.length === 0) return;
  await db.query(`UPDATE checks SET policy_due_at = $2 WHERE id = ANY($1::bigint[])`, [ids, at]);
}

/** Their down alert is held back (a maintenance window): it is owed until it goes out. */
export async function holdDownAlert(db: Queryable, id: number, until: Date): Promise<void> {
  await db.query(`UPDATE checks SET down_unalerted = true, policy_due_at = $2 WHERE id = $1`, [
    id,
    until,
  ]);
}

/** Whether a recovery alert is owed for the check (its down alert went out). */
export async function alertedDown(db: Queryable, id: number): Promise<boolean> {
  const { rows } = await db.query<{ a: boolean }>(
    `SELECT NOT down_unalerted AS a FROM checks WHERE id = $1`,
    [id],
  );
  return rows[0]?.a ?? false;
}

export interface LatestFlip {
  id: number;
  at: Date;
}

/** The check's latest flip to `to`: an alert without a status change goes out with it. */
export async function latestFlip(
  db: Queryable,
  checkId: number,
  to: 'down' | 'up',
): Promise<LatestFlip | undefined> {
  const { rows } = await db.query<LatestFlip>(
    `SELECT id, created_at AS at FROM flips WHERE check_id = $1 AND to_status = $2
      ORDER BY id DESC LIMIT 1`,
    [checkId, to],
  );
  return rows[0];
}

/**
 * Acknowledges the check's outage: its repeats stop until it recovers. Returns false when the
 * check is not down with an alert out (nothing to acknowledge).
 */
export async function acknowledge(db: Queryable, id: number, now: Date): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE checks SET acked_at = $2, policy_due_at = NULL
      WHERE id = $1 AND status = 'down' AND NOT down_unalerted`,
    [id, now],
  );
  return rowCount === 1;
}

export interface PolicyDueCheck {
  id: number;
  uuid: string;
  name: string;
  account: string;
  status: string;
  lastPingAt: Date | null;
  failureThreshold: number;
  successThreshold: number;
  failStreak: number;
  okStreak: number;
  alertedDown: boolean;
  repeatEvery: number | null;
  repeatLimit: number | null;
  repeatsSent: number;
  ackedAt: Date | null;
}

/** Claims checks whose policy_due_at passed (a repeat, the end of a silence), as claimDueChecks. */
export async function claimPolicyDue(
  db: Queryable,
  now: Date,
  limit: number,
): Promise<PolicyDueCheck[]> {
  const { rows } = await db.query<PolicyDueCheck>(
    `SELECT c.id, c.uuid, c.name, a.name AS account, c.status, c.last_ping_at AS "lastPingAt",
            c.failure_threshold AS "failureThreshold", c.success_threshold AS "successThreshold",
            c.fail_streak AS "failStreak", c.ok_streak AS "okStreak",
            CASE WHEN c.status = 'down' THEN NOT c.down_unalerted ELSE c.ok_streak > 0 END AS "alertedDown",
            c.repeat_every AS "repeatEvery", c.repeat_limit AS "repeatLimit",
            c.repeats_sent AS "repeatsSent", c.acked_at AS "ackedAt"
       FROM checks c JOIN accounts a ON a.id = c.account_id
      WHERE c.policy_due_at <= $1
      ORDER BY c.policy_due_at
      LIMIT $2
        FOR UPDATE OF c SKIP LOCKED`,
    [now, limit],
  );
  return rows;
}

/** A repeat went out: count it, and when the next one is due (null: none). */
export async function countRepeat(
  db: Queryable,
  id: number,
  n: number,
  next: Date | null,
): Promise<void> {
  await db.query(`UPDATE checks SET repeats_sent = $2, policy_due_at = $3 WHERE id = $1`, [
    id,
    n,
    next,
  ]);
}
