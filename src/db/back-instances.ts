import type { Queryable } from './pool.js';

export interface Instance {
  id: string;
  hostname: string;
  pid: number;
  startedAt: Date;
}

export async function recordHeartbeat(db: Queryable, i: Instance, now: Date): Promise<void> {
  await db.query(
    `INSERT INTO back_instances (id, hostname, pid, started_at, seen_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (id) DO UPDATE SET seen_at = excluded.seen_at`,
    [i.id, i.hostname, i.pid, i.startedAt, now],
  );
}

/** Forgets instances not seen for a day, so the table does not grow with every restart. */
export async function forgetOldInstances(db: Queryable, before: Date): Promise<void> {
  await db.query(`DELETE FROM back_instances WHERE seen_at < $1`, [before]);
}

export async function lastBackSeen(db: Queryable): Promise<Date | undefined> {
  const { rows } = await db.query<{ at: Date | null }>(
    `SELECT max(seen_at) AS at FROM back_instances`,
  );
  return rows[0]?.at ?? undefined;
}
