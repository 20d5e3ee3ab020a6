import type { Config } from '../config.js';
import type { Pool } from '../db/pool.js';
import type { Logger } from '../log.js';
import type { Transports } from '../notify/transports.js';
import type { BackMetrics } from './metrics.js';

/** What the back's units need; tests pass their own clock, random and transports' config. */
export interface BackDeps {
  pool: Pool;
  config: Config;
  logger: Logger;
  transports: Transports;
  clock: () => Date;
  random: () => number;
  /** Sweep and delivery timings; absent in tests that do not look at them. */
  metrics?: BackMetrics;
}
