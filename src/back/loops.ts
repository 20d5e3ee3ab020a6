// The loops around sweepOnce and dispatchOnce. They are trivial on purpose: all decisions
// live in the units the tests call. A loop never throws out: it logs and carries on.
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
function jittered(deps: BackDeps): number {
  return deps.config.back.maxSleepMs * (0.8 + 0.2 * deps.random());
}

/** How long to sleep to wake exactly at `at`, within the jittered upper bound. */
function until(deps: BackDeps, at: Date | undefined): number {
  const bound = jittered(deps);
  if (!at) return bound;
  return Math.min(bound, at.getTime() - deps.clock().getTime() + 1);
}

export function startSweeper(deps: BackDeps, onAlerts: () => void): Loop {
  const waiter = new Waiter();
  let running = true;
  const done = (async () => {
    while (running) {
      try {
        const r = await sweepOnce(deps, deps.clock());
        if (r.down > 0) {
          deps.logger.info({ down: r.down, skipped: r.skipped }, 'checks missed');
          onAlerts();
        }
        // A full batch means more may be due right now.
        if (r.claimed >= deps.config.back.sweepBatch) continue;
        // Wake at the earliest stored deadline, not on a fixed poll: alerts go out within
        // milliseconds of it. The bound catches deadlines written after this look.
        await waiter.wait(until(deps, await earliestDeadline(deps.pool)));
      } catch (err) {
        deps.logger.error({ err }, 'sweep failed');
        await waiter.wait(ERROR_PAUSE_MS);
      }
    }
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

/**
 * Keeps up to DISPATCH_CONCURRENCY deliveries in flight and claims more as each one ends,
 * so a receiver that hangs until its timeout holds one slot, not the whole queue.
 */
export function startDispatcher(deps: BackDeps): Loop {
  const waiter = new Waiter();
  const inFlight = new Set<Promise<unknown>>();
  const capacity = deps.config.back.dispatchConcurrency;
  let running = true;
  const done = (async () => {
    while (running) {
      try {
        const free = capacity - inFlight.size;
        // Claim in batches: one commit per claimed batch rather than one per freed slot
        // (a commit costs ~100x the claim's own work). A lone slot waits for company
        // unless nothing is in flight.
        if (free > 0 && (inFlight.size === 0 || free >= Math.ceil(capacity / 4))) {
          const claimed = await claim(deps, deps.clock(), free);
          for (const c of claimed) {
            const p: Promise<unknown> = deliver(deps, c).finally(() => {
              inFlight.delete(p);
              waiter.wake();
            });
            inFlight.add(p);
          }
          if (claimed.length === free) continue;
          await waiter.wait(until(deps, await nextNotificationDue(deps.pool)));
        } else {
          await waiter.wait(jittered(deps));
        }
      } catch (err) {
        deps.logger.error({ err }, 'dispatch failed');
        await waiter.wait(ERROR_PAUSE_MS);
      }
    }
    await Promise.all(inFlight);
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

/** Runs `fn` every `everyMs` (first after `firstMs`), one run at a time, logging failures. */
export function startPeriodic(
  deps: BackDeps,
  name: string,
  firstMs: number,
  everyMs: number,
  fn: () => Promise<unknown>,
): Loop {
  const waiter = new Waiter();
  let running = true;
  const done = (async () => {
    await waiter.wait(firstMs);
    while (running) {
      try {
        const result = await fn();
        deps.logger.debug({ result }, `${name} done`);
      } catch (err) {
        deps.logger.error({ err }, `${name} failed`);
      }
      if (running) await waiter.wait(everyMs * (0.9 + 0.2 * deps.random()));
    }
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
