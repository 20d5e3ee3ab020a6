import { maxCheckId } from '../db/checks.js';
import { maxJobId } from '../db/jobs.js';
import { prunePings } from '../db/pings.js';
import { pruneSessions } from '../db/sessions.js';
import { pruneTicks } from '../db/ticks.js';
import type { BackDeps } from './deps.js';

const RANGE = 1000;

/**
 * Keeps the newest PING_KEEP pings of every check and the newest JOB_RUNS_KEEP runs of every
 * job, walking them by id range so each DELETE stays small (no long lock). Returns the
 * number of pings and runs deleted.
 */
export async function pruneOnce(deps: BackDeps): Promise<number> {
  const { pool, config } = deps;
  let deleted = await inRanges(await maxCheckId(pool), (from, to) =>
    prunePings(pool, from, to, config.pings.keep),
  );
  deleted += await inRanges(await maxJobId(pool), (from, to) =>
    pruneTicks(pool, from, to, config.jobRunsKeep),
  );
  // Expired dashboard sessions: they no longer sign anyone in, only take space.
  await pruneSessions(deps.pool, deps.clock());
  return deleted;
}

/** Runs `prune` over ids 1..max in ranges of RANGE; the rows deleted in all. */
async function inRanges(
  max: number,
  prune: (from: number, to: number) => Promise<number>,
): Promise<number> {
  let deleted = 0;
  for (let from = 1; from <= max; from += RANGE) deleted += await prune(from, from + RANGE - 1);
  return deleted;
}
