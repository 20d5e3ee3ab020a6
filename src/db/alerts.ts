// Detect, record, then send: a status change writes its flip and its notifications in the
// caller's transaction (invariant 4), whether the sweeper (down) or a check-in (up) caused it.
import { outputExcerpt, type AlertEvent, type AlertKind } from '../domain/alert.js';
import { gracesOf, type Status } from './checks.js';
import { insertFlips } from './flips.js';
import { clearSuppression, releaseHeldBack } from './gateways.js';
import { insertNotifications } from './notifications.js';
import type { Queryable } from './pool.js';

export interface StatusChange {
  check: AlertEvent['check'];
  from: Status;
  to: AlertKind;
  reason: string;
  lastPingAt: Date | null;
  expectedAt: Date | null;
  behind?: string[];
  /** Record the flip but send nothing (a job held back behind its down gateway). */
  silent?: boolean;
  /** A reported failure (fail ping, non-zero exit status) rather than a miss. */
  failure?: string;
  /** The failing ping's exit status and body (the job's output): the alert quotes them. */
  exitStatus?: number | null;
  output?: string | null;
}

/** Writes one flip per change and its notifications; returns the events written. */
export async function recordChanges(
  db: Queryable,
  changes: StatusChange[],
  at: Date,
  globalSlack: boolean,
): Promise<AlertEvent[]> {
  if (changes.length === 0) return [];
  const flipIds = await insertFlips(
    db,
    changes.map((c) => ({ checkId: c.check.id, at, from: c.from, to: c.to, reason: c.reason })),
  );
  // Flips are rare next to pings: one more read per batch of them costs nothing noticeable.
  const expecting = changes.filter((c) => c.expectedAt).map((c) => c.check.id);
  const graces = expecting.length ? await gracesOf(db, expecting) : new Map<number, number>();
  const events: AlertEvent[] = changes.map((c) => ({
    kind: c.to,
    check: c.check,
    flipId: flipIds.get(c.check.id)!,
    at: at.toISOString(),
    lastPingAt: c.lastPingAt?.toISOString() ?? null,
    expectedAt: c.expectedAt?.toISOString() ?? null,
    ...(c.expectedAt && graces.has(c.check.id) ? { grace: graces.get(c.check.id)! } : {}),
    ...(c.behind?.length ? { behind: c.behind } : {}),
    ...(c.failure ? { failure: c.failure } : {}),
    ...(typeof c.exitStatus === 'number' ? { exitStatus: c.exitStatus } : {}),
    ...(c.failure ? outputExcerpt(c.output) : {}),
  }));
  await insertNotifications(
    db,
    events.filter((_, i) => !changes[i]!.silent),
    at,
    globalSlack,
  );
  return events;
}

/**
 * A down check pinged: the down → up flip and its alerts, in the ping's transaction. Also
 * settles gateway grouping (COMPAT 7): a job whose miss was held back recovers silently, and
 * a gateway's recovery releases the down alerts of the jobs it held back that still miss.
 */
export async function recordRecovery(
  db: Queryable,
  check: AlertEvent['check'],
  at: Date,
  nextDeadline: Date | null,
  globalSlack: boolean,
): Promise<void> {
  const wasHeldBack = await clearSuppression(db, check.id);
  await recordChanges(
    db,
    [
      {
        check,
        from: 'down',
        to: 'up',
        reason: 'checked in',
        lastPingAt: at,
        expectedAt: nextDeadline,
        // Its miss was never alerted (its gateway was down): a lone "back online" would puzzle.
        silent: wasHeldBack,
      },
    ],
    at,
    globalSlack,
  );
  const released = await releaseHeldBack(db, check.id);
  await insertNotifications(
    db,
    released.map((j) => ({
      kind: 'down',
      check: { id: j.id, uuid: j.uuid, name: j.name, account: j.account },
      flipId: j.flipId,
      at: at.toISOString(),
      lastPingAt: j.lastPingAt?.toISOString() ?? null,
      expectedAt: j.flipAt.toISOString(),
    })),
    at,
    globalSlack,
  );
}
