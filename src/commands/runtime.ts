// The composition root's shared part: config → logger → database → pool, and the way a
// long-running command stops (signals, a deadline, exit codes).
import path from 'node:path';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { openDatabase, type Database } from '../db/connect.js';
import { migrate, pending } from '../db/migrate.js';
import { accountIdByName, accountNames } from '../db/accounts.js';
import { createPool, type Pool, type Queryable } from '../db/pool.js';
import { createLogger, type Logger } from '../log.js';
import { hasEmbeddedCluster, runningDataDirs } from './data-dir.js';
import { idleErrorLog } from './idle-errors.js';
import { UsageError } from './usage-error.js';

export interface Runtime {
  config: Config;
  logger: Logger;
  database: Database;
  pool: Pool;
  /** Whether a stop began: connections failing then are expected. */
  stopping(): boolean;
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

/** The settings and the logger: what a command needs before it touches the database. */
export function baseRuntime(): { config: Config; logger: Logger } {
  const config = configOrExit();
  return { config, logger: createLogger(config) };
}

export async function openRuntime(
  /** `stopping`: whether a stop began (idle connections failing then are expected). */
  opts: { migrate: boolean; stopping?: () => boolean },
  base = baseRuntime(),
): Promise<Runtime> {
  const { config, logger } = base;
  const database = await openDatabase({
    ...config,
    onHeal: (event, detail) => (event === 'healed' ? logger.info(detail) : logger.warn(detail)),
  });
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
  const stopping = opts.stopping ?? (() => false);
  const pool = createPool(
    () => database.url,
    config.databasePoolMax,
    idleErrorLog(logger, stopping),
  );
  logger.info({ database: database.describe }, 'database ready');
  return {
    config,
    logger,
    database,
    pool,
    stopping,
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

  /** A stop signal came. */
  get stopping(): boolean {
    return this.signal !== undefined;
  }

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
    // Closing the terminal sends SIGHUP: unhandled, it ended the process at once and left
    // the embedded PostgreSQL running orphaned. It is a stop like the others.
    process.on('SIGHUP', handler);
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
 * pool; everything is closed afterwards, whatever `fn` does. Commands that write pass
 * `migrate: true` and bring a new database's schema up to date first; the others refuse a
 * database without cronwatch's schema (and never create an embedded cluster: a run with
 * another data directory than the service's made an empty 47 MB one, then failed on
 * `relation "accounts" does not exist`).
 */
export async function withPool<T>(
  fn: (pool: Pool, config: Config, describe: string) => Promise<T>,
  opts: { migrate?: boolean } = {},
): Promise<T> {
  const config = configOrExit();
  if (!opts.migrate && !config.databaseUrl && !hasEmbeddedCluster(config.dataDir))
    throw new UsageError(
      `no cronwatch database in ${config.dataDir}: nothing was ever started there. ${whereIsTheService(config.dataDir)}`,
    );
  const database = await openDatabase(config);
  const pool = createPool(database.url, 2, () => undefined);
  try {
    await schemaReady(database, Boolean(opts.migrate));
    return await fn(pool, config, database.describe);
  } finally {
    await pool.end();
    await database.stop();
  }
}

async function schemaReady(database: Database, write: boolean): Promise<void> {
  const missing = await pending(database.url).catch((err: unknown) => {
    throw new Error(
      `cannot read from the database (${database.describe}): ${(err as Error).message}`,
      { cause: err },
    );
  });
  if (missing.length === 0) return;
  if (write) {
    await migrate(database.url);
    return;
  }
  // The first migration missing: the schema was never created (not merely behind).
  if (missing[0]!.startsWith('0001_'))
    throw new UsageError(
      `no cronwatch database in ${database.describe}: run \`cronwatch migrate\` (or \`cronwatch start\`) first, ` +
        `or point CRONWATCH_DATA_DIR / DATABASE_URL at the service's database`,
    );
  throw new UsageError(
    `database schema is behind (${missing.join(', ')} not applied): run \`cronwatch migrate\` first`,
  );
}

/** Which data directory the service uses, when an embedded server runs here. */
function whereIsTheService(dataDir: string): string {
  const others = runningDataDirs().filter((d) => d !== dataDir);
  const first = others[0];
  if (first)
    return (
      `A cronwatch database runs in ${others.join(' and ')}: set CRONWATCH_DATA_DIR=${first}` +
      // The default data directory is .cronwatch in the working directory of the service.
      (path.basename(first) === '.cronwatch'
        ? ` (or run the command from ${path.dirname(first)}).`
        : '.')
    );
  return (
    'Set CRONWATCH_DATA_DIR to the data directory of the service (default: .cronwatch in the ' +
    'directory it was started from) or DATABASE_URL to its database; commands that create ' +
    'something (account create, check add) create the database.'
  );
}

export { UsageError };

/** The id of the named account; a UsageError (exit 2) when there is none. */
export async function accountIdOrUsage(db: Queryable, account: string): Promise<number> {
  const id = await accountIdByName(db, account);
  if (id === undefined) throw await noAccount(db, account);
  return id;
}

/** How many account names an error message lists; beyond, it points to `account list`. */
const NAMES_SHOWN = 10;

/**
 * "no account X", with the names that exist when they are few: a typo is seen at once
 * (a typo used to create a second account silently).
 */
export async function noAccount(db: Queryable, account: string): Promise<UsageError> {
  const names = await accountNames(db, NAMES_SHOWN + 1);
  const known =
    names.length === 0
      ? 'there are no accounts yet'
      : names.length <= NAMES_SHOWN
        ? `the accounts are ${names.map((n) => JSON.stringify(n)).join(', ')}`
        : '`cronwatch account list` shows the accounts';
  return new UsageError(`no account ${JSON.stringify(account)} (${known})`);
}

/** "no check N in account A", or "no account A" (with the names) when that is what is wrong. */
export async function noCheck(db: Queryable, account: string, name: string): Promise<UsageError> {
  if ((await accountIdByName(db, account)) === undefined) return noAccount(db, account);
  return new UsageError(`no check ${JSON.stringify(name)} in account ${JSON.stringify(account)}`);
}
