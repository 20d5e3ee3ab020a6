// Process-level test helpers: run the real CLI from source as a child process, talk to it
// over HTTP, and make sure every process and directory a test made is gone afterwards, even
// when the test fails.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { cleanup } from './cleanup.js';
import { setTimeout as delay } from 'node:timers/promises';
import { settings } from '../../src/config.js';

export const root = path.resolve(import.meta.dirname, '..', '..');

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Cli {
  pid: number;
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves when the process has exited (never rejects). */
  exited: Promise<Exit>;
  /** Resolves once stdout or stderr matches; rejects when the process exits first. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** SIGTERM, then SIGKILL to its process group after `graceMs`. */
  stop(graceMs?: number): Promise<Exit>;
}

const live = new Set<Cli>();

// Last resort when the test process itself exits with children still running (a crash in
// a hook): kill them, and any embedded server they started, by id.
const postmastersToReap = new Set<string>();
process.on('exit', () => {
  for (const cli of live) signalGroup(cli.pid, 'SIGKILL');
  for (const dir of postmastersToReap) {
    try {
      const pid = Number(
        readFileSync(path.join(dir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0],
      );
      if (pid) process.kill(pid, 'SIGQUIT');
    } catch {
      // no server left
    }
  }
});

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/**
 * The environment of a CLI child: ours without any cronwatch setting (so a DATABASE_URL or
 * PORT of the developer's shell never leaks in), JSON logs, then the test's own values.
 */
export function cliEnv(vars: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(settings)) delete env[name];
  // The test runner marks its children; the CLI is not a test file.
  delete env.NODE_TEST_CONTEXT;
  // Test receivers run on loopback, which the outbound policy refuses unless allowed.
  return { ...env, LOG_FORMAT: 'json', OUTBOUND_ALLOW_PRIVATE: '1', ...vars };
}

/**
 * Spawns `cronwatch <args>` from source. The child leads its own process group, so a test
 * can send a terminal's Ctrl-C (SIGINT to the group) and the cleanup can reach anything it
 * started. It is stopped after the current test (or file, when called outside a test).
 */
export function spawnCli(args: string[], vars: Record<string, string> = {}): Cli {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    cwd: root,
    env: cliEnv(vars),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  if (child.pid === undefined) throw new Error(`could not spawn cronwatch ${args.join(' ')}`);
  const pid = child.pid;
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    for (const l of listeners) l();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString();
    for (const l of listeners) l();
  });
  const exited = new Promise<Exit>((resolve) => {
    child.on('close', (code, signal) => {
      live.delete(cli);
      resolve({ code, signal });
      for (const l of listeners) l();
    });
  });
  const cli: Cli = {
    pid,
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForOutput(pattern, timeoutMs = 60_000) {
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(
            new Error(
              `no ${pattern} from cronwatch ${args.join(' ')} in ${timeoutMs} ms\n${outputOf(cli)}`,
            ),
          );
        }, timeoutMs);
        const check = () => {
          if (pattern.test(out) || pattern.test(err)) {
            clearTimeout(timer);
            listeners.delete(check);
            resolve();
          } else if (child.exitCode !== null || child.signalCode !== null) {
            clearTimeout(timer);
            listeners.delete(check);
            reject(
              new Error(`cronwatch ${args.join(' ')} exited before ${pattern}\n${outputOf(cli)}`),
            );
          }
        };
        listeners.add(check);
        check();
      });
    },
    async stop(graceMs = 20_000) {
      if (child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(pid, 'SIGTERM');
        } catch {
          // already gone
        }
        const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      return exited;
    },
  };
  live.add(cli);
  cleanup(async () => {
    await cli.stop();
  });
  return cli;
}

/** Runs `cronwatch <args>` to completion. */
export async function runCli(
  args: string[],
  vars: Record<string, string> = {},
  timeoutMs = 60_000,
): Promise<Exit & { stdout: string; stderr: string }> {
  const cli = spawnCli(args, vars);
  const timer = setTimeout(() => void cli.stop(2000), timeoutMs);
  const exit = await cli.exited;
  clearTimeout(timer);
  return { ...exit, stdout: cli.stdout(), stderr: cli.stderr() };
}

export function outputOf(cli: Cli): string {
  return `--- stdout ---\n${cli.stdout()}--- stderr ---\n${cli.stderr()}`;
}

/** A port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return address.port;
}

/**
 * A temporary CRONWATCH_DATA_DIR, removed after the current test (or file). Before removing
 * it, stops whatever the test's processes left running there: the CLI children, then an
 * embedded PostgreSQL (found by the pid in its postmaster.pid).
 */
export async function tempDataDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cronwatch-proc-'));
  // The embedded server runs as the postgres user when we are root: it must reach the dir.
  await chmod(dir, 0o755);
  postmastersToReap.add(dir);
  cleanup(async () => {
    await Promise.all([...live].map((cli) => cli.stop()));
    await stopLeftoverPostgres(dir);
    postmastersToReap.delete(dir);
    await rm(dir, { recursive: true, force: true });
  });
  return dir;
}

async function stopLeftoverPostgres(dataDir: string): Promise<void> {
  const pid = await postgresPid(dataDir);
  if (pid === undefined || !isAlive(pid)) return;
  // SIGINT is PostgreSQL's fast shutdown; SIGQUIT if it does not end in time.
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + 10_000;
  while (isAlive(pid) && Date.now() < deadline) await delay(50);
  if (isAlive(pid)) process.kill(pid, 'SIGQUIT');
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The postmaster's pid from <dataDir>/pg/postmaster.pid, or undefined without that file. */
export async function postgresPid(dataDir: string): Promise<number | undefined> {
  try {
    const text = await readFile(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8');
    return Number(text.split('\n')[0]) || undefined;
  } catch {
    return undefined;
  }
}

/** The URL of the cronwatch database of a running embedded server (port from postmaster.pid). */
export async function embeddedUrl(dataDir: string): Promise<string> {
  const secret = (await readFile(path.join(dataDir, 'password'), 'utf8')).trim();
  const pid = await readFile(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8');
  const port = Number(pid.split('\n')[3]);
  return `postgres://cronwatch:${encodeURIComponent(secret)}@127.0.0.1:${port}/cronwatch`;
}

export interface Response {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One HTTP request on a connection of its own (no keep-alive pool between tests). */
export function request(
  port: number,
  opts: { method?: string; path: string; headers?: http.OutgoingHttpHeaders; body?: string },
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: opts.method ?? 'GET',
        path: opts.path,
        headers: opts.headers,
        agent: false,
      },
      (res) => responseOf(res).then(resolve, reject),
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

export function responseOf(res: http.IncomingMessage): Promise<Response> {
  return new Promise((resolve, reject) => {
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => (body += chunk));
    res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    res.on('error', reject);
  });
}

/** Polls GET /healthz every 100 ms until 200; fails early when the process exits. */
export async function waitForHealthy(cli: Cli, port: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (cli.child.exitCode !== null || cli.child.signalCode !== null) {
      throw new Error(
        `cronwatch exited (${cli.child.exitCode}) before it was healthy\n${outputOf(cli)}`,
      );
    }
    try {
      const res = await request(port, { path: '/healthz' });
      if (res.status === 200) return;
      last = `${res.status} ${res.body}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await delay(100);
  }
  throw new Error(
    `GET /healthz on ${port} not 200 after ${timeoutMs} ms (${last})\n${outputOf(cli)}`,
  );
}

/** Resolves once nothing accepts connections on the port any more. */
export async function waitUntilRefused(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const refused = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(false);
      });
      socket.once('error', () => resolve(true));
    });
    if (refused) return;
    await delay(20);
  }
  throw new Error(`port ${port} still accepts connections after ${timeoutMs} ms`);
}
