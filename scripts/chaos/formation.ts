// A pg_auto_failover formation on this machine for the failover scenario: a monitor and two
// PostgreSQL 15 nodes on 127.0.0.1, one port each, synchronous replication (pg_auto_failover's
// default with one standby). The commands are the ones docs/operations.md shows. pg_autoctl
// refuses to run as root, so as root every command runs as the `postgres` user (runuser).
// Needs the Debian packages postgresql-15-auto-failover and pg-auto-failover-cli.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, openSync, readdirSync, readFileSync, mkdirSync, chownSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { isAlive } from '../../test/helpers/process.js';
import { query, until } from './lib.js';

const BIN = '/usr/lib/postgresql/15/bin';
export const DIR = process.env.CHAOS_PAF_DIR ?? '/tmp/cronwatch-paf';
const BASE_PORT = Number(process.env.CHAOS_PAF_PORT ?? 6000);
export const NODES = ['node1', 'node2'] as const;
export type NodeName = (typeof NODES)[number];
const portOf = (name: 'monitor' | NodeName) =>
  BASE_PORT + (name === 'monitor' ? 0 : NODES.indexOf(name) + 1);
const MONITOR_URI = `postgres://autoctl_node@127.0.0.1:${portOf('monitor')}/pg_auto_failover?sslmode=disable`;

/** The URL the fronts and backs get: both nodes, writable sessions only. */
export const FORMATION_URL =
  `postgres://postgres@127.0.0.1:${portOf('node1')},127.0.0.1:${portOf('node2')}` +
  `/cronwatch?target_session_attrs=read-write`;
export const nodeUrl = (name: NodeName, db = 'cronwatch') =>
  `postgres://postgres@127.0.0.1:${portOf(name)}/${db}`;

const asPostgres = process.getuid?.() === 0;
const env = {
  PATH: `${BIN}:/usr/bin:/bin`,
  XDG_CONFIG_HOME: path.join(DIR, 'config'),
  XDG_DATA_HOME: path.join(DIR, 'data'),
  HOME: DIR,
};

/** Starts `pg_autoctl <args>` in the background (detached, logging to DIR/<log>.log). */
function autoctl(args: string[], log: string): void {
  const out = openSync(path.join(DIR, `${log}.log`), 'a');
  const envArgs = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  const [cmd, argv] = asPostgres
    ? ['runuser', ['-u', 'postgres', '--', 'env', ...envArgs, 'pg_autoctl', ...args]]
    : ['env', [...envArgs, 'pg_autoctl', ...args]];
  const child = spawn(cmd, argv, { cwd: DIR, detached: true, stdio: ['ignore', out, out] });
  child.unref();
}

/** The command lines of the formation, as docs/operations.md gives them. */
export function createArgs(name: 'monitor' | NodeName): string[] {
  const common = ['--pgdata', path.join(DIR, name), '--pgport', String(portOf(name))];
  // --listen: pg_autoctl sets listen_addresses='*' otherwise; the formation is for this
  // machine only (trust authentication), so it must not be reachable from elsewhere.
  const net = ['--hostname', '127.0.0.1', '--listen', '127.0.0.1', '--auth', 'trust', '--no-ssl'];
  if (name === 'monitor') return ['create', 'monitor', ...common, ...net, '--run'];
  return [
    'create',
    'postgres',
    ...common,
    ...net,
    '--name',
    name,
    '--dbname',
    'cronwatch',
    '--monitor',
    MONITOR_URI,
    '--run',
  ];
}

function supervisorPid(name: 'monitor' | NodeName): number | undefined {
  try {
    const file = path.join('/tmp/pg_autoctl', DIR, name, 'pg_autoctl.pid');
    const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
    return pid && isAlive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Starts what is not running: created once, then `pg_autoctl run` on the same data. */
function ensure(name: 'monitor' | NodeName): boolean {
  if (supervisorPid(name)) return false;
  const created = existsSync(path.join(DIR, name, 'PG_VERSION'));
  autoctl(created ? ['run', '--pgdata', path.join(DIR, name)] : createArgs(name), name);
  return true;
}

export interface NodeState {
  name: string;
  port: number;
  reported: string;
  assigned: string;
}

export async function states(): Promise<NodeState[]> {
  return query<NodeState>(
    `postgres://postgres@127.0.0.1:${portOf('monitor')}/pg_auto_failover`,
    `SELECT nodename AS name, nodeport AS port, reportedstate AS reported,
            goalstate AS assigned FROM pgautofailover.node ORDER BY nodeid`,
  );
}

/** Until one node is primary and the other secondary (reported and assigned). */
export async function settled(timeoutMs: number): Promise<NodeState[] | undefined> {
  let last: NodeState[] = [];
  const ok = await until(
    async () => {
      last = await states();
      const roles = last.map((n) => (n.reported === n.assigned ? n.reported : '?')).sort();
      return roles.join(',') === 'primary,secondary';
    },
    timeoutMs,
    1000,
  );
  return ok ? last : undefined;
}

/** Creates or restarts the formation as needed; resolves once it is primary + secondary. */
export async function formation(): Promise<NodeState[]> {
  if (!existsSync(DIR)) {
    mkdirSync(DIR, { recursive: true });
    if (asPostgres) {
      const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
      const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
      chownSync(DIR, uid, gid);
    }
  }
  if (ensure('monitor')) await until(() => states().then(() => true), 120_000, 1000);
  for (const name of NODES) {
    // The second node's base backup waits for a checkpoint of the first: ask for it now.
    if (ensure(name)) await delay(5000);
    await query(nodeUrl('node1', 'postgres'), 'CHECKPOINT').catch(() => undefined);
  }
  const ready = await settled(300_000);
  if (!ready) throw new Error(`formation not settled: ${JSON.stringify(await states())}`);
  return ready;
}

export async function primary(): Promise<NodeName> {
  const rows = await states();
  // The monitor's word, both ways: a killed primary stays "reported primary" for a while.
  const p = rows.find(
    (n) => n.reported === n.assigned && ['primary', 'wait_primary'].includes(n.assigned),
  );
  if (!p) throw new Error(`no primary: ${JSON.stringify(rows)}`);
  return p.name as NodeName;
}

function descendants(pid: number): number[] {
  const children = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return (
          Number(readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]) === pid
        );
      } catch {
        return false;
      }
    })
    .map(Number);
  return [...children, ...children.flatMap(descendants)];
}

/**
 * SIGKILL: 'postgres' kills the node's postmaster only (pg_autoctl restarts it);
 * 'node' kills pg_autoctl and everything under it, as a lost machine.
 */
export function kill(name: NodeName, what: 'postgres' | 'node'): void {
  const postmaster = Number(
    readFileSync(path.join(DIR, name, 'postmaster.pid'), 'utf8').split('\n')[0],
  );
  const supervisor = supervisorPid(name);
  const victims =
    what === 'postgres' || !supervisor ? [postmaster] : [supervisor, ...descendants(supervisor)];
  for (const pid of victims) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
}

/** Starts a killed node again: it rejoins the formation (as the standby, after a failover). */
export function restart(name: NodeName): void {
  ensure(name);
}

/**
 * Stops the formation (each supervisor's SIGTERM is pg_autoctl's clean stop, PostgreSQL
 * included), so a scenario leaves no server behind; CHAOS_PAF_KEEP=1 keeps it for the next.
 */
export async function stopFormation(): Promise<void> {
  const pids = (['monitor', ...NODES] as const)
    .map((name) => supervisorPid(name))
    .filter((pid): pid is number => pid !== undefined);
  for (const pid of pids) process.kill(pid, 'SIGTERM');
  await until(async () => pids.every((pid) => !isAlive(pid)), 60_000, 500);
}
