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
