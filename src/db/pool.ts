import pg from 'pg';
import { isDatabaseUnavailable } from './errors.js';
import { parseHosts, type HostList } from '../domain/hosts.js';

export type Pool = pg.Pool;
export type Client = pg.PoolClient;
/** Anything that runs SQL: the pool or a client inside a transaction. */
export type Queryable = Pick<pg.Pool, 'query'>;

// BIGINT (int8) as a JS number: our ids and counts stay far below 2^53.
pg.types.setTypeParser(20, (value) => Number(value));

/** Where the database is: a URL, or a function for one that can move (the embedded server
 * restarted on another port), asked again for every new connection. */
export type DatabaseTarget = string | (() => string);

/** A client class that connects wherever `target` says at the moment it is created. A
 * multi-host target (see hosts.ts) connects to the first host that answers and, with
 * target_session_attrs=read-write, whose sessions are writable: after a failover the
 * primary is another host, and the old one comes back as a read-only standby. */
export function clientFor(target: DatabaseTarget): typeof pg.Client {
  const url = typeof target === 'string' ? () => target : target;
  return class extends pg.Client {
    readonly #hosts: HostList;
    constructor(config?: pg.ClientConfig) {
      const hosts = parseHosts(url());
      super({ ...config, connectionString: hosts.urls[0] });
      this.#hosts = hosts;
    }
    override connect(): Promise<pg.Client>;
    override connect(callback: (err: Error | null) => void): void;
    override connect(callback?: (err: Error | null) => void): Promise<pg.Client> | void {
      const hosts = this.#hosts;
      if (hosts.urls.length === 1 && !hosts.readWrite) {
        return callback ? super.connect(callback) : super.connect();
      }
      const connected = writableHost(hosts).then((chosen) => {
        const self = this as unknown as { host: string; port: number };
        self.host = chosen.host;
        self.port = chosen.port;
        return super.connect();
      });
      if (!callback) return connected;
      connected.then(() => callback(null), callback);
    }
  };
}

/**
 * The first host of the list that accepts a session (writable, when asked): a short-lived
 * probe session per host, so that the pooled client itself connects once, to that host.
 * Throws an AggregateError of every host's failure (isDatabaseUnavailable: 503, retry).
 */
async function writableHost(hosts: HostList): Promise<{ host: string; port: number }> {
  const failures: Error[] = [];
  for (const candidate of hosts.urls) {
    const probe = new pg.Client({ connectionString: candidate, connectionTimeoutMillis: 3000 });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      if (hosts.readWrite) {
        const { rows } = await probe.query<{ transaction_read_only: string }>(
          'SHOW transaction_read_only',
        );
        if (rows[0]?.transaction_read_only === 'on') {
          failures.push(Object.assign(new Error('read-only session'), { code: '25006' }));
          continue;
        }
      }
      return { host: probe.host, port: probe.port };
    } catch (err) {
      failures.push(err as Error);
    } finally {
      await probe.end().catch(() => undefined);
    }
  }
  throw new AggregateError(failures, 'no writable database host');
}

export function createPool(
  target: DatabaseTarget,
  max: number,
  onError: (err: Error) => void,
): Pool {
  const pool = new pg.Pool({
    Client: clientFor(target) as unknown as new () => pg.ClientBase,
    max,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30_000,
    application_name: 'cronwatch',
  });
  // An idle client whose server went away emits 'error'; unhandled, it would crash the process.
  pool.on('error', onError);
  // So does a checked-out one, between two of its queries (a transaction waiting on other
  // work when the server ends every session with 57P01): pg-pool listens only while a client
  // is idle, and the front exited on this in 4 restarts of 4 under load. The query in flight
  // fails on its own, and the client is discarded on release; the event needs no more.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

/** Runs fn inside BEGIN/COMMIT; any throw rolls back, so no half-written rows. */
export async function transaction<T>(pool: Pool, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let failure: unknown;
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    failure = err;
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    // A client whose server went away is dropped, not handed to the next caller.
    client.release(isDatabaseUnavailable(failure) ? (failure as Error) : undefined);
  }
}

/** True when the database answers a trivial query within timeoutMs. */
export async function ping(pool: Pool, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>(
    (resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)),
  );
  try {
    return await Promise.race([pool.query('SELECT 1').then(() => true), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
