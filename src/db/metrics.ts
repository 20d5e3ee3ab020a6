// The counts behind the /metrics gauges, read at scrape time, and an account's checks for
// /metrics/<key>. Checks are counted in SQL; notifications through partial indexes and a
// bounded count (the outbox is never pruned).
import type { ApiStatus } from '../domain/api-shapes.js';
import type { MetricCheck } from '../domain/hc-metrics.js';
import type { Queryable } from './pool.js';
import { statusCase } from './status-sql.js';

/**
 * Checks by the status a client sees now: apiStatus (domain/api-shapes.ts) restated in SQL,
 * so no row has to leave the database (one pass over the table, which PostgreSQL may split
 * between workers). The one case SQL cannot decide, a running cron check (due at the cron
 * run after its last ping), is counted as `cron-started`: startedCronChecks has them.
 */
export async function countChecksByStatus(
  db: Queryable,
  now: Date,
): Promise<{ status: ApiStatus | 'cron-started'; n: number }[]> {
  const { rows } = await db.query<{ status: ApiStatus | 'cron-started'; n: number }>(
    `SELECT ${statusCase('checks', '$1', "'cron-started'")} AS status,
            count(*)::int AS n
       FROM checks GROUP BY 1`,
    [now],
  );
  return rows;
}

export interface StartedCronCheck {
  kind: 'cron';
  period: null;
  cron: string;
  tz: string;
  grace: number;
  status: 'up';
  startedAt: Date;
  lastPingAt: Date;
  nextDeadline: Date | null;
}

/**
 * The checks countChecksByStatus counts as `cron-started` (the same conditions), for
 * countRunningCron (domain/running-cron.ts): as many as cron jobs running right now.
 */
export async function startedCronChecks(db: Queryable, now: Date): Promise<StartedCronCheck[]> {
  const { rows } = await db.query<StartedCronCheck>(
    `SELECT kind, period, cron, tz, grace, status, started_at AS "startedAt",
            last_ping_at AS "lastPingAt", next_deadline AS "nextDeadline"
       FROM checks
      WHERE status = 'up' AND kind = 'cron' AND last_ping_at IS NOT NULL
        AND started_at IS NOT NULL AND (next_deadline IS NULL OR next_deadline > $1)`,
    [now],
  );
  return rows;
}

export interface NotificationCounts {
  pending: number;
  sent: number;
  dead: number;
  /** Whether `sent` is PostgreSQL's estimate (the table is larger than the bounded count). */
  estimated: boolean;
}

/**
 * Pending and dead are exact, each counted through its partial index (notifications_due,
 * notifications_dead): the queue and the failures stay small, or something is wrong and worth
 * the count. Sent is the rest: exact while the table holds fewer than `bound` rows (a count
 * that stops at `bound`), beyond that from the planner's row estimate (pg_class.reltuples,
 * kept by autovacuum), which is what a gauge of delivered alerts can live with.
 */
export async function countNotifications(
  db: Queryable,
  bound: number,
): Promise<NotificationCounts> {
  const { rows } = await db.query<{ pending: number; dead: number; seen: number; rows: number }>(
    `SELECT (SELECT count(*) FROM notifications WHERE state = 'pending')::int AS pending,
            (SELECT count(*) FROM notifications WHERE state = 'dead')::int AS dead,
            (SELECT count(*) FROM (SELECT 1 FROM notifications LIMIT $1) s)::int AS seen,
            (SELECT greatest(reltuples, 0) FROM pg_class WHERE oid = 'notifications'::regclass)::float8 AS rows`,
    [bound],
  );
  const r = rows[0]!;
  const estimated = r.seen >= bound;
  const total = estimated ? Math.max(r.rows, r.seen) : r.seen;
  return {
    pending: r.pending,
    dead: r.dead,
    sent: Math.max(0, Math.round(total) - r.pending - r.dead),
    estimated,
  };
}

/** The account's checks as its /metrics/<key> lists them, in id order (healthchecks' order). */
export async function accountMetricChecks(
  db: Queryable,
  accountId: number,
): Promise<MetricCheck[]> {
  const { rows } = await db.query<MetricCheck>(
    `SELECT uuid::text AS uuid, name, tags, kind, period, cron, tz, grace, status,
            started_at AS "startedAt", last_ping_at AS "lastPingAt", next_deadline AS "nextDeadline"
       FROM checks WHERE account_id = $1 ORDER BY id`,
    [accountId],
  );
  return rows;
}

export interface Lags {
  /** Age of the oldest alert not yet delivered (null: none pending). */
  oldestPendingSeconds: number | null;
  /** How far past its deadline the most overdue check not yet swept is (null: none). */
  sweepLagSeconds: number | null;
  /** Since the last heartbeat of any back instance (null: none ever ran). */
  backSeenSeconds: number | null;
}

/**
 * What an operator alerts on when alerts themselves stop: the outbox's oldest pending row
 * (through notifications_due's rows), the sweep's backlog (through the deadline index) and
 * the backs' heartbeat. Each is a few index reads, whatever the size of the tables.
 */
export async function readLags(db: Queryable, now: Date): Promise<Lags> {
  const { rows } = await db.query<{
    oldest: number | null;
    sweep: number | null;
    back: number | null;
  }>(
    `SELECT extract(epoch FROM $1::timestamptz -
              (SELECT min(created_at) FROM notifications WHERE state = 'pending'))::float8 AS oldest,
            extract(epoch FROM $1::timestamptz -
              (SELECT min(next_deadline) FROM checks WHERE sweep_at <= $1 AND next_deadline <= $1))::float8 AS sweep,
            extract(epoch FROM $1::timestamptz -
              (SELECT max(seen_at) FROM back_instances))::float8 AS back`,
    [now],
  );
  const r = rows[0]!;
  const age = (v: number | null) => (v === null ? null : Math.max(0, v));
  return {
    oldestPendingSeconds: age(r.oldest),
    sweepLagSeconds: age(r.sweep),
    backSeenSeconds: age(r.back),
  };
}
