import type { BackDeps } from '../../src/back/deps.js';
import { loadConfig } from '../../src/config.js';
import type { Pool } from '../../src/db/pool.js';
import { createLogger } from '../../src/log.js';
import { createTransports } from '../../src/notify/transports.js';

/** Back dependencies for in-process tests: silent logs, a pinned random, the given env. */
export function backDeps(pool: Pool, env: Record<string, string> = {}): BackDeps {
  const config = loadConfig(
    // Receivers run on loopback, which the outbound policy refuses unless allowed.
    {
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      LOG_FORMAT: 'json',
      OUTBOUND_ALLOW_PRIVATE: '1',
      ...env,
    },
    false,
  );
  return {
    pool,
    config,
    logger: createLogger(config),
    transports: createTransports(config),
    clock: () => new Date(),
    random: () => 0.5,
  };
}
