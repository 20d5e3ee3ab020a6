import { addressResolver } from '../front/address.js';
import { createApp } from '../front/app.js';
import type { Registry } from '../metrics/registry.js';
import { listen, type Listening } from './listen.js';
import type { Runtime } from './runtime.js';

export async function startFront(rt: Runtime, registry: Registry): Promise<Listening> {
  const handler = createApp({
    pool: rt.pool,
    config: rt.config,
    logger: rt.logger,
    clock: () => new Date(),
    addressOf: addressResolver(rt.config.trustProxy),
    registry,
  });
  return listen(handler, rt.config, rt.logger);
}
