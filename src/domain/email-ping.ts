// Check-ins by email (issue 16), healthchecks' rules: mail to <uuid>@<domain> pings that
// check. Without filtering every email is a success. With filtering on the subject and/or
// the body, keywords (comma-separated, case-sensitive, each a substring) are looked for in
// the order failure, success, start; an email with none of them is recorded but changes
// nothing (healthchecks' "ignored", a `log` ping here).
import type { PingKind } from './ping.js';
import { UUID } from './patterns.js';

export interface EmailPingRules {
  filter: { subject: boolean; body: boolean };
  successKw: string;
  failureKw: string;
  startKw: string;
}

/** The check uuid a recipient address names, or undefined (another domain, not a uuid). */
export function recipientUuid(address: string, domain: string): string | undefined {
  const at = address.lastIndexOf('@');
  if (at < 1) return undefined;
  if (address.slice(at + 1).toLowerCase() !== domain.toLowerCase()) return undefined;
  const local = address.slice(0, at);
  return UUID.test(local) ? local.toLowerCase() : undefined;
}

function matches(text: string, keywords: string): boolean {
  return keywords
    .split(',')
    .map((k) => k.trim())
    .some((k) => k !== '' && text.includes(k));
}

export function emailPingKind(
  mail: { subject: string; body: string },
  rules: EmailPingRules,
): PingKind {
  const { subject, body } = rules.filter;
  if (!subject && !body) return 'success';
  const text = [subject ? mail.subject : '', body ? mail.body : ''].join('\n');
  if (matches(text, rules.failureKw)) return 'fail';
  if (matches(text, rules.successKw)) return 'success';
  if (matches(text, rules.startKw)) return 'start';
  return 'log';
}
