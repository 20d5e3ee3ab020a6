import type { Queryable } from './pool.js';

export type Status = 'new' | 'up' | 'late' | 'down' | 'paused';

export interface LockedCheck {
  id: number;
  status: Status;
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
    `SELECT c.id, c.status
       FROM checks c JOIN accounts a ON a.id = c.account_id
      WHERE a.name = $1 AND c.name = $2
        FOR UPDATE OF c`,
    [account, name],
  );
  return rows[0];
}

export interface SimpleCheckin {
  email: string;
  period: number;
  grace: number;
  site: boolean;
  address: string | null;
  at: Date;
  deadline: Date;
}

/** Creates the check as up; undefined when another transaction created it first. */
export async function insertSimpleCheck(
  db: Queryable,
  accountId: number,
  name: string,
  c: SimpleCheckin,
): Promise<number | undefined> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO checks (account_id, name, kind, period, grace, status, email, site, last_address,
                         last_ping_at, next_deadline, created_at, updated_at)
     VALUES ($1, $2, 'simple', $3, $4, 'up', $5, $6, $7, $8, $9, $8, $8)
     ON CONFLICT (account_id, name) DO NOTHING
     RETURNING id`,
    [accountId, name, c.period, c.grace, c.email, c.site, c.address, c.at, c.deadline],
  );
  return rows[0]?.id;
}

/** A gocron check-in on an existing check: every field of the request is upserted. */
export async function updateSimpleCheckin(
  db: Queryable,
  id: number,
  c: SimpleCheckin,
): Promise<void> {
  await db.query(
    `UPDATE checks
        SET kind = 'simple', period = $2, grace = $3, email = $4, site = $5, last_address = $6,
            last_ping_at = $7, next_deadline = $8, status = 'up', updated_at = $7
      WHERE id = $1`,
    [id, c.period, c.grace, c.email, c.site, c.address, c.at, c.deadline],
  );
}
