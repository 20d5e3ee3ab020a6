// The email keyword fields of the checks API (issue 16, healthchecks' names): filter_subject,
// filter_body, success_kw, failure_kw, start_kw. Pure: a typed input, or a message naming
// the bad field (answered as a 400).
import type { EmailPingRules } from './email-ping.js';

export const EMAIL_KW_FIELDS = [
  'filter_subject',
  'filter_body',
  'success_kw',
  'failure_kw',
  'start_kw',
] as const;

/** healthchecks' defaults: a check with only these uses the global PING_EMAIL_* settings. */
export const EMAIL_KW_DEFAULTS = {
  filter_subject: false,
  filter_body: false,
  success_kw: '',
  failure_kw: '',
  start_kw: '',
} as const;

export interface EmailKwInput {
  filterSubject?: boolean;
  filterBody?: boolean;
  successKw?: string;
  failureKw?: string;
  startKw?: string;
}

/** The longest keyword list (the column's CHECK says the same). */
export const MAX_KW = 200;

export class EmailKwError extends Error {}

function flag(field: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new EmailKwError(`${field} must be true or false`);
  return v;
}

function keywords(field: string, v: unknown): string {
  // A line break could never match a subject, and would make the list unreadable.
  if (typeof v !== 'string' || v.length > MAX_KW || /[\r\n\0]/.test(v))
    throw new EmailKwError(
      `${field} must be comma-separated keywords: a string of at most ${MAX_KW} characters on one line`,
    );
  return v;
}

/** The keyword fields of a body (undefined when it has none); throws EmailKwError. */
export function parseEmailKwFields(b: Record<string, unknown>): EmailKwInput | undefined {
  if (!EMAIL_KW_FIELDS.some((f) => b[f] !== undefined)) return undefined;
  const out: EmailKwInput = {};
  if (b.filter_subject !== undefined) out.filterSubject = flag('filter_subject', b.filter_subject);
  if (b.filter_body !== undefined) out.filterBody = flag('filter_body', b.filter_body);
  if (b.success_kw !== undefined) out.successKw = keywords('success_kw', b.success_kw);
  if (b.failure_kw !== undefined) out.failureKw = keywords('failure_kw', b.failure_kw);
  if (b.start_kw !== undefined) out.startKw = keywords('start_kw', b.start_kw);
  return out;
}

/** Whether a check's own rules say anything (a filter on or a keyword): then they apply. */
export function hasOwnRules(r: EmailPingRules): boolean {
  return (
    r.filter.subject ||
    r.filter.body ||
    [r.successKw, r.failureKw, r.startKw].some((k) => k.trim() !== '')
  );
}

/** The rules a mail to this check is read with: its own when it has any, else the global ones. */
export function rulesFor(own: EmailPingRules | undefined, global: EmailPingRules): EmailPingRules {
  return own && hasOwnRules(own) ? own : global;
}
