// The loop around claimTicks/attempt/recordFinished (issue 12, semantics item 4): it keeps
// up to JOBS_CONCURRENCY attempts in flight, wakes at the earliest due tick (as the sweeper
// wakes at the earliest deadline) and on NOTIFY when a job is created or changed, so a job
// due in 2 s is not left waiting for a poll. A claimed tick starts at once; the next claim
// runs while those requests are in flight. Ended attempts are recorded in batches (group
// commit): what ended while a record was being written goes into the next one.
import { earliestTickDue } from '../db/ticks.js';
import { jittered, loop, until, type Loop } from './loops.js';
import { attempt, claimTicks, recordFinished, type Finished, type TriggerDeps } from './trigger.js';

/** A due tick that another back holds locked for a moment: look again soon, not in a spin. */
const LOCKED_PAUSE_MS = 50;
const MAX_CLAIM = 500;
const MAX_RECORD = 1000;
const RECORDS_IN_FLIGHT = 2;
/**
 * While attempts are in flight, claim only when this share of the slots is free: a claim
 * costs a transaction whatever its size, and claiming each slot as it frees made claims of
 * a few ticks each the engine's bottleneck (201 claims for 3,000 ticks).
 */
const CLAIM_SHARE = 8;

export function startTrigger(deps: TriggerDeps): Loop {
  // Attempts from their claim until their end is recorded: they hold a slot until then, so
  // a back never holds more unrecorded ticks than it can run at once (what a kill re-attempts).
  const inFlight = new Set<Promise<unknown>>();
  const ended: { f: Finished; done: () => void }[] = [];
  let recording = 0;
  const capacity = deps.config.jobsConcurrency;
  const minClaim = Math.max(1, Math.floor(capacity / CLAIM_SHARE));

  const pump = () => {
    while (recording < RECORDS_IN_FLIGHT && ended.length) {
      const batch = ended.splice(0, MAX_RECORD);
      recording++;
      recordFinished(
        deps,
        batch.map((b) => b.f),
      )
        .catch((err: unknown) => deps.logger.error({ err }, 'recording tick attempts failed'))
        .finally(() => {
          recording--;
          for (const b of batch) b.done();
          pump();
        });
    }
  };

  const trigger: Loop = loop(
    deps,
    'trigger',
    async () => {
      const free = capacity - inFlight.size;
      // Records of attempts in flight wake the loop as they free slots.
      if (free < minClaim && inFlight.size > 0) return jittered(deps);
      const want = Math.min(free, MAX_CLAIM);
      const { taken, attempts } = await claimTicks(deps, want);
      for (const c of attempts) {
        const p: Promise<unknown> = attempt(deps, c)
          .then(
            (outcome) =>
              new Promise<void>((done) => {
                ended.push({ f: { claimed: c, outcome }, done });
                pump();
              }),
          )
          .finally(() => {
            inFlight.delete(p);
            trigger.wake();
          });
        inFlight.add(p);
      }
      if (taken > 0 && taken >= want) return 0;
      const next = await earliestTickDue(deps.pool);
      const sleep = until(deps, next);
      return next && sleep <= 0 && taken === 0 ? LOCKED_PAUSE_MS : sleep;
    },
    () => Promise.all(inFlight),
  );
  return trigger;
}
