import { sendSummary } from '../back/summary.js';
import type { Config } from '../config.js';
import { missedJobs } from '../db/summary.js';
import { gocronSummary, summaryJson, summaryTable } from '../domain/summary.js';
import { createTransports } from '../notify/transports.js';
import { accountIdOrUsage, UsageError, withPool } from './runtime.js';

export interface SummaryOptions {
  account?: string;
  json?: boolean;
  format?: string;
  send?: boolean;
  verbose?: boolean;
}

const FORMATS = ['table', 'json', 'gocron'];

/**
 * `cronwatch summary`: the jobs missed now. A table for people (colours on a terminal only),
 * --json for scripts, --format gocron for gocron's exact text (COMPAT 15); --send (gocron's
 * --verbose) also posts it to the global channels (COMPAT 16).
 */
export async function summaryCommand(opts: SummaryOptions): Promise<void> {
  const format = opts.json ? 'json' : (opts.format ?? 'table');
  if (!FORMATS.includes(format))
    throw new UsageError(`--format must be one of ${FORMATS.join(', ')} (got "${format}")`);
  await withPool(async (pool, config) => {
    if (opts.account !== undefined) await accountIdOrUsage(pool, opts.account);
    const jobs = await missedJobs(pool, opts.account);
    const now = new Date();
    const text =
      format === 'json'
        ? JSON.stringify(summaryJson(jobs, now), null, 2) + '\n'
        : format === 'gocron'
          ? gocronSummary(jobs)
          : summaryTable(jobs, now, Boolean(process.stdout.isTTY));
    process.stdout.write(text);
    if (opts.send || opts.verbose) {
      const body = format === 'table' ? summaryTable(jobs, now, false) : text;
      const subject = `cronwatch summary: ${jobs.length} missed job${jobs.length === 1 ? '' : 's'}`;
      await send(config, { subject, body });
    }
  });
}

/**
 * Posts the summary to the global channels. None configured is a warning, not a failure:
 * gocron's crontab line (`--summary --verbose`) would otherwise mail an error every week on
 * a host that only wants the table. A configured channel that fails is exit 1.
 */
async function send(config: Config, text: { subject: string; body: string }): Promise<void> {
  if (!config.slack && config.summary.emails.length === 0) {
    process.stderr.write(
      'cronwatch: warning: the summary was not sent: no channel is configured ' +
        '(set SLACK_WEBHOOK_URL and/or SUMMARY_EMAIL)\n',
    );
    return;
  }
  const transports = createTransports(config);
  try {
    const sentTo = await sendSummary(config, transports, text);
    process.stderr.write(`summary sent to ${sentTo.join(' and ')}\n`);
  } finally {
    for (const t of Object.values(transports)) t.close?.();
  }
}
