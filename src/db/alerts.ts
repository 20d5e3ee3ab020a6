// Detect, record, then send: a status change writes its flip and its notifications in the
// caller's transaction (invariant 4), whether the sweeper (down) or a check-in (up) caused it.
import type { AlertEvent, AlertKind } from '../domain/alert.js';
import type { Status } from './checks.js';
import { insertFlips } from './flips.js';
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
  const events: AlertEvent[] = changes.map((c) => ({
    kind: c.to,
    check: c.check,
    flipId: flipIds.get(c.check.id)!,
    at: at.toISOString(),
    lastPingAt: c.lastPingAt?.toISOString() ?? null,
    expectedAt: c.expectedAt?.toISOString() ?? null,
    ...(c.behind?.length ? { behind: c.behind } : {}),
  }));
  await insertNotifications(
    db,
    events.filter((_, i) => !changes[i]!.silent),
    at,
    globalSlack,
  );
  return events;
}
