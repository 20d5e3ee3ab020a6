// What the sweep does with a check whose deadline passed, under its alert policies
// (issue 16). Pure.
import { scheduleDeadline, type PingCheck } from './ping.js';
import { limitsOf, thresholdsOf } from './policy-ping.js';
import { runningTooLong } from './policy-runtime.js';
import { countFailure, type Streaks } from './policy-threshold.js';

export type MissCheck = Pick<
  PingCheck,
  | 'status'
  | 'kind'
  | 'period'
  | 'cron'
  | 'tz'
  | 'grace'
  | 'startedAt'
  | 'failureThreshold'
  | 'successThreshold'
  | 'failStreak'
  | 'okStreak'
  | 'alertedDown'
  | 'minRuntime'
  | 'maxRuntime'
> & { deadline: Date };

export interface MissDecision {
  /** The status changes to down (a flip); false when it already was (a further miss). */
  flip: boolean;
  /** The failure threshold is reached: a down alert is due. */
  alert: boolean;
  /** Below the threshold the next run is still expected (its miss counts); else none. */
  nextDeadline: Date | null;
  streaks: Streaks;
  /** "running too long", when a started run passed its max_runtime. */
  overdue?: string;
}

export function missDecision(c: MissCheck, now: Date): MissDecision {
  const overdue = runningTooLong(c.startedAt, limitsOf(c), now);
  const v = countFailure(thresholdsOf(c));
  return {
    flip: c.status !== 'down',
    alert: v.alert === 'down',
    nextDeadline: v.streaks.alertedDown ? null : nextAfterMiss(c, now),
    streaks: v.streaks,
    ...(overdue ? { overdue } : {}),
  };
}

/**
 * The deadline of the run after the one missed: from the missed run's expected time (the
 * deadline less the grace), so a period check keeps its rhythm; never in the past.
 */
function nextAfterMiss(c: MissCheck, now: Date): Date | null {
  const expected = new Date(c.deadline.getTime() - c.grace * 1000);
  const next = scheduleDeadline(c, expected);
  if (next && next > now) return next;
  return scheduleDeadline(c, now);
}
