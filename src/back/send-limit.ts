// The per-destination rate limit in front of each delivery to a chat destination
// (NOTIFY_RATE_LIMIT a minute, default 6 as healthchecks): a storm of alerts must not get a
// Telegram bot or a Discord webhook banned. Over the limit, an alert is folded into one
// digest sent when the window ends; a digest over the limit waits for the next window.
import { foldNotification, postponeDigest, takeSendSlot } from '../db/send-limit.js';
import type { Claimed } from '../db/notifications.js';
import { INTEGRATIONS, isIntegrationKind } from '../domain/integrations.js';
import { isDigest } from '../domain/send-digest.js';
import type { BackDeps } from './deps.js';

export function rateLimited(transport: string): boolean {
  return isIntegrationKind(transport) && INTEGRATIONS[transport].chat;
}

/** 'send' when the delivery may go now; otherwise what was done with it instead. */
export async function sendGate(
  deps: BackDeps,
  c: Claimed,
): Promise<'send' | 'folded' | 'postponed'> {
  const limit = deps.config.notifyRateLimit;
  if (limit === 0 || !rateLimited(c.transport)) return 'send';
  const now = deps.clock();
  const slot = await takeSendSlot(deps.pool, c, now, limit);
  if (slot.ok) return 'send';
  if (isDigest(c.payload)) {
    await postponeDigest(deps.pool, c, slot.until);
    return 'postponed';
  }
  const digest = await foldNotification(deps.pool, c, slot.until, now);
  deps.logger.info(
    { notification: c.id, digest, until: slot.until },
    'alert folded: destination at its rate limit',
  );
  return 'folded';
}
