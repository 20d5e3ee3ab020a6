// What a channel must pass before it is saved, for the API and the dashboard alike: the
// kind's settings (channel-spec, with this server's rules: shell channels only with
// SHELL_CHANNELS=1) and the outbound policy on its URL (a metadata or, unless allowed, a
// private address is refused when saved, not only at delivery). The dashboard once checked
// the settings alone and saved a webhook to 169.254.169.254 that the API refuses.
import type { ChannelRules, ChannelSpec } from '../domain/channel-spec.js';
import { channelRefusal } from '../notify/channel-target.js';
import type { FrontDeps } from './deps.js';

export function channelRules(deps: FrontDeps): ChannelRules {
  return { shellChannels: deps.config.shellChannels !== undefined };
}

/** The spec when it may be saved, or the message naming what is wrong (a 400). */
export async function savableChannel(
  deps: FrontDeps,
  spec: ChannelSpec | { error: string },
): Promise<ChannelSpec | { error: string }> {
  if ('error' in spec) return spec;
  const refused = await channelRefusal(spec, deps.config.outboundAllowPrivate);
  return refused ? { error: refused } : spec;
}
