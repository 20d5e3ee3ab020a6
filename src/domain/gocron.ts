// The gocron check-in contract (COMPAT-gocron.md items 1-5), as a pure parser: the HTTP
// layer hands it the raw parameters, it answers a check-in or a one-line reason.
import { MAX_PERIOD_SECONDS } from './schedule.js';
import { nameError, parseEmails, quote } from './text.js';

export interface GocronCheckin {
  cronname: string;
  account: string;
  /** Comma-separated, normalised (trimmed) addresses. */
  email: string;
  frequency: number;
  site: boolean;
  /** The account's ping key, for accounts that require it (`&key=` or `"key"` in JSON). */
  key?: string;
}

export type Parsed = { ok: true; checkin: GocronCheckin } | { ok: false; error: string };

export const GOCRON_PARAMS = ['cronname', 'account', 'email', 'frequency'] as const;

/**
 * `get` returns a parameter's raw value: a string from a query string, or any JSON value
 * from a POST body. undefined means absent.
 */
export function parseGocron(get: (name: string) => unknown): Parsed {
  const fields: Record<string, string> = {};
  for (const name of ['cronname', 'account', 'email'] as const) {
    const value = get(name);
    if (value === undefined || value === null || value === '')
      return fail(`missing parameter: ${name}`);
    if (typeof value !== 'string') return fail(`${name} must be a string`);
    fields[name] = value;
  }
  for (const name of ['cronname', 'account'] as const) {
    const error = nameError(name, fields[name]!);
    if (error) return fail(error);
  }
  const emails = parseEmails('email', fields.email!);
  if ('error' in emails) return fail(emails.error);

  const frequency = parseFrequency(get('frequency'));
  if (typeof frequency === 'string') return fail(frequency);

  const key = parseKey(get('key'));
  if (typeof key === 'object') return fail(key.error);

  return {
    ok: true,
    checkin: {
      cronname: fields.cronname!,
      account: fields.account!,
      email: emails.emails.join(','),
      frequency,
      site: parseSite(get('site')),
      ...(key !== undefined ? { key } : {}),
    },
  };
}

function parseFrequency(value: unknown): number | string {
  if (value === undefined || value === null || value === '') return 'missing parameter: frequency';
  const allowed = `frequency must be a whole number of seconds from 1 to ${MAX_PERIOD_SECONDS}`;
  if (typeof value === 'number') {
    return Number.isInteger(value) && value >= 1 && value <= MAX_PERIOD_SECONDS
      ? value
      : `${allowed} (got ${value})`;
  }
  if (typeof value !== 'string') return `${allowed} (got ${typeof value})`;
  // A leading `+` is a sign, as Go's strconv.Atoi (gocron) read it: `frequency=%2B30` is 30.
  // A `+` written bare in a query string is a space by then, and still refused.
  if (!/^\+?\d{1,9}$/.test(value) || Number(value) < 1 || Number(value) > MAX_PERIOD_SECONDS) {
    return `${allowed} (got ${quote(value)})`;
  }
  return Number(value);
}

/** Absent or empty: no key. Only checked against accounts that require one (gocron-trust.ts). */
function parseKey(value: unknown): string | undefined | { error: string } {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') return { error: 'key must be a string' };
  return value;
}

/** COMPAT item 7: `site=1` marks a gateway; any other value (even `true`) clears it. JSON may say true. */
function parseSite(value: unknown): boolean {
  return value === '1' || value === 1 || value === true;
}

function fail(error: string): Parsed {
  return { ok: false, error };
}
