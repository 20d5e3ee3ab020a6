// The alert policies' part of a ping's write (every ping form): an alert without a status
// change (a threshold reached) goes out in the ping's transaction, after its flips.
import type { AlertEvent } from '../domain/alert.js';
import type { PingCheck, PingOutcome } from '../domain/ping.js';
import { thresholdsOf } from '../domain/policy-ping.js';
import { streaksChanged } from '../domain/policy-threshold.js';
import { recordPolicyAlert } from './alerts.js';
import { saveStreaks } from './policy-state.js';
import type { Queryable } from './pool.js';

/** Stores the counters of the checks a batch of pings changed: [as locked, after the batch]. */
export async function saveChangedStreaks(
  db: Queryable,
  checks: [PingCheck & { id: number }, PingCheck][],
): Promise<void> {
  await saveStreaks(
    db,
    checks.flatMap(([was, now]) =>
      streaksChanged(thresholdsOf(was), thresholdsOf(now))
        ? [{ id: was.id, streaks: thresholdsOf(now) }]
        : [],
    ),
  );
}

export async function recordAlertOnly(
  db: Queryable,
  check: AlertEvent['check'],
  out: Pick<PingOutcome, 'alertOnly' | 'alertReason' | 'nextDeadline' | 'duration'>,
  at: Date,
  globalSlack: boolean,
  run: { exitStatus: number | null; output: string | null },
  grace: number,
): Promise<void> {
  if (!out.alertOnly) return;
  const down = out.alertOnly === 'down';
  await recordPolicyAlert(
    db,
    {
      check,
      from: down ? 'down' : 'up',
      to: out.alertOnly,
      reason: down ? 'failure threshold reached' : 'success threshold reached',
      lastPingAt: at,
      expectedAt: down ? null : out.nextDeadline,
      grace,
      ...(down
        ? {
            failure: out.alertReason ?? 'failure reported',
            exitStatus: run.exitStatus,
            output: run.output,
            duration: out.duration,
          }
        : {}),
    },
    at,
    globalSlack,
  );
}
