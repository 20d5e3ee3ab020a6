// The record of ended attempts (issue 12, semantics 1, 6, 7), for many ticks in the caller's
// transaction: each tick's final state or its retry time in one statement for the batch,
// the release of ticks queued behind those that ended, and the finish pings (returned for
// the caller to write with the rest of its transaction). An attempt that ended after its
// lease expired (another back attempted the tick again) is dropped: one final state.
import { outputExcerpt } from '../domain/alert.js';
import {
  afterAttempt,
  RETRY_BASE_MS,
  RETRY_MAX_MS,
  type FinalState,
  type Outcome,
} from '../domain/job-retry.js';
import type { UuidPing } from '../db/ping-batch.js';
import type { Client } from '../db/pool.js';
import { insertDeadOneOffAlerts, type DeadOneOff } from '../db/job-alerts.js';
import { recordAttempts, releaseQueued, type AttemptEnd } from '../db/ticks.js';
import type { BackDeps } from './deps.js';
import type { JobMetrics } from './job-metrics.js';
import type { Claimed } from './trigger-claim.js';
import { finishPing } from './trigger-ping.js';

export interface Finished {
  claimed: Claimed;
  outcome: Outcome;
}

/** A final state, a retry to come, or undefined when the result was dropped. */
export type Recorded = FinalState | 'retry' | undefined;

export interface RecordPart {
  /** In the order of the batch given. */
  results: Recorded[];
  pings: UuidPing[];
  /** Logs and counts the results, once their transaction committed. */
  count: () => void;
}

export async function recordIn(
  deps: BackDeps & { jobMetrics?: JobMetrics },
  client: Client,
  unsorted: Finished[],
): Promise<RecordPart> {
  if (!unsorted.length) return { results: [], pings: [], count: () => undefined };
  const now = deps.clock();
  // In tick order: the pings of one check (two runs of an "allow" job) apply in that order.
  const batch = [...unsorted].sort((a, b) => a.claimed.tickId - b.claimed.tickId);
  const ends = batch.map((f): AttemptEnd => {
    const c = f.claimed;
    const policy = { maxAttempts: c.job.maxAttempts, baseMs: RETRY_BASE_MS, maxMs: RETRY_MAX_MS };
    const next = afterAttempt(f.outcome, c.attempt, policy, now, deps.random());
    const base = { id: c.tickId, attempt: c.attempt, outcome: f.outcome };
    return 'final' in next
      ? { ...base, state: next.final }
      : { ...base, state: 'pending', retryAt: next.retryAt };
  });
  const written = new Set((await recordAttempts(client, ends)).map((r) => r.id));
  const pings: UuidPing[] = [];
  const queued = new Set<number>();
  const dead: DeadOneOff[] = [];
  const results = new Map<Finished, Recorded>();
  batch.forEach((f, i) => {
    const c = f.claimed;
    const e = ends[i]!;
    if (!written.has(c.tickId)) return results.set(f, undefined);
    results.set(f, e.state === 'pending' ? 'retry' : e.state);
    if (e.state === 'pending') return;
    if (c.checkUuid) pings.push(finishPing(deps, c.checkUuid, c.runId, e.state, f.outcome, now));
    if (c.job.overlap === 'queue') queued.add(c.job.id);
    if (e.state === 'dead' && c.job.scheduleKind === 'once') dead.push(deadOneOff(c, f, now));
  });
  await releaseQueued(client, [...queued]);
  await insertDeadOneOffAlerts(client, dead, now, Boolean(deps.config.slack));
  const count = () => {
    for (const f of batch)
      if (results.get(f) === undefined)
        deps.logger.warn(
          { tick: f.claimed.tickId, runId: f.claimed.runId },
          'tick attempt ended after its lease: result dropped',
        );
    deps.jobMetrics?.ended(
      [...results.values()].filter((r): r is FinalState => r !== undefined && r !== 'retry'),
    );
  };
  return { results: unsorted.map((f) => results.get(f)), pings, count };
}

/** A one-off job has no check to go down: its dead tick alerts the account's channels. */
function deadOneOff(c: Claimed, f: Finished, now: Date): DeadOneOff {
  const o = f.outcome;
  const why = o.status !== undefined ? `status ${o.status}` : (o.error ?? 'no answer');
  const tries = `${c.attempt} attempt${c.attempt === 1 ? '' : 's'}`;
  return {
    accountId: c.job.accountId,
    event: {
      kind: 'down',
      // The job stands where a check would: its name and uuid (account filled in by SQL).
      check: { id: 0, uuid: c.job.uuid, name: `job ${c.job.name}`, account: '' },
      page: 'job',
      flipId: 0,
      at: now.toISOString(),
      lastPingAt: null,
      expectedAt: null,
      failure: `one-off run ${c.runId} scheduled for ${c.scheduledFor.toISOString()} is dead after ${tries}: ${why}`,
      ...outputExcerpt(o.body ?? o.error ?? null),
    },
  };
}
