import { loadConfig, type Config } from '../../src/config.js';
import type { Pool } from '../../src/db/pool.js';
import { addressResolver } from '../../src/front/address.js';
import type { FrontDeps } from '../../src/front/deps.js';
import { createLogger } from '../../src/log.js';

/** Front dependencies for in-process tests: a silent logger and, by default, the real clock. */
export function frontDeps(
  pool: Pool,
  overrides: { env?: Record<string, string>; clock?: () => Date } = {},
): FrontDeps {
  const config: Config = loadConfig({ LOG_LEVEL: 'silent', ...overrides.env }, false);
  return {
    pool,
    config,
    logger: createLogger(config),
    clock: overrides.clock ?? (() => new Date()),
    addressOf: addressResolver(config.trustProxy),
  };
}
