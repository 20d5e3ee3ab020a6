// A PostgreSQL server a test owns outright, on a fixed port, so that it can be restarted
// (fast shutdown, or SIGKILL of the postmaster) under running cronwatch processes, as an
// operator's `pg_ctl restart` or a crash would. Same binaries as the embedded database.
import { type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { cleanup } from './cleanup.js';
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';
import {
  binaries,
  freePort,
  initialise,
  launch,
  runAs,
  SUPERUSER,
} from '../../src/db/embedded-server.js';

export interface PgServer {
  url: string;
  port: number;
  /** The postmaster's pid now. */
  pid(): number;
  /** Stops the server: 'fast' (SIGINT, sessions end with 57P01) or 'kill' (SIGKILL). */
  stop(how: 'fast' | 'kill'): Promise<void>;
  /** Starts it again on the same port (retrying while a killed server's backends linger). */
  start(): Promise<void>;
}

export async function startPgServer(): Promise<PgServer> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'cronwatch-pg-'));
  await chmod(dataDir, 0o755);
  const bin = await binaries();
  const owner = await runAs();
  const secret = 'test-secret';
  await initialise(dataDir, bin, owner, secret);
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    for (let attempt = 0; ; attempt++) {
      try {
        child = (await launch(dataDir, bin, owner, port)).child;
        child.unref();
        return;
      } catch (err) {
        // After a SIGKILL the old backends hold the shared memory for a moment.
        if (attempt > 100) throw err;
        await delay(100);
      }
    }
  };
  await start();
  const admin = `postgres://${SUPERUSER}:${secret}@127.0.0.1:${port}/postgres`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query('CREATE DATABASE cronwatch');
  await client.end();
  const server: PgServer = {
    url: `postgres://${SUPERUSER}:${secret}@127.0.0.1:${port}/cronwatch`,
    port,
    pid: () => child?.pid ?? 0,
    async stop(how) {
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      // Held while we wait: with nothing else running, an unref'd child's exit never comes.
      c.ref();
      const exited = new Promise((resolve) => c.once('exit', resolve));
      c.kill(how === 'fast' ? 'SIGINT' : 'SIGKILL');
      await exited;
    },
    start,
  };
  cleanup(async () => {
    await server.stop('fast');
    await rm(dataDir, { recursive: true, force: true });
  });
  return server;
}
