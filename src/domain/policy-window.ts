// Maintenance windows and snooze (issue 16): while a check is silenced, its misses are
// recorded (flips marked "in maintenance") but alert nobody; a check still down when the
// silence ends alerts then. A window recurs (cron expression + duration + IANA zone: the
// start follows the zone's wall clock across daylight-saving changes, as croner evaluates
// cron checks; the duration is elapsed time) or is one-off (from-to). Pure.
import { Cron } from 'croner';
import { cronError } from './cron.js';

export interface Window {
  cron: string | null;
  tz: string;
  /** Seconds, for a recurring window. */
  duration: number | null;
  startsAt: Date | null;
  endsAt: Date | null;
}

/** At most this many occurrences are walked (a window every minute lasting a day: 1,440). */
const MAX_STEPS = 10_000;
/** Back-to-back windows are chained at most this many times. */
const MAX_CHAIN = 100;

/** The end of the occurrence of `w` that `now` falls in (the latest, if several overlap). */
export function windowEnd(w: Window, now: Date): Date | null {
  if (w.cron === null || w.duration === null) {
    if (!w.startsAt || !w.endsAt) return null;
    return w.startsAt <= now && now < w.endsAt ? w.endsAt : null;
  }
  const ms = w.duration * 1000;
  const cron = new Cron(w.cron, { timezone: w.tz });
  // Occurrences that started in (now - duration, now] are the ones still open at `now`.
  let start = cron.nextRun(new Date(now.getTime() - ms));
  let latest: Date | null = null;
  for (let i = 0; start && start <= now && i < MAX_STEPS; i++) {
    latest = start;
    start = cron.nextRun(start);
  }
  return latest ? new Date(latest.getTime() + ms) : null;
}

/**
 * Until when a check is silenced at `now` (by a window or its snooze), following windows
 * that start when another ends; null when it is not.
 */
export function silencedUntil(
  windows: Window[],
  snoozedUntil: Date | null,
  now: Date,
): Date | null {
  let until: Date | null = snoozedUntil && snoozedUntil > now ? snoozedUntil : null;
  let at = now;
  for (let i = 0; i < MAX_CHAIN; i++) {
    let end: Date | null = null;
    for (const w of windows) {
      const e = windowEnd(w, at);
      if (e && (!end || e > end)) end = e;
    }
    if (until && until > at && (!end || until > end)) end = until;
    if (!end || end <= at) break;
    until = end;
    at = end;
  }
  return until;
}

/** A recurring window's settings as given, or a message naming the bad field. */
export function windowError(w: Window): string | undefined {
  if (w.cron !== null) {
    if (w.duration === null || !Number.isInteger(w.duration) || w.duration <= 0)
      return 'duration must be a whole number of seconds above 0';
    return cronError(w.cron, w.tz, 'cron');
  }
  if (!w.startsAt || !w.endsAt) return 'a window needs cron + duration, or from + to';
  if (w.endsAt <= w.startsAt) return 'to must be after from';
  return undefined;
}
