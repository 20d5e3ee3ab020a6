import { sendSummary } from '../back/summary.js';
import { openDatabase } from '../db/connect.js';
import { createPool } from '../db/pool.js';
import { missedJobs } from '../db/summary.js';
import { gocronSummary, summaryJson, summaryTable } from '../domain/summary.js';
import { createTransports } from '../notify/transports.js';
import { configOrExit } from './runtime.js';

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
    throw new Error(`--format must be one of ${FORMATS.join(', ')} (got "${format}")`);
  const config = configOrExit();
  const database = await openDatabase(config);
  const pool = createPool(database.url, 2, () => undefined);
  try {
    let jobs;
    try {
      jobs = await missedJobs(pool, opts.account);
    } catch (err) {
      throw new Error(
        `cannot read from the database (${database.describe}): ${(err as Error).message}`,
        { cause: err },
      );
    }
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
      const transports = createTransports(config);
      const subject = `cronwatch summary: ${jobs.length} missed job${jobs.length === 1 ? '' : 's'}`;
      const sentTo = await sendSummary(config, transports, { subject, body });
      process.stderr.write(`summary sent to ${sentTo.join(' and ')}\n`);
      for (const t of Object.values(transports)) t.close?.();
    }
  } finally {
    await pool.end();
    await database.stop();
  }
}
