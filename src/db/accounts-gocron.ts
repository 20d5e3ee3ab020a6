// Queries on accounts for the gocron check-in trust model (src/domain/gocron-trust.ts): an
// account's check-in mode and the ping key that `key` mode asks for.
import type { CheckinAccount, GocronMode } from '../domain/gocron-trust.js';
import type { Queryable } from './pool.js';

export interface GocronAccount extends CheckinAccount {
  id: number;
}

/** The account as a check-in of it sees it; undefined when there is no such account. */
export async function gocronAccountOf(
  db: Queryable,
  name: string,
): Promise<GocronAccount | undefined> {
  const { rows } = await db.query<GocronAccount>(
    `SELECT id, gocron_checkins AS mode, ping_key AS "pingKey" FROM accounts WHERE name = $1`,
    [name],
  );
  return rows[0];
}

/**
 * Sets the account's check-in mode. `key` mode needs a ping key: the account gets `fresh`
 * when it has none, so switching to it never locks every check-in out for want of a key.
 * Returns the account as stored, or undefined when there is no such account.
 */
export async function setGocronMode(
  db: Queryable,
  name: string,
  mode: GocronMode,
  fresh: string,
): Promise<CheckinAccount | undefined> {
  const { rows } = await db.query<CheckinAccount>(
    `UPDATE accounts
        SET gocron_checkins = $2,
            ping_key = CASE WHEN $2 = 'key' THEN coalesce(ping_key, $3) ELSE ping_key END
      WHERE name = $1
      RETURNING gocron_checkins AS mode, ping_key AS "pingKey"`,
    [name, mode, fresh],
  );
  return rows[0];
}
