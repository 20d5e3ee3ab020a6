// The JSON body of healthchecks' create and update calls (POST /api/v3/checks/ and
// /api/v3/checks/<uuid>), checked field by field. Pure: a typed input, or a message that
// names the bad field (the API answers it as a 400 before touching any row).
import { UNSUPPORTED_DEFAULTS } from './api-shapes.js';
import {
  EMAIL_KW_FIELDS,
  EmailKwError,
  parseEmailKwFields,
  type EmailKwInput,
} from './email-kw-input.js';
import { SLUG } from './patterns.js';
import { parsePolicyFields, POLICY_FIELDS, PolicyError, type PolicyInput } from './policy-input.js';
import { MAX_PERIOD_SECONDS } from './schedule.js';
import { nameError } from './text.js';

export const UNIQUE_FIELDS = ['name', 'tags', 'timeout', 'grace', 'slug'] as const;
export type UniqueField = (typeof UNIQUE_FIELDS)[number];

/** The fields given; an absent field is left as it is (update) or defaulted (create). */
export interface CheckInput {
  name?: string;
  /** null: no slug ("" in the request). */
  slug?: string | null;
  tags?: string[];
  desc?: string;
  timeout?: number;
  grace?: number;
  schedule?: string;
  tz?: string;
  manualResume?: boolean;
  /** "*", "" or comma-separated channel uuids or names, resolved against the account. */
  channels?: string;
  unique?: UniqueField[];
  /** Alert policies (issue 16, domain/policy-input.ts). */
  policy?: PolicyInput;
  /** Email keyword rules (issue 16, domain/email-kw-input.ts). */
  emailKw?: EmailKwInput;
}

/** healthchecks' defaults for a new check. */
export const CREATE_DEFAULTS = { timeout: 86_400, grace: 3_600, tz: 'UTC' };
const MIN_SECONDS = 60;
const MAX_DESC = 10_000;
const MAX_TAGS = 500;
const MAX_SCHEDULE = 100;

/**
 * healthchecks features cronwatch does not have: accepted only with their default value
 * (clients such as its Terraform provider send them), refused otherwise rather than ignored.
 */
const UNSUPPORTED = UNSUPPORTED_DEFAULTS;

const KNOWN = new Set([
  'api_key',
  'name',
  'slug',
  'tags',
  'desc',
  'timeout',
  'grace',
  'schedule',
  'tz',
  'manual_resume',
  'channels',
  'unique',
  ...POLICY_FIELDS,
  ...EMAIL_KW_FIELDS,
  ...Object.keys(UNSUPPORTED),
]);

class InputError extends Error {}

function str(field: string, v: unknown, max: number): string {
  if (typeof v !== 'string') throw new InputError(`${field} must be a string`);
  if (v.length > max) throw new InputError(`${field} must be at most ${max} characters long`);
  if (v.includes('\u0000')) throw new InputError(`${field} must not contain NUL characters`);
  if (!v.isWellFormed()) throw new InputError(`${field} is not valid Unicode text`);
  return v;
}

function seconds(field: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < MIN_SECONDS || v > MAX_PERIOD_SECONDS)
    throw new InputError(
      `${field} must be a whole number of seconds from ${MIN_SECONDS} to ${MAX_PERIOD_SECONDS}`,
    );
  return v;
}

/** An IANA time zone name, or a message. */
export function tzError(tz: string): string | undefined {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return undefined;
  } catch {
    return `tz ${JSON.stringify(tz)} is not an IANA time zone (such as Europe/Berlin)`;
  }
}

function parseFields(body: Record<string, unknown>): CheckInput {
  const unknown = Object.keys(body).filter((k) => !KNOWN.has(k));
  if (unknown.length) throw new InputError(`unknown field(s): ${unknown.join(', ')}`);
  const out: CheckInput = {};
  if (body.api_key !== undefined) str('api_key', body.api_key, 200);
  if (body.name !== undefined) {
    const name = str('name', body.name, 1000);
    const bad = nameError('name', name);
    if (bad) throw new InputError(bad);
    out.name = name;
  }
  if (body.slug !== undefined) {
    const slug = str('slug', body.slug, 200);
    if (slug !== '' && !SLUG.test(slug))
      throw new InputError('slug must be up to 200 lowercase letters, digits, "-" and "_"');
    out.slug = slug === '' ? null : slug;
  }
  if (body.tags !== undefined) {
    const tags = str('tags', body.tags, MAX_TAGS);
    // eslint-disable-next-line no-control-regex -- control characters are what is refused
    if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(tags))
      throw new InputError('tags must not contain control characters');
    out.tags = [...new Set(tags.split(/\s+/).filter((t) => t !== ''))];
  }
  if (body.desc !== undefined) out.desc = str('desc', body.desc, MAX_DESC);
  if (body.timeout !== undefined) out.timeout = seconds('timeout', body.timeout);
  if (body.grace !== undefined) out.grace = seconds('grace', body.grace);
  if (body.schedule !== undefined) out.schedule = str('schedule', body.schedule, MAX_SCHEDULE);
  if (body.tz !== undefined) {
    const tz = str('tz', body.tz, 100);
    const bad = tzError(tz);
    if (bad) throw new InputError(bad);
    out.tz = tz;
  }
  if (body.manual_resume !== undefined) {
    if (typeof body.manual_resume !== 'boolean')
      throw new InputError('manual_resume must be true or false');
    out.manualResume = body.manual_resume;
  }
  if (body.channels !== undefined) out.channels = str('channels', body.channels, 10_000);
  if (body.unique !== undefined) {
    const u = body.unique;
    if (!Array.isArray(u) || !u.every((f) => UNIQUE_FIELDS.includes(f as UniqueField)))
      throw new InputError(`unique must be an array of ${UNIQUE_FIELDS.join(', ')}`);
    out.unique = [...new Set(u as UniqueField[])];
  }
  const policy = parsePolicyFields(body);
  if (policy) out.policy = policy;
  const emailKw = parseEmailKwFields(body);
  if (emailKw) out.emailKw = emailKw;
  for (const [field, value] of Object.entries(UNSUPPORTED)) {
    if (body[field] !== undefined && body[field] !== value)
      throw new InputError(
        `${field}: cronwatch does not support this healthchecks feature (only ${JSON.stringify(value)} is accepted)`,
      );
  }
  return out;
}

/** A create or update body, or the message of its first error. */
export function parseCheckInput(body: unknown): CheckInput | { error: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { error: 'the request body must be a JSON object' };
  try {
    return parseFields(body as Record<string, unknown>);
  } catch (err) {
    if (err instanceof InputError || err instanceof PolicyError || err instanceof EmailKwError)
      return { error: err.message };
    throw err;
  }
}
