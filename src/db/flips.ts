import type { Queryable } from './pool.js';
import type { Status } from './checks.js';

export interface NewFlip {
  checkId: number;
  at: Date;
  from: Status;
  to: Status;
  reason: string;
}

/** Inserts the flips in one statement; returns each flip's id keyed by its check's id. */
export async function insertFlips(db: Queryable, flips: NewFlip[]): Promise<Map<number, number>> {
  const { rows } = await db.query<{ id: number; check_id: number }>(
    `INSERT INTO flips (check_id, created_at, from_status, to_status, reason)
     SELECT * FROM unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::text[], $5::text[])
     RETURNING id, check_id`,
    [
      flips.map((f) => f.checkId),
      flips.map((f) => f.at),
      flips.map((f) => f.from),
      flips.map((f) => f.to),
      flips.map((f) => f.reason),
    ],
  );
  return new Map(rows.map((r) => [r.check_id, r.id]));
}
