// Words for the dashboard: schedules, durations, times relative to now. Pure.
import cronstrue from 'cronstrue';
import type { ShapeCheck } from './api-shapes.js';
import { duration } from './summary.js';

function unitCount(n: number, unit: string): string {
  return n === 1 ? unit : `${n} ${unit}s`;
}

/** "every 5 minutes", "every day", "every 90 seconds". */
export function everyPeriod(seconds: number): string {
  if (seconds % 86_400 === 0) return `every ${unitCount(seconds / 86_400, 'day')}`;
  if (seconds % 3600 === 0) return `every ${unitCount(seconds / 3600, 'hour')}`;
  if (seconds % 60 === 0) return `every ${unitCount(seconds / 60, 'minute')}`;
  return `every ${unitCount(seconds, 'second')}`;
}

/**
 * The schedule in plain English: cronstrue for cron expressions (with the time zone when it
 * is not UTC), the period otherwise. An expression cronstrue cannot read is shown as is.
 */
export function scheduleWords(c: Pick<ShapeCheck, 'kind' | 'period' | 'cron' | 'tz'>): string {
  if (c.kind === 'cron' && c.cron) {
    let words: string;
    try {
      words = cronstrue.toString(c.cron, { use24HourTimeFormat: true });
    } catch {
      words = c.cron;
    }
    return c.tz === 'UTC' ? words : `${words} (${c.tz})`;
  }
  return everyPeriod(c.period ?? 86_400);
}

/** "3 min ago", "in 2 h", "just now". */
export function relative(at: Date, now: Date): string {
  const s = (at.getTime() - now.getTime()) / 1000;
  if (Math.abs(s) < 5) return 'just now';
  return s < 0 ? `${duration(-s)} ago` : `in ${duration(s)}`;
}

/** A run's duration: "850 ms", "12.3 s", then the short units. */
export function runDuration(seconds: number): string {
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  return duration(seconds);
}

/** "2026-11-23 17:25:16 UTC": what a title attribute shows beside a relative time. */
export function absolute(at: Date): string {
  return at.toISOString().slice(0, 19).replace('T', ' ') + ' UTC';
}
