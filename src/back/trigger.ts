// The jobs engine's units (issue 12, semantics 1-3, 6, 7): claim due ticks, run their
// actions, record the outcomes. A cycle records the attempts that ended and claims the next
// ticks in one transaction (one commit, one ping batch for both); a claim writes the next
// tick of each chain, the catch-up and overlap decisions and the start pings. A crash
// between a claim and its record leaves a running tick whose lease expires, and another back
// (or this one, restarted) attempts it again with the same Run-Id.
import type { ActionContext } from '../actions/action.js';
import { actionOf } from '../actions/registry.js';
import type { Outcome } from '../domain/job-retry.js';
import { recordUuidPings } from '../db/ping-batch.js';
import { transaction } from '../db/pool.js';
import { ALL_JOBS, type Lane } from '../db/ticks.js';
import type { BackDeps } from './deps.js';
import type { JobMetrics } from './job-metrics.js';
import { claimIn, type Claimed } from './trigger-claim.js';
import { recordIn, type Finished, type Recorded } from './trigger-record.js';

export { LEASE_MARGIN_MS, type Claimed } from './trigger-claim.js';
export type { Finished, Recorded } from './trigger-record.js';

export interface TriggerDeps extends BackDeps {
  actions: ActionContext;
  jobMetrics?: JobMetrics;
}

export interface Cycle {
  /** Of the ended attempts given, in their order. */
  results: Recorded[];
  /** Ticks claimed: run, missed, skipped or queued. */
  taken: number;
  attempts: Claimed[];
}

/**
 * Records `ended` and claims up to `limit` due ticks of `lane`'s jobs, in one transaction.
 * The records come first: a run's finish ping precedes the start ping of the next run of its
 * check.
 */
export async function cycle(
  deps: BackDeps & { jobMetrics?: JobMetrics },
  ended: Finished[],
  limit: number,
  lane: Lane = ALL_JOBS,
): Promise<Cycle> {
  const { record, claim } = await transaction(deps.pool, async (client) => {
    const record = await recordIn(deps, client, ended);
    const claim = await claimIn(deps, client, limit, lane);
    const pings = [...record.pings, ...claim.pings];
    if (pings.length) await recordUuidPings(client, pings);
    return { record, claim };
  });
  record.count();
  claim.count();
  return { results: record.results, taken: claim.taken, attempts: claim.attempts };
}

/** Claims up to `limit` due ticks in one transaction. */
export async function claimTicks(
  deps: BackDeps & { jobMetrics?: JobMetrics },
  limit: number,
): Promise<{ taken: number; attempts: Claimed[] }> {
  const { taken, attempts } = await cycle(deps, [], limit);
  return { taken, attempts };
}

/** Records ended attempts in one transaction (one commit for many ticks). */
export async function recordFinished(
  deps: BackDeps & { jobMetrics?: JobMetrics },
  batch: Finished[],
): Promise<Recorded[]> {
  return (await cycle(deps, batch, 0)).results;
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
): Promise<{ taken: number; results: Recorded[] }> {
  const { taken, attempts } = await claimTicks(deps, limit);
  const results = await Promise.all(attempts.map((c) => runClaimed(deps, c)));
  return { taken, results };
}
