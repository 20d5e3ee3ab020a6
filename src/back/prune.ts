import { maxCheckId } from '../db/checks.js';
import { prunePings } from '../db/pings.js';
import { pruneSessions } from '../db/sessions.js';
import type { BackDeps } from './deps.js';

const RANGE = 1000;

/**
 * Keeps the newest PING_KEEP pings of every check, walking checks by id range so each
 * DELETE stays small (no long lock on pings). Returns the number of pings deleted.
 */
export async function pruneOnce(deps: BackDeps): Promise<number> {
  const max = await maxCheckId(deps.pool);
  let deleted = 0;
  for (let from = 1; from <= max; from += RANGE) {
    deleted += await prunePings(deps.pool, from, from + RANGE - 1, deps.config.pings.keep);
  }
  // Expired dashboard sessions: they no longer sign anyone in, only take space.
  await pruneSessions(deps.pool, deps.clock());
  return deleted;
}
