// The alert-policy fields of the checks API (create and update, issue 16), checked field by
// field. Pure: a typed input, or a message naming the bad field (answered as a 400).
import { UUID } from './patterns.js';

export interface PolicyInput {
  failureThreshold?: number;
  successThreshold?: number;
  /** Seconds; null removes the limit. No upper bound: a run may take days. */
  minRuntime?: number | null;
  maxRuntime?: number | null;
  /** Seconds between repeats of the down alert; null: never. */
  repeatEvery?: number | null;
  repeatLimit?: number | null;
  /** Uuids of the checks this one depends on (replacing the list). */
  dependsOn?: string[];
  snoozedUntil?: Date | null;
}

export const POLICY_FIELDS = [
  'failure_threshold',
  'success_threshold',
  'min_runtime',
  'max_runtime',
  'repeat_every',
  'repeat_limit',
  'depends_on',
  'snoozed_until',
] as const;

const MAX_THRESHOLD = 1000;
const MIN_REPEAT = 60;
const MAX_PARENTS = 100;

function whole(field: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    throw new PolicyError(`${field} must be a whole number from ${min} to ${max}`);
  return v;
}

function seconds(field: string, v: unknown): number | null {
  if (v === null) return null;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0)
    throw new PolicyError(`${field} must be a number of seconds above 0, or null`);
  return v;
}

export class PolicyError extends Error {}

function parseDependsOn(v: unknown): string[] {
  if (!Array.isArray(v) || !v.every((u) => typeof u === 'string' && UUID.test(u)))
    throw new PolicyError('depends_on must be an array of check uuids');
  if (v.length > MAX_PARENTS)
    throw new PolicyError(`depends_on lists at most ${MAX_PARENTS} checks`);
  return [...new Set((v as string[]).map((u) => u.toLowerCase()))];
}

function parseTime(field: string, v: unknown): Date | null {
  if (v === null) return null;
  const at = typeof v === 'string' ? new Date(v) : undefined;
  if (!at || Number.isNaN(at.getTime()) || !/^\d{4}-\d\d-\d\dT/.test(v as string))
    throw new PolicyError(
      `${field} must be an ISO 8601 time (such as 2026-05-01T06:00:00Z) or null`,
    );
  return at;
}

/** The policy fields of a body (undefined when it has none); throws PolicyError. */
export function parsePolicyFields(body: Record<string, unknown>): PolicyInput | undefined {
  if (!POLICY_FIELDS.some((f) => body[f] !== undefined)) return undefined;
  const p: PolicyInput = {};
  const b = body;
  if (b.failure_threshold !== undefined)
    p.failureThreshold = whole('failure_threshold', b.failure_threshold, 1, MAX_THRESHOLD);
  if (b.success_threshold !== undefined)
    p.successThreshold = whole('success_threshold', b.success_threshold, 1, MAX_THRESHOLD);
  if (b.min_runtime !== undefined) p.minRuntime = seconds('min_runtime', b.min_runtime);
  if (b.max_runtime !== undefined) p.maxRuntime = seconds('max_runtime', b.max_runtime);
  if (b.repeat_every !== undefined)
    p.repeatEvery =
      b.repeat_every === null
        ? null
        : whole('repeat_every', b.repeat_every, MIN_REPEAT, 2 ** 31 - 1);
  if (b.repeat_limit !== undefined)
    p.repeatLimit =
      b.repeat_limit === null ? null : whole('repeat_limit', b.repeat_limit, 1, 2 ** 31 - 1);
  if (b.depends_on !== undefined) p.dependsOn = parseDependsOn(b.depends_on);
  if (b.snoozed_until !== undefined) p.snoozedUntil = parseTime('snoozed_until', b.snoozed_until);
  return p;
}

/** A message when min_runtime is not below max_runtime (both set). */
export function runtimeRangeError(min: number | null, max: number | null): string | undefined {
  if (min !== null && max !== null && min >= max)
    return `min_runtime (${min} s) must be below max_runtime (${max} s)`;
  return undefined;
}
