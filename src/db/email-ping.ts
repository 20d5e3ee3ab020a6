import type { Queryable } from './pool.js';

/**
 * Whether a check has this uuid: the SMTP listener answers 550 at RCPT TO for one that does
 * not, so the sender learns of a typo in its bounce rather than the mail vanishing.
 */
export async function checkUuidExists(db: Queryable, uuid: string): Promise<boolean> {
  const { rows } = await db.query(`SELECT 1 FROM checks WHERE uuid = $1`, [uuid]);
  return rows.length > 0;
}
