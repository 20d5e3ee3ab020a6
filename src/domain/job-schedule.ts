// When a job's ticks fall. A tick is computed from the previous tick's scheduled time, never
// from the clock: a back that runs late, or restarts, does not shift the schedule (issue 12,
// semantics item 2). Cron schedules use croner, whose daylight-saving rules are the ones the
// issue asks for (semantics item 5; test/domain/job-schedule.test.ts holds the vectors):
// a fixed time inside the spring gap runs at the first instant after the gap, a repeated
// fixed time runs once, and wildcard minutes or hours follow real time.
import { Cron } from 'croner';
import { cronError } from './cron.js';

export type JobSchedule =
  | { kind: 'cron'; cron: string; tz: string }
  | { kind: 'every'; seconds: number }
  /** `at`, and `after` resolved to an instant when the job is created. */
  | { kind: 'once'; at: Date };

export interface JobWindow {
  start?: Date;
  end?: Date;
}

export const CRON_NICKNAMES = ['@hourly', '@daily', '@weekly', '@monthly', '@yearly'];

/** undefined when valid, else a message for a 400 answer. */
export function jobCronError(expression: string, tz: string): string | undefined {
  if (CRON_NICKNAMES.includes(expression.trim())) return cronError('0 0 * * *', tz);
  return cronError(expression, tz);
}

function cron(s: { cron: string; tz: string }): Cron {
  return new Cron(s.cron.trim(), { timezone: s.tz });
}

function inWindow(at: Date | undefined, w: JobWindow): Date | undefined {
  if (!at || (w.end && at.getTime() > w.end.getTime())) return undefined;
  return at;
}

/** The tick after the one scheduled for `scheduledFor`, or undefined when there is none. */
export function nextTick(s: JobSchedule, w: JobWindow, scheduledFor: Date): Date | undefined {
  if (s.kind === 'once') return undefined;
  if (s.kind === 'every') return inWindow(new Date(scheduledFor.getTime() + s.seconds * 1000), w);
  return inWindow(cron(s).nextRun(scheduledFor) ?? undefined, w);
}

/** The first tick of a job created (or resumed into a fresh chain) at `now`. */
export function firstTick(s: JobSchedule, w: JobWindow, now: Date): Date | undefined {
  if (s.kind === 'once') return s.at;
  const from = w.start && w.start.getTime() > now.getTime() ? w.start : now;
  if (s.kind === 'every') {
    // A start in the future is the first tick; otherwise one period from now.
    const first = from === w.start ? from : new Date(now.getTime() + s.seconds * 1000);
    return inWindow(first, w);
  }
  // croner's nextRun is strictly after its argument: step back 1 ms so a start that falls
  // on a scheduled time keeps that time.
  return inWindow(cron(s).nextRun(new Date(from.getTime() - 1)) ?? undefined, w);
}

/** The gap after the tick at `scheduledFor` (undefined for a one-off): the period of the job. */
export function periodMs(s: JobSchedule, scheduledFor: Date): number | undefined {
  const next = nextTick(s, {}, scheduledFor);
  return next && next.getTime() - scheduledFor.getTime();
}
