// COMPAT item 17: rows of gocron's table mapped onto cronwatch checks. Pure: the command
// reads the rows and writes the plans.
import { isIP } from 'node:net';
import { MAX_PERIOD_SECONDS, graceFor, nextDeadline, type GracePolicy } from './schedule.js';
import { nameError, parseEmails } from './text.js';

/** One row of gocron(cronName, account, email, ipaddress, frequency, lastruntime, alerted, site). */
export interface GocronRow {
  cronname: string | null;
  account: string | null;
  email: string | null;
  ipaddress: string | null;
  frequency: number | null;
  lastruntime: number | null;
  alerted: boolean | null;
  site: boolean | null;
}

export interface ImportPlan {
  account: string;
  name: string;
  email: string | null;
  period: number;
  grace: number;
  site: boolean;
  address: string | null;
  lastPingAt: Date | null;
  /** gocron had alerted: the job is down already and must not alert again. */
  down: boolean;
  /** For an up job, when it becomes missed; for a down one, when it was missed. */
  deadline: Date | null;
}

export function planImport(row: GocronRow, grace: GracePolicy): ImportPlan | { skip: string } {
  const label = `${row.account ?? '?'}/${row.cronname ?? '?'}`;
  for (const field of ['cronname', 'account'] as const) {
    const value = row[field];
    if (value === null) return { skip: `${label}: no ${field}` };
    const error = nameError(field, value);
    if (error) return { skip: `${label}: ${error}` };
  }
  const f = row.frequency;
  // gocron stored 0 and negative frequencies, which then alerted for ever.
  if (f === null || !Number.isInteger(f) || f < 1 || f > MAX_PERIOD_SECONDS) {
    return { skip: `${label}: frequency ${f} is not 1-${MAX_PERIOD_SECONDS} seconds` };
  }
  let email: string | null = null;
  if (row.email && row.email.trim() !== '') {
    const parsed = parseEmails('email', row.email);
    // A bad address is dropped, not the job: monitoring without email beats no monitoring.
    email = 'emails' in parsed ? parsed.emails.join(',') : null;
  }
  const g = graceFor(f, grace);
  const lastPingAt =
    row.lastruntime && row.lastruntime > 0 ? new Date(row.lastruntime * 1000) : null;
  return {
    account: row.account!,
    name: row.cronname!,
    email,
    period: f,
    grace: g,
    site: row.site === true,
    // gocron stored "[" for IPv6 clients: keep only real addresses.
    address: row.ipaddress && isIP(row.ipaddress.trim()) ? row.ipaddress.trim() : null,
    lastPingAt,
    down: row.alerted === true,
    deadline: lastPingAt ? nextDeadline(lastPingAt, f, g) : null,
  };
}
