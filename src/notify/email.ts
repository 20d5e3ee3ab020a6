import nodemailer from 'nodemailer';
import { DeliveryError, type Delivery, type Transport } from './transport.js';

/**
 * Email over SMTP with nodemailer: STARTTLS when the server offers it (smtp://), TLS from
 * the start on smtps:// (port 465), auth from the URL's user and password.
 */
export function emailTransport(
  smtp: { url: string; from: string } | undefined,
  timeoutMs: number,
): Transport {
  if (!smtp) {
    return {
      send: async () => {
        throw new DeliveryError('email is not configured: set SMTP_URL', true);
      },
    };
  }
  const url = new URL(smtp.url);
  const secure = url.protocol === 'smtps:';
  const mailer = nodemailer.createTransport({
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    auth: url.username
      ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) }
      : undefined,
    // ?requireTLS=true refuses to send without STARTTLS; by default it is used when offered.
    requireTLS: url.searchParams.get('requireTLS') === 'true',
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  return {
    async send(d: Delivery) {
      const to = d.target.to;
      if (typeof to !== 'string' || to === '')
        throw new DeliveryError('email channel has no address', true);
      try {
        await mailer.sendMail({
          from: smtp.from,
          to,
          subject: d.text.subject,
          text: d.text.body,
          // The stable id as Message-ID: mail systems and people can spot a duplicate.
          messageId: `<${d.id}@cronwatch>`,
          headers: { 'X-Cronwatch-Notification-Id': d.id },
        });
      } catch (err) {
        const e = err as { responseCode?: number; message: string };
        // 5xx from the server (550 recipient rejected, 553 bad address) will not change on
        // a retry; 4xx (greylisting, mailbox busy) and connection failures may.
        const permanent = typeof e.responseCode === 'number' && e.responseCode >= 500;
        throw new DeliveryError(`SMTP: ${e.message}`, permanent);
      }
    },
    close: () => mailer.close(),
  };
}
