import { addressResolver } from '../front/address.js';
import { createApp } from '../front/app.js';
import type { Registry } from '../metrics/registry.js';
import type { Bound, Listening } from './listen.js';
import type { Runtime } from './runtime.js';
import { startPingSmtp } from '../front/smtp-ping.js';
import type { FrontDeps } from '../front/deps.js';
import { keepHeapSmall } from './heap.js';

/**
 * Serves the front on the port bound before the database and the back were started, and the
 * email check-ins on PING_SMTP_PORT when it is set.
 */
export async function startFront(
  rt: Runtime,
  registry: Registry,
  bound: Bound,
): Promise<Listening> {
  keepHeapSmall();
  const deps: FrontDeps = {
    pool: rt.pool,
    config: rt.config,
    logger: rt.logger,
    clock: () => new Date(),
    addressOf: addressResolver(rt.config.trustProxy),
    registry,
  };
  bound.serve(createApp(deps));
  const email = rt.config.pingEmail;
  if (!email) return bound;
  const smtp = await startPingSmtp(deps, email, rt.config.host);
  rt.logger.info({ port: smtp.port, domain: email.domain }, 'email check-ins: SMTP listening');
  return {
    port: bound.port,
    close: async () => {
      await Promise.all([bound.close(), smtp.close()]);
    },
  };
}
