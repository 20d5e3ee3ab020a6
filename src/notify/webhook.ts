import { createHmac } from 'node:crypto';
import { DeliveryError, httpStatusError, type Delivery, type Transport } from './transport.js';

/**
 * A JSON POST to the channel's URL. Headers carry the stable notification id and, when the
 * channel has a secret, an HMAC-SHA256 of the body so the receiver can trust it.
 */
export function webhookTransport(): Transport {
  return {
    async send(d: Delivery, timeoutMs: number) {
      const url = d.target.url;
      if (typeof url !== 'string') throw new DeliveryError('webhook channel has no url', true);
      if (!d.event && !d.test) throw new DeliveryError('webhooks carry alerts only', true);
      const body = !d.event
        ? JSON.stringify({ id: d.id, event: 'test', subject: d.text.subject, text: d.text.body })
        : JSON.stringify({
            id: d.id,
            event: d.event.kind,
            check: d.event.check,
            flip: { id: d.event.flipId, at: d.event.at, to: d.event.kind },
            last_ping_at: d.event.lastPingAt,
            expected_at: d.event.expectedAt,
            ...(d.event.behind ? { behind: d.event.behind } : {}),
            subject: d.text.subject,
            text: d.text.body,
          });
      const headers: Record<string, string> = {
        'Content-Type': 'application/json',
        'User-Agent': 'cronwatch',
        'X-Cronwatch-Notification-Id': d.id,
        'Idempotency-Key': d.id,
      };
      if (typeof d.target.secret === 'string' && d.target.secret !== '') {
        headers['X-Cronwatch-Signature'] =
          'sha256=' + createHmac('sha256', d.target.secret).update(body).digest('hex');
      }
      let res: Response;
      try {
        res = await fetch(url, {
          method: 'POST',
          headers,
          body,
          redirect: 'error',
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (err) {
        const e = err as Error;
        const reason =
          e.name === 'TimeoutError'
            ? `no answer within ${timeoutMs} ms`
            : ((e.cause as Error | undefined)?.message ?? e.message);
        throw new DeliveryError(`webhook: ${reason}`, false);
      }
      const text = await res.text().catch(() => '');
      if (!res.ok) throw httpStatusError('webhook', res.status, text);
    },
  };
}
