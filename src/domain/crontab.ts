// The crontab line the dashboard offers to copy for a check. Pure.
import type { ShapeCheck } from './api-shapes.js';

/** A five-field cron expression for a period cron can express; undefined otherwise. */
export function periodCron(seconds: number): string | undefined {
  const minutes = seconds / 60;
  const hours = seconds / 3600;
  if (minutes === 1) return '* * * * *';
  if (Number.isInteger(minutes) && minutes < 60 && 60 % minutes === 0)
    return `*/${minutes} * * * *`;
  if (hours === 1) return '0 * * * *';
  if (Number.isInteger(hours) && hours < 24 && 24 % hours === 0) return `0 */${hours} * * *`;
  if (seconds === 86_400) return '0 0 * * *';
  if (seconds === 604_800) return '0 0 * * 0';
  return undefined;
}

/**
 * "*\/5 * * * * /path/to/job.sh; curl … <ping URL>/$?": the exit status goes with the ping,
 * so a failing run alerts at once rather than at its deadline. A schedule cron cannot
 * express, or a time zone other than UTC, gets a comment saying so.
 */
export function crontabLine(
  c: Pick<ShapeCheck, 'kind' | 'period' | 'cron' | 'tz'>,
  pingUrl: string,
): string {
  const command = `/path/to/job.sh; curl -fsS -m 10 --retry 5 -o /dev/null ${pingUrl}/$?`;
  const when = c.kind === 'cron' && c.cron ? c.cron : periodCron(c.period ?? 86_400);
  if (!when) return `# every ${c.period} s: schedule it, then run\n${command}`;
  const line = `${when} ${command}`;
  return c.kind === 'cron' && c.tz !== 'UTC' ? `CRON_TZ=${c.tz}\n${line}` : line;
}
