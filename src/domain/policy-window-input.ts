// The body of POST /api/v3/maintenance_windows/ (and `cronwatch maintenance add`): one check (uuid)
// or one tag, and a recurring window (cron + duration + tz) or a one-off one (from + to).
// Pure: the window, or a message naming the bad field.
import { UUID } from './patterns.js';
import { windowError, type Window } from './policy-window.js';

export interface WindowBody extends Window {
  check: string | null;
  tag: string | null;
}

const KNOWN = new Set(['api_key', 'check', 'tag', 'cron', 'duration', 'tz', 'from', 'to']);

function optString(body: Record<string, unknown>, field: string, max: number): string | null {
  const v = body[field];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string' || v.length === 0 || v.length > max)
    throw new Error(`${field} must be a string of 1 to ${max} characters`);
  return v;
}

function optTime(body: Record<string, unknown>, field: string): Date | null {
  const v = optString(body, field, 64);
  if (v === null) return null;
  const at = new Date(v);
  if (Number.isNaN(at.getTime()) || !/^\d{4}-\d\d-\d\dT/.test(v))
    throw new Error(`${field} must be an ISO 8601 time (such as 2026-05-01T06:00:00Z)`);
  return at;
}

function parse(body: Record<string, unknown>): WindowBody {
  const unknown = Object.keys(body).filter((k) => !KNOWN.has(k));
  if (unknown.length) throw new Error(`unknown field(s): ${unknown.join(', ')}`);
  const check = optString(body, 'check', 36);
  const tag = optString(body, 'tag', 500);
  if ((check === null) === (tag === null)) throw new Error('give either check (a uuid) or tag');
  if (check !== null && !UUID.test(check)) throw new Error('check must be a check uuid');
  const cron = optString(body, 'cron', 100);
  const d = body.duration;
  if (d !== undefined && (typeof d !== 'number' || !Number.isInteger(d) || d <= 0))
    throw new Error('duration must be a whole number of seconds above 0');
  const w: WindowBody = {
    check: check?.toLowerCase() ?? null,
    tag,
    cron,
    tz: optString(body, 'tz', 100) ?? 'UTC',
    duration: (d as number | undefined) ?? null,
    startsAt: optTime(body, 'from'),
    endsAt: optTime(body, 'to'),
  };
  if (cron !== null && (w.startsAt || w.endsAt))
    throw new Error('give cron + duration, or from + to, not both');
  if (cron === null && w.duration !== null) throw new Error('duration goes with cron');
  const bad = windowError(w);
  if (bad) throw new Error(bad);
  return w;
}

export function parseWindowBody(body: unknown): WindowBody | { error: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { error: 'the request body must be a JSON object' };
  try {
    return parse(body as Record<string, unknown>);
  } catch (err) {
    return { error: (err as Error).message };
  }
}
