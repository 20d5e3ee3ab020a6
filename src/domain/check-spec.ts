// Validation of a check's schedule and names as operators give them (CLI now, API later).
import type { GracePolicy } from './schedule.js';
import { cronError, cronInterval } from './cron.js';
import { scheduleDeadline, type Status } from './ping.js';
import { MAX_PERIOD_SECONDS, graceFor } from './schedule.js';
import { SLUG } from './patterns.js';
import { nameError, parseEmails } from './text.js';

export interface ScheduleSpec {
  kind: 'simple' | 'cron';
  period: number | null;
  cron: string | null;
  tz: string;
  grace: number;
}

export interface ScheduleInput {
  period?: string;
  cron?: string;
  tz?: string;
  grace?: string;
}

function seconds(field: string, raw: string, min: number): number | string {
  if (!/^\d{1,9}$/.test(raw) || Number(raw) < min || Number(raw) > MAX_PERIOD_SECONDS) {
    return `${field} must be a whole number of seconds from ${min} to ${MAX_PERIOD_SECONDS} (got ${JSON.stringify(raw)})`;
  }
  return Number(raw);
}

/**
 * A schedule from operator input, or a message saying what is wrong. Without a grace, the
 * grace is the gocron check-in's (graceFor, COMPAT 10: a share of the period, clamped) of
 * the period, or of the shortest gap between a cron schedule's runs: one rule for every
 * check (the CLI gave 3,600 s to a 60 s period that a gocron check-in gave 60 s).
 */
export function parseSchedule(
  i: ScheduleInput,
  defaults: { period: number; grace: GracePolicy },
  now: Date,
): ScheduleSpec | string {
  if (i.period !== undefined && i.cron !== undefined)
    return 'give either a period or a cron schedule, not both';
  const given = i.grace === undefined ? undefined : seconds('grace', i.grace, 60);
  if (typeof given === 'string') return given;
  if (i.cron !== undefined) {
    const tz = i.tz ?? 'UTC';
    const error = cronError(i.cron, tz);
    if (error) return error;
    const cron = i.cron.trim().split(/\s+/).join(' ');
    const gap = cronInterval({ expression: cron, timezone: tz }, now);
    return { kind: 'cron', period: null, cron, tz, grace: given ?? graceFor(gap, defaults.grace) };
  }
  if (i.tz !== undefined) return 'tz applies to cron schedules only';
  const period = i.period === undefined ? defaults.period : seconds('period', i.period, 60);
  if (typeof period === 'string') return period;
  const grace = given ?? graceFor(period, defaults.grace);
  return { kind: 'simple', period, cron: null, tz: 'UTC', grace };
}

export function checkNamesError(
  account: string,
  name: string,
  slug?: string,
  email?: string,
): string | undefined {
  const bad = nameError('account', account) ?? nameError('name', name);
  if (bad) return bad;
  if (slug !== undefined && !SLUG.test(slug))
    return `slug must be 1-200 lowercase letters, digits, "-" and "_" (got ${JSON.stringify(slug)})`;
  if (email !== undefined) {
    const parsed = parseEmails('email', email);
    if ('error' in parsed) return parsed.error;
  }
  return undefined;
}

/**
 * The stored deadline of a check whose schedule changes (CLI `check schedule`, API update):
 * an up check between runs is now expected by its new schedule, counted from its last
 * ping; any other check keeps its deadline (a running check must still finish within the
 * grace it started with; new, down and paused checks expect nothing).
 */
export function deadlineAfterScheduleChange(
  check: {
    status: Status;
    lastPingAt: Date | null;
    startedAt: Date | null;
    nextDeadline: Date | null;
  },
  schedule: ScheduleSpec,
): Date | null {
  return check.status === 'up' && check.lastPingAt && !check.startedAt
    ? scheduleDeadline(schedule, check.lastPingAt)
    : check.nextDeadline;
}
