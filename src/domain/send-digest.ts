// The message that carries the alerts a destination's rate limit held back (issue 16: "a
// storm does not get a bot banned; messages over the limit are folded into one summary
// message, not dropped"). Pure: the events in, the text out.
import { checkPageUrl, type AlertEvent, type AlertText } from './alert.js';

/** The outbox payload of a digest notification; its alerts are the rows folded into it. */
export interface DigestPayload {
  digest: true;
}

export function isDigest(payload: unknown): payload is DigestPayload {
  return (
    typeof payload === 'object' && payload !== null && (payload as DigestPayload).digest === true
  );
}

const LISTED = 50;

function line(e: AlertEvent): string {
  const what = e.kind === 'up' ? 'is up again' : e.failure ? 'failed' : 'failed to check in';
  return `- ${e.check.name} (${e.check.account}) ${what} at ${e.at}`;
}

/** One message for `events` (oldest first), which arrived while the destination was at its limit. */
export function digestText(events: AlertEvent[], perMinute: number, publicUrl?: string): AlertText {
  const down = events.filter((e) => e.kind === 'down').length;
  const up = events.length - down;
  const lines = [
    `${events.length} alert${events.length === 1 ? '' : 's'} arrived while this channel was at its limit of ${perMinute} message${perMinute === 1 ? '' : 's'} a minute:`,
    '',
    ...events.slice(0, LISTED).map(line),
  ];
  if (events.length > LISTED) lines.push(`… and ${events.length - LISTED} more`);
  if (publicUrl) lines.push('', `${publicUrl}/dashboard`);
  const only = events.length === 1 ? events[0] : undefined;
  return {
    subject: `cronwatch: ${down} down, ${up} up (alerts folded by the rate limit)`,
    body: lines.join('\n'),
    ...(only && publicUrl ? { url: checkPageUrl(publicUrl, only.check.uuid) } : {}),
  };
}
