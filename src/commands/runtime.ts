// The composition root's shared part: config → logger → database → pool, and the way a
// long-running command stops (signals, a deadline, exit codes).
import { ConfigError, loadConfig, type Config } from '../config.js';
import { openDatabase, type Database } from '../db/connect.js';
import { migrate, pending } from '../db/migrate.js';
import { accountIdByName } from '../db/accounts.js';
import { createPool, type Pool, type Queryable } from '../db/pool.js';
import { createLogger, type Logger } from '../log.js';
import { UsageError } from './usage-error.js';

export interface Runtime {
  config: Config;
  logger: Logger;
  database: Database;
  pool: Pool;
  close(): Promise<void>;
}

/** Parses the configuration or exits 2 with the message that names the bad variable. */
export function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`cronwatch: configuration error: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}

export async function openRuntime(opts: { migrate: boolean }): Promise<Runtime> {
  const config = configOrExit();
  const logger = createLogger(config);
  const database = await openDatabase(config);
  try {
    if (opts.migrate) {
      const applied = await migrate(database.url);
      if (applied.length) logger.info({ applied }, 'migrations applied');
    } else {
      // front and back never migrate on their own (several instances would race to do it in
      // a rolling deploy); they refuse to run against a schema they do not know.
      const missing = await pending(database.url);
      if (missing.length)
        throw new Error(
          `database schema is behind (${missing.join(', ')} not applied): run \`cronwatch migrate\` first`,
        );
    }
  } catch (err) {
    await database.stop();
    throw err;
  }
  const pool = createPool(database.url, config.databasePoolMax, (err) =>
    logger.warn({ err }, 'idle database connection failed'),
  );
  logger.info({ database: database.describe }, 'database ready');
  return {
    config,
    logger,
    database,
    pool,
    async close() {
      await pool.end();
      await database.stop();
    },
  };
}

/**
 * Signal handling for long-running commands, installed before anything starts: a SIGTERM
 * that arrives while the database is still starting must not kill the process outright
 * (an embedded PostgreSQL would be left running). The stop runs once the command is ready.
 */
export class StopOnSignal {
  private signal: NodeJS.Signals | undefined;
  private run: (() => void) | undefined;

  constructor() {
    const handler = (signal: NodeJS.Signals) => {
      if (this.signal) {
        process.stderr.write(`cronwatch: second ${signal}: exiting now\n`);
        process.exit(1);
      }
      this.signal = signal;
      this.run?.();
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
  }

  /** Everything is up: a signal (now or already received) runs `stop`, then exits 0 (1 on failure or timeout). */
  ready(logger: Logger, deadlineMs: number, stop: () => Promise<void>): void {
    this.run = () => {
      logger.info({ signal: this.signal }, 'stopping');
      setTimeout(() => {
        logger.error('stop took too long: exiting');
        process.exit(1);
      }, deadlineMs).unref();
      stop().then(
        () => {
          logger.info('stopped');
          process.exit(0);
        },
        (err: unknown) => {
          logger.error({ err }, 'stop failed');
          process.exit(1);
        },
      );
    };
    if (this.signal) this.run();
  }
}

/**
 * For short commands (admin, summary): config, the database (found or started), a small
 * pool; everything is closed afterwards, whatever `fn` does.
 */
export async function withPool<T>(
  fn: (pool: Pool, config: Config, describe: string) => Promise<T>,
): Promise<T> {
  const config = configOrExit();
  const database = await openDatabase(config);
  const pool = createPool(database.url, 2, () => undefined);
  try {
    return await fn(pool, config, database.describe);
  } finally {
    await pool.end();
    await database.stop();
  }
}

export { UsageError };

/** The id of the named account; a UsageError (exit 2) when there is none. */
export async function accountIdOrUsage(db: Queryable, account: string): Promise<number> {
  const id = await accountIdByName(db, account);
  if (id === undefined) throw new UsageError(`no account ${JSON.stringify(account)}`);
  return id;
}
