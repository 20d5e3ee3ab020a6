// dispatchOnce: deliver pending notifications from the outbox. At-least-once: a claim hides a
// notification for a lease; success marks it sent; failure schedules a retry with backoff,
// or marks it dead (permanent error, or too many attempts) keeping the last error.
import {
  claimNotifications,
  finishDead,
  finishRetry,
  finishSent,
  type Claimed,
} from '../db/notifications.js';
import { alertText } from '../domain/alert.js';
import { retryDelayMs } from '../domain/backoff.js';
import { DeliveryError } from '../notify/transport.js';
import type { BackDeps } from './deps.js';

export type Outcome = 'sent' | 'retry' | 'dead';

export interface DispatchResult {
  sent: number;
  retry: number;
  dead: number;
}

export async function dispatchOnce(
  deps: BackDeps,
  now: Date,
  limit = deps.config.back.dispatchConcurrency,
): Promise<DispatchResult> {
  const claimed = await claim(deps, now, limit);
  const outcomes = await Promise.all(claimed.map((c) => deliver(deps, c)));
  return {
    sent: outcomes.filter((o) => o === 'sent').length,
    retry: outcomes.filter((o) => o === 'retry').length,
    dead: outcomes.filter((o) => o === 'dead').length,
  };
}

export function claim(deps: BackDeps, now: Date, limit: number): Promise<Claimed[]> {
  return claimNotifications(deps.pool, now, limit, deps.config.back.dispatchLeaseMs);
}

/** One attempt at one notification, bounded in time; records the outcome. Never throws. */
export async function deliver(deps: BackDeps, c: Claimed): Promise<Outcome> {
  const { back, publicUrl } = deps.config;
  const log = deps.logger.child({
    notification: c.id,
    transport: c.transport,
    attempt: c.attempts,
  });
  let error: DeliveryError;
  const attempt = deps.metrics?.delivery(c.transport);
  try {
    const transport = deps.transports[c.transport];
    const delivery = {
      id: c.id,
      target: c.target,
      event: c.payload,
      text: alertText(c.payload, publicUrl),
    };
    await withTimeout(
      transport.send(delivery, back.dispatchTimeoutMs),
      back.dispatchTimeoutMs + 1000,
    );
    attempt?.(true);
    await finishSent(deps.pool, c, deps.clock());
    log.info({ check: c.payload.check.name, event: c.payload.kind }, 'alert sent');
    return 'sent';
  } catch (err) {
    attempt?.(false);
    error =
      err instanceof DeliveryError
        ? err
        : new DeliveryError(String((err as Error)?.message ?? err), false);
  }
  try {
    if (error.permanent || c.attempts >= back.maxAttempts) {
      await finishDead(deps.pool, c, error.message);
      log.error(
        { err: error.message },
        error.permanent ? 'alert undeliverable: dead' : 'alert failed too often: dead',
      );
      return 'dead';
    }
    const delay = retryDelayMs(c.attempts, back.retryBaseMs, back.retryMaxMs, deps.random());
    await finishRetry(deps.pool, c, new Date(deps.clock().getTime() + delay), error.message);
    log.warn({ err: error.message, retryInMs: delay }, 'alert failed: will retry');
    return 'retry';
  } catch (err) {
    // The database is gone: the lease runs out and another attempt happens then.
    log.error({ err }, 'could not record the delivery outcome');
    return 'retry';
  }
}

/** A guard on top of each transport's own timeout: one stuck receiver never holds a slot for ever. */
function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeliveryError(`no answer within ${ms} ms`, false)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
