// The loop around cycle/attempt (issue 12, semantics item 4): it keeps up to
// JOBS_CONCURRENCY attempts in flight, wakes at the earliest due tick (as the sweeper wakes
// at the earliest deadline) and on NOTIFY when a job is created or changed, so a job due in
// 2 s is not left waiting for a poll. A claimed tick starts at once. Each round is one
// transaction: it records the attempts that ended since the last round (group commit) and
// claims as many due ticks as there are free slots, while the other attempts run on.
// Separate transactions for claims and records cost twice the commits and round trips, and
// claiming each slot as it freed made claims of a few ticks each (201 claims for 3,000).
import { earliestTickDue, type Lane } from '../db/ticks.js';
import { jittered, loop, until, type Loop } from './loops.js';
import { attempt, cycle, type Finished, type TriggerDeps } from './trigger.js';

/** A due tick that another back holds locked for a moment: look again soon, not in a spin. */
const LOCKED_PAUSE_MS = 50;
const MAX_CLAIM = 500;
const MAX_RECORD = 1000;

/**
 * Two lanes, each a loop with half the slots and half the jobs (job_id % 2): while
 * PostgreSQL works on one lane's round, node records and claims for the other. With one lane
 * the two cores took turns. A job belongs to one lane, so a lane that claims a job's tick has
 * recorded every attempt of that job that ended before (overlap rules stay exact within an
 * instance: two lanes sharing all jobs once skipped a tick as "still running" just after its
 * run ended). Between back instances they behave as before (SKIP LOCKED claims).
 */
const LANES = 2;

export function startTrigger(deps: TriggerDeps): Loop {
  // JOBS_CONCURRENCY slots in all: 5 is 3 + 2, and 1 is one lane of 1 (over all jobs).
  const total = deps.config.jobsConcurrency;
  const count = Math.min(LANES, total);
  const lanes = Array.from({ length: count }, (_, index) =>
    startLane(deps, { index, count }, Math.floor(total / count) + (index < total % count ? 1 : 0)),
  );
  return {
    wake: () => lanes.forEach((l) => l.wake()),
    stop: async () => void (await Promise.all(lanes.map((l) => l.stop()))),
  };
}

function startLane(deps: TriggerDeps, lane: Lane, capacity: number): Loop {
  // A slot is held from the claim until the attempt's end is recorded, so a back never
  // holds more unrecorded ticks than it runs at once (what a kill makes others re-attempt).
  let running = 0;
  const ended: Finished[] = [];
  const settled = new Set<Promise<unknown>>();

  const trigger: Loop = loop(
    deps,
    'trigger',
    async () => {
      const batch = ended.splice(0, MAX_RECORD);
      const want = Math.min(capacity - running - ended.length, MAX_CLAIM);
      if (!batch.length && want <= 0) return jittered(deps); // an attempt's end wakes us
      let r;
      try {
        r = await cycle(deps, batch, want, lane);
      } catch (err) {
        // Those attempts stay running in the database: their leases expire and they are
        // attempted again (same Run-Id). Their slots are free here.
        deps.logger.error({ err, attempts: batch.length }, 'recording tick attempts failed');
        throw err;
      }
      for (const c of r.attempts) {
        running++;
        const p: Promise<unknown> = attempt(deps, c).then((outcome) => {
          running--;
          settled.delete(p);
          ended.push({ claimed: c, outcome });
          trigger.wake();
        });
        settled.add(p);
      }
      if (ended.length || (want > 0 && r.taken >= want)) return 0;
      if (want <= 0) return jittered(deps);
      const next = await earliestTickDue(deps.pool, lane);
      const sleep = until(deps, next);
      return next && sleep <= 0 && r.taken === 0 ? LOCKED_PAUSE_MS : sleep;
    },
    // On stop: the attempts in flight end, and their ends are recorded.
    async () => {
      await Promise.all(settled);
      while (ended.length)
        await cycle(deps, ended.splice(0, MAX_RECORD), 0, lane).catch((err: unknown) =>
          deps.logger.error({ err }, 'recording tick attempts failed'),
        );
    },
  );
  return trigger;
}
