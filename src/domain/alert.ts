// What an alert says. COMPAT item 12: the first lines are gocron's texts, which people grep
// for; cronwatch adds the last check-in and the expected time below them.

export type AlertKind = 'down' | 'up';

/** Stored with each notification when its flip is written (the outbox payload). */
export interface AlertEvent {
  kind: AlertKind;
  check: { id: number; uuid: string; name: string; account: string };
  flipId: number;
  /** When the flip was recorded (ISO 8601). */
  at: string;
  lastPingAt: string | null;
  /** For a down alert, the deadline that passed; for an up alert, the next one. */
  expectedAt: string | null;
  /** Jobs behind a gateway that missed too (gocron site=1), listed in the gateway's alert. */
  behind?: string[];
  /** The job reported a failure (a /fail ping or a non-zero exit status), rather than missing. */
  failure?: string;
}

export interface AlertText {
  subject: string;
  body: string;
  /** The check's page on the dashboard, when PUBLIC_URL is set. */
  url?: string;
}

const MAX_LISTED = 50;

/** The dashboard page of a check: what the link at the end of every alert opens. */
export function checkPageUrl(publicUrl: string, uuid: string): string {
  return `${publicUrl}/dashboard/checks/${uuid}`;
}

export function alertText(e: AlertEvent, publicUrl?: string): AlertText {
  const { name, account } = e.check;
  const lines: string[] = [];
  let subject: string;
  if (e.kind === 'down' && e.failure) {
    subject = `${name}: ${account} failed`;
    lines.push(`The cronjob ${name} for account ${account} reported a failure (${e.failure})`);
    lines.push('');
    lines.push(`Reported at: ${e.at}`);
  } else if (e.kind === 'down') {
    subject = `${name}: ${account} failed to check in`;
    lines.push(`The cronjob ${name} for account ${account} has not checked in on time`);
    lines.push('');
    lines.push(`Last check-in: ${e.lastPingAt ?? 'never'}`);
    if (e.expectedAt) lines.push(`Expected by:   ${e.expectedAt}`);
  } else {
    subject = `${name}: ${account} is back online`;
    lines.push(`The cronjob ${name} for account ${account} is back online`);
    lines.push('');
    lines.push(`Checked in at: ${e.lastPingAt ?? e.at}`);
    if (e.expectedAt) lines.push(`Next expected: ${e.expectedAt}`);
  }
  if (e.behind?.length) {
    lines.push('');
    lines.push(
      `Gateway ${name} down; ${e.behind.length} job${e.behind.length === 1 ? '' : 's'} behind it ha${e.behind.length === 1 ? 's' : 've'} also missed:`,
    );
    // A long list would bury the message; the count above is the news.
    for (const job of e.behind.slice(0, MAX_LISTED)) lines.push(`  - ${job}`);
    if (e.behind.length > MAX_LISTED) lines.push(`  … and ${e.behind.length - MAX_LISTED} more`);
  }
  if (!publicUrl) return { subject, body: lines.join('\n') };
  const url = checkPageUrl(publicUrl, e.check.uuid);
  lines.push('', url);
  return { subject, body: lines.join('\n'), url };
}
