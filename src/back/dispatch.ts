// dispatchOnce: deliver pending notifications from the outbox. At-least-once: a claim hides a
// notification for a lease; success marks it sent (in batches, see mark-sent.ts); failure
// schedules a retry with backoff, or marks it dead (permanent error, or too many attempts)
// keeping the last error.
import { claimNotifications, finishDead, finishRetry, type Claimed } from '../db/notifications.js';
import { alertText } from '../domain/alert.js';
import { retryDelayMs } from '../domain/backoff.js';
import { DeliveryError } from '../notify/transport.js';
import type { BackDeps } from './deps.js';
import { sentMarker } from './mark-sent.js';

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

/**
 * One attempt at one notification, bounded in time; records the outcome. Never throws.
 * `attempted` is called once the receiver has answered (or failed), before the outcome is
 * written: the dispatcher frees the delivery's slot then, so slots bound the requests in
 * flight rather than also waiting on the database.
 */
export async function deliver(
  deps: BackDeps,
  c: Claimed,
  attempted?: () => void,
): Promise<Outcome> {
  const { back, publicUrl } = deps.config;
  const log = deps.logger.child({
    notification: c.id,
    transport: c.transport,
    attempt: c.attempts,
  });
  let error: DeliveryError | undefined;
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
  } catch (err) {
    attempt?.(false);
    error =
      err instanceof DeliveryError
        ? err
        : new DeliveryError(String((err as Error)?.message ?? err), false);
  }
  attempted?.();
  try {
    if (!error) {
      await sentMarker(deps.pool).mark({ id: c.id, attempts: c.attempts, at: deps.clock() });
      log.info({ check: c.payload.check.name, event: c.payload.kind }, 'alert sent');
      return 'sent';
    }
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
