// Cron schedules: a 5-field expression in an IANA time zone, evaluated with croner (which
// handles daylight-saving changes: a 02:30 job on a spring-forward night runs at 03:00, and
// once, not twice, on a fall-back night).
import { Cron } from 'croner';

export interface CronSchedule {
  expression: string;
  timezone: string;
}

/**
 * The `@` forms of crontab(5) and healthchecks, which croner reads (as "0 0 * * *" and so
 * on). `@reboot` is not a schedule: it stays refused.
 */
export const CRON_NICKNAMES = [
  '@yearly',
  '@annually',
  '@monthly',
  '@weekly',
  '@daily',
  '@midnight',
  '@hourly',
];

/**
 * undefined when valid, else a message for a 400 answer naming `field` (checks and jobs
 * call it `schedule`, maintenance windows `cron`): one rule, so a window cannot take the
 * 6-field expressions a check refuses.
 */
export function cronError(
  expression: string,
  timezone: string,
  field = 'schedule',
): string | undefined {
  const nickname = CRON_NICKNAMES.includes(expression.trim().toLowerCase());
  if (!nickname && expression.trim().split(/\s+/).length !== 5) {
    return `${field} must be a cron expression of 5 fields (minute hour day month weekday) or one of ${CRON_NICKNAMES.join(', ')}, got ${JSON.stringify(expression)}`;
  }
  try {
    new Intl.DateTimeFormat('en', { timeZone: timezone });
  } catch {
    return `tz ${JSON.stringify(timezone)} is not an IANA time zone (such as Europe/Berlin)`;
  }
  try {
    const next = new Cron(expression, { timezone }).nextRun(new Date());
    if (!next) return `${field} ${JSON.stringify(expression)} never runs`;
  } catch (err) {
    return `${field} ${JSON.stringify(expression)} is not valid: ${(err as Error).message.replace(/^CronPattern: /, '')}`;
  }
  return undefined;
}

function runsAfter(s: CronSchedule, after: Date, count: number): Date[] {
  return new Cron(s.expression, { timezone: s.timezone }).nextRuns(count, after);
}

/**
 * When a cron check that pinged at `now` becomes missed: the next expected run, plus grace.
 *
 * A ping shortly before a scheduled time counts for that run (a job started by a clock a
 * few seconds fast, or one that runs early on purpose). Without this, healthchecks users see
 * a check go down right after an early ping: its "next run" was the run it had just done.
 * "Shortly" is up to the grace, and never more than half the gap to the run after.
 */
export function cronDeadline(s: CronSchedule, now: Date, graceSeconds: number): Date | undefined {
  const [next, following] = runsAfter(s, now, 2);
  if (!next) return undefined;
  let expected = next;
  if (following) {
    const early = next.getTime() - now.getTime();
    if (early <= Math.min(graceSeconds * 1000, (following.getTime() - next.getTime()) / 2))
      expected = following;
  }
  return new Date(expected.getTime() + graceSeconds * 1000);
}

/**
 * The shortest gap, in seconds, between the next runs of a schedule (at most 10 of them):
 * the "period" a cron check's default grace is a share of.
 */
export function cronInterval(s: CronSchedule, now: Date): number {
  const runs = runsAfter(s, now, 10);
  let shortest = Infinity;
  for (let i = 1; i < runs.length; i++)
    shortest = Math.min(shortest, (runs[i]!.getTime() - runs[i - 1]!.getTime()) / 1000);
  return Number.isFinite(shortest) ? Math.round(shortest) : 0;
}
