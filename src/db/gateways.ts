// Queries on checks for gateway grouping (gocron site=1, COMPAT 7).
import type { Gateway } from '../domain/gateway.js';
import type { Queryable } from './pool.js';

/**
 * Gateways that are down for any of the given (account, address) pairs. FOR SHARE: a
 * gateway checking in right now (it holds the row) is waited for and then seen as up, so
 * a job is never held back by a gateway whose recovery has already released its jobs.
 */
export async function downGateways(
  db: Queryable,
  accountIds: number[],
  addresses: string[],
): Promise<Gateway[]> {
  if (accountIds.length === 0) return [];
  const { rows } = await db.query<Gateway>(
    `SELECT c.id, c.account_id AS "accountId", c.last_address AS address
       FROM checks c
       JOIN unnest($1::bigint[], $2::text[]) AS k(account_id, address)
         ON c.account_id = k.account_id AND c.last_address = k.address
      WHERE c.site AND c.status = 'down'
        FOR SHARE OF c`,
    [accountIds, addresses],
  );
  return rows;
}

/** Names of the jobs down behind a gateway (same account and address, not gateways). */
export async function jobsDownBehind(db: Queryable, gatewayId: number): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT j.name FROM checks j JOIN checks g ON g.id = $1
      WHERE j.account_id = g.account_id AND j.last_address = g.last_address
        AND NOT j.site AND j.status = 'down' AND j.id <> g.id
      ORDER BY j.name`,
    [gatewayId],
  );
  return rows.map((r) => r.name);
}

export async function markSuppressed(
  db: Queryable,
  jobIds: number[],
  gatewayIds: number[],
): Promise<void> {
  await db.query(
    `UPDATE checks c SET suppressed_by = k.gateway
       FROM unnest($1::bigint[], $2::bigint[]) AS k(job, gateway)
      WHERE c.id = ANY($1::bigint[]) AND c.id = k.job`,
    [jobIds, gatewayIds],
  );
}

export interface HeldBack {
  id: number;
  uuid: string;
  name: string;
  account: string;
  lastPingAt: Date | null;
  flipId: number;
  flipAt: Date;
}

/**
 * The jobs a recovering gateway held back that are still down, with the flip of their miss,
 * locked; their suppression is cleared. Their down alerts go out now.
 */
export async function releaseHeldBack(db: Queryable, gatewayId: number): Promise<HeldBack[]> {
  const { rows } = await db.query<HeldBack>(
    `WITH held AS (
       UPDATE checks SET suppressed_by = NULL
        WHERE suppressed_by = $1
        RETURNING id, uuid, name, account_id, status, last_ping_at
     )
     SELECT h.id, h.uuid, h.name, a.name AS account, h.last_ping_at AS "lastPingAt",
            f.id AS "flipId", f.created_at AS "flipAt"
       FROM held h
       JOIN accounts a ON a.id = h.account_id
       JOIN LATERAL (SELECT id, created_at FROM flips WHERE check_id = h.id AND to_status = 'down'
                      ORDER BY id DESC LIMIT 1) f ON true
      WHERE h.status = 'down'`,
    [gatewayId],
  );
  return rows;
}

/** A job checking in clears its suppression; returns whether its miss had been held back. */
export async function clearSuppression(db: Queryable, checkId: number): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE checks SET suppressed_by = NULL WHERE id = $1 AND suppressed_by IS NOT NULL`,
    [checkId],
  );
  return (rowCount ?? 0) > 0;
}
