// sweepOnce: overdue checks → status down + flip + notifications, one transaction per batch
// (invariants 2-4). Several back instances sweep side by side through SKIP LOCKED; each
// check is claimed by exactly one of them, and its row lock makes the claim and the
// status change one step, so a miss is alerted once however many instances run.
import { recordChanges, type StatusChange } from '../db/alerts.js';
import { claimDueChecks, markDown, pushDeadline, type DueCheck } from '../db/checks.js';
import { downGateways, jobsDownBehind, markSuppressed } from '../db/gateways.js';
import { suppressedBehind } from '../domain/gateway.js';
import { transaction, type Client } from '../db/pool.js';
import type { BackDeps } from './deps.js';

export interface SweepResult {
  /** Checks claimed (due) in this pass. */
  claimed: number;
  /** Checks turned down (each with its flip, and notifications unless held back by a gateway). */
  down: number;
  /** Checks that could not be evaluated and were pushed an hour ahead. */
  skipped: number;
}

const PUSH_AHEAD_MS = 3_600_000;

async function markMissed(
  client: Client,
  deps: BackDeps,
  due: DueCheck[],
  now: Date,
): Promise<void> {
  const jobs = due.filter((c) => !c.site && c.address !== null);
  const gateways = await downGateways(
    client,
    jobs.map((c) => c.accountId),
    jobs.map((c) => c.address!),
  );
  const held = suppressedBehind(due, gateways);
  await markDown(
    client,
    due.map((c) => c.id),
    now,
  );
  if (held.size) await markSuppressed(client, [...held.keys()], [...held.values()]);
  // A gateway's own alert lists the jobs down behind it, this batch's included.
  const behind = new Map<number, string[]>();
  for (const c of due) if (c.site) behind.set(c.id, await jobsDownBehind(client, c.id));
  const changes: StatusChange[] = due.map((c) => ({
    check: { id: c.id, uuid: c.uuid, name: c.name, account: c.account },
    from: c.status,
    to: 'down',
    reason: held.has(c.id) ? 'missed behind a down gateway' : 'no check-in before the deadline',
    lastPingAt: c.lastPingAt,
    expectedAt: c.deadline,
    behind: behind.get(c.id),
    silent: held.has(c.id),
  }));
  await recordChanges(client, changes, now, deps.config.slack !== undefined);
}

export async function sweepOnce(
  deps: BackDeps,
  now: Date,
  limit = deps.config.back.sweepBatch,
): Promise<SweepResult> {
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
