import type { ShapePing } from '../domain/api-shapes.js';
import type { Queryable } from './pool.js';

export interface NewPing {
  checkId: number;
  /** The check's ping number (checks.ping_count after this ping), for pruning. */
  n: number;
  at: Date;
  kind: 'success' | 'start' | 'fail' | 'log' | 'exitcode';
  exitStatus?: number | null;
  runId?: string | null;
  address: string | null;
  method: string;
  userAgent: string | null;
  body?: string | null;
  bodySize?: number | null;
  duration?: number | null;
}

export async function insertPing(db: Queryable, p: NewPing): Promise<void> {
  await db.query(
    `INSERT INTO pings (check_id, n, created_at, kind, exit_status, run_id, address, method, user_agent,
                        body, body_size, duration)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [
      p.checkId,
      p.n,
      p.at,
      p.kind,
      p.exitStatus ?? null,
      p.runId ?? null,
      p.address,
      p.method,
      p.userAgent,
      p.body ?? null,
      p.bodySize ?? null,
      p.duration ?? null,
    ],
  );
}

/** When the run `runId` of a check started (its latest start ping), if known. */
export async function runStart(
  db: Queryable,
  checkId: number,
  runId: string,
): Promise<Date | null> {
  const { rows } = await db.query<{ at: Date }>(
    `SELECT created_at AS at FROM pings WHERE check_id = $1 AND kind = 'start' AND run_id = $2
      ORDER BY id DESC LIMIT 1`,
    [checkId, runId],
  );
  return rows[0]?.at ?? null;
}

/**
 * Keeps the newest `keep` pings of each check with id in [fromId, toId]; returns how many
 * were deleted. The back walks all checks in id ranges (DESIGN: prune in the back role).
 */
export async function prunePings(
  db: Queryable,
  fromId: number,
  toId: number,
  keep: number,
): Promise<number> {
  const { rowCount } = await db.query(
    `DELETE FROM pings p USING checks c
      WHERE c.id BETWEEN $1 AND $2 AND c.ping_count > $3
        AND p.check_id = c.id AND p.n <= c.ping_count - $3`,
    [fromId, toId, keep],
  );
  return rowCount ?? 0;
}

/** A logged ping as the Management API lists it: the fields its JSON is shaped from. */
export type ApiPingRow = ShapePing;

/** A listed ping, with the first `previewChars` characters of its body (the dashboard's). */
export type ListedPing = ApiPingRow & { preview: string };

/**
 * The newest `limit` pings of a check, newest first, among the `keep` newest by number:
 * pings the back has not pruned yet are hidden already, so the list does not depend on
 * when the prune last ran.
 */
export async function listApiPings(
  db: Queryable,
  checkId: number,
  keep: number,
  limit: number,
  previewChars = 0,
): Promise<ListedPing[]> {
  const { rows } = await db.query<ListedPing>(
    `SELECT p.n, p.created_at AS at, p.kind, p.exit_status AS "exitStatus", p.run_id::text AS "runId",
            p.address, p.method, p.user_agent AS "userAgent", p.duration,
            (coalesce(p.body, '') <> '') AS "hasBody", coalesce(left(p.body, $4), '') AS preview
       FROM pings p JOIN checks c ON c.id = p.check_id
      WHERE p.check_id = $1 AND p.n > c.ping_count - $2
      ORDER BY p.n DESC, p.id DESC LIMIT $3`,
    [checkId, keep, limit, previewChars],
  );
  return rows;
}

/** The stored body of ping number `n` of a check; undefined when none (or pruned, or empty). */
export async function apiPingBody(
  db: Queryable,
  checkId: number,
  n: number,
  keep: number,
): Promise<string | undefined> {
  const { rows } = await db.query<{ body: string | null }>(
    `SELECT p.body FROM pings p JOIN checks c ON c.id = p.check_id
      WHERE p.check_id = $1 AND p.n = $2 AND p.n > c.ping_count - $3
      ORDER BY p.id DESC LIMIT 1`,
    [checkId, n, keep],
  );
  return rows[0]?.body || undefined;
}
