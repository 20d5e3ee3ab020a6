import type { AlertEvent } from '../domain/alert.js';
import type { TransportKind } from '../domain/channel-spec.js';
import type { Queryable } from './pool.js';

/** The channel PostgreSQL NOTIFY wakes dispatchers on, in every back instance. */
export const NOTIFY_CHANNEL = 'cronwatch_notifications';

export type { TransportKind };

/**
 * One notification per channel of each flip's check, in one statement: the check's linked
 * channels, the job's own email address, and the global Slack webhook when configured.
 * Runs inside the flip's transaction (the outbox, invariant 4); NOTIFY is delivered on commit.
 */
export async function insertNotifications(
  db: Queryable,
  events: AlertEvent[],
  at: Date,
  globalSlack: boolean,
): Promise<number> {
  if (events.length === 0) return 0;
  // The NOTIFY rides in the same statement: one round trip less per sweep batch.
  const { rows } = await db.query<{ n: number }>(
    `WITH e AS (
       SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::jsonb[]) AS t(flip_id, check_id, payload)
     ), n AS (
       INSERT INTO notifications (flip_id, channel_id, transport, target, payload, next_attempt_at, created_at)
     SELECT e.flip_id, ch.id, ch.kind, ch.config, e.payload, $4::timestamptz, $4::timestamptz
       FROM e JOIN check_channels cc ON cc.check_id = e.check_id JOIN channels ch ON ch.id = cc.channel_id
      -- Lets the planner look the links up by key; joined to the CTE alone it read all of
      -- check_channels for every sweep batch (linear in the number of checks).
      WHERE cc.check_id = ANY($2::bigint[])
     UNION ALL
     SELECT e.flip_id, NULL, 'email', jsonb_build_object('to', c.email), e.payload, $4::timestamptz, $4::timestamptz
       FROM e JOIN checks c ON c.id = e.check_id
      WHERE c.id = ANY($2::bigint[]) AND coalesce(c.email, '') <> ''
     UNION ALL
     SELECT e.flip_id, NULL, 'slack', '{"global": true}'::jsonb, e.payload, $4::timestamptz, $4::timestamptz
       FROM e WHERE $5::boolean
       RETURNING 1
     )
     SELECT count(*)::int AS n, pg_notify($6, '') FROM n`,
    [
      events.map((e) => e.flipId),
      events.map((e) => e.check.id),
      events.map((e) => JSON.stringify(e)),
      at,
      globalSlack,
      NOTIFY_CHANNEL,
    ],
  );
  return rows[0]?.n ?? 0;
}

export interface Claimed {
  id: string;
  transport: TransportKind;
  target: Record<string, unknown>;
  payload: AlertEvent;
  /** This attempt's number (1 = first). */
  attempts: number;
}

// A pending notification (n2) whose turn it is: in flip order per check and destination.
// After an outage the "up" of a check must not overtake its "down" still waiting out a retry
// backoff (scripts/chaos/notify-outage.ts saw 35 such deliveries in a 40 s outage).
const IN_TURN = `NOT EXISTS (
       SELECT 1 FROM flips f JOIN flips older ON older.check_id = f.check_id
         JOIN notifications o ON o.flip_id = older.id
        WHERE f.id = n2.flip_id AND older.id < f.id AND o.state = 'pending'
          AND o.transport = n2.transport AND o.target = n2.target
       -- OFFSET 0 keeps this a per-row probe on the indexes: flattened into an anti-join it
       -- hashed every notification and flip at each claim (PostgreSQL CPU x2 in bench-burst).
       OFFSET 0)`;

/**
 * Claims due notifications for one attempt. The claim commits at once and hides them for
 * the lease: a back that dies mid-delivery loses nothing, another instance retries after the
 * lease. The attempt counter is the claim's fencing token (see finish*). A notification waits
 * while an older one of the same check to the same destination is pending.
 */
export async function claimNotifications(
  db: Queryable,
  now: Date,
  limit: number,
  leaseMs: number,
): Promise<Claimed[]> {
  const { rows } = await db.query<Claimed>(
    `UPDATE notifications n
        SET attempts = n.attempts + 1,
            next_attempt_at = $1::timestamptz + make_interval(secs => $3::double precision / 1000)
      WHERE n.id IN (
              SELECT id FROM notifications n2
               WHERE state = 'pending' AND next_attempt_at <= $1 AND ${IN_TURN}
               ORDER BY next_attempt_at
               LIMIT $2
                 FOR UPDATE SKIP LOCKED)
      RETURNING n.id, n.transport, n.target, n.payload, n.attempts`,
    [now, limit, leaseMs],
  );
  return rows;
}

// Each finish* matches on the attempt it claimed: if this instance was so slow that the lease
// ran out and another instance claimed the row again, the stale result is dropped.

export interface Sent {
  id: string;
  /** The claim's attempt number: its fencing token. */
  attempts: number;
  at: Date;
}

/**
 * Marks delivered notifications sent, many in one statement (one commit for a batch rather
 * than one per delivery). Each row still matches on its own claim's attempt.
 */
export async function finishSent(db: Queryable, sent: Sent[]): Promise<void> {
  if (sent.length === 0) return;
  await db.query(
    `UPDATE notifications n SET state = 'sent', sent_at = u.at, last_error = NULL
       FROM unnest($1::uuid[], $2::int[], $3::timestamptz[]) AS u(id, attempts, at)
      WHERE n.id = ANY($1::uuid[]) AND n.id = u.id AND n.attempts = u.attempts`,
    [sent.map((s) => s.id), sent.map((s) => s.attempts), sent.map((s) => s.at)],
  );
}

export async function finishRetry(
  db: Queryable,
  c: Claimed,
  nextAt: Date,
  error: string,
): Promise<void> {
  await db.query(
    `UPDATE notifications SET next_attempt_at = $3, last_error = $4 WHERE id = $1 AND attempts = $2 AND state = 'pending'`,
    [c.id, c.attempts, nextAt, error],
  );
}

export async function finishDead(db: Queryable, c: Claimed, error: string): Promise<void> {
  await db.query(
    `UPDATE notifications SET state = 'dead', last_error = $3 WHERE id = $1 AND attempts = $2 AND state = 'pending'`,
    [c.id, c.attempts, error],
  );
}

/**
 * When the next pending notification whose turn it is falls due, if any. One held back
 * behind an older one is left out: due already, it would have the dispatcher claim nothing
 * and ask again at once, for as long as the older one waits out its backoff.
 */
export async function nextNotificationDue(db: Queryable): Promise<Date | undefined> {
  const { rows } = await db.query<{ at: Date }>(
    `SELECT next_attempt_at AS at FROM notifications n2
      WHERE state = 'pending' AND ${IN_TURN}
      ORDER BY next_attempt_at LIMIT 1`,
  );
  return rows[0]?.at;
}
