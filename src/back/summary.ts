// The summary of missed jobs (`cronwatch summary --send`) and the weekly report, sent to the
// global channels: the Slack webhook (as gocron's --verbose did) and SUMMARY_EMAIL.
import { randomUUID } from 'node:crypto';
import { schedule, type ScheduledTask } from 'node-cron';
import type { Config } from '../config.js';
import type { Pool } from '../db/pool.js';
import { claimSummarySlot, finishSummarySlot, jobWeeks, missedJobs } from '../db/summary.js';
import type { AlertText } from '../domain/alert.js';
import { weeklyReport } from '../domain/summary.js';
import type { Transports } from '../notify/transports.js';
import type { BackDeps } from './deps.js';

const WEEK_MS = 7 * 86_400_000;

/** Sends `text` to every global channel; throws with every failure's reason if any failed. */
export async function sendSummary(
  config: Config,
  transports: Transports,
  text: AlertText,
): Promise<string[]> {
  const sends: [string, Promise<void>][] = [];
  const timeout = config.back.dispatchTimeoutMs;
  if (config.slack) {
    sends.push([
      'slack',
      transports.slack.send({ id: randomUUID(), target: { global: true }, text }, timeout),
    ]);
  }
  if (config.summary.emails.length) {
    const to = config.summary.emails.join(',');
    sends.push([
      'email',
      transports.email.send({ id: randomUUID(), target: { to }, text }, timeout),
    ]);
  }
  if (sends.length === 0)
    throw new Error('no channel to send to: set SLACK_WEBHOOK_URL and/or SUMMARY_EMAIL');
  const results = await Promise.allSettled(sends.map(([, p]) => p));
  const failures = results.flatMap((r, i) =>
    r.status === 'rejected' ? [`${sends[i]![0]}: ${(r.reason as Error).message}`] : [],
  );
  if (failures.length) throw new Error(failures.join('; '));
  return sends.map(([name]) => name);
}

export async function buildWeeklyReport(pool: Pool, now: Date): Promise<AlertText> {
  const start = new Date(now.getTime() - WEEK_MS);
  const [missed, weeks] = await Promise.all([
    missedJobs(pool, undefined),
    jobWeeks(pool, start, now),
  ]);
  return weeklyReport(missed, weeks, start, now);
}

/**
 * One scheduled firing: the instance that claims the minute's slot sends the report; the
 * others (several back instances fire together) skip.
 */
export async function weeklyReportOnce(
  deps: BackDeps,
  now: Date,
  instance: string,
): Promise<'sent' | 'skipped' | 'failed'> {
  const slot = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
  if (!(await claimSummarySlot(deps.pool, slot, instance, now))) return 'skipped';
  try {
    const report = await buildWeeklyReport(deps.pool, now);
    const sentTo = await sendSummary(deps.config, deps.transports, report);
    await finishSummarySlot(deps.pool, slot, deps.clock(), null);
    deps.logger.info({ sentTo }, 'weekly report sent');
    return 'sent';
  } catch (err) {
    await finishSummarySlot(deps.pool, slot, deps.clock(), (err as Error).message).catch(
      () => undefined,
    );
    deps.logger.error({ err }, 'weekly report failed');
    return 'failed';
  }
}

/** Schedules the weekly report with node-cron (SUMMARY_CRON in SUMMARY_TZ); none when off. */
export function scheduleWeeklyReport(deps: BackDeps, instance: string): ScheduledTask | undefined {
  const { cron, timezone } = deps.config.summary;
  if (!cron) return undefined;
  return schedule(cron, () => void weeklyReportOnce(deps, deps.clock(), instance), {
    timezone,
    name: 'weekly-report',
    noOverlap: true,
  });
}
