// The JSON of healthchecks' Management API v3 (https://healthchecks.io/docs/api/), built from
// our rows. Pure: the time of the request comes in as `now`.
import { createHash } from 'node:crypto';
import { EMAIL_KW_DEFAULTS } from './email-kw-input.js';
import { scheduleDeadline, type Status } from './ping.js';

/**
 * Fields of healthchecks features cronwatch does not have (yet), with their defaults: shown
 * in every check, and accepted in writes only with these values.
 */
export const UNSUPPORTED_DEFAULTS: Readonly<Record<string, string | boolean>> = {
  methods: '',
  subject: '',
  subject_fail: '',
};

export type ApiStatus = 'new' | 'up' | 'grace' | 'down' | 'paused';

export interface ShapeCheck {
  uuid: string;
  name: string;
  slug: string | null;
  kind: 'simple' | 'cron';
  period: number | null;
  cron: string | null;
  tz: string;
  grace: number;
  status: Status;
  startedAt: Date | null;
  lastPingAt: Date | null;
  nextDeadline: Date | null;
  lastDuration: number | null;
  tags: string[];
  description: string;
  pingCount: number;
  manualResume: boolean;
  /** Comma-separated uuids of the check's channels, sorted (healthchecks' `channels`). */
  channels: string;
  /** Alert-policy settings (issue 16: db/policy-settings.ts), shown to read-write keys. */
  policies?: Record<string, unknown>;
  /** Email keyword rules (issue 16: db/email-kw.ts); healthchecks shows them to every key. */
  emailKw?: Record<string, unknown>;
}

export interface ShapeContext {
  /** Where cronwatch answers, without a trailing slash (PUBLIC_URL or http://localhost:PORT). */
  baseUrl: string;
  /** A read-only key: no uuid or URLs, a unique_key instead (healthchecks' rule). */
  readOnly: boolean;
  now: Date;
}

/** healthchecks' stable read-only id of a check: sha1 of the first half of its uuid's hex. */
export function uniqueKey(uuid: string): string {
  const half = uuid.replace(/-/g, '').toLowerCase().slice(0, 16);
  return createHash('sha1').update(half).digest('hex');
}

/** healthchecks' `isostring`: UTC, whole seconds, "+00:00". */
export function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

/** Python's isoformat() of an aware datetime: microseconds (ours are ms, zero-padded). */
export function isoMicros(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000+00:00');
}

/** The fields a check's status at a given time depends on. */
export type StatusFields = Pick<
  ShapeCheck,
  | 'status'
  | 'kind'
  | 'period'
  | 'cron'
  | 'tz'
  | 'grace'
  | 'startedAt'
  | 'lastPingAt'
  | 'nextDeadline'
>;

/** When the next ping is due (healthchecks' next_ping, the start of the grace period). */
export function nextPingDue(c: StatusFields): Date | null {
  if (c.status !== 'up' && c.status !== 'late') return null;
  if (c.lastPingAt) {
    const deadline = scheduleDeadline(c, c.lastPingAt);
    if (deadline) return new Date(deadline.getTime() - c.grace * 1000);
  }
  return c.nextDeadline && !c.startedAt
    ? new Date(c.nextDeadline.getTime() - c.grace * 1000)
    : null;
}

/**
 * The status a client sees now. Ours is written by pings and the sweeper; between a missed
 * deadline and the next sweep the check is already down, and an up check past its due
 * time is in its grace period (healthchecks computes these at read time too). `late` is
 * healthchecks' `grace`.
 */
export function apiStatus(c: StatusFields, now: Date): ApiStatus {
  if (c.status === 'new' || c.status === 'paused' || c.status === 'down') return c.status;
  if (c.nextDeadline && now.getTime() >= c.nextDeadline.getTime()) return 'down';
  if (c.status === 'late') return 'grace';
  const due = nextPingDue(c);
  return due && now.getTime() >= due.getTime() ? 'grace' : 'up';
}

export function checkJson(c: ShapeCheck, ctx: ShapeContext): Record<string, unknown> {
  const next = nextPingDue(c);
  const json: Record<string, unknown> = {
    name: c.name,
    slug: c.slug ?? '',
    tags: c.tags.join(' '),
    desc: c.description,
    grace: c.grace,
    n_pings: c.pingCount,
    status: apiStatus(c, ctx.now),
    started: c.startedAt !== null,
    last_ping: c.lastPingAt ? isoSeconds(c.lastPingAt) : null,
    next_ping: next ? isoSeconds(next) : null,
    manual_resume: c.manualResume,
    ...UNSUPPORTED_DEFAULTS,
    ...(c.emailKw ?? EMAIL_KW_DEFAULTS),
  };
  if (c.lastDuration !== null && c.lastDuration > 0)
    json.last_duration = Math.trunc(c.lastDuration);
  if (ctx.readOnly) {
    json.unique_key = uniqueKey(c.uuid);
  } else {
    const api = `${ctx.baseUrl}/api/v3/checks/${c.uuid}`;
    json.uuid = c.uuid;
    json.ping_url = `${ctx.baseUrl}/ping/${c.uuid}`;
    json.update_url = api;
    json.pause_url = `${api}/pause`;
    json.resume_url = `${api}/resume`;
    json.channels = c.channels;
    if (c.policies) Object.assign(json, c.policies);
  }
  if (c.kind === 'cron') {
    json.schedule = c.cron;
    json.tz = c.tz;
  } else {
    json.timeout = c.period;
  }
  return json;
}

export interface ShapePing {
  n: number;
  at: Date;
  kind: 'success' | 'start' | 'fail' | 'log' | 'exitcode';
  exitStatus: number | null;
  runId: string | null;
  address: string | null;
  method: string | null;
  userAgent: string | null;
  duration: number | null;
  hasBody: boolean;
}

export function pingType(p: Pick<ShapePing, 'kind' | 'exitStatus'>): string {
  if (p.kind === 'exitcode') return p.exitStatus ? 'fail' : 'success';
  return p.kind;
}

export function pingJson(
  p: ShapePing,
  checkUuid: string,
  baseUrl: string,
): Record<string, unknown> {
  const json: Record<string, unknown> = {
    type: pingType(p),
    date: isoMicros(p.at),
    n: p.n,
    // Not recorded: behind a TLS proxy cronwatch sees http. healthchecks' default.
    scheme: 'http',
    remote_addr: p.address,
    method: p.method ?? '',
    ua: p.userAgent ?? '',
    rid: p.runId,
  };
  if (p.duration !== null) json.duration = p.duration;
  json.body_url = p.hasBody ? `${baseUrl}/api/v3/checks/${checkUuid}/pings/${p.n}/body` : null;
  return json;
}

export function flipJson(f: { at: Date; to: Status }): { timestamp: string; up: 0 | 1 } {
  return { timestamp: isoSeconds(f.at), up: f.to === 'up' ? 1 : 0 };
}
