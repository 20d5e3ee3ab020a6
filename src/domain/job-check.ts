// The check that watches a recurring job (issue 12, semantics item 6): same schedule, a
// grace long enough for one attempt, a name that cannot clash with the account's checks.
import type { GracePolicy } from './schedule.js';
import { periodMs, type JobSchedule } from './job-schedule.js';
import { graceFor } from './schedule.js';

export interface JobCheckSpec {
  name: string;
  kind: 'simple' | 'cron';
  period: number | null;
  cron: string | null;
  tz: string;
  grace: number;
}

/** undefined for a one-off job: it has no check (a dead one-off alerts the account). */
export function jobCheckSpec(
  name: string,
  uuid: string,
  s: JobSchedule,
  first: Date,
  timeoutMs: number,
  policy: GracePolicy,
): JobCheckSpec | undefined {
  if (s.kind === 'once') return undefined;
  const period = Math.max(1, Math.round((periodMs(s, first) ?? 86_400_000) / 1000));
  // A run may take its whole timeout before its success ping: the grace covers it.
  const grace = Math.max(graceFor(period, policy), Math.ceil(timeoutMs / 1000) + 10);
  return {
    // The job's uuid keeps the name unique in the account (checks' names are).
    name: `job ${name.slice(0, 150)} ${uuid.slice(0, 8)}`,
    kind: s.kind === 'cron' ? 'cron' : 'simple',
    period: s.kind === 'every' ? s.seconds : null,
    cron: s.kind === 'cron' ? s.cron : null,
    tz: s.kind === 'cron' ? s.tz : 'UTC',
    grace,
  };
}
