// `cronwatch start` as a real process on an embedded PostgreSQL: readiness, check-ins, a
// `cronwatch migrate` beside it, a clean stop (the embedded server goes with it), a restart
// that keeps the data, and in-flight requests surviving a stop.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { test } from 'node:test';
import pg from 'pg';
import { openEmbedded } from '../../src/db/embedded.js';
import {
  outputOf,
  embeddedUrl,
  freePort,
  isAlive,
  postgresPid,
  request,
  responseOf,
  runCli,
  spawnCli,
  tempDataDir,
  waitForHealthy,
  waitUntilRefused,
  type Cli,
} from '../helpers/process.js';

// One data directory for the file: initdb runs once; every test starts its own process on it.
const dataDir = await tempDataDir();
const postmasterPid = path.join(dataDir, 'pg', 'postmaster.pid');

async function start(vars: Record<string, string> = {}): Promise<{ cli: Cli; port: number }> {
  const port = await freePort();
  const cli = spawnCli(['start'], {
    CRONWATCH_DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    ...vars,
  });
  await waitForHealthy(cli, port);
  return { cli, port };
}

async function query<T extends pg.QueryResultRow>(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

const PINGS_OF = `SELECT count(*)::int AS n FROM pings p JOIN checks c ON c.id = p.check_id
  JOIN accounts a ON a.id = c.account_id WHERE a.name = $1 AND c.name = $2`;

/** Reads the database with the server stopped: starts the embedded server in-process. */
async function pingsWhileStopped(account: string, name: string): Promise<number> {
  assert.equal(existsSync(postmasterPid), false, 'no server should run now');
  const server = await openEmbedded(dataDir);
  try {
    const [row] = await query<{ n: number }>(server.url, PINGS_OF, [account, name]);
    return row?.n ?? 0;
  } finally {
    await server.stop();
  }
}

async function assertStopsCleanly(cli: Cli): Promise<void> {
  const pid = await postgresPid(dataDir);
  const exit = await cli.stop();
  assert.deepEqual(exit, { code: 0, signal: null }, outputOf(cli));
  assert.equal(existsSync(postmasterPid), false, 'the embedded postgres left its postmaster.pid');
  if (pid !== undefined) assert.equal(isAlive(pid), false, `postgres ${pid} still runs`);
}

test('start runs on its own embedded PostgreSQL, stops it on SIGTERM and keeps the data', async () => {
  const first = await start();

  const checkin = await request(first.port, {
    path: '/?cronname=a&account=b&email=c@d.io&frequency=60',
  });
  assert.equal(checkin.status, 201);
  assert.equal(checkin.body, '');

  const bad = await request(first.port, {
    path: '/?cronname=a&account=b&email=c@d.io&frequency=soon',
  });
  assert.equal(bad.status, 400);
  assert.match(bad.body, /frequency/);

  const pgPid = await postgresPid(dataDir);
  assert.ok(pgPid && isAlive(pgPid), 'the embedded postgres runs');
  const url = await embeddedUrl(dataDir);
  assert.deepEqual(
    await query(
      url,
      `SELECT a.name AS account, c.name, c.period, c.email
         FROM checks c JOIN accounts a ON a.id = c.account_id WHERE a.name = 'b'`,
    ),
    [{ account: 'b', name: 'a', period: 60, email: 'c@d.io' }],
  );
  assert.deepEqual(await query(url, PINGS_OF, ['b', 'a']), [{ n: 1 }]);

  // A second command on the same data directory connects to the running server.
  const migrate = await runCli(['migrate'], { CRONWATCH_DATA_DIR: dataDir });
  assert.equal(migrate.code, 0, migrate.stderr);
  assert.match(migrate.stdout, /up to date/);
  assert.equal(await postgresPid(dataDir), pgPid, 'migrate must not restart the server');
  assert.ok(isAlive(pgPid), 'migrate must not stop the server it did not start');
  assert.equal(first.cli.child.exitCode, null, 'start still runs');
  assert.equal((await request(first.port, { path: '/healthz' })).status, 200);

  await assertStopsCleanly(first.cli);

  const second = await start();
  assert.notEqual(second.port, first.port);
  const again = await request(second.port, {
    path: '/?cronname=a&account=b&email=c@d.io&frequency=60',
  });
  assert.equal(again.status, 201);
  const url2 = await embeddedUrl(dataDir);
  assert.deepEqual(
    await query(
      url2,
      `SELECT count(*)::int AS n FROM checks c JOIN accounts a ON a.id = c.account_id
        WHERE a.name = 'b'`,
    ),
    [{ n: 1 }],
  );
  assert.deepEqual(await query(url2, PINGS_OF, ['b', 'a']), [{ n: 2 }]);
  await assertStopsCleanly(second.cli);
});

/**
 * A POST check-in whose headers the server has read (it answered 100 Continue) and whose
 * body is half sent. `finish` sends the rest and returns the response.
 */
async function halfSentCheckin(
  port: number,
  name: string,
  agent: http.Agent | false = false,
): Promise<{ finish(): Promise<{ status: number; body: string }> }> {
  const body = JSON.stringify({
    cronname: name,
    account: 'inflight',
    email: 'c@d.io',
    frequency: 60,
  });
  const cut = Math.floor(body.length / 2);
  const req = http.request({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path: '/',
    agent,
    headers: {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(body),
      Expect: '100-continue',
    },
  });
  const failed = once(req, 'error').then(([err]) => Promise.reject(err as Error));
  failed.catch(() => undefined);
  const responded = Promise.race([once(req, 'response'), failed]);
  req.flushHeaders();
  await Promise.race([once(req, 'continue'), failed]);
  req.write(body.slice(0, cut));
  return {
    async finish() {
      req.end(body.slice(cut));
      const [res] = (await responded) as [http.IncomingMessage];
      const { status, body: text } = await responseOf(res);
      return { status, body: text };
    },
  };
}

test('a check-in in flight when SIGTERM arrives still completes and is committed', async () => {
  const { cli, port } = await start();
  const pending = await halfSentCheckin(port, 'sigterm');
  process.kill(cli.pid, 'SIGTERM');
  // The process is stopping: it logged so and no longer accepts connections.
  await cli.waitForOutput(/"msg":"stopping"/);
  await waitUntilRefused(port);
  const res = await pending.finish();
  assert.equal(res.status, 201, res.body);
  assert.equal(res.body, '');
  const exit = await cli.exited;
  assert.deepEqual(exit, { code: 0, signal: null }, outputOf(cli));
  assert.equal(existsSync(postmasterPid), false);
  assert.equal(await pingsWhileStopped('inflight', 'sigterm'), 1);
});

test('Ctrl-C in a terminal (SIGINT to the whole process group) drains in-flight check-ins too', async () => {
  const { cli, port } = await start();
  const pending = await halfSentCheckin(port, 'ctrl-c');
  // A terminal sends SIGINT to every process of the foreground group, the embedded
  // postgres included when it shares cronwatch's group.
  process.kill(-cli.pid, 'SIGINT');
  await cli.waitForOutput(/"msg":"stopping"/);
  await waitUntilRefused(port);
  const res = await pending.finish();
  assert.equal(res.status, 201, res.body);
  const exit = await cli.exited;
  assert.deepEqual(exit, { code: 0, signal: null }, outputOf(cli));
  assert.equal(existsSync(postmasterPid), false);
  assert.equal(await pingsWhileStopped('inflight', 'ctrl-c'), 1);
});

test('a keep-alive client does not hold up the stop after its last response', async () => {
  // With a 60 s shutdown timeout, a connection kept open after the in-flight response would
  // keep the process alive for a minute.
  const { cli, port } = await start({ SHUTDOWN_TIMEOUT_SECONDS: '60' });
  const agent = new http.Agent({ keepAlive: true });
  try {
    const pending = await halfSentCheckin(port, 'keepalive', agent);
    process.kill(cli.pid, 'SIGTERM');
    await cli.waitForOutput(/"msg":"stopping"/);
    await waitUntilRefused(port);
    const res = await pending.finish();
    assert.equal(res.status, 201, res.body);
    // The process exits well before the shutdown timeout.
    const exited = await Promise.race([
      cli.exited,
      new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), 15_000).unref()),
    ]);
    assert.deepEqual(exited, { code: 0, signal: null }, outputOf(cli));
  } finally {
    agent.destroy();
  }
});

test('the process that started the embedded server leaves it running for one still using it', async () => {
  // This test process starts the server (as `cronwatch migrate` would), then `start` joins it.
  const first = await openEmbedded(dataDir);
  assert.equal(first.owned, true);
  const pgPid = await postgresPid(dataDir);
  assert.ok(pgPid);
  const port = await freePort();
  const cli = spawnCli(['start'], {
    CRONWATCH_DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
  });
  await waitForHealthy(cli, port);
  await cli.waitForOutput(/already running/);
  await first.stop();
  // `start` still uses it: the server runs on, and check-ins still commit.
  assert.ok(isAlive(pgPid), 'the server stopped under a process still using it');
  const res = await request(port, {
    path: '/?cronname=joined&account=b&email=c@d.io&frequency=60',
  });
  assert.equal(res.status, 201, res.body);
  // `start` is the last user now: its stop stops the server.
  await assertStopsCleanly(cli);
  assert.equal(isAlive(pgPid), false);
});
