// The claim of due ticks (issue 12, semantics 1-3): lock a batch with SKIP LOCKED, decide
// each tick's fate (catch-up and overlap rules on its first claim), and write the next tick
// of each chain, the ticks not run and the attempts started, all in the caller's
// transaction. The start pings are returned for the caller to write with the rest of it.
import { catchUp, catchUpDueAt, startingDeadlineMs } from '../domain/job-catchup.js';
import type { FinalState } from '../domain/job-retry.js';
import { scheduleOf, windowOf, type JobRow } from '../db/jobs.js';
import type { UuidPing } from '../db/ping-batch.js';
import type { Client } from '../db/pool.js';
import {
  ALL_JOBS,
  lockDueTicks,
  writeClaim,
  type DueTick,
  type Lane,
  type NewTick,
} from '../db/ticks.js';
import type { BackDeps } from './deps.js';
import type { JobMetrics } from './job-metrics.js';
import { jobPing } from './trigger-ping.js';

/** Beyond the action's own time limit, before another back may attempt the tick again. */
export const LEASE_MARGIN_MS = 10_000;

export interface Claimed {
  tickId: number;
  runId: string;
  attempt: number;
  scheduledFor: Date;
  job: Pick<
    JobRow,
    | 'id'
    | 'accountId'
    | 'uuid'
    | 'name'
    | 'scheduleKind'
    | 'kind'
    | 'settings'
    | 'timeoutMs'
    | 'maxAttempts'
    | 'secret'
    | 'overlap'
  >;
  checkUuid: string | null;
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
    if (d.next)
      p.inserts.push({
        jobId: t.job.id,
        scheduledFor: d.next,
        state: 'pending',
        dueAt: catchUpDueAt(t.job.catchUp, d.next, now),
      });
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

export interface ClaimPart {
  /** Ticks taken: run, missed, skipped or queued. */
  taken: number;
  attempts: Claimed[];
  pings: UuidPing[];
  /** Counts the claim in the metrics, once its transaction committed. */
  count: () => void;
}

/** Claims up to `limit` due ticks of `lane`'s jobs in the caller's transaction. */
export async function claimIn(
  deps: BackDeps & { jobMetrics?: JobMetrics },
  client: Client,
  limit: number,
  lane: Lane = ALL_JOBS,
): Promise<ClaimPart> {
  const none: ClaimPart = { taken: 0, attempts: [], pings: [], count: () => undefined };
  if (limit <= 0) return none;
  const { now, ticks } = await lockDueTicks(client, limit, lane);
  if (!ticks.length) return none;
  const p = plan(ticks, now);
  const started = await writeClaim(client, {
    inserts: p.inserts,
    unrun: p.unrun,
    deferred: p.deferred,
    starts: p.run.map((t) => ({ id: t.id, leaseMs: t.job.timeoutMs + LEASE_MARGIN_MS })),
  });
  const byId = new Map(p.run.map((t) => [t.id, t]));
  const attempts = started.map((s): Claimed => {
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
  for (const c of attempts)
    if (c.checkUuid) pings.push(jobPing(deps, c.checkUuid, 'start', c.runId, now, null));
  for (const u of p.unrun)
    if (u.state === 'missed' && u.tick.checkUuid)
      pings.push(
        jobPing(deps, u.tick.checkUuid, 'fail', u.tick.runId, now, JSON.stringify(u.outcome)),
      );
  const firsts = p.run.filter((t) => t.firstStartedAt === null && !t.manual);
  const count = () => {
    deps.jobMetrics?.started(
      attempts.length,
      firsts.map((t) => now.getTime() - t.scheduledFor.getTime()),
    );
    deps.jobMetrics?.ended(p.unrun.map((u) => u.state));
  };
  return { taken: ticks.length, attempts, pings, count };
}
