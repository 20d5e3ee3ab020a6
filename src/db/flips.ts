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

export interface ApiFlipRow {
  at: Date;
  to: Status;
}

/** A check's flips, newest first, with created_at in [from, to) where given. */
export async function listApiFlips(
  db: Queryable,
  checkId: number,
  from: Date | null,
  to: Date | null,
): Promise<ApiFlipRow[]> {
  const { rows } = await db.query<ApiFlipRow>(
    `SELECT created_at AS at, to_status AS "to" FROM flips
      WHERE check_id = $1 AND ($2::timestamptz IS NULL OR created_at >= $2)
        AND ($3::timestamptz IS NULL OR created_at < $3)
      ORDER BY created_at DESC, id DESC`,
    [checkId, from, to],
  );
  return rows;
}
