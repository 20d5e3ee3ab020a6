// triggerOnce: claims due ticks, runs their actions, records the outcomes (issue 12,
// semantics 1-3, 6, 7). The claim, the next tick of each chain, the catch-up and overlap
// decisions and the start pings commit in one transaction; each attempt's end is another.
// A crash between them leaves a running tick whose lease expires, and another back (or this
// one, restarted) attempts it again with the same Run-Id.
import type { ActionContext } from '../actions/action.js';
import { actionOf } from '../actions/registry.js';
import { catchUp, startingDeadlineMs } from '../domain/job-catchup.js';
import {
  afterAttempt,
  RETRY_BASE_MS,
  RETRY_MAX_MS,
  type FinalState,
  type Outcome,
} from '../domain/job-retry.js';
import { scheduleOf, windowOf, type JobRow } from '../db/jobs.js';
import { recordUuidPings, type UuidPing } from '../db/ping-batch.js';
import type { PingKind } from '../domain/ping.js';
import { transaction } from '../db/pool.js';
import {
  lockDueTicks,
  recordAttempts,
  releaseQueued,
  writeClaim,
  type AttemptEnd,
  type DueTick,
  type NewTick,
} from '../db/ticks.js';
import type { BackDeps } from './deps.js';
import type { JobMetrics } from './job-metrics.js';

/** Beyond the action's own time limit, before another back may attempt the tick again. */
export const LEASE_MARGIN_MS = 10_000;
const PING_BODY_BYTES = 10_240;

export interface Claimed {
  tickId: number;
  runId: string;
  attempt: number;
  scheduledFor: Date;
  job: Pick<
    JobRow,
    'id' | 'uuid' | 'kind' | 'settings' | 'timeoutMs' | 'maxAttempts' | 'secret' | 'overlap'
  >;
  checkUuid: string | null;
}

export interface TriggerDeps extends BackDeps {
  actions: ActionContext;
  jobMetrics?: JobMetrics;
}

/** One ping of a job's check, through the one check-in path (the ping batch). */
function ping(
  deps: BackDeps,
  checkUuid: string,
  kind: PingKind,
  runId: string,
  now: Date,
  body: string | null,
): UuidPing {
  return {
    target: { uuid: checkUuid },
    kind,
    exitStatus: null,
    rid: runId,
    now,
    address: null,
    method: 'JOB',
    userAgent: 'cronwatch',
    body: body === null ? null : body.slice(0, PING_BODY_BYTES),
    bodySize: body === null ? null : Buffer.byteLength(body),
    globalSlack: Boolean(deps.config.slack),
  };
}

interface Plan {
  run: DueTick[];
  unrun: { id: number; state: FinalState; outcome: object; tick: DueTick }[];
  deferred: { id: number; dueAt: Date }[];
  inserts: NewTick[];
}

/** What to do with each locked tick: the catch-up and overlap rules on the first claim. */
function plan(ticks: DueTick[], now: Date): Plan {
  const p: Plan = { run: [], unrun: [], deferred: [], inserts: [] };
  const runningJobs = new Set<number>();
  for (const t of ticks) {
    // Retries, re-attempts after a lost lease, redrives and "run now" ticks just run.
    const first = t.state === 'pending' && t.firstStartedAt === null && !t.manual;
    if (!first) {
      p.run.push(t);
      runningJobs.add(t.job.id);
      continue;
    }
    const s = scheduleOf(t.job);
    const deadline = startingDeadlineMs(
      s,
      t.scheduledFor,
      t.job.catchUp,
      t.job.startingDeadline ?? undefined,
    );
    const d = catchUp(s, windowOf(t.job), t.job.catchUp, deadline, t.scheduledFor, now);
    if (d.next) p.inserts.push({ jobId: t.job.id, scheduledFor: d.next, state: 'pending' });
    for (const m of d.missed) p.inserts.push({ jobId: t.job.id, scheduledFor: m, state: 'missed' });
    const lateMs = now.getTime() - t.scheduledFor.getTime();
    if (!d.run) {
      const error = `missed: claimed ${Math.round(lateMs / 1000)} s late (catch-up ${t.job.catchUp}, starting deadline ${deadline / 1000} s)`;
      p.unrun.push({ id: t.id, state: 'missed', outcome: { error }, tick: t });
      continue;
    }
    const busy = t.busyUntil !== null || runningJobs.has(t.job.id);
    if (busy && t.job.overlap === 'skip') {
      p.unrun.push({
        id: t.id,
        state: 'skipped',
        outcome: { error: 'skipped: the previous run was still running' },
        tick: t,
      });
    } else if (busy && t.job.overlap === 'queue') {
      p.deferred.push({ id: t.id, dueAt: t.busyUntil ?? new Date(now.getTime() + 1000) });
    } else {
      p.run.push(t);
      runningJobs.add(t.job.id);
    }
  }
  return p;
}

/**
 * Claims up to `limit` due ticks in one transaction; returns how many it took (run, missed,
 * skipped or queued) and the attempts to run.
 */
export async function claimTicks(
  deps: BackDeps & { jobMetrics?: JobMetrics },
  limit: number,
): Promise<{ taken: number; attempts: Claimed[] }> {
  return transaction(deps.pool, async (client) => {
    const { now, ticks } = await lockDueTicks(client, limit);
    if (!ticks.length) return { taken: 0, attempts: [] };
    const p = plan(ticks, now);
    const started = await writeClaim(client, {
      inserts: p.inserts,
      unrun: p.unrun,
      deferred: p.deferred,
      starts: p.run.map((t) => ({ id: t.id, leaseMs: t.job.timeoutMs + LEASE_MARGIN_MS })),
    });
    const byId = new Map(p.run.map((t) => [t.id, t]));
    const claimed = started.map((s): Claimed => {
      const t = byId.get(s.id)!;
      return {
        tickId: t.id,
        runId: t.runId,
        attempt: s.attempts,
        scheduledFor: t.scheduledFor,
        job: t.job,
        checkUuid: t.checkUuid,
      };
    });
    const pings: UuidPing[] = [];
    for (const c of claimed)
      if (c.checkUuid) pings.push(ping(deps, c.checkUuid, 'start', c.runId, now, null));
    for (const u of p.unrun)
      if (u.state === 'missed' && u.tick.checkUuid)
        pings.push(
          ping(deps, u.tick.checkUuid, 'fail', u.tick.runId, now, JSON.stringify(u.outcome)),
        );
    if (pings.length) await recordUuidPings(client, pings);
    const firsts = p.run.filter((t) => t.firstStartedAt === null && !t.manual);
    deps.jobMetrics?.started(
      claimed.length,
      firsts.map((t) => now.getTime() - t.scheduledFor.getTime()),
    );
    deps.jobMetrics?.ended(p.unrun.map((u) => u.state));
    return { taken: ticks.length, attempts: claimed };
  });
}

/** Runs one claimed attempt; never throws for the action's failures. */
export async function attempt(deps: TriggerDeps, c: Claimed): Promise<Outcome> {
  const action = actionOf(c.job.kind);
  if (!action)
    return { ok: false, refused: true, durationMs: 0, error: `unknown action kind ${c.job.kind}` };
  try {
    return await action.run(
      {
        jobUuid: c.job.uuid,
        runId: c.runId,
        attempt: c.attempt,
        scheduledFor: c.scheduledFor,
        timeoutMs: c.job.timeoutMs,
        secret: c.job.secret,
        settings: c.job.settings,
      },
      deps.actions,
    );
  } catch (err) {
    return { ok: false, durationMs: 0, error: `action failed: ${(err as Error).message}` };
  }
}

function finishPing(deps: BackDeps, c: Claimed, state: FinalState, o: Outcome): UuidPing {
  const summary = o.status !== undefined ? `status ${o.status}` : (o.error ?? state);
  const body = `${state}: ${summary}${o.body ? `\n${o.body}` : ''}`;
  const kind = state === 'succeeded' ? 'success' : 'fail';
  return ping(deps, c.checkUuid!, kind, c.runId, deps.clock(), body);
}

export interface Finished {
  claimed: Claimed;
  outcome: Outcome;
}

export type Recorded = FinalState | 'retry' | undefined;

/**
 * Records the end of finished attempts in one transaction (one commit for many ticks: a
 * commit costs far more than the rows it writes). For each: its final state or its retry,
 * its check's ping, and the release of ticks queued behind it. undefined for an attempt
 * whose lease was lost (its result is dropped).
 */
export async function recordFinished(
  deps: BackDeps & { jobMetrics?: JobMetrics },
  unsorted: Finished[],
): Promise<Recorded[]> {
  const now = deps.clock();
  // In tick order: the pings of one check (two runs of an "allow" job) apply in that order.
  const batch = [...unsorted].sort((a, b) => a.claimed.tickId - b.claimed.tickId);
  const policyOf = (c: Claimed) => ({
    maxAttempts: c.job.maxAttempts,
    baseMs: RETRY_BASE_MS,
    maxMs: RETRY_MAX_MS,
  });
  const ends = batch.map((f): AttemptEnd => {
    const c = f.claimed;
    const next = afterAttempt(f.outcome, c.attempt, policyOf(c), now, deps.random());
    const base = { id: c.tickId, attempt: c.attempt, outcome: f.outcome };
    return 'final' in next
      ? { ...base, state: next.final }
      : { ...base, state: 'pending', retryAt: next.retryAt };
  });
  const written = await transaction(deps.pool, async (client) => {
    const rows = await recordAttempts(client, ends);
    const ids = new Set(rows.map((r) => r.id));
    const pings: UuidPing[] = [];
    const queued = new Set<number>();
    batch.forEach((f, i) => {
      const c = f.claimed;
      const e = ends[i]!;
      if (!ids.has(c.tickId) || e.state === 'pending') return;
      if (c.checkUuid) pings.push(finishPing(deps, c, e.state, f.outcome));
      if (c.job.overlap === 'queue') queued.add(c.job.id);
    });
    await releaseQueued(client, [...queued]);
    if (pings.length) await recordUuidPings(client, pings);
    return ids;
  });
  const results = batch.map((f, i): Recorded => {
    if (!written.has(f.claimed.tickId)) {
      deps.logger.warn(
        { tick: f.claimed.tickId, runId: f.claimed.runId },
        'tick attempt ended after its lease: result dropped',
      );
      return undefined;
    }
    const e = ends[i]!;
    return e.state === 'pending' ? 'retry' : e.state;
  });
  deps.jobMetrics?.ended(results.filter((r): r is FinalState => r !== undefined && r !== 'retry'));
  const byFinished = new Map(batch.map((f, i) => [f, results[i]]));
  return unsorted.map((f) => byFinished.get(f));
}

/** Runs one claimed attempt and records its end on its own. */
export async function runClaimed(deps: TriggerDeps, c: Claimed): Promise<Recorded> {
  const outcome = await attempt(deps, c);
  const [result] = await recordFinished(deps, [{ claimed: c, outcome }]);
  return result;
}

/** One round: claim up to `limit` due ticks, run those to run, record them. */
export async function triggerOnce(
  deps: TriggerDeps,
  limit = 100,
): Promise<{ taken: number; results: (FinalState | 'retry' | undefined)[] }> {
  const { taken, attempts } = await claimTicks(deps, limit);
  const results = await Promise.all(attempts.map((c) => runClaimed(deps, c)));
  return { taken, results };
}
