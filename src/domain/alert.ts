// What an alert says. COMPAT item 12: the first lines are gocron's texts, which people grep
// for; cronwatch adds the last check-in, the expected time and deadline, a failed job's
// output and the link to the check's page below them.
import { changeText } from './alert-change.js';
import { duration } from './summary.js';

export type AlertKind = 'down' | 'up';

/** Stored with each notification when its flip is written (the outbox payload). */
export interface AlertEvent {
  /** 'change': a job saw a change (page-change); not a status change, so no flip (flipId 0). */
  kind: AlertKind | 'change';
  check: { id: number; uuid: string; name: string; account: string };
  flipId: number;
  /** When the flip was recorded (ISO 8601). */
  at: string;
  lastPingAt: string | null;
  /**
   * For a down alert, the deadline that passed; for an up alert, the next one. A deadline
   * includes the grace: the time the job is expected at is `grace` seconds earlier.
   */
  expectedAt: string | null;
  /** The check's grace in seconds when the flip was written (absent in older payloads). */
  grace?: number;
  /** Jobs behind a gateway that missed too (gocron site=1), listed in the gateway's alert. */
  behind?: string[];
  /** The job reported a failure (a /fail ping or a non-zero exit status), rather than missing. */
  failure?: string;
  /** The exit status of the failing run, when the failure came as an exit-code ping. */
  exitStatus?: number;
  /** The start of the failing ping's body (the job's output), at most OUTPUT_BYTES. */
  output?: string;
  /** The body was longer than `output`. */
  outputCut?: boolean;
  /** The text of a 'change' alert (alert-change.ts). */
  change?: { subject: string; text: string };
  /** Seconds the failing run took (from its start ping), when known. */
  duration?: number;
  /** A repeat of the down alert while the check stays down (1 = the first repeat). */
  repeat?: number;
  /** Why the sweep found the check due, when it is not a plain miss ("running too long"). */
  overdue?: string;
  /** Children (checks depending on this one) whose misses were folded into this alert. */
  dependents?: string[];
  /** A one-off job's dead run stands where a check would: the link opens the job's page. */
  page?: 'job';
}

export interface AlertText {
  subject: string;
  body: string;
  /** The check's page on the dashboard, when PUBLIC_URL is set. */
  url?: string;
}

const MAX_LISTED = 50;
/** How much of a failing job's output an alert carries: enough for the error, not a log. */
export const OUTPUT_BYTES = 2048;
/** domain/ping.ts's reason for a /fail ping: it says nothing the first line does not. */
const FAIL_PING_REASON = 'failure reported';

/** The dashboard page of a check: what the link at the end of every alert opens. */
export function checkPageUrl(publicUrl: string, uuid: string): string {
  return `${publicUrl}/dashboard/checks/${uuid}`;
}

/** The page an alert's link opens: its check's, or its job's (a one-off job has no check). */
function alertPageUrl(publicUrl: string, e: AlertEvent): string {
  return e.page === 'job'
    ? `${publicUrl}/dashboard/jobs/${e.check.uuid}`
    : checkPageUrl(publicUrl, e.check.uuid);
}

/**
 * The first OUTPUT_BYTES bytes of a failing ping's body, cut on a character boundary (a
 * split character would end the alert in U+FFFD). Nothing for an empty body.
 */
export function outputExcerpt(
  body: string | null | undefined,
): Pick<AlertEvent, 'output' | 'outputCut'> {
  if (!body) return {};
  const bytes = Buffer.from(body, 'utf8');
  if (bytes.length <= OUTPUT_BYTES) return { output: body };
  let end = OUTPUT_BYTES;
  // Back off continuation bytes (10xxxxxx) to the start of the character that was split.
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return { output: bytes.subarray(0, end).toString('utf8'), outputCut: true };
}

/** "Expected at" (deadline − grace) and "Deadline" lines; the deadline alone without a grace. */
function whenLines(expectedLabel: string, deadline: string, grace: number | undefined): string[] {
  if (grace === undefined) return [`Deadline:      ${deadline}`];
  const expected = new Date(Date.parse(deadline) - grace * 1000).toISOString();
  return [
    `${expectedLabel.padEnd(14)} ${expected}`,
    `Deadline:      ${deadline} (expected time + ${duration(grace)} grace)`,
  ];
}

function outputLines(e: AlertEvent): string[] {
  if (e.output === undefined) return [];
  const text = e.output.replace(/\r\n?/g, '\n').replace(/\n+$/, '');
  const lines = ['', `Output (${e.outputCut ? `first ${OUTPUT_BYTES / 1024} kB` : 'all of it'}):`];
  // Indented, so nothing the job printed reads as a line of cronwatch's own.
  for (const line of text.split('\n')) lines.push(`    ${line}`);
  if (e.outputCut) lines.push('    […]');
  return lines;
}

function behindLines(e: AlertEvent): string[] {
  if (!e.behind?.length) return [];
  const n = e.behind.length;
  const lines = [
    '',
    `Gateway ${e.check.name} down; ${n} job${n === 1 ? '' : 's'} behind it ha${n === 1 ? 's' : 've'} also missed:`,
  ];
  // A long list would bury the message; the count above is the news.
  for (const job of e.behind.slice(0, MAX_LISTED)) lines.push(`  - ${job}`);
  if (n > MAX_LISTED) lines.push(`  … and ${n - MAX_LISTED} more`);
  return lines;
}

function dependentLines(e: AlertEvent): string[] {
  if (!e.dependents?.length) return [];
  const n = e.dependents.length;
  const lines = ['', `${n} check${n === 1 ? '' : 's'} depending on ${e.check.name} also down:`];
  for (const name of e.dependents.slice(0, MAX_LISTED)) lines.push(`  - ${name}`);
  if (n > MAX_LISTED) lines.push(`  … and ${n - MAX_LISTED} more`);
  return lines;
}

/** Exact below two minutes (a run that should take 30 s and took 2 is the news). */
function runDuration(seconds: number): string {
  return seconds < 120 ? `${Math.round(seconds * 1000) / 1000} s` : duration(seconds);
}

export function alertText(e: AlertEvent, publicUrl?: string): AlertText {
  if (e.kind === 'change') return changeText(e, publicUrl);
  const { name, account } = e.check;
  const lines: string[] = [];
  let subject: string;
  if (e.kind === 'down' && e.failure) {
    subject = `${name}: ${account} failed`;
    const why =
      e.exitStatus !== undefined
        ? ` (exit status ${e.exitStatus})`
        : e.failure === FAIL_PING_REASON
          ? ''
          : ` (${e.failure})`;
    lines.push(`The cronjob ${name} for account ${account} reported a failure${why}`);
    lines.push('');
    lines.push(`Reported at: ${e.at}`);
    if (e.exitStatus !== undefined) lines.push(`Exit status: ${e.exitStatus}`);
    if (e.duration !== undefined) lines.push(`Run duration: ${runDuration(e.duration)}`);
    lines.push(...outputLines(e));
  } else if (e.kind === 'down') {
    subject = `${name}: ${account} failed to check in`;
    lines.push(`The cronjob ${name} for account ${account} has not checked in on time`);
    lines.push('');
    if (e.overdue) lines.push(`Reason:        ${e.overdue}`);
    lines.push(`Last check-in: ${e.lastPingAt ?? 'never'}`);
    if (e.expectedAt) lines.push(...whenLines('Expected at:', e.expectedAt, e.grace));
  } else {
    subject = `${name}: ${account} is back online`;
    lines.push(`The cronjob ${name} for account ${account} is back online`);
    lines.push('');
    lines.push(`Checked in at: ${e.lastPingAt ?? e.at}`);
    if (e.expectedAt) lines.push(...whenLines('Next expected:', e.expectedAt, e.grace));
  }
  if (e.repeat !== undefined)
    lines.push('', `Reminder ${e.repeat}: still down since ${e.at} (not acknowledged).`);
  lines.push(...behindLines(e), ...dependentLines(e));
  if (!publicUrl) return { subject, body: lines.join('\n') };
  const url = alertPageUrl(publicUrl, e);
  lines.push('', url);
  return { subject, body: lines.join('\n'), url };
}
