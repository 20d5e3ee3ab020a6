import type { Queryable } from './pool.js';

/** The account's id, creating the account on first sight (gocron creates accounts by name). */
export async function ensureAccount(db: Queryable, name: string): Promise<number> {
  // DO UPDATE (a no-op write) rather than DO NOTHING so RETURNING always yields the id,
  // even when another transaction created the account a moment ago. Only runs when a
  // check is seen for the first time, so the extra row version is rare.
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO accounts (name) VALUES ($1)
     ON CONFLICT (name) DO UPDATE SET name = excluded.name
     RETURNING id`,
    [name],
  );
  return rows[0]!.id;
}

/**
 * The account's ping key (for /ping/<ping-key>/<slug>), created on first request. Returns
 * undefined when there is no such account.
 */
export async function pingKeyOf(
  db: Queryable,
  account: string,
  fresh: string,
): Promise<string | undefined> {
  const { rows } = await db.query<{ ping_key: string }>(
    `UPDATE accounts SET ping_key = coalesce(ping_key, $2) WHERE name = $1 RETURNING ping_key`,
    [account, fresh],
  );
  return rows[0]?.ping_key;
}

/** Creates an account with its ping key; undefined when the name is taken. */
export async function createAccount(
  db: Queryable,
  name: string,
  pingKey: string,
): Promise<number | undefined> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO accounts (name, ping_key) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING RETURNING id`,
    [name, pingKey],
  );
  return rows[0]?.id;
}

export async function accountIdByName(db: Queryable, name: string): Promise<number | undefined> {
  const { rows } = await db.query<{ id: number }>(`SELECT id FROM accounts WHERE name = $1`, [
    name,
  ]);
  return rows[0]?.id;
}

/** Up to `limit` account names, in order: enough to name them in an error message. */
export async function accountNames(db: Queryable, limit: number): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT name FROM accounts ORDER BY name LIMIT $1`,
    [limit],
  );
  return rows.map((r) => r.name);
}

export interface AccountSummary {
  name: string;
  createdAt: Date;
  checks: number;
  channels: number;
  apiKeys: number;
}

/** Every account with how much it holds (`cronwatch account list`). */
export async function listAccounts(db: Queryable): Promise<AccountSummary[]> {
  const { rows } = await db.query<AccountSummary>(
    `SELECT a.name, a.created_at AS "createdAt",
            (SELECT count(*)::int FROM checks c WHERE c.account_id = a.id) AS checks,
            (SELECT count(*)::int FROM channels ch WHERE ch.account_id = a.id) AS channels,
            (SELECT count(*)::int FROM api_keys k WHERE k.account_id = a.id AND k.revoked_at IS NULL)
              AS "apiKeys"
       FROM accounts a ORDER BY a.name`,
  );
  return rows;
}

/** Locks the account row; its id and number of checks, or undefined when there is none. */
export async function lockAccount(
  db: Queryable,
  name: string,
): Promise<{ id: number; checks: number } | undefined> {
  const { rows } = await db.query<{ id: number; checks: number }>(
    `SELECT a.id, (SELECT count(*)::int FROM checks c WHERE c.account_id = a.id) AS checks
       FROM accounts a WHERE a.name = $1 FOR UPDATE`,
    [name],
  );
  return rows[0];
}

/** Deletes the account and, by the schema's cascades, everything it holds. */
export async function deleteAccount(db: Queryable, id: number): Promise<void> {
  await db.query(`DELETE FROM accounts WHERE id = $1`, [id]);
}
