// What bench-alert-latency and bench-burst share: a webhook receiver on 127.0.0.1, one
// `cronwatch back` from source, and checks seeded in bulk with their webhook channel.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { settings } from '../src/config.js';

export const root = path.resolve(import.meta.dirname, '..');

export interface Arrival {
  checkId: number;
  deadline: number;
  arrived: number;
}

/** Percentile by nearest rank over sorted values. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function machine(): string {
  const cpus = os.cpus();
  return `${os.availableParallelism()} cores (${cpus[0]?.model.trim() ?? 'unknown CPU'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}`;
}

/** Answers every POST with 200; each alert's check id and expected_at go to onAlert. */
export function startReceiver(onAlert: (a: Arrival) => void): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const arrived = Date.now();
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          check?: { id?: number };
          expected_at?: string;
        };
        const deadline = Date.parse(body.expected_at ?? '');
        if (typeof body.check?.id === 'number' && Number.isFinite(deadline)) {
          onAlert({ checkId: body.check.id, deadline, arrived });
        }
      } catch {
        // not an alert: ignored
      }
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('ok');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** What a receiver collected: the first alert of each check, and repeats counted apart. */
export interface Collected {
  receiver: http.Server;
  /** The receiver's webhook URL. */
  url: string;
  arrivals: Map<number, Arrival>;
  duplicates: () => number;
  /** Resolves once `expected` distinct checks have alerted. */
  done: Promise<void>;
}

export async function collectAlerts(expected: number): Promise<Collected> {
  const arrivals = new Map<number, Arrival>();
  let duplicates = 0;
  let allArrived: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (allArrived = resolve));
  const receiver = await startReceiver((a) => {
    if (arrivals.has(a.checkId)) duplicates++;
    else arrivals.set(a.checkId, a);
    if (arrivals.size === expected) allArrived();
  });
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  return { receiver, url, arrivals, duplicates: () => duplicates, done };
}

export async function stopReceiver(receiver: http.Server | undefined): Promise<void> {
  if (!receiver) return;
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver.close(resolve));
}

/**
 * The back from source, with none of our shell's cronwatch settings but `extra`; with
 * `profileDir`, it writes a CPU profile there when it stops (open it in Chrome DevTools).
 */
export function spawnBack(
  databaseUrl: string,
  extra: Record<string, string> = {},
  profileDir?: string,
): ChildProcess {
  const prof = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(settings)) delete env[name];
  return spawn(process.execPath, [...prof, '--import', 'tsx', 'src/cli.ts', 'back'], {
    cwd: root,
    env: {
      ...env,
      DATABASE_URL: databaseUrl,
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'warn',
      // The benchmark's receivers are on loopback, which the outbound policy refuses by default.
      OUTBOUND_ALLOW_PRIVATE: '1',
      ...extra,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Resolves when the back's heartbeat row is written, right before its loops start. */
export async function backUp(db: pg.Client, back: ChildProcess, exited: Promise<never>) {
  for (;;) {
    const { rowCount } = await db.query(`SELECT 1 FROM back_instances WHERE pid = $1`, [back.pid]);
    if (rowCount) return;
    await Promise.race([new Promise((r) => setTimeout(r, 20)), exited]);
  }
}

/** CPU time (user + system) a process has used so far, in ms; NaN where /proc is missing. */
export async function cpuMs(pid: number | undefined): Promise<number> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return NaN;
  }
}

/** CPU time so far of each PostgreSQL process (backends and background workers), by pid. */
export async function pgCpu(db: pg.Client): Promise<Map<number, number>> {
  const { rows } = await db.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity`);
  return new Map(await Promise.all(rows.map(async (r) => [r.pid, await cpuMs(r.pid)] as const)));
}

/** CPU time PostgreSQL used between two pgCpu looks (processes started since count from 0). */
export function pgCpuBetween(before: Map<number, number>, after: Map<number, number>): number {
  let ms = 0;
  for (const [pid, t] of after) ms += t - (before.get(pid) ?? 0);
  return ms;
}

/** SIGTERM, then SIGKILL after 20 s; resolves when the process is gone. */
export async function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}

/**
 * One account, one webhook channel, N up checks linked to it, all in one statement (a
 * hundred thousand checks seed in seconds). `deadlineSql` is the deadline of check i (1-based
 * `i`, `$2` = N, `params` from `$4`); each was last seen one period (60 s) before it.
 */
export async function seedChecks(
  db: pg.Client,
  webhookUrl: string,
  n: number,
  deadlineSql: string,
  params: unknown[],
): Promise<{ first: Date; last: Date }> {
  await db.query('BEGIN');
  const account = await db.query<{ id: string }>(
    `INSERT INTO accounts (name) VALUES ('bench') RETURNING id`,
  );
  const accountId = account.rows[0]!.id;
  const channel = await db.query<{ id: string }>(
    `INSERT INTO channels (account_id, kind, name, config) VALUES ($1, 'webhook', 'bench', $2)
     RETURNING id`,
    [accountId, JSON.stringify({ url: webhookUrl })],
  );
  const { rows } = await db.query<{ first: Date; last: Date }>(
    `WITH s AS (
       SELECT i, ${deadlineSql} AS deadline FROM generate_series(1, $2::int) AS i
     ), c AS (
       INSERT INTO checks (account_id, name, kind, period, grace, status, last_ping_at, next_deadline)
       SELECT $1, 'bench-' || lpad(i::text, 7, '0'), 'simple', 60, 0, 'up',
              deadline - interval '60 seconds', deadline
         FROM s
       RETURNING id, next_deadline
     ), l AS (
       INSERT INTO check_channels (check_id, channel_id) SELECT id, $3 FROM c
     )
     SELECT min(next_deadline) AS first, max(next_deadline) AS last FROM c`,
    [accountId, n, channel.rows[0]!.id, ...params],
  );
  await db.query('COMMIT');
  // Fresh statistics of the seeded tables, as autovacuum would have them on a live system.
  // Not of the empty flips and notifications: statistics saying "empty" make PostgreSQL
  // cache a sequential scan for the foreign-key checks into them, which then grows with
  // every row (a live system has rows there, and autovacuum never analyzes an untouched
  // empty table).
  await db.query('ANALYZE accounts, channels, checks, check_channels');
  return rows[0]!;
}
