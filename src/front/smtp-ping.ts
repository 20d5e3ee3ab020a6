// The optional SMTP listener of email check-ins (PING_SMTP_PORT, PING_EMAIL_DOMAIN): for
// devices that can only send mail (a NAS, a router, a backup appliance). Each recipient
// <uuid>@domain of a check is a ping; the keyword rules decide its kind: the check's own
// (filter_subject, success_kw, … set through the API) when it has any, else the global ones. Answers in SMTP:
// 550 at RCPT TO for an address that names no check, 552 for a message over
// PING_EMAIL_MAX_BYTES, 451 when the database cannot record it (the sender retries).
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import type { PingEmailConfig } from '../config.js';
import { checkUuidExists } from '../db/email-ping.js';
import { checkEmailRules } from '../db/email-kw.js';
import { rulesFor } from '../domain/email-kw-input.js';
import { emailPingKind, recipientUuid } from '../domain/email-ping.js';
import { mailText } from '../domain/mime-text.js';
import type { FrontDeps } from './deps.js';
import { recordEmailPing } from './email-ping.js';

/** Recipients per message: a ping storm by mail is bounded like one by HTTP. */
const MAX_RECIPIENTS = 50;

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

export interface PingSmtp {
  port: number;
  close(): Promise<void>;
}

async function checkRecipient(
  deps: FrontDeps,
  cfg: PingEmailConfig,
  address: string,
): Promise<void> {
  const uuid = recipientUuid(address, cfg.domain);
  if (!uuid)
    throw smtpError(550, `<${address}>: no such check here: write to <check uuid>@${cfg.domain}`);
  if (!(await checkUuidExists(deps.pool, uuid)))
    throw smtpError(550, `<${address}>: no check has this uuid`);
}

async function record(
  deps: FrontDeps,
  cfg: PingEmailConfig,
  raw: Buffer,
  s: SMTPServerSession,
): Promise<void> {
  const mail = await mailText(raw);
  const from = s.envelope.mailFrom ? s.envelope.mailFrom.address : '';
  for (const rcpt of s.envelope.rcptTo) {
    const uuid = recipientUuid(rcpt.address, cfg.domain);
    if (!uuid) continue;
    // Read as the mail arrives: a change of the check's rules applies to the next mail.
    const rules = rulesFor(await checkEmailRules(deps.pool, uuid), cfg);
    await recordEmailPing(deps, {
      uuid,
      kind: emailPingKind(mail, rules),
      body: `Subject: ${mail.subject}\n\n${mail.body}`,
      address: s.remoteAddress || null,
      from,
    });
  }
}

export async function startPingSmtp(
  deps: FrontDeps,
  cfg: PingEmailConfig,
  host: string | undefined,
): Promise<PingSmtp> {
  const server = new SMTPServer({
    name: cfg.domain,
    banner: 'cronwatch email check-ins',
    authOptional: true,
    // No certificate to offer, and nothing to log in to: a check-in is as open as /ping/.
    disabledCommands: ['STARTTLS', 'AUTH'],
    size: cfg.maxBytes,
    // A flood of idle connections must not exhaust the front's file descriptors.
    maxClients: 200,
    logger: false,
    onRcptTo(address, session, callback) {
      if (session.envelope.rcptTo.length >= MAX_RECIPIENTS)
        return callback(smtpError(452, `at most ${MAX_RECIPIENTS} recipients per message`));
      checkRecipient(deps, cfg, address.address).then(() => callback(), callback);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= cfg.maxBytes) chunks.push(c);
      });
      stream.on('end', () => {
        // smtp-server reads the whole message and flags it; the size limit is answered here.
        if (stream.sizeExceeded || size > cfg.maxBytes)
          return callback(smtpError(552, `message exceeds the limit of ${cfg.maxBytes} bytes`));
        record(deps, cfg, Buffer.concat(chunks), session).then(
          () => callback(),
          (err: unknown) => {
            deps.logger.error({ err }, 'email check-in not recorded');
            callback(smtpError(451, 'the check-in could not be recorded now: try again later'));
          },
        );
      });
    },
  });
  server.on('error', (err) => deps.logger.error({ err }, 'SMTP listener error'));
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(cfg.port, host, () => resolve());
  });
  return {
    port: (server.server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
