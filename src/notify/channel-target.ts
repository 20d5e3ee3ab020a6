// Save-time half of the outbound policy for channels (issue 16): a channel whose URL points
// at a link-local / metadata address, or at a loopback / private one without
// OUTBOUND_ALLOW_PRIVATE=1, is refused when created or changed (a 400 naming the field),
// not only at each delivery. A host name is resolved for the check; no connection is opened.
import type { ChannelSpec } from '../domain/channel-spec.js';
import { integrationUrl, isIntegrationKind } from '../domain/integrations.js';
import {
  OutboundRefused,
  resolveAllowed,
  systemResolve,
  type Resolve,
} from '../outbound/policy.js';

/** The field and URL a channel sends to, if it sends over HTTP. */
function channelUrl(spec: ChannelSpec): { field: string; url: string } | undefined {
  const cfg = spec.config;
  if (spec.kind === 'webhook' || spec.kind === 'slack')
    return typeof cfg.url === 'string' ? { field: 'url', url: cfg.url } : undefined;
  if (!isIntegrationKind(spec.kind)) return undefined;
  const url = integrationUrl(spec.kind, cfg);
  if (url === undefined) return undefined;
  return { field: typeof cfg.url === 'string' ? 'url' : 'base_url', url };
}

/** Why the channel's target is refused ("url: 169.254.169.254 is a link-local …"), or undefined. */
export async function channelRefusal(
  spec: ChannelSpec,
  allowPrivate: boolean,
  resolve: Resolve = systemResolve,
): Promise<string | undefined> {
  const target = channelUrl(spec);
  if (!target) return undefined;
  try {
    await resolveAllowed(new URL(target.url).hostname, allowPrivate, resolve);
    return undefined;
  } catch (err) {
    // "127.0.0.1: 127.0.0.1 is a loopback …" says the address once when it is the host.
    if (err instanceof OutboundRefused)
      return `${target.field}: ${err.message.replace(/^([^\s:]+): (?=\1 )/, '')}`;
    // A name that does not resolve today may tomorrow (as for jobs): delivery checks again.
    return undefined;
  }
}
