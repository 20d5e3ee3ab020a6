// Queries on checks for administration: the CLI's list/add/schedule and the Management API.
import type { ShapeCheck } from '../domain/api-shapes.js';
import { PING_TARGET, type PingTarget } from './checks-ping.js';
import { POLICY_JSON } from './policy-settings.js';
import { EMAIL_KW_JSON } from './email-kw.js';
import type { Queryable } from './pool.js';

/** A check as the CLI lists it: a subset of the API's fields, with its account's name. */
export type CheckRow = Pick<
  ShapeCheck,
  | 'uuid'
  | 'name'
  | 'slug'
  | 'kind'
  | 'period'
  | 'cron'
  | 'tz'
  | 'grace'
  | 'status'
  | 'lastPingAt'
  | 'nextDeadline'
> & { account: string };

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
    `UPDATE checks SET kind = $2, period = $3, cron = $4, tz = $5, grace = $6, next_deadline = $7, sweep_at = $7, updated_at = $8 WHERE id = $1`,
    [id, s.kind, s.period, s.cron, s.tz, s.grace, nextDeadline, now],
  );
}

/** A check as the Management API shows it (the fields its JSON is shaped from, and the id). */
export interface ApiCheckRow extends ShapeCheck {
  id: number;
}

/** A check's own columns as the API and the pages read them (everything but its channels). */
export const CHECK_FIELDS = `c.id, c.uuid::text AS uuid, c.name, c.slug, c.kind, c.period, c.cron, c.tz, c.grace, c.status,
  c.started_at AS "startedAt", c.last_ping_at AS "lastPingAt", c.next_deadline AS "nextDeadline",
  c.last_duration AS "lastDuration", c.tags, c.description, c.ping_count AS "pingCount",
  c.manual_resume AS "manualResume"`;

const API_CHECK = `${CHECK_FIELDS}, coalesce((SELECT string_agg(ch.uuid::text, ',' ORDER BY ch.uuid::text)
              FROM check_channels cc JOIN channels ch ON ch.id = cc.channel_id
             WHERE cc.check_id = c.id), '') AS channels, ${POLICY_JSON},
  ${EMAIL_KW_JSON}`;

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
