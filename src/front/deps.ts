import type { Config } from '../config.js';
import type { Pool } from '../db/pool.js';
import type { Logger } from '../log.js';
import type { Registry } from '../metrics/registry.js';
import type { AddressOf } from './address.js';

/** What the front needs from the outside world; tests pass their own clock and pool. */
export interface FrontDeps {
  pool: Pool;
  config: Config;
  logger: Logger;
  clock: () => Date;
  addressOf: AddressOf;
  /** The process's metrics (shared with the back under `cronwatch start`); createApp makes one if absent. */
  registry?: Registry;
}
