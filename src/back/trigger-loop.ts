// The loop around claimTicks/runClaimed (issue 12, semantics item 4): it keeps up to
// JOBS_CONCURRENCY attempts in flight, wakes at the earliest due tick (as the sweeper wakes
// at the earliest deadline) and on NOTIFY when a job is created or changed, so a job due in
// 2 s is not left waiting for a poll.
import { earliestTickDue } from '../db/ticks.js';
import { jittered, loop, until, type Loop } from './loops.js';
import { claimTicks, runClaimed, type TriggerDeps } from './trigger.js';

/** A due tick that another back holds locked for a moment: look again soon, not in a spin. */
const LOCKED_PAUSE_MS = 50;

export function startTrigger(deps: TriggerDeps): Loop {
  const inFlight = new Set<Promise<unknown>>();
  const capacity = deps.config.jobsConcurrency;
  const trigger: Loop = loop(
    deps,
    'trigger',
    async () => {
      const free = capacity - inFlight.size;
      if (free === 0) return jittered(deps);
      const { taken, attempts } = await claimTicks(deps, Math.min(free, 500));
      for (const c of attempts) {
        const p: Promise<unknown> = runClaimed(deps, c)
          .catch((err: unknown) => deps.logger.error({ err, tick: c.tickId }, 'tick record failed'))
          .finally(() => {
            inFlight.delete(p);
            trigger.wake();
          });
        inFlight.add(p);
      }
      if (taken > 0 && taken >= Math.min(free, 500)) return 0;
      const next = await earliestTickDue(deps.pool);
      const sleep = until(deps, next);
      return next && sleep <= 0 && taken === 0 ? LOCKED_PAUSE_MS : sleep;
    },
    () => Promise.all(inFlight),
  );
  return trigger;
}
