// The writes of the Management API: create, update, pause, resume and delete a check, and
// its channels. Every statement is scoped by the account (invariant 6); the callers run
// them in one transaction, so an error leaves no row changed (invariant 5).
import type { CheckFields } from '../domain/api-check-apply.js';
import type { Status } from '../domain/ping.js';
import type { Queryable } from './pool.js';

export interface LockedApiCheck extends CheckFields {
  id: number;
  uuid: string;
  status: Status;
  lastPingAt: Date | null;
  startedAt: Date | null;
  nextDeadline: Date | null;
}

/**
 * Serialises the account's check writes: names stay unique without a failed statement, and
 * two concurrent upserts with `unique` find each other's check.
 */
export async function lockAccount(db: Queryable, accountId: number): Promise<void> {
  await db.query(`SELECT 1 FROM accounts WHERE id = $1 FOR UPDATE`, [accountId]);
}

const LOCKED = `c.id, c.uuid::text AS uuid, c.name, c.slug, c.tags, c.description, c.kind, c.period, c.cron,
  c.tz, c.grace, c.manual_resume AS "manualResume", c.status, c.last_ping_at AS "lastPingAt",
  c.started_at AS "startedAt", c.next_deadline AS "nextDeadline"`;

export async function lockAccountCheck(
  db: Queryable,
  accountId: number,
  uuid: string,
): Promise<LockedApiCheck | undefined> {
  const { rows } = await db.query<LockedApiCheck>(
    `SELECT ${LOCKED} FROM checks c WHERE c.account_id = $1 AND c.uuid = $2::uuid FOR UPDATE`,
    [accountId, uuid],
  );
  return rows[0];
}

export interface UniqueMatch {
  name?: string;
  slug?: string | null;
  tags?: string[];
  timeout?: number;
  grace?: number;
}

/** The account's first check (by id) with all these values: healthchecks' `unique`. */
export async function findUniqueMatch(
  db: Queryable,
  accountId: number,
  m: UniqueMatch,
): Promise<LockedApiCheck | undefined> {
  const params: unknown[] = [accountId];
  const where = ['c.account_id = $1'];
  const add = (sql: (p: string) => string, value: unknown) => {
    params.push(value);
    where.push(sql(`$${params.length}`));
  };
  if (m.name !== undefined) add((p) => `c.name = ${p}`, m.name);
  if (m.slug !== undefined) add((p) => `c.slug IS NOT DISTINCT FROM ${p}::text`, m.slug);
  // Tags as a set (healthchecks compares its space-separated string).
  if (m.tags !== undefined) add((p) => `c.tags @> ${p}::text[] AND c.tags <@ ${p}::text[]`, m.tags);
  if (m.timeout !== undefined) add((p) => `c.kind = 'simple' AND c.period = ${p}`, m.timeout);
  if (m.grace !== undefined) add((p) => `c.grace = ${p}`, m.grace);
  const { rows } = await db.query<LockedApiCheck>(
    `SELECT ${LOCKED} FROM checks c WHERE ${where.join(' AND ')} ORDER BY c.id LIMIT 1 FOR UPDATE`,
    params,
  );
  return rows[0];
}

/** Whether another check of the account has this name (names are unique per account). */
export async function nameTaken(
  db: Queryable,
  accountId: number,
  name: string,
  exceptId: number | null,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `SELECT 1 FROM checks WHERE account_id = $1 AND name = $2 AND id IS DISTINCT FROM $3`,
    [accountId, name, exceptId],
  );
  return (rowCount ?? 0) > 0;
}

/** A new check, status new: nothing is expected before its first ping. */
export async function insertApiCheck(
  db: Queryable,
  accountId: number,
  f: CheckFields,
  now: Date,
): Promise<{ id: number; uuid: string }> {
  const { rows } = await db.query<{ id: number; uuid: string }>(
    `INSERT INTO checks (account_id, name, slug, tags, description, kind, period, cron, tz, grace,
                         manual_resume, status, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'new', $12, $12)
     RETURNING id, uuid::text AS uuid`,
    [
      accountId,
      f.name,
      f.slug,
      f.tags,
      f.description,
      f.kind,
      f.period,
      f.cron,
      f.tz,
      f.grace,
      f.manualResume,
      now,
    ],
  );
  return rows[0]!;
}

export async function updateApiCheck(
  db: Queryable,
  id: number,
  f: CheckFields,
  nextDeadline: Date | null,
  now: Date,
): Promise<void> {
  await db.query(
    `UPDATE checks SET name = $2, slug = $3, tags = $4, description = $5, kind = $6, period = $7,
                       cron = $8, tz = $9, grace = $10, manual_resume = $11, next_deadline = $12,
                       sweep_at = $12,
                       updated_at = $13
      WHERE id = $1`,
    [
      id,
      f.name,
      f.slug,
      f.tags,
      f.description,
      f.kind,
      f.period,
      f.cron,
      f.tz,
      f.grace,
      f.manualResume,
      nextDeadline,
      now,
    ],
  );
}

/**
 * healthchecks' `channels`: "*" every channel of the account, "" none, otherwise a
 * comma-separated list of channel uuids or names, each naming exactly one channel.
 */
export async function resolveChannels(
  db: Queryable,
  accountId: number,
  spec: string,
): Promise<number[] | { error: string }> {
  const { rows } = await db.query<{ id: number; uuid: string; name: string }>(
    `SELECT id, uuid::text AS uuid, name FROM channels WHERE account_id = $1 ORDER BY id`,
    [accountId],
  );
  if (spec === '*') return rows.map((r) => r.id);
  if (spec === '') return [];
  const ids = new Set<number>();
  for (const s of spec.split(',')) {
    if (s === '') return { error: 'channels: empty channel identifier' };
    const matches = rows.filter((r) => r.uuid === s.toLowerCase() || r.name === s);
    if (matches.length === 0)
      return { error: `channels: invalid channel identifier: ${JSON.stringify(s)}` };
    if (matches.length > 1)
      return { error: `channels: non-unique channel identifier: ${JSON.stringify(s)}` };
    ids.add(matches[0]!.id);
  }
  return [...ids];
}

export async function setCheckChannels(
  db: Queryable,
  checkId: number,
  channelIds: number[],
): Promise<void> {
  await db.query(`DELETE FROM check_channels WHERE check_id = $1`, [checkId]);
  await db.query(
    `INSERT INTO check_channels (check_id, channel_id) SELECT $1, unnest($2::bigint[])`,
    [checkId, channelIds],
  );
}

/**
 * Out of the sweep (no deadline), the open run forgotten; no flip, no alert. Its outage
 * ends for the alert policies too: no repeats, no recovery alert, streaks start over.
 */
async function setIdle(
  db: Queryable,
  id: number,
  status: 'paused' | 'new',
  now: Date,
): Promise<void> {
  await db.query(
    `UPDATE checks SET status = $2, next_deadline = NULL, started_at = NULL, run_id = NULL, updated_at = $3,
            down_unalerted = false, fail_streak = 0, ok_streak = 0, policy_due_at = NULL
      WHERE id = $1`,
    [id, status, now],
  );
}

/** Paused: nothing is expected until resumed (or pinged, without manual_resume). */
export function pauseCheck(db: Queryable, id: number, now: Date): Promise<void> {
  return setIdle(db, id, 'paused', now);
}

/** Back to new: nothing is expected until the next ping. */
export function resumeCheck(db: Queryable, id: number, now: Date): Promise<void> {
  return setIdle(db, id, 'new', now);
}

/** Deletes the check; its pings, flips and channel links go with it (ON DELETE CASCADE). */
export async function deleteCheck(db: Queryable, id: number): Promise<void> {
  await db.query(`DELETE FROM checks WHERE id = $1`, [id]);
}
