// The fields of a job every kind shares (name, schedule, run policy), read from the flat
// JSON of POST/PATCH /api/v3/jobs/. Pure, with `now` as a parameter. The fields it does not
// know are the action's settings: the action kind validates them (src/actions/).
import { CATCH_UPS, type CatchUp } from './job-catchup.js';
import { jobCronError, type JobSchedule } from './job-schedule.js';
import { DEFAULT_ATTEMPTS } from './job-retry.js';
import { nameError } from './text.js';

export type Overlap = 'skip' | 'allow' | 'queue';
export const OVERLAPS: readonly Overlap[] = ['skip', 'allow', 'queue'];

export interface JobInput {
  name?: string;
  tags?: string[];
  kind?: string;
  schedule?: JobSchedule;
  start?: Date | null;
  end?: Date | null;
  attempts?: number;
  overlap?: Overlap;
  catchUp?: CatchUp;
  /** Seconds; null: the default. */
  startingDeadline?: number | null;
  /** null: no signature. */
  secret?: string | null;
  timeoutMs?: number;
  /** Every other field, for the action kind to validate. */
  settings: Record<string, unknown>;
}

/** A job's fields, complete, as they are stored. */
export interface JobValues {
  name: string;
  tags: string[];
  schedule: JobSchedule;
  start: Date | null;
  end: Date | null;
  kind: string;
  settings: unknown;
  timeoutMs: number;
  maxAttempts: number;
  overlap: Overlap;
  catchUp: CatchUp;
  startingDeadline: number | null;
  secret: string | null;
}

export const JOB_DEFAULTS = {
  kind: 'http',
  tz: 'UTC',
  attempts: DEFAULT_ATTEMPTS,
  overlap: 'skip' as Overlap,
  catchUp: 'latest' as CatchUp,
  timeoutMs: 30_000,
};
export const MAX_TIMEOUT_S = 900;
const TEN_YEARS_S = 10 * 366 * 86_400;
const SCHEDULE_FIELDS = ['schedule', 'every', 'at', 'after'] as const;
const COMMON = new Set([
  'api_key',
  'name',
  'tags',
  'kind',
  ...SCHEDULE_FIELDS,
  'tz',
  'start',
  'end',
  'attempts',
  'overlap',
  'catch_up',
  'starting_deadline',
  'secret',
  'timeout',
]);

export class JobInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

function fail(field: string, message: string): never {
  throw new JobInputError(field, `${field} ${message}`);
}

function str(field: string, v: unknown, max: number): string {
  if (typeof v !== 'string') fail(field, 'must be a string');
  if (v.length > max) fail(field, `must be at most ${max} characters long`);
  if (v.includes('\u0000') || !v.isWellFormed()) fail(field, 'is not valid text');
  return v;
}

function int(field: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    fail(field, `must be a whole number from ${min} to ${max}`);
  return v;
}

function oneOf<T extends string>(field: string, v: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(v as T)) fail(field, `must be one of ${allowed.join(', ')}`);
  return v as T;
}

/** An ISO 8601 instant with a zone (Z or an offset): a bare local time is ambiguous. */
function instant(field: string, v: unknown): Date {
  const text = str(field, v, 64);
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)$/i.test(text))
    fail(field, 'must be an ISO 8601 time with an offset, such as 2026-12-24T18:00:00+01:00');
  const at = new Date(text);
  if (Number.isNaN(at.getTime())) fail(field, 'is not a valid time');
  return at;
}

function tags(v: unknown): string[] {
  const list = typeof v === 'string' ? v.split(/\s+/) : v;
  if (!Array.isArray(list) || !list.every((t) => typeof t === 'string'))
    fail('tags', 'must be a string of space-separated tags or an array of strings');
  const out = [...new Set((list as string[]).filter((t) => t !== ''))];
  for (const t of out) {
    const bad = nameError('tags', t, 100);
    if (bad || /\s/.test(t)) fail('tags', 'must be tags of 1-100 characters without spaces');
  }
  if (out.length > 50) fail('tags', 'must be at most 50 tags');
  return out;
}

function schedule(body: Record<string, unknown>, now: Date): JobSchedule | undefined {
  const given = SCHEDULE_FIELDS.filter((f) => body[f] !== undefined);
  if (given.length === 0) {
    if (body.tz !== undefined) fail('tz', 'needs a schedule');
    return undefined;
  }
  if (given.length > 1) fail(given[1]!, `cannot be combined with ${given[0]}: give one schedule`);
  if (body.tz !== undefined && given[0] !== 'schedule') fail('tz', 'applies to schedule only');
  if (body.schedule !== undefined) {
    const cron = str('schedule', body.schedule, 100).trim();
    const tz = body.tz === undefined ? JOB_DEFAULTS.tz : str('tz', body.tz, 100);
    const bad = jobCronError(cron, tz);
    if (bad) throw new JobInputError(bad.startsWith('tz') ? 'tz' : 'schedule', bad);
    return { kind: 'cron', cron, tz };
  }
  if (body.every !== undefined)
    return { kind: 'every', seconds: int('every', body.every, 1, 31_536_000) };
  if (body.after !== undefined) {
    const after = int('after', body.after, 1, TEN_YEARS_S);
    return { kind: 'once', at: new Date(now.getTime() + after * 1000) };
  }
  const at = instant('at', body.at);
  if (at.getTime() <= now.getTime()) fail('at', 'is in the past');
  if (at.getTime() > now.getTime() + TEN_YEARS_S * 1000) fail('at', 'is more than 10 years ahead');
  return { kind: 'once', at };
}

function policy(body: Record<string, unknown>, out: JobInput): void {
  if (body.attempts !== undefined) out.attempts = int('attempts', body.attempts, 1, 20);
  if (body.overlap !== undefined) out.overlap = oneOf('overlap', body.overlap, OVERLAPS);
  if (body.catch_up !== undefined) out.catchUp = oneOf('catch_up', body.catch_up, CATCH_UPS);
  if (body.starting_deadline !== undefined)
    out.startingDeadline =
      body.starting_deadline === null
        ? null
        : int('starting_deadline', body.starting_deadline, 1, 31_536_000);
  if (body.secret !== undefined)
    out.secret =
      body.secret === null || body.secret === '' ? null : str('secret', body.secret, 200);
  if (body.timeout !== undefined)
    out.timeoutMs = int('timeout', body.timeout, 1, MAX_TIMEOUT_S) * 1000;
}

function fields(body: Record<string, unknown>, now: Date): JobInput {
  const settings: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) if (!COMMON.has(k)) settings[k] = v;
  const out: JobInput = { settings };
  if (body.name !== undefined) {
    const name = str('name', body.name, 1000);
    const bad = nameError('name', name);
    if (bad) throw new JobInputError('name', bad);
    out.name = name;
  }
  if (body.tags !== undefined) out.tags = tags(body.tags);
  if (body.kind !== undefined) out.kind = str('kind', body.kind, 50);
  out.schedule = schedule(body, now);
  for (const f of ['start', 'end'] as const)
    if (body[f] !== undefined) out[f] = body[f] === null ? null : instant(f, body[f]);
  if (out.start && out.end && out.end <= out.start) fail('end', 'must be after start');
  policy(body, out);
  return out;
}

/** A create or update body, or its first error (naming the field). */
export function parseJobInput(
  body: unknown,
  now: Date,
): JobInput | { error: string; field: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { error: 'the request body must be a JSON object', field: 'body' };
  try {
    return fields(body as Record<string, unknown>, now);
  } catch (err) {
    if (err instanceof JobInputError) return { error: err.message, field: err.field };
    throw err;
  }
}

/** A create needs a name and a schedule. */
export function createError(input: JobInput): { error: string; field: string } | undefined {
  if (input.name === undefined) return { error: 'name is required', field: 'name' };
  if (!input.schedule)
    return { error: 'give one schedule: schedule (cron), every, at or after', field: 'schedule' };
  if (input.schedule.kind === 'once' && (input.start || input.end))
    return { error: 'start and end apply to recurring schedules only', field: 'start' };
  return undefined;
}
