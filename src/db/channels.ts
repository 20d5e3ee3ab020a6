import type { Queryable } from './pool.js';

export interface ApiChannel {
  id: string;
  name: string;
  kind: string;
}

/** The account's channels as the Management API lists them (id is the channel's uuid). */
export async function listAccountChannels(db: Queryable, accountId: number): Promise<ApiChannel[]> {
  const { rows } = await db.query<ApiChannel>(
    `SELECT uuid::text AS id, name, kind FROM channels WHERE account_id = $1 ORDER BY id`,
    [accountId],
  );
  return rows;
}
