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
  const max = await maxCheckId(deps.pool);
  let deleted = 0;
  for (let from = 1; from <= max; from += RANGE) {
    deleted += await prunePings(deps.pool, from, from + RANGE - 1, deps.config.pings.keep);
  }
  const maxJob = await maxJobId(deps.pool);
  for (let from = 1; from <= maxJob; from += RANGE)
    deleted += await pruneTicks(deps.pool, from, from + RANGE - 1, deps.config.jobRunsKeep);
  // Expired dashboard sessions: they no longer sign anyone in, only take space.
  await pruneSessions(deps.pool, deps.clock());
  return deleted;
}
