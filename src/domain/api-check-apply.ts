// What a create or update body makes of a check: the check's stored fields (or, for a new
// check, healthchecks' defaults) with the given fields applied, as healthchecks applies
// them. Pure.
import type { CheckInput } from './api-check-input.js';
import { CREATE_DEFAULTS } from './api-check-input.js';
import type { ScheduleSpec } from './check-spec.js';
import { cronError } from './cron.js';

export interface CheckFields extends ScheduleSpec {
  name: string;
  slug: string | null;
  tags: string[];
  description: string;
  manualResume: boolean;
}

/** A new check's fields before the body is applied; the name comes from the body. */
export function newCheckFields(name: string): CheckFields {
  return {
    name,
    slug: null,
    tags: [],
    description: '',
    kind: 'simple',
    period: CREATE_DEFAULTS.timeout,
    cron: null,
    tz: CREATE_DEFAULTS.tz,
    grace: CREATE_DEFAULTS.grace,
    manualResume: false,
  };
}

/**
 * The fields after the body. A schedule makes the check a cron check, a timeout (without
 * a schedule) a simple one; the other fields replace theirs.
 */
export function applyCheckInput(base: CheckFields, i: CheckInput): CheckFields | { error: string } {
  const next: CheckFields = { ...base };
  if (i.name !== undefined) next.name = i.name;
  if (i.slug !== undefined) next.slug = i.slug;
  if (i.tags !== undefined) next.tags = i.tags;
  if (i.desc !== undefined) next.description = i.desc;
  if (i.grace !== undefined) next.grace = i.grace;
  if (i.tz !== undefined) next.tz = i.tz;
  if (i.manualResume !== undefined) next.manualResume = i.manualResume;
  if (i.schedule !== undefined) {
    next.kind = 'cron';
    next.cron = i.schedule.trim().split(/\s+/).join(' ');
  } else if (i.timeout !== undefined) {
    next.kind = 'simple';
    next.period = i.timeout;
  }
  if (next.kind === 'cron') {
    const bad = cronError(next.cron ?? '', next.tz);
    if (bad) return { error: bad };
  }
  return next;
}

export function scheduleChanged(a: ScheduleSpec, b: ScheduleSpec): boolean {
  return (
    a.kind !== b.kind ||
    a.period !== b.period ||
    a.cron !== b.cron ||
    a.tz !== b.tz ||
    a.grace !== b.grace
  );
}
