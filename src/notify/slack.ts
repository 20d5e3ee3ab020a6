import { IncomingWebhook } from '@slack/webhook';
import { DeliveryError, httpStatusError, type Delivery, type Transport } from './transport.js';

/**
 * Slack reads `<…>` as links and mentions (`<!channel>`) and `&` as the start of an entity:
 * a job's output quoted in an alert must not ping a whole channel. Slack shows the escaped
 * text as it was.
 */
function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Slack incoming webhooks with @slack/webhook, as gocron sent them: {"channel", "text"}.
 * A notification's target is either a channel's own {url, channel} or {"global": true}
 * for SLACK_WEBHOOK_URL / SLACK_CHANNEL, read at delivery time so a rotated URL is used by
 * pending retries too.
 */
export function slackTransport(
  global: { webhookUrl: string; channel: string | undefined } | undefined,
): Transport {
  return {
    async send(d: Delivery, timeoutMs: number) {
      const t = d.target;
      const url =
        t.global === true ? global?.webhookUrl : typeof t.url === 'string' ? t.url : undefined;
      const channel =
        t.global === true ? global?.channel : typeof t.channel === 'string' ? t.channel : undefined;
      if (!url) throw new DeliveryError('Slack webhook URL is not configured', true);
      const hook = new IncomingWebhook(url, { timeout: timeoutMs });
      try {
        await hook.send({ ...(channel ? { channel } : {}), text: slackEscape(d.text.body) });
      } catch (err) {
        const e = err as { statusCode?: number; body?: string; message: string };
        // 404 no_service / 403 invalid_token / 410 channel_is_archived: retrying cannot help.
        if (typeof e.statusCode === 'number')
          throw httpStatusError('Slack', e.statusCode, e.body ?? '');
        throw new DeliveryError(`Slack: ${e.message}`, false);
      }
    },
  };
}
