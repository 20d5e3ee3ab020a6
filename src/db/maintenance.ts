// Maintenance windows and snooze (migrations/0015): which checks are silenced now, and the
// windows of an account for the API and the CLI.
import { silencedUntil, type Window } from '../domain/policy-window.js';
import type { Queryable } from './pool.js';

interface WindowRow extends Window {
  checkId: number;
}

/**
 * Until when each of these checks is silenced at `now` (its own windows, those of its tags,
 * its snooze); checks not silenced are absent. Read only when an alert is about to go out.
 */
export async function silences(
  db: Queryable,
  checkIds: number[],
  now: Date,
): Promise<Map<number, Date>> {
  if (checkIds.length === 0) return new Map();
  const { rows } = await db.query<WindowRow & { snoozedUntil: Date | null; hasWindow: boolean }>(
    `SELECT c.id AS "checkId", c.snoozed_until AS "snoozedUntil", w.id IS NOT NULL AS "hasWindow",
            w.cron, w.tz, w.duration, w.starts_at AS "startsAt", w.ends_at AS "endsAt"
       FROM checks c
       LEFT JOIN maintenance_windows w ON w.account_id = c.account_id
            AND (w.check_id = c.id OR w.tag = ANY(c.tags))
      WHERE c.id = ANY($1::bigint[])
        AND (c.snoozed_until > $2 OR w.id IS NOT NULL)`,
    [checkIds, now],
  );
  const byCheck = new Map<number, { snoozed: Date | null; windows: Window[] }>();
  for (const r of rows) {
    const id = Number(r.checkId);
    const entry = byCheck.get(id) ?? { snoozed: r.snoozedUntil, windows: [] };
    if (r.hasWindow) entry.windows.push(r);
    byCheck.set(id, entry);
  }
  const out = new Map<number, Date>();
  for (const [id, e] of byCheck) {
    const until = silencedUntil(e.windows, e.snoozed, now);
    if (until) out.set(id, until);
  }
  return out;
}

export interface WindowInput extends Window {
  checkId: number | null;
  tag: string | null;
}

export interface WindowJson {
  uuid: string;
  check: string | null;
  tag: string | null;
  cron: string | null;
  tz: string;
  duration: number | null;
  from: Date | null;
  to: Date | null;
}

const WINDOW_JSON = `w.uuid, c.uuid AS "check", w.tag, w.cron, w.tz, w.duration,
  w.starts_at AS "from", w.ends_at AS "to"`;

export async function insertWindow(
  db: Queryable,
  accountId: number,
  w: WindowInput,
  now: Date,
): Promise<WindowJson> {
  const { rows } = await db.query<WindowJson>(
    `WITH w AS (
       INSERT INTO maintenance_windows (account_id, check_id, tag, cron, tz, duration, starts_at, ends_at, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *
     )
     SELECT ${WINDOW_JSON} FROM w LEFT JOIN checks c ON c.id = w.check_id`,
    [accountId, w.checkId, w.tag, w.cron, w.tz, w.duration, w.startsAt, w.endsAt, now],
  );
  return rows[0]!;
}

export async function listWindows(db: Queryable, accountId: number): Promise<WindowJson[]> {
  const { rows } = await db.query<WindowJson>(
    `SELECT ${WINDOW_JSON} FROM maintenance_windows w LEFT JOIN checks c ON c.id = w.check_id
      WHERE w.account_id = $1 ORDER BY w.id`,
    [accountId],
  );
  return rows;
}

/** Deletes the account's window; false when it has none with this uuid. */
export async function deleteWindow(
  db: Queryable,
  accountId: number,
  uuid: string,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `DELETE FROM maintenance_windows WHERE account_id = $1 AND uuid = $2::uuid`,
    [accountId, uuid],
  );
  return rowCount === 1;
}

/** Snoozes the check until `until` (null: ends the snooze). */
export async function snooze(db: Queryable, id: number, until: Date | null): Promise<void> {
  await db.query(`UPDATE checks SET snoozed_until = $2 WHERE id = $1`, [id, until]);
}

/** The windows that silence this check: its own and those of its tags. */
export async function checkWindows(db: Queryable, checkId: number): Promise<WindowJson[]> {
  const { rows } = await db.query<WindowJson>(
    `SELECT ${WINDOW_JSON} FROM checks c
       JOIN maintenance_windows w ON w.account_id = c.account_id
            AND (w.check_id = c.id OR w.tag = ANY(c.tags))
      WHERE c.id = $1 ORDER BY w.id`,
    [checkId],
  );
  return rows;
}
