// Detect, record, then send: a status change writes its flip and its notifications in the
// caller's transaction (invariant 4), whether the sweeper (down) or a check-in (up) caused it.
import { outputExcerpt, type AlertEvent, type AlertKind } from '../domain/alert.js';
import { gracesOf, type Status } from './checks.js';
import { insertFlips } from './flips.js';
import { clearSuppression, releaseHeldBack } from './gateways.js';
import { silences } from './maintenance.js';
import { insertNotifications } from './notifications.js';
import {
  alertedDown,
  endFailStreaks,
  holdDownAlert,
  latestFlip,
  markAlerted,
} from './policy-state.js';
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
  /** Seconds the failing run took. */
  duration?: number | null;
  /** The sweep's reason when it is not a plain miss ("running too long"). */
  overdue?: string;
  /** Checks depending on this one that are down too (their misses are folded into this alert). */
  dependents?: string[];
  /** The check's grace, when the caller has it: spares a read per change (alerts quote it). */
  grace?: number;
  /**
   * The check's failure streak after the change, when the caller keeps it (a check-in's
   * counters, saved with its batch): an up change with 0 needs no UPDATE to end the streak.
   */
  failStreak?: number;
}

/** Marks the flips of checks in a maintenance window or snoozed (their down alert waits). */
export const IN_MAINTENANCE = ' (in maintenance)';

/**
 * Down alerts about to go out for checks that are silenced now (a maintenance window, a
 * snooze) become silent, their flips marked "in maintenance"; the sweep looks at them
 * again when the silence ends (policy_due_at) and alerts then if they are still down.
 */
async function holdSilenced(
  db: Queryable,
  changes: StatusChange[],
  at: Date,
): Promise<StatusChange[]> {
  const loud = changes.filter((c) => c.to === 'down' && !c.silent).map((c) => c.check.id);
  const silenced = await silences(db, loud, at);
  if (silenced.size === 0) return changes;
  for (const [id, until] of silenced) await holdDownAlert(db, id, until);
  return changes.map((c) =>
    c.to === 'down' && !c.silent && silenced.has(c.check.id)
      ? { ...c, silent: true, reason: c.reason + IN_MAINTENANCE }
      : c,
  );
}

/** The optional parts of an alert, from a change. */
function extras(c: StatusChange): Partial<AlertEvent> {
  return {
    ...(c.behind?.length ? { behind: c.behind } : {}),
    ...(c.dependents?.length ? { dependents: c.dependents } : {}),
    ...(c.overdue ? { overdue: c.overdue } : {}),
    ...(c.failure ? { failure: c.failure } : {}),
    ...(typeof c.exitStatus === 'number' ? { exitStatus: c.exitStatus } : {}),
    ...(c.failure && typeof c.duration === 'number' ? { duration: c.duration } : {}),
    ...(c.failure ? outputExcerpt(c.output) : {}),
  };
}

/**
 * The grace of each change's check that expects a ping, by check id: the one given with the
 * change, else read (a job's first runs flip thousands of checks new -> up in a cycle: a read
 * per flip was a round trip per flip).
 */
async function knownGraces(db: Queryable, changes: StatusChange[]): Promise<Map<number, number>> {
  const graces = new Map<number, number>();
  for (const c of changes)
    if (c.expectedAt && c.grace !== undefined) graces.set(c.check.id, c.grace);
  const unknown = changes.filter((c) => c.expectedAt && c.grace === undefined);
  if (unknown.length === 0) return graces;
  const read = await gracesOf(
    db,
    unknown.map((c) => c.check.id),
  );
  for (const [id, grace] of read) graces.set(id, grace);
  return graces;
}

/** Writes one flip per change and its notifications; returns the events written. */
export async function recordChanges(
  db: Queryable,
  given: StatusChange[],
  at: Date,
  globalSlack: boolean,
): Promise<AlertEvent[]> {
  if (given.length === 0) return [];
  const changes = await holdSilenced(db, given, at);
  const flipIds = await insertFlips(
    db,
    changes.map((c) => ({ checkId: c.check.id, at, from: c.from, to: c.to, reason: c.reason })),
  );
  const graces = await knownGraces(db, changes);
  const events: AlertEvent[] = changes.map((c) => ({
    kind: c.to,
    check: c.check,
    flipId: flipIds.get(c.check.id)!,
    at: at.toISOString(),
    lastPingAt: c.lastPingAt?.toISOString() ?? null,
    expectedAt: c.expectedAt?.toISOString() ?? null,
    ...(c.expectedAt && graces.has(c.check.id) ? { grace: graces.get(c.check.id)! } : {}),
    ...extras(c),
  }));
  const sent = events.filter((_, i) => !changes[i]!.silent);
  await insertNotifications(db, sent, at, globalSlack);
  for (const kind of ['down', 'up'] as const)
    await markAlerted(
      db,
      sent.filter((e) => e.kind === kind).map((e) => e.check.id),
      kind,
      at,
    );
  await endFailStreaks(
    db,
    changes.filter((c) => c.to === 'up' && c.failStreak !== 0).map((c) => c.check.id),
  );
  return events;
}

/**
 * An alert without a status change (a threshold reached while the check already was down
 * or up, or the down alert a maintenance window held back): it goes out with the check's
 * latest flip of that kind, which receivers already key it by.
 */
export async function recordPolicyAlert(
  db: Queryable,
  change: StatusChange,
  at: Date,
  globalSlack: boolean,
  repeat?: number,
): Promise<boolean> {
  const flip = await latestFlip(db, change.check.id, change.to);
  if (!flip) return false;
  if (change.to === 'down' && repeat === undefined) {
    const [held] = await holdSilenced(db, [change], at);
    if (held!.silent) return false;
  }
  const graces = await knownGraces(db, [change]);
  const event: AlertEvent = {
    kind: change.to,
    check: change.check,
    flipId: flip.id,
    at: (repeat === undefined ? at : flip.at).toISOString(),
    lastPingAt: change.lastPingAt?.toISOString() ?? null,
    expectedAt: change.expectedAt?.toISOString() ?? null,
    ...(graces.has(change.check.id) ? { grace: graces.get(change.check.id)! } : {}),
    ...extras(change),
    ...(repeat !== undefined ? { repeat } : {}),
  };
  await insertNotifications(db, [event], at, globalSlack);
  if (repeat === undefined) await markAlerted(db, [change.check.id], change.to, at);
  return true;
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
  grace: number,
): Promise<void> {
  const wasHeldBack = await clearSuppression(db, check.id);
  // A check whose down alert never went out (below its failure threshold, in maintenance,
  // held by its gateway) recovers without a "back online" nobody was told it needed.
  const owed = await alertedDown(db, check.id);
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
        silent: wasHeldBack || !owed,
        grace,
        // A check-in's success ended the streak in its own counters (applyPing).
        failStreak: 0,
      },
    ],
    at,
    globalSlack,
  );
  const released = await releaseHeldBack(db, check.id);
  await markAlerted(
    db,
    released.map((j) => j.id),
    'down',
    at,
  );
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
