// Row counts and consistency of the tables a request may write, for "nothing written" (two
// equal counts) and "nothing half written" (no row whose parent is missing).
import type { Pool } from '../../src/db/pool.js';

export const COUNTED_TABLES = [
  'accounts',
  'api_keys',
  'checks',
  'pings',
  'flips',
  'notifications',
  'channels',
  'check_channels',
  'status_pages',
  'sessions',
] as const;

export type RowCounts = Record<(typeof COUNTED_TABLES)[number], number>;

export async function rowCounts(pool: Pool): Promise<RowCounts> {
  const { rows } = await pool.query(
    `SELECT ${COUNTED_TABLES.map((t) => `(SELECT count(*) FROM ${t})::int AS ${t}`).join(', ')}`,
  );
  return rows[0] as RowCounts;
}

/**
 * Rows a half-done write would leave: a check without its account, a ping or flip without
 * its check, a notification without its flip, a check whose stored ping count is below the
 * pings it has kept. Empty when consistent.
 */
export async function orphans(pool: Pool): Promise<string[]> {
  const { rows } = await pool.query<{ what: string }>(
    `SELECT 'check ' || c.uuid || ' without account' AS what FROM checks c
       WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id = c.account_id)
     UNION ALL
     SELECT 'ping ' || p.id || ' without check' FROM pings p
       WHERE NOT EXISTS (SELECT 1 FROM checks c WHERE c.id = p.check_id)
     UNION ALL
     SELECT 'flip ' || f.id || ' without check' FROM flips f
       WHERE NOT EXISTS (SELECT 1 FROM checks c WHERE c.id = f.check_id)
     UNION ALL
     SELECT 'notification ' || n.id || ' without flip' FROM notifications n
       WHERE NOT EXISTS (SELECT 1 FROM flips f WHERE f.id = n.flip_id)
     UNION ALL
     SELECT 'check ' || c.uuid || ' has ping_count ' || c.ping_count || ' < ' || count(p.id)
       FROM checks c JOIN pings p ON p.check_id = c.id
      GROUP BY c.id HAVING c.ping_count < count(p.id)`,
  );
  return rows.map((r) => r.what);
}
