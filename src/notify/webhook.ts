import { createHmac } from 'node:crypto';
import { outboundClient } from '../outbound/client.js';
import { sendProviderRequest } from './provider.js';
import { DeliveryError, type Delivery, type Transport } from './transport.js';

/**
 * A JSON POST to the channel's URL. Headers carry the stable notification id and, when the
 * channel has a secret, an HMAC-SHA256 of the body so the receiver can trust it.
 */
export function webhookTransport(opts: { allowPrivate: boolean }): Transport {
  // The one outbound client (src/outbound): node:http keep-alive (fetch cost three times the
  // CPU in an alert burst), a stale kept-alive socket sent again at once, and the address
  // policy checked on the address actually connected to. Before, a webhook could be pointed
  // at 169.254.169.254 or any internal service and cronwatch would POST to it.
  const client = outboundClient({ allowPrivate: opts.allowPrivate });
  return {
    async send(d: Delivery, timeoutMs: number) {
      const raw = d.target.url;
      if (typeof raw !== 'string') throw new DeliveryError('webhook channel has no url', true);
      const url = URL.canParse(raw) ? new URL(raw) : undefined;
      if (url?.protocol !== 'http:' && url?.protocol !== 'https:')
        throw new DeliveryError('webhook url is not an http(s) URL', true);
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
            ...(d.event.exitStatus !== undefined ? { exit_status: d.event.exitStatus } : {}),
            ...(d.event.output !== undefined ? { output: d.event.output } : {}),
            ...(d.text.url ? { url: d.text.url } : {}),
            subject: d.text.subject,
            text: d.text.body,
          });
      const headers: Record<string, string> = { 'Idempotency-Key': d.id };
      if (typeof d.target.secret === 'string' && d.target.secret !== '') {
        headers['X-Cronwatch-Signature'] =
          'sha256=' + createHmac('sha256', d.target.secret).update(body).digest('hex');
      }
      // The shared send-and-classify of the integrations (provider.ts): a receiver that
      // moved says so with a redirect, and an alert is not followed there.
      await sendProviderRequest(
        client,
        'webhook',
        d,
        { url: url.toString(), headers, body },
        timeoutMs,
      );
    },
    close() {
      client.close();
    },
  };
}
