import type { Config } from '../config.js';
import type { TransportKind } from '../domain/channel-spec.js';
import type { IntegrationKind } from '../domain/integrations.js';
import { outboundClient } from '../outbound/client.js';
import { emailTransport } from './email.js';
import { providerTransport, type Provider } from './provider.js';
import { discord } from './providers/discord.js';
import { gotify } from './providers/gotify.js';
import { matrix } from './providers/matrix.js';
import { mattermost } from './providers/mattermost.js';
import { ntfy } from './providers/ntfy.js';
import { opsgenie } from './providers/opsgenie.js';
import { pagerduty } from './providers/pagerduty.js';
import { pushover } from './providers/pushover.js';
import { teams } from './providers/teams.js';
import { telegram } from './providers/telegram.js';
import { zulip } from './providers/zulip.js';
import { shellTransport } from './shell.js';
import { slackTransport } from './slack.js';
import type { Transport } from './transport.js';
import { webhookTransport } from './webhook.js';

export type Transports = Record<TransportKind, Transport>;

/** The HTTP integrations: one file each under providers/, one registration line here. */
export const PROVIDERS: Record<Exclude<IntegrationKind, 'shell'>, Provider> = {
  discord,
  teams,
  telegram,
  ntfy,
  pagerduty,
  opsgenie,
  pushover,
  mattermost,
  matrix,
  gotify,
  zulip,
};

export function createTransports(config: Config): Transports {
  // One outbound client (keep-alive agents, the address policy) for every integration.
  const client = outboundClient({ allowPrivate: config.outboundAllowPrivate });
  const providers = Object.fromEntries(
    Object.entries(PROVIDERS).map(([kind, p]) => [kind, providerTransport(p, client)]),
  ) as Record<keyof typeof PROVIDERS, Transport>;
  return {
    email: emailTransport(config.smtp, config.back.dispatchTimeoutMs),
    slack: slackTransport(config.slack),
    webhook: webhookTransport({ allowPrivate: config.outboundAllowPrivate }),
    ...providers,
    // Only the providers' shared client needs closing: close it once, through this entry.
    shell: { ...shellTransport(config.shellChannels), close: () => client.close() },
  };
}
