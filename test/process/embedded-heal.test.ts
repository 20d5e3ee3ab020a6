// The embedded PostgreSQL heals (issue 15): its postmaster killed with SIGKILL under a ping
// load, it is started again and every cronwatch process on the data directory finds it, on
// the same port or, when that port was taken meanwhile, on another one. Before the fix
// `cronwatch start` answered 503 for ever, and a separate back retried the old port for ever.
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';
import {
  embeddedUrl,
  freePort,
  isAlive,
  outputOf,
  postgresPid,
  request,
  runCli,
  spawnCli,
  tempDataDir,
  waitForHealthy,
  type Cli,
} from '../helpers/process.js';

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

async function portOf(dataDir: string): Promise<number> {
  return Number(new URL(await embeddedUrl(dataDir)).port);
}

/** Kills the postmaster outright and waits until it is gone. */
async function killPostgres(dataDir: string): Promise<number> {
  const pid = await postgresPid(dataDir);
  assert.ok(pid, 'a postmaster runs');
  process.kill(pid, 'SIGKILL');
  while (isAlive(pid)) await delay(20);
  return pid;
}

/** Gocron check-ins until one is answered 201; counts the 201s. */
async function checkinsUntilOk(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await request(port, {
        path: '/?cronname=job&account=acme&email=ops@example.com&frequency=3600',
      });
      if (res.status === 201) return;
      last = `${res.status} ${res.body}`;
    } catch (err) {
      last = String(err);
    }
    await delay(100);
  }
  throw new Error(`no 201 within ${timeoutMs} ms (last: ${last})`);
}

function assertAlive(cli: Cli): void {
  assert.ok(cli.child.exitCode === null && cli.child.signalCode === null, outputOf(cli));
}

test('cronwatch start: a SIGKILLed embedded postmaster is restarted and the service answers again', async () => {
  const dataDir = await tempDataDir();
  const port = await freePort();
  const cli = spawnCli(['start'], {
    CRONWATCH_DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
  });
  await waitForHealthy(cli, port);
  await checkinsUntilOk(port, 5000);
  const before = await portOf(dataDir);
  const killed = await killPostgres(dataDir);
  await checkinsUntilOk(port, 30_000);
  assertAlive(cli);
  const healed = await postgresPid(dataDir);
  assert.ok(healed && healed !== killed, 'a new postmaster runs');
  assert.equal(await portOf(dataDir), before, 'on the same port, which was free');
  await cli.waitForOutput(/ready again on port/);
  const [row] = await query<{ n: number }>(
    await embeddedUrl(dataDir),
    `SELECT count(*)::int AS n FROM pings`,
  );
  assert.ok(row!.n >= 2, 'the check-ins before and after the kill are stored');
  const exit = await cli.stop();
  assert.deepEqual(exit, { code: 0, signal: null }, outputOf(cli));
  assert.equal(await postgresPid(dataDir), undefined, 'the healed server stops with the service');
});

test('separate back and front: the server comes back on another port and both find it', async () => {
  const dataDir = await tempDataDir();
  const env = { CRONWATCH_DATA_DIR: dataDir };
  const migrated = await runCli(['migrate'], env);
  assert.equal(migrated.code, 0, migrated.stderr);
  // The back starts the server (it owns it); the front joins it.
  const back = spawnCli(['back'], env);
  await back.waitForOutput(/back role started/);
  const port = await freePort();
  const front = spawnCli(['front'], { ...env, PORT: String(port), HOST: '127.0.0.1' });
  await waitForHealthy(front, port);
  await checkinsUntilOk(port, 5000);
  const oldPort = await portOf(dataDir);
  // Something else takes the old port the moment the server dies: it must move.
  await killPostgres(dataDir);
  const squatter = net.createServer((s) => s.destroy());
  await new Promise<void>((resolve, reject) => {
    squatter.once('error', reject);
    squatter.listen(oldPort, '127.0.0.1', resolve);
  });
  try {
    await checkinsUntilOk(port, 30_000);
    assert.notEqual(await portOf(dataDir), oldPort, 'the server moved to another port');
    // The back found it too: it heartbeats again, so /healthz is 200 from the new server.
    await back.waitForOutput(/ready again on port/, 30_000);
    const healedAt = Date.now();
    let beats = 0;
    while (beats === 0 && Date.now() < healedAt + 20_000) {
      const [row] = await query<{ n: number }>(
        await embeddedUrl(dataDir),
        `SELECT count(*)::int AS n FROM back_instances WHERE seen_at > to_timestamp(${healedAt / 1000})`,
      );
      beats = row!.n;
      await delay(200);
    }
    assert.equal(beats, 1, 'the back wrote its heartbeat to the new server');
    await waitForHealthy(front, port, 20_000);
    assertAlive(back);
    assertAlive(front);
  } finally {
    squatter.close();
  }
});
