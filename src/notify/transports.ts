import type { Config } from '../config.js';
import type { TransportKind } from '../domain/channel-spec.js';
import { emailTransport } from './email.js';
import { slackTransport } from './slack.js';
import type { Transport } from './transport.js';
import { webhookTransport } from './webhook.js';

export type Transports = Record<TransportKind, Transport>;

export function createTransports(config: Config): Transports {
  return {
    email: emailTransport(config.smtp, config.back.dispatchTimeoutMs),
    slack: slackTransport(config.slack),
    webhook: webhookTransport({ allowPrivate: config.outboundAllowPrivate }),
  };
}
