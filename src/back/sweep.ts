// sweepOnce: overdue checks → status down + flip + notifications, one transaction per batch
// (invariants 2-4). Several back instances sweep side by side through SKIP LOCKED; each
// check is claimed by exactly one of them, and its row lock makes the claim and the
// status change one step, so a miss is alerted once however many instances run.
import { claimDueChecks, pushDeadline, type DueCheck } from '../db/checks.js';
import { transaction } from '../db/pool.js';
import type { BackDeps } from './deps.js';
import { markMissed } from './sweep-miss.js';
import { policyOnce } from './sweep-policy.js';

export interface SweepResult {
  /** Checks claimed (due) in this pass. */
  claimed: number;
  /** Checks turned down (each with its flip, and notifications unless held back by a gateway). */
  down: number;
  /** Checks that could not be evaluated and were pushed an hour ahead. */
  skipped: number;
  /** Checks whose alert policies were due (a repeat, the end of a maintenance window). */
  reminded?: number;
}

const PUSH_AHEAD_MS = 3_600_000;

export async function sweepOnce(
  deps: BackDeps,
  now: Date,
  limit = deps.config.back.sweepBatch,
): Promise<SweepResult> {
  const result = await sweepMisses(deps, now, limit);
  // Its own transaction: a failing repeat never holds back the misses above.
  const reminded = await policyOnce(deps, now, limit).catch((err: unknown) => {
    deps.logger.error({ err }, 'alert policy pass failed');
    return 0;
  });
  return reminded ? { ...result, reminded } : result;
}

async function sweepMisses(deps: BackDeps, now: Date, limit: number): Promise<SweepResult> {
  const timer = deps.metrics?.sweepSeconds.startTimer();
  try {
    return await transaction(deps.pool, async (client) => {
      const due = await claimDueChecks(client, now, limit);
      if (due.length) await markMissed(client, deps, due, now);
      return { claimed: due.length, down: due.length, skipped: 0 };
    });
  } catch (err) {
    deps.logger.error({ err }, 'sweep batch failed: sweeping one check at a time');
    return await sweepOneByOne(deps, now, limit);
  } finally {
    timer?.();
  }
}

/**
 * The fallback after a failed batch: one transaction per check, so one bad row cannot stop
 * every other alert. A check that fails on its own is pushed ahead and logged instead of
 * failing every sweep from now on (healthchecks does the same).
 */
async function sweepOneByOne(deps: BackDeps, now: Date, limit: number): Promise<SweepResult> {
  const result: SweepResult = { claimed: 0, down: 0, skipped: 0 };
  for (let i = 0; i < limit; i++) {
    let claimed: DueCheck | undefined;
    try {
      const n = await transaction(deps.pool, async (client) => {
        const due = await claimDueChecks(client, now, 1);
        claimed = due[0];
        if (due.length) await markMissed(client, deps, due, now);
        return due.length;
      });
      if (n === 0) break;
      result.claimed++;
      result.down++;
    } catch (err) {
      // The claim itself failed (database gone): nothing to push, let the loop retry later.
      if (!claimed) throw err;
      const check = claimed;
      deps.logger.error(
        { err, check: check.id, name: check.name, account: check.account },
        'cannot evaluate check: pushed an hour ahead',
      );
      await pushDeadline(deps.pool, check.id, new Date(now.getTime() + PUSH_AHEAD_MS));
      result.claimed++;
      result.skipped++;
    }
  }
  return result;
}
