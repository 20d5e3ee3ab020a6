// dispatchOnce: deliver pending notifications from the outbox. At-least-once: a claim hides a
// notification for a lease; success marks it sent (in batches, see mark-sent.ts); failure
// schedules a retry with backoff, or marks it dead (permanent error, or too many attempts)
// keeping the last error.
import { claimNotifications, finishDead, finishRetry, type Claimed } from '../db/notifications.js';
import { foldedEvents } from '../db/send-limit.js';
import { alertText } from '../domain/alert.js';
import { retryDelayMs } from '../domain/backoff.js';
import { digestText, isDigest } from '../domain/send-digest.js';
import { DeliveryError, type Delivery } from '../notify/transport.js';
import type { BackDeps } from './deps.js';
import { sentMarker } from './mark-sent.js';
import { sendGate } from './send-limit.js';

/** 'held': over its destination's rate limit, folded into a digest (or a digest postponed). */
export type Outcome = 'sent' | 'retry' | 'dead' | 'held';

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
  const { back } = deps.config;
  const log = deps.logger.child({
    notification: c.id,
    transport: c.transport,
    attempt: c.attempts,
  });
  const gate = await sendGate(deps, c).catch((err: unknown) => {
    // The database is gone: the lease runs out and another attempt happens then.
    log.error({ err }, 'could not apply the rate limit');
    return 'retry' as const;
  });
  if (gate !== 'send') {
    attempted?.();
    return gate === 'retry' ? 'retry' : 'held';
  }
  let error: DeliveryError | undefined;
  const attempt = deps.metrics?.delivery(c.transport);
  try {
    const transport = deps.transports[c.transport];
    const delivery = await deliveryOf(deps, c);
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
      await sentMarker(deps.pool).mark(
        { id: c.id, attempts: c.attempts, at: deps.clock() },
        back.dispatchLeaseMs,
      );
      const what = isDigest(c.payload)
        ? { digest: true }
        : { check: c.payload.check.name, event: c.payload.kind };
      log.info(what, 'alert sent');
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

/** What the transport sends: the alert, or for a digest the alerts folded into it. */
async function deliveryOf(deps: BackDeps, c: Claimed): Promise<Delivery> {
  const { publicUrl, notifyRateLimit } = deps.config;
  if (!isDigest(c.payload))
    return { id: c.id, target: c.target, event: c.payload, text: alertText(c.payload, publicUrl) };
  const events = await foldedEvents(deps.pool, c.id);
  return { id: c.id, target: c.target, text: digestText(events, notifyRateLimit, publicUrl) };
}

/** A guard on top of each transport's own timeout: one stuck receiver never holds a slot for ever. */
function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeliveryError(`no answer within ${ms} ms`, false)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
