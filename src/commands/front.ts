import { addressResolver } from '../front/address.js';
import { createApp } from '../front/app.js';
import type { Registry } from '../metrics/registry.js';
import type { Bound, Listening } from './listen.js';
import type { Runtime } from './runtime.js';

/** Serves the front on the port bound before the database and the back were started. */
export function startFront(rt: Runtime, registry: Registry, bound: Bound): Listening {
  const handler = createApp({
    pool: rt.pool,
    config: rt.config,
    logger: rt.logger,
    clock: () => new Date(),
    addressOf: addressResolver(rt.config.trustProxy),
    registry,
  });
  bound.serve(handler);
  return bound;
}
