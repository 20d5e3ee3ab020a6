// What a back does with a tick it claims late, after downtime or a pause (issue 12, run
// policy "catch-up"). The chain of ticks stays one row ahead, so after an hour down a job
// has one pending tick an hour old: this decides whether it runs, which scheduled times in
// between are recorded as missed, and which tick comes next.
import { nextTick, periodMs, type JobSchedule, type JobWindow } from './job-schedule.js';

export type CatchUp = 'none' | 'latest' | 'all';
export const CATCH_UPS: readonly CatchUp[] = ['none', 'latest', 'all'];
/** `all` runs at most this many of the missed times (the newest). */
export const MAX_CATCH_UP = 100;
/**
 * `all` runs its missed times one after another, this far apart (per job): 100 of them
 * fired at once would hit the target with a burst it never sees on schedule.
 */
export const CATCH_UP_SPACING_MS = 1000;
/** Scheduled times looked at per claim; beyond, the schedule skips ahead to the deadline. */
const MAX_STEPS = 1000;
const HOUR_MS = 3_600_000;

/**
 * How late a tick may start. Given, or by default the smaller of the period and 1 h; `all`
 * defaults to 1 h, or it could never run more than one missed time.
 */
export function startingDeadlineMs(
  s: JobSchedule,
  scheduledFor: Date,
  policy: CatchUp,
  givenSeconds: number | undefined,
): number {
  if (givenSeconds !== undefined) return givenSeconds * 1000;
  if (policy === 'all') return HOUR_MS;
  return Math.min(periodMs(s, scheduledFor) ?? HOUR_MS, HOUR_MS);
}

export interface CatchUpDecision {
  /** Run the claimed tick; otherwise it is recorded as missed. */
  run: boolean;
  /** Scheduled times after the claimed one to record as missed. */
  missed: Date[];
  /** The next tick of the chain, or undefined when the schedule has ended. */
  next: Date | undefined;
}

/** The scheduled times after `tick` up to `now`, and the first one after `now`. */
function dueAfter(
  s: JobSchedule,
  w: JobWindow,
  tick: Date,
  now: Date,
  deadlineMs: number,
): { due: Date[]; after: Date | undefined } {
  const due: Date[] = [];
  let t = nextTick(s, w, tick);
  while (t && t.getTime() <= now.getTime()) {
    if (due.length === MAX_STEPS) {
      // Days of a per-second schedule: keep the newest times, jump to the deadline window.
      const from = new Date(now.getTime() - deadlineMs - 1);
      if (t.getTime() < from.getTime()) t = nextTick(s, w, skip(s, t, from));
      due.splice(0, due.length - MAX_CATCH_UP);
      if (!t || t.getTime() > now.getTime()) break;
    }
    due.push(t);
    t = nextTick(s, w, t);
  }
  return { due, after: t };
}

/** The last scheduled time before `from`, as a base for nextTick (every: arithmetic). */
function skip(s: JobSchedule, t: Date, from: Date): Date {
  if (s.kind !== 'every') return from;
  const p = s.seconds * 1000;
  return new Date(t.getTime() + Math.floor((from.getTime() - t.getTime()) / p) * p);
}

export function catchUp(
  s: JobSchedule,
  w: JobWindow,
  policy: CatchUp,
  deadlineMs: number,
  tick: Date,
  now: Date,
): CatchUpDecision {
  const late = (t: Date) => now.getTime() - t.getTime() > deadlineMs;
  const { due, after } = dueAfter(s, w, tick, now, deadlineMs);
  if (due.length === 0) return { run: !late(tick), missed: [], next: after };
  if (policy === 'none') return { run: !late(tick), missed: due, next: after };
  if (policy === 'latest') return { run: false, missed: due.slice(0, -1), next: due.at(-1) };
  // The newest MAX_CATCH_UP times within the deadline run, the claimed one included.
  const keep = [tick, ...due].filter((t) => !late(t)).slice(-MAX_CATCH_UP);
  const run = keep[0] === tick;
  const first = run ? keep[1] : keep[0];
  if (!first) return { run, missed: due, next: after };
  return { run, missed: due.filter((t) => t < first), next: first };
}

/**
 * When the next tick becomes due: its scheduled time, or, for a missed time that `all` runs
 * late, CATCH_UP_SPACING_MS after this claim (the catch-up runs are spread, not fired at
 * once). `latest` runs one late tick: at once.
 */
export function catchUpDueAt(policy: CatchUp, next: Date, now: Date): Date {
  if (policy !== 'all' || next.getTime() > now.getTime()) return next;
  return new Date(now.getTime() + CATCH_UP_SPACING_MS);
}
