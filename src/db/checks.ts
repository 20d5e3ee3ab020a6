import type { Queryable } from './pool.js';

import type { ShapeCheck } from '../domain/api-shapes.js';
import type { PingCheck, Status } from '../domain/ping.js';

export type { Status };

export interface LockedCheck {
  id: number;
  uuid: string;
  status: Status;
}

/**
 * Locks the check (account name, check name) for the rest of the transaction. FOR UPDATE
 * under READ COMMITTED returns the newest committed status after any wait, so a check-in
 * racing a sweep sees the sweep's `down` and writes the recovery.
 */
export async function lockCheckByName(
  db: Queryable,
  account: string,
  name: string,
): Promise<LockedCheck | undefined> {
  const { rows } = await db.query<LockedCheck>(
    `SELECT c.id, c.uuid, c.status
       FROM checks c JOIN accounts a ON a.id = c.account_id
      WHERE a.name = $1 AND c.name = $2
        FOR UPDATE OF c`,
    [account, name],
  );
  return rows[0];
}

export interface SimpleCheckin {
  email: string;
  period: number;
  grace: number;
  site: boolean;
  address: string | null;
  at: Date;
  deadline: Date;
}

/** Creates the check as up; undefined when another transaction created it first. */
export async function insertSimpleCheck(
  db: Queryable,
  accountId: number,
  name: string,
  c: SimpleCheckin,
): Promise<{ id: number; uuid: string } | undefined> {
  const { rows } = await db.query<{ id: number; uuid: string }>(
    `INSERT INTO checks (account_id, name, kind, period, grace, status, email, site, last_address,
                         last_ping_at, next_deadline, created_at, updated_at, ping_count)
     VALUES ($1, $2, 'simple', $3, $4, 'up', $5, $6, $7, $8, $9, $8, $8, 1)
     ON CONFLICT (account_id, name) DO NOTHING
     RETURNING id, uuid`,
    [accountId, name, c.period, c.grace, c.email, c.site, c.address, c.at, c.deadline],
  );
  return rows[0];
}

/**
 * A gocron check-in on an existing check: every field of the request is upserted. Returns
 * the check's new ping number.
 */
export async function updateSimpleCheckin(
  db: Queryable,
  id: number,
  c: SimpleCheckin,
): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `UPDATE checks
        SET kind = 'simple', period = $2, grace = $3, email = $4, site = $5, last_address = $6,
            last_ping_at = $7, next_deadline = $8, status = 'up', updated_at = $7,
            started_at = NULL, run_id = NULL, ping_count = ping_count + 1
      WHERE id = $1
      RETURNING ping_count AS n`,
    [id, c.period, c.grace, c.email, c.site, c.address, c.at, c.deadline],
  );
  return rows[0]!.n;
}

export interface DueCheck {
  id: number;
  uuid: string;
  name: string;
  accountId: number;
  account: string;
  status: Status;
  site: boolean;
  address: string | null;
  lastPingAt: Date | null;
  deadline: Date;
}

/**
 * Claims up to `limit` checks whose stored deadline has passed, through the partial index
 * checks_due (invariant 2). SKIP LOCKED lets several back instances sweep side by side, and
 * a check being checked in right now is left to that check-in.
 */
export async function claimDueChecks(db: Queryable, now: Date, limit: number): Promise<DueCheck[]> {
  const { rows } = await db.query<DueCheck>(
    `SELECT c.id, c.uuid, c.name, c.account_id AS "accountId", a.name AS account, c.status,
            c.site, c.last_address AS address, c.last_ping_at AS "lastPingAt", c.next_deadline AS deadline
       FROM checks c JOIN accounts a ON a.id = c.account_id
      WHERE c.next_deadline <= $1
      ORDER BY c.next_deadline
      LIMIT $2
        FOR UPDATE OF c SKIP LOCKED`,
    [now, limit],
  );
  return rows;
}

/** Down, and out of the due index until the next check-in stores a new deadline. */
export async function markDown(db: Queryable, ids: number[], now: Date): Promise<void> {
  await db.query(
    `UPDATE checks SET status = 'down', next_deadline = NULL, updated_at = $2 WHERE id = ANY($1::bigint[])`,
    [ids, now],
  );
}

/** A check the sweeper cannot evaluate is looked at again later instead of crash-looping it. */
export async function pushDeadline(db: Queryable, id: number, until: Date): Promise<void> {
  await db.query(`UPDATE checks SET next_deadline = $2 WHERE id = $1`, [id, until]);
}

/** The earliest stored deadline: an index-only min() over checks_due. */
export async function earliestDeadline(db: Queryable): Promise<Date | undefined> {
  const { rows } = await db.query<{ at: Date | null }>(
    `SELECT min(next_deadline) AS at FROM checks WHERE next_deadline IS NOT NULL`,
  );
  return rows[0]?.at ?? undefined;
}

/** A check as a healthchecks-style ping sees it, locked for the ping's transaction. */
export interface PingTarget extends PingCheck {
  id: number;
  uuid: string;
  name: string;
  account: string;
}

const PING_TARGET = `c.id, c.uuid, c.name, a.name AS account, c.status, c.kind, c.period, c.cron, c.tz, c.grace,
  c.started_at AS "startedAt", c.run_id AS "runId", c.next_deadline AS "nextDeadline",
  c.manual_resume AS "manualResume"`;

export async function lockCheckByUuid(
  db: Queryable,
  uuid: string,
): Promise<PingTarget | undefined> {
  const { rows } = await db.query<PingTarget>(
    `SELECT ${PING_TARGET} FROM checks c JOIN accounts a ON a.id = c.account_id
      WHERE c.uuid = $1 FOR UPDATE OF c`,
    [uuid],
  );
  return rows[0];
}

/** Checks of the account with this ping key and slug (more than one: ambiguous, 409). */
export async function lockChecksBySlug(
  db: Queryable,
  pingKey: string,
  slug: string,
): Promise<PingTarget[]> {
  const { rows } = await db.query<PingTarget>(
    `SELECT ${PING_TARGET} FROM checks c JOIN accounts a ON a.id = c.account_id
      WHERE a.ping_key = $1 AND c.slug = $2
      ORDER BY c.id LIMIT 2
        FOR UPDATE OF c`,
    [pingKey, slug],
  );
  return rows;
}

export interface SlugAccount {
  id: number;
  checks: number;
}

/** The account of a ping key and its number of checks (for the auto-create limit). */
export async function accountByPingKey(
  db: Queryable,
  pingKey: string,
): Promise<SlugAccount | undefined> {
  const { rows } = await db.query<SlugAccount>(
    `SELECT a.id, (SELECT count(*) FROM checks c WHERE c.account_id = a.id)::int AS checks
       FROM accounts a WHERE a.ping_key = $1
        FOR UPDATE`,
    [pingKey],
  );
  return rows[0];
}

/** A check created by `?create=1`, named after its slug; undefined if the name is taken. */
export async function insertSlugCheck(
  db: Queryable,
  accountId: number,
  slug: string,
  period: number,
  grace: number,
  now: Date,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO checks (account_id, name, slug, kind, period, grace, status, created_at, updated_at)
     VALUES ($1, $2, $2, 'simple', $3, $4, 'new', $5, $5)
     ON CONFLICT (account_id, name) DO NOTHING`,
    [accountId, slug, period, grace, now],
  );
  return rowCount === 1;
}

export interface PingUpdate {
  status: Status;
  nextDeadline: Date | null;
  startedAt: Date | null;
  runId: string | null;
  lastPingAt: Date | null;
  duration: number | null;
  address: string | null;
  now: Date;
}

/** Stores a ping's effect on its check; returns the check's new ping number. */
export async function applyPingUpdate(db: Queryable, id: number, u: PingUpdate): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `UPDATE checks
        SET status = $2, next_deadline = $3, started_at = $4, run_id = $5,
            last_ping_at = coalesce($6, last_ping_at), last_duration = coalesce($7, last_duration),
            last_address = coalesce($8, last_address), updated_at = $9, ping_count = ping_count + 1
      WHERE id = $1
      RETURNING ping_count AS n`,
    [
      id,
      u.status,
      u.nextDeadline,
      u.startedAt,
      u.runId,
      u.lastPingAt,
      u.duration,
      u.address,
      u.now,
    ],
  );
  return rows[0]!.n;
}

export async function maxCheckId(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ max: number | null }>('SELECT max(id) AS max FROM checks');
  return rows[0]?.max ?? 0;
}

export interface CheckRow {
  uuid: string;
  account: string;
  name: string;
  slug: string | null;
  kind: 'simple' | 'cron';
  period: number | null;
  cron: string | null;
  tz: string;
  grace: number;
  status: Status;
  lastPingAt: Date | null;
  nextDeadline: Date | null;
}

const CHECK_ROW = `c.uuid, a.name AS account, c.name, c.slug, c.kind, c.period, c.cron, c.tz, c.grace, c.status,
  c.last_ping_at AS "lastPingAt", c.next_deadline AS "nextDeadline"`;

export async function listChecks(db: Queryable, account: string | undefined): Promise<CheckRow[]> {
  const { rows } = await db.query<CheckRow>(
    `SELECT ${CHECK_ROW} FROM checks c JOIN accounts a ON a.id = c.account_id
      WHERE $1::text IS NULL OR a.name = $1 ORDER BY a.name, c.name`,
    [account ?? null],
  );
  return rows;
}

export interface NewCheck {
  accountId: number;
  name: string;
  slug: string | null;
  email: string | null;
  kind: 'simple' | 'cron';
  period: number | null;
  cron: string | null;
  tz: string;
  grace: number;
  now: Date;
}

/** Creates a check (status new: nothing is expected before its first ping); undefined if the name is taken. */
export async function insertCheck(db: Queryable, c: NewCheck): Promise<CheckRow | undefined> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO checks (account_id, name, slug, email, kind, period, cron, tz, grace, status, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'new', $10, $10)
     ON CONFLICT (account_id, name) DO NOTHING RETURNING id`,
    [c.accountId, c.name, c.slug, c.email, c.kind, c.period, c.cron, c.tz, c.grace, c.now],
  );
  if (!rows[0]) return undefined;
  const found = await db.query<CheckRow>(
    `SELECT ${CHECK_ROW} FROM checks c JOIN accounts a ON a.id = c.account_id WHERE c.id = $1`,
    [rows[0].id],
  );
  return found.rows[0];
}

/** Locks a check by account and name for a schedule change. */
export async function lockForSchedule(
  db: Queryable,
  account: string,
  name: string,
): Promise<(PingTarget & { lastPingAt: Date | null }) | undefined> {
  const { rows } = await db.query<PingTarget & { lastPingAt: Date | null }>(
    `SELECT ${PING_TARGET}, c.last_ping_at AS "lastPingAt" FROM checks c JOIN accounts a ON a.id = c.account_id
      WHERE a.name = $1 AND c.name = $2 FOR UPDATE OF c`,
    [account, name],
  );
  return rows[0];
}

export async function updateSchedule(
  db: Queryable,
  id: number,
  s: {
    kind: 'simple' | 'cron';
    period: number | null;
    cron: string | null;
    tz: string;
    grace: number;
  },
  nextDeadline: Date | null,
  now: Date,
): Promise<void> {
  await db.query(
    `UPDATE checks SET kind = $2, period = $3, cron = $4, tz = $5, grace = $6, next_deadline = $7, updated_at = $8 WHERE id = $1`,
    [id, s.kind, s.period, s.cron, s.tz, s.grace, nextDeadline, now],
  );
}

/** A check as the Management API shows it (the fields its JSON is shaped from, and the id). */
export interface ApiCheckRow extends ShapeCheck {
  id: number;
}

const API_CHECK = `c.id, c.uuid::text AS uuid, c.name, c.slug, c.kind, c.period, c.cron, c.tz, c.grace, c.status,
  c.started_at AS "startedAt", c.last_ping_at AS "lastPingAt", c.next_deadline AS "nextDeadline",
  c.last_duration AS "lastDuration", c.tags, c.description, c.ping_count AS "pingCount",
  c.manual_resume AS "manualResume", coalesce((SELECT string_agg(ch.uuid::text, ',' ORDER BY ch.uuid::text)
              FROM check_channels cc JOIN channels ch ON ch.id = cc.channel_id
             WHERE cc.check_id = c.id), '') AS channels`;

export interface ApiCheckFilter {
  /** Every one of these tags (none: no filter). */
  tags: string[];
  slug: string | null;
  /** Checks with an id above this one (the cursor), in id order. */
  afterId: number;
  /** At most this many; null: all. */
  limit: number | null;
}

/** The account's checks, in id order, filtered; every query is scoped by the account. */
export async function listApiChecks(
  db: Queryable,
  accountId: number,
  f: ApiCheckFilter,
): Promise<ApiCheckRow[]> {
  const { rows } = await db.query<ApiCheckRow>(
    `SELECT ${API_CHECK} FROM checks c
      WHERE c.account_id = $1 AND c.tags @> $2::text[] AND ($3::text IS NULL OR c.slug = $3)
        AND c.id > $4
      ORDER BY c.id LIMIT $5`,
    [accountId, f.tags, f.slug, f.afterId, f.limit],
  );
  return rows;
}

/** One check of the account by uuid; another account's check is not found. */
export async function apiCheckByUuid(
  db: Queryable,
  accountId: number,
  uuid: string,
): Promise<ApiCheckRow | undefined> {
  const { rows } = await db.query<ApiCheckRow>(
    `SELECT ${API_CHECK} FROM checks c WHERE c.account_id = $1 AND c.uuid = $2::uuid`,
    [accountId, uuid],
  );
  return rows[0];
}

/** Every check uuid of the account (to find one by unique_key, which is a hash of it). */
export async function accountCheckUuids(db: Queryable, accountId: number): Promise<string[]> {
  const { rows } = await db.query<{ uuid: string }>(
    `SELECT uuid::text AS uuid FROM checks WHERE account_id = $1`,
    [accountId],
  );
  return rows.map((r) => r.uuid);
}
