// The text of a job's change alert (page-change): what the action wrote, under the job's
// name, with the link to its check's page when PUBLIC_URL is set.
import type { AlertEvent, AlertText } from './alert.js';

export function changeText(e: AlertEvent, publicUrl?: string): AlertText {
  const subject = `${e.check.name}: ${e.change?.subject ?? 'changed'}`;
  const lines = [e.change?.text ?? '', '', `Seen at: ${e.at}`];
  if (!publicUrl) return { subject, body: lines.join('\n') };
  const url = `${publicUrl}/dashboard/checks/${e.check.uuid}`;
  return { subject, body: [...lines, '', url].join('\n'), url };
}
