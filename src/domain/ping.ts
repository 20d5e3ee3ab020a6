// What a healthchecks-style ping does to a check. Pure: the check's state and the ping in,
// the new state and any status change out.
import { cronDeadline } from './cron.js';
import { limitsOf, thresholdsOf, type PingPolicyFields } from './policy-ping.js';
import { runDeadline, runtimeFailure } from './policy-runtime.js';
import { countFailure, countSuccess, streaksChanged, type Streaks } from './policy-threshold.js';
import { nextDeadline } from './schedule.js';

export type Status = 'new' | 'up' | 'late' | 'down' | 'paused';
export type PingKind = 'success' | 'start' | 'fail' | 'log';

export interface PingCheck extends PingPolicyFields {
  status: Status;
  kind: 'simple' | 'cron';
  period: number | null;
  cron: string | null;
  tz: string;
  grace: number;
  startedAt: Date | null;
  runId: string | null;
  nextDeadline: Date | null;
  /** healthchecks' manual_resume: while paused, pings are recorded but change nothing. */
  manualResume: boolean;
}

export interface Ping {
  kind: PingKind;
  exitStatus: number | null;
  rid: string | null;
  now: Date;
  /** When the run this ping finishes started (the paired start), if known. */
  runStartedAt: Date | null;
}

export interface PingOutcome {
  status: Status;
  nextDeadline: Date | null;
  startedAt: Date | null;
  runId: string | null;
  /** Whether this ping counts as the check's last ping (log pings do not). */
  touchesLastPing: boolean;
  /** Seconds from the paired start, for finishing pings. No cap: a run may take days. */
  duration: number | null;
  flip?: PingFlip;
  /** The alert policies' counters after this ping, when they changed (to be stored). */
  streaks?: Streaks;
  /** An alert without a status change: a threshold reached while the status already was. */
  alertOnly?: 'down' | 'up';
  /** Why the run failed, for a down alertOnly. */
  alertReason?: string;
}

export interface PingFlip {
  from: Status;
  to: 'up' | 'down';
  reason: string;
  /** Whether it is news: alerts go out. */
  alert: boolean;
}

/**
 * The flip of a check-in that succeeded on a check in status `from`, if any. As healthchecks:
 * every change to up is recorded (the first success too: new → up, and paused → up), but
 * only a recovery from down alerts; new → up and paused → up are not news.
 */
export function upFlip(from: Status): PingFlip | undefined {
  if (from === 'up' || from === 'late') return undefined;
  const reason = from === 'down' ? 'ping' : from === 'new' ? 'first ping' : 'ping resumed it';
  return { from, to: 'up', reason, alert: from === 'down' };
}

/** When a check that finished a run at `now` becomes missed, by its schedule. */
export function scheduleDeadline(
  c: Pick<PingCheck, 'kind' | 'period' | 'cron' | 'tz' | 'grace'>,
  now: Date,
): Date | null {
  if (c.kind === 'cron' && c.cron)
    return cronDeadline({ expression: c.cron, timezone: c.tz }, now, c.grace) ?? null;
  return nextDeadline(now, c.period ?? 86_400, c.grace);
}

export function applyPing(c: PingCheck, p: Ping): PingOutcome {
  const same = {
    status: c.status,
    nextDeadline: c.nextDeadline,
    startedAt: c.startedAt,
    runId: c.runId,
    touchesLastPing: false,
    duration: null,
  };
  if (p.kind === 'log' || (c.status === 'paused' && c.manualResume)) return same;

  if (p.kind === 'start') {
    return {
      ...same,
      startedAt: p.now,
      runId: p.rid,
      // A started run must finish within the grace (its longest runtime). A check that is
      // down or paused stays out of the sweep: it is not expected.
      nextDeadline:
        c.status === 'down' || c.status === 'paused'
          ? c.nextDeadline
          : runDeadline(p.now, c.grace, limitsOf(c)),
    };
  }

  const duration = p.runStartedAt ? (p.now.getTime() - p.runStartedAt.getTime()) / 1000 : null;
  // A finish of another run (rid differs) leaves the current run open.
  const closesRun = p.rid === null || p.rid === c.runId;
  const run = closesRun
    ? { startedAt: null, runId: null }
    : { startedAt: c.startedAt, runId: c.runId };
  const reported = p.kind === 'fail' || (p.exitStatus !== null && p.exitStatus !== 0);
  const slow = reported ? undefined : runtimeFailure(duration, limitsOf(c));

  if (reported || slow) {
    const reason =
      slow ?? (p.exitStatus !== null ? `exit status ${p.exitStatus}` : 'failure reported');
    const v = countFailure(thresholdsOf(c));
    return {
      status: 'down',
      // Below the failure threshold the next run is still expected: its miss counts too.
      nextDeadline: v.streaks.alertedDown ? null : scheduleDeadline(c, p.now),
      ...run,
      touchesLastPing: true,
      duration,
      ...policyOutcome(c, v.streaks, v.alert, c.status === 'down'),
      ...(v.alert && c.status === 'down' ? { alertReason: reason } : {}),
      ...(c.status !== 'down'
        ? { flip: { from: c.status, to: 'down' as const, reason, alert: v.alert === 'down' } }
        : {}),
    };
  }
  const v = countSuccess(thresholdsOf(c));
  const up = upFlip(c.status);
  const flip = up && { ...up, alert: v.alert === 'up' };
  return {
    status: 'up',
    nextDeadline: scheduleDeadline(c, p.now),
    ...run,
    touchesLastPing: true,
    duration,
    ...policyOutcome(c, v.streaks, v.alert, !flip),
    ...(flip ? { flip } : {}),
  };
}

/** The counters to store when they changed, and an alert that comes without a flip. */
function policyOutcome(
  c: PingCheck,
  streaks: Streaks,
  alert: 'down' | 'up' | undefined,
  noFlip: boolean,
): Pick<PingOutcome, 'streaks' | 'alertOnly'> {
  return {
    ...(streaksChanged(thresholdsOf(c), streaks) ? { streaks } : {}),
    ...(alert && noFlip ? { alertOnly: alert } : {}),
  };
}

/** Schedule of a check created by a slug ping with ?create=1: healthchecks' defaults. */
export const AUTO_PERIOD = 86_400;
export const AUTO_GRACE = 3_600;
