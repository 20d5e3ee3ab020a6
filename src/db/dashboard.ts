// Reads of the dashboard and the public status page. Every query is scoped by account.
import type { ApiStatus, ShapeCheck } from '../domain/api-shapes.js';
import { CHECK_FIELDS } from './checks-admin.js';
import type { Queryable } from './pool.js';
import { statusCase } from './status-sql.js';

/** The status a client sees at $2; a running cron check shows up (running) until its deadline. */
const STATUS = statusCase('c', '$2', "'up'");

/**
 * The columns of a check as the pages show it: the API's (db/checks-admin.ts) without its
 * channels, whose per-row subquery PostgreSQL would run for every check of the account
 * before sorting out the 50 of a page.
 */
const CHECK = `${CHECK_FIELDS}, '' AS channels`;

export interface ListFilter {
  tag: string | null;
  status: ApiStatus | null;
  /** Part of a name or of a tag, any case; null: no search. */
  search: string | null;
  sort: ListSort;
  offset: number;
  limit: number;
}

export const LIST_SORTS = ['name', 'status', 'last'] as const;
export type ListSort = (typeof LIST_SORTS)[number];

/** Each sort's ORDER BY (chosen from this table, never built from input); name breaks ties. */
const ORDER: Record<ListSort, string> = {
  name: 'c.name',
  // The ones needing attention first.
  status: `array_position(ARRAY['down','grace','up','new','paused'], c.shown), c.name`,
  last: 'c."lastPingAt" DESC NULLS LAST, c.name',
};

/** The search as a LIKE pattern: its own % and _ match themselves. */
function likePattern(search: string | null): string | null {
  return search === null ? null : `%${search.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

/** Checks with the tag ($3) and matching the search ($4, a LIKE pattern), of account $1. */
const MATCHES = `c.account_id = $1 AND ($3::text IS NULL OR c.tags @> ARRAY[$3::text])
  AND ($4::text IS NULL OR c.name ILIKE $4 OR EXISTS (SELECT 1 FROM unnest(c.tags) t WHERE t ILIKE $4))`;

export interface DashboardCheck extends ShapeCheck {
  id: number;
  shown: ApiStatus;
}

/** A page of the account's checks, by name, with their status at `now`. */
export async function dashboardChecks(
  db: Queryable,
  accountId: number,
  now: Date,
  f: ListFilter,
): Promise<DashboardCheck[]> {
  const { rows } = await db.query<DashboardCheck>(
    `SELECT * FROM (SELECT ${CHECK}, ${STATUS} AS shown FROM checks c
                     WHERE ${MATCHES}) c
      WHERE $5::text IS NULL OR c.shown = $5
      ORDER BY ${ORDER[f.sort]} LIMIT $6 OFFSET $7`,
    [accountId, now, f.tag, likePattern(f.search), f.status, f.limit, f.offset],
  );
  return rows;
}

/** How many of the account's checks (with the tag and search, if given) are in each status. */
export async function statusCounts(
  db: Queryable,
  accountId: number,
  now: Date,
  tag: string | null,
  search: string | null = null,
): Promise<Map<ApiStatus, number>> {
  const { rows } = await db.query<{ shown: ApiStatus; n: number }>(
    `SELECT ${STATUS} AS shown, count(*)::int AS n FROM checks c
      WHERE ${MATCHES}
      GROUP BY 1`,
    [accountId, now, tag, likePattern(search)],
  );
  return new Map(rows.map((r) => [r.shown, r.n]));
}

/**
 * The account's tags, for the filter (the first 500, by name). Distinct tag sets first:
 * accounts repeat a few combinations over thousands of checks, and unnesting every row's
 * array took 30 ms at 10,000 checks, against 14 ms this way.
 */
export async function accountTags(db: Queryable, accountId: number): Promise<string[]> {
  const { rows } = await db.query<{ tag: string }>(
    `SELECT DISTINCT unnest(tags) AS tag
       FROM (SELECT DISTINCT tags FROM checks WHERE account_id = $1) sets
      ORDER BY 1 LIMIT 500`,
    [accountId],
  );
  return rows.map((r) => r.tag);
}

export interface PageCheck extends DashboardCheck {
  createdAt: Date;
}

export async function dashboardCheck(
  db: Queryable,
  accountId: number,
  uuid: string,
  now: Date,
): Promise<PageCheck | undefined> {
  const { rows } = await db.query<PageCheck>(
    `SELECT ${CHECK}, ${STATUS} AS shown, c.created_at AS "createdAt" FROM checks c
      WHERE c.account_id = $1 AND c.uuid = $3::uuid`,
    [accountId, now, uuid],
  );
  return rows[0];
}

export interface FlipRow {
  at: Date;
  from: string;
  to: string;
  reason: string;
}

export async function recentFlips(
  db: Queryable,
  checkId: number,
  limit: number,
): Promise<FlipRow[]> {
  const { rows } = await db.query<FlipRow>(
    `SELECT created_at AS at, from_status AS "from", to_status AS "to", reason FROM flips
      WHERE check_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`,
    [checkId, limit],
  );
  return rows;
}

export interface UptimeInput {
  checkId: number;
  /** The status the last flip before the window left the check in (null: no flip before). */
  statusAtStart: string | null;
  /** Since when there is data: the check's first check-in (null: none yet). */
  monitoredSince: Date | null;
  flips: { at: Date; to: string }[];
}

/**
 * When a check's data starts: its first check-in (NULL: never pinged, "no data yet"). Exact
 * when known: a first flip out of 'new', or the first finishing ping while ping number 1 is
 * still stored (pruning drops the oldest first) and no flip came before it. Otherwise (pings
 * pruned, rows imported from gocron with a last check-in but no pings) the check's creation
 * is the best bound there is.
 */
const MONITORED_SINCE = `CASE
  WHEN ff.from_status = 'new' THEN ff.at
  WHEN fp.at IS NOT NULL AND (ff.at IS NULL OR fp.at <= ff.at) THEN fp.at
  WHEN ff.at IS NOT NULL OR c.last_ping_at IS NOT NULL OR c.status NOT IN ('new', 'paused')
    THEN c.created_at
  END`;
const FIRST_FLIP_AND_PING = `
  LEFT JOIN LATERAL (SELECT f.created_at AS at, f.from_status FROM flips f WHERE f.check_id = c.id
                      ORDER BY f.created_at, f.id LIMIT 1) ff ON true
  LEFT JOIN LATERAL (SELECT min(p.created_at) AS at FROM pings p
                      WHERE p.check_id = c.id AND p.kind NOT IN ('start', 'log')
                        AND EXISTS (SELECT 1 FROM pings p1 WHERE p1.check_id = c.id AND p1.n = 1)) fp ON true`;

/** For each check, what uptime over [from, to) is computed from: one query for them all. */
export async function uptimeInputs(
  db: Queryable,
  checkIds: number[],
  from: Date,
  to: Date,
): Promise<Map<number, UptimeInput>> {
  const { rows } = await db.query<{
    id: number;
    status_at_start: string | null;
    monitored_since: Date | null;
    flips: { at: string; to: string }[];
  }>(
    `SELECT c.id,
            (SELECT f.to_status FROM flips f WHERE f.check_id = c.id AND f.created_at < $2
              ORDER BY f.created_at DESC, f.id DESC LIMIT 1) AS status_at_start,
            coalesce((SELECT json_agg(json_build_object('at', f.created_at, 'to', f.to_status)
                                      ORDER BY f.created_at, f.id)
                        FROM flips f WHERE f.check_id = c.id AND f.created_at >= $2 AND f.created_at < $3),
                     '[]') AS flips,
            ${MONITORED_SINCE} AS monitored_since
       FROM checks c ${FIRST_FLIP_AND_PING}
      WHERE c.id = ANY($1::bigint[])`,
    [checkIds, from, to],
  );
  return new Map(
    rows.map((r) => [
      r.id,
      {
        checkId: r.id,
        statusAtStart: r.status_at_start,
        monitoredSince: r.monitored_since,
        flips: r.flips.map((f) => ({ at: new Date(f.at), to: f.to })),
      },
    ]),
  );
}

export interface PublicCheck {
  id: number;
  name: string;
  shown: ApiStatus;
  createdAt: Date;
  lastPingAt: Date | null;
}

/**
 * The checks a status page shows: no uuid, slug or ping key is selected, so none can leak
 * into the public page. At most `limit`, by name.
 */
export async function publicChecks(
  db: Queryable,
  accountId: number,
  tag: string | null,
  now: Date,
  limit: number,
): Promise<PublicCheck[]> {
  const { rows } = await db.query<PublicCheck>(
    `SELECT c.id, c.name, ${STATUS} AS shown, c.created_at AS "createdAt", c.last_ping_at AS "lastPingAt"
       FROM checks c WHERE c.account_id = $1 AND ($3::text IS NULL OR c.tags @> ARRAY[$3::text])
      ORDER BY c.name LIMIT $4`,
    [accountId, now, tag, limit],
  );
  return rows;
}
