// A test notification through a channel's real transport, now and once (no outbox, no
// retry): POST /api/v3/channels/<id>/test and `cronwatch channel test`. Bounded by
// DISPATCH_TIMEOUT_SECONDS like a delivery attempt of the back.
import { randomUUID } from 'node:crypto';
import type { Config } from '../config.js';
import { testText, type ChannelToTest } from '../domain/channel-spec.js';
import { DeliveryError } from './transport.js';
import { createTransports } from './transports.js';

export async function sendChannelTest(
  config: Config,
  channel: ChannelToTest,
): Promise<{ ok: true } | { error: string }> {
  const transports = createTransports(config);
  const transport = transports[channel.kind];
  const timeoutMs = config.back.dispatchTimeoutMs;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      transport.send(
        {
          id: randomUUID(),
          target: channel.config,
          text: testText(channel.account, channel, config.publicUrl),
          test: true,
        },
        timeoutMs,
      ),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new DeliveryError(`no answer within ${timeoutMs} ms`, false)),
          timeoutMs + 1000,
        );
      }),
    ]);
    return { ok: true };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  } finally {
    clearTimeout(timer);
    for (const t of Object.values(transports)) t.close?.();
  }
}
