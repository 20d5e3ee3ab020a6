// A job's schedule in words for the dashboard (issue 13): the check's words for cron and
// periods (describe.ts), "once at …" for a one-off, and the window when it has one. Pure.
import { absolute, everyPeriod, scheduleWords } from './describe.js';
import type { JobSchedule, JobWindow } from './job-schedule.js';

export function jobScheduleWords(s: JobSchedule, w: JobWindow = {}): string {
  const words =
    s.kind === 'cron'
      ? scheduleWords({ kind: 'cron', cron: s.cron, tz: s.tz, period: null })
      : s.kind === 'every'
        ? everyPeriod(s.seconds)
        : `once, at ${absolute(s.at)}`;
  const from = w.start ? `, from ${absolute(w.start)}` : '';
  const until = w.end ? `, until ${absolute(w.end)}` : '';
  return `${words}${from}${until}`;
}
