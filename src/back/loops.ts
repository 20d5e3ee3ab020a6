// The loops around sweepOnce, dispatchOnce and the periodic jobs. They are trivial on
// purpose: all decisions live in the units the tests call. A loop never throws out: it logs
// and carries on.
import { earliestDeadline } from '../db/checks.js';
import { nextNotificationDue } from '../db/notifications.js';
import { claim, deliver } from './dispatch.js';
import type { BackDeps } from './deps.js';
import { sweepOnce } from './sweep.js';
import { Waiter } from './waiter.js';

export interface Loop {
  wake(): void;
  /** Finishes the work in hand (the sweep batch, the deliveries in flight), then resolves. */
  stop(): Promise<void>;
}

const ERROR_PAUSE_MS = 1000;

/** A sleep bound of 80-100 % of the maximum, so instances started together drift apart. */
export function jittered(deps: BackDeps): number {
  return deps.config.back.maxSleepMs * (0.8 + 0.2 * deps.random());
}

/** How long to sleep to wake exactly at `at`, within the jittered upper bound. */
export function until(deps: BackDeps, at: Date | undefined): number {
  const bound = jittered(deps);
  if (!at) return bound;
  return Math.min(bound, at.getTime() - deps.clock().getTime() + 1);
}

/**
 * Runs `step` until stopped. `step` does one round of work and returns how long to sleep
 * (0: go again at once); a wake() cuts the sleep short. A throw is logged and paused on.
 * `drain` runs after the last round (the work in hand is finished before stop resolves).
 */
export function loop(
  deps: BackDeps,
  name: string,
  step: () => Promise<number>,
  drain?: () => Promise<unknown>,
): Loop {
  const waiter = new Waiter();
  let running = true;
  const done = (async () => {
    while (running) {
      let sleep: number;
      try {
        sleep = await step();
      } catch (err) {
        deps.logger.error({ err }, `${name} failed`);
        sleep = ERROR_PAUSE_MS;
      }
      if (running && sleep > 0) await waiter.wait(sleep);
    }
    await drain?.();
  })();
  return {
    wake: () => waiter.wake(),
    stop: async () => {
      running = false;
      waiter.wake();
      await done;
    },
  };
}

export function startSweeper(deps: BackDeps, onAlerts: () => void): Loop {
  return loop(deps, 'sweep', async () => {
    const r = await sweepOnce(deps, deps.clock());
    if (r.down > 0 || r.reminded) {
      deps.logger.info({ down: r.down, skipped: r.skipped }, 'checks missed');
      onAlerts();
    }
    // A full batch means more may be due right now.
    if (r.claimed >= deps.config.back.sweepBatch) return 0;
    // Wake at the earliest stored deadline, not on a fixed poll: alerts go out within
    // milliseconds of it. The bound catches deadlines written after this look.
    return until(deps, await earliestDeadline(deps.pool));
  });
}

/**
 * Keeps up to DISPATCH_CONCURRENCY deliveries in flight and claims more as they end, so a
 * receiver that hangs until its timeout holds one slot, not the whole queue. A slot is free
 * again as soon as its receiver answered; the outcome is written after (batched for sent
 * ones), and stop() waits for those writes too.
 */
export function startDispatcher(deps: BackDeps): Loop {
  const inFlight = new Set<Promise<void>>();
  const recording = new Set<Promise<unknown>>();
  const capacity = deps.config.back.dispatchConcurrency;
  const dispatcher: Loop = loop(
    deps,
    'dispatch',
    async () => {
      const free = capacity - inFlight.size;
      // Claim in batches: one commit per claimed batch rather than one per freed slot (a
      // commit costs ~100x the claim's own work). A lone free slot waits for company unless
      // nothing is in flight; each delivery's end wakes the loop.
      if (free === 0 || (inFlight.size > 0 && free < Math.ceil(capacity / 4)))
        return jittered(deps);
      const claimed = await claim(deps, deps.clock(), free);
      for (const c of claimed) {
        let release!: () => void;
        const slot = new Promise<void>((resolve) => (release = resolve));
        inFlight.add(slot);
        void slot.then(() => {
          inFlight.delete(slot);
          dispatcher.wake();
        });
        const p: Promise<unknown> = deliver(deps, c, release).finally(() => {
          release();
          recording.delete(p);
        });
        recording.add(p);
      }
      if (claimed.length === free) return 0;
      return until(deps, await nextNotificationDue(deps.pool));
    },
    () => Promise.all([...inFlight, ...recording]),
  );
  return dispatcher;
}

/** Runs `fn` every `everyMs` (±10 %, first after `firstMs`), one run at a time. */
export function startPeriodic(
  deps: BackDeps,
  name: string,
  firstMs: number,
  everyMs: number,
  fn: () => Promise<unknown>,
): Loop {
  let first = true;
  return loop(deps, name, async () => {
    if (first) {
      first = false;
      return firstMs;
    }
    const result = await fn();
    deps.logger.debug({ result }, `${name} done`);
    return everyMs * (0.9 + 0.2 * deps.random());
  });
}
