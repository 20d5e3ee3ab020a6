// The alert of a one-off job whose tick ended dead (issue 12, semantics 6): one outbox row
// per channel of the job's account (and the global Slack webhook when configured), written
// in the transaction that records the tick's end, as a check's flip writes its alerts
// (invariant 4). The payload is an alert event, so every transport renders it as a failure.
import type { AlertEvent } from '../domain/alert.js';
import { NOTIFY_CHANNEL } from './notifications.js';
import type { Queryable } from './pool.js';

export interface DeadOneOff {
  accountId: number;
  /** The event; `check.account` is filled in from the account. */
  event: AlertEvent;
}

export async function insertDeadOneOffAlerts(
  db: Queryable,
  dead: DeadOneOff[],
  at: Date,
  globalSlack: boolean,
): Promise<number> {
  if (!dead.length) return 0;
  const { rows } = await db.query<{ n: number }>(
    `WITH e AS (
       SELECT e.account_id, jsonb_set(e.payload, '{check,account}', to_jsonb(a.name)) AS payload
         FROM unnest($1::bigint[], $2::jsonb[]) AS e(account_id, payload)
         JOIN accounts a ON a.id = e.account_id
     ), n AS (
       INSERT INTO notifications (flip_id, channel_id, transport, target, payload, next_attempt_at, created_at)
       SELECT NULL::bigint, ch.id, ch.kind, ch.config, e.payload, $3::timestamptz, $3::timestamptz
         FROM e JOIN channels ch ON ch.account_id = e.account_id
       UNION ALL
       SELECT NULL::bigint, NULL::bigint, 'slack', '{"global": true}'::jsonb, e.payload, $3::timestamptz, $3::timestamptz
         FROM e WHERE $4::boolean
       RETURNING 1
     )
     SELECT count(*)::int AS n, pg_notify($5, '') FROM n`,
    [
      dead.map((d) => d.accountId),
      dead.map((d) => JSON.stringify(d.event)),
      at,
      globalSlack,
      NOTIFY_CHANNEL,
    ],
  );
  return rows[0]?.n ?? 0;
}
