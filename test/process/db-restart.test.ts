// A PostgreSQL restart under a running front and back (issue 15): a fast shutdown (the
// operator's `pg_ctl restart -m fast`, every session ends with 57P01) and a SIGKILL of the
// postmaster, each during a one-connection ping load. Before the fix the front exited on an
// unhandled 'error' event of a checked-out client in 4 runs of 4. Now: both processes live
// through it, pings in the gap are answered 503 with Retry-After (never 500, never a hang),
// every acknowledged ping is in the database, and the back's heartbeat resumes.
import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';
import { startPgServer, type PgServer } from '../helpers/pg-server.js';
import {
  freePort,
  outputOf,
  responseOf,
  runCli,
  spawnCli,
  waitForHealthy,
  type Cli,
  type Response,
} from '../helpers/process.js';
import { startHttpReceiver } from '../helpers/receivers.js';

const UUID = '5c0d3c2e-1111-4a4a-8b8b-000000000001';

/**
 * The pinged check, and one that falls due while the database is down (in `dueInMs`), with a
 * webhook channel: the back must alert it once the database is back.
 */
async function seed(url: string, webhookUrl: string, dueInMs: number): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(
      `WITH a AS (INSERT INTO accounts (name) VALUES ('acme') RETURNING id),
            c AS (INSERT INTO checks (account_id, name, kind, period, grace, uuid)
                  SELECT id, 'job', 'simple', 3600, 60, $1 FROM a),
            d AS (INSERT INTO checks (account_id, name, kind, period, grace, status,
                                      last_ping_at, next_deadline)
                  SELECT id, 'due', 'simple', 60, 60, 'up', now(),
                         now() + $3 * interval '1 millisecond' FROM a RETURNING id, account_id),
            ch AS (INSERT INTO channels (account_id, kind, name, config)
                   SELECT id, 'webhook', 'hook', $2 FROM a RETURNING id)
       INSERT INTO check_channels (check_id, channel_id) SELECT d.id, ch.id FROM d, ch`,
      [UUID, JSON.stringify({ url: webhookUrl }), dueInMs],
    );
  } finally {
    await client.end();
  }
}

async function pingRows(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM pings');
    return rows[0]!.n;
  } finally {
    await client.end();
  }
}

interface Load {
  acked: number;
  answers: Map<number, number>;
  slowestMs: number;
  /** A 503 without Retry-After, or a failed connection. */
  faults: string[];
  /** Resolves once a 2xx came after `since` (ms epoch). */
  okAfter(since: number, timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

/** Pings /ping/<uuid> back to back on one keep-alive connection. */
function pingLoad(port: number): Load {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  let running = true;
  let lastOk = 0;
  const load: Load = {
    acked: 0,
    answers: new Map(),
    slowestMs: 0,
    faults: [],
    async okAfter(since, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (lastOk <= since) {
        if (Date.now() > deadline) throw new Error(`no 2xx within ${timeoutMs} ms`);
        await delay(50);
      }
    },
    stop: async () => {
      running = false;
      await done;
      agent.destroy();
    },
  };
  const one = () =>
    new Promise<Response>((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port, path: `/ping/${UUID}`, method: 'POST', agent },
        (res) => responseOf(res).then(resolve, reject),
      );
      req.on('error', reject);
      req.end('x');
    });
  const done = (async () => {
    while (running) {
      const started = Date.now();
      try {
        const res = await one();
        load.slowestMs = Math.max(load.slowestMs, Date.now() - started);
        load.answers.set(res.status, (load.answers.get(res.status) ?? 0) + 1);
        if (res.status === 200) {
          load.acked++;
          lastOk = Date.now();
        } else if (res.status !== 503 || !res.headers['retry-after']) {
          load.faults.push(`${res.status} ${JSON.stringify(res.headers)} ${res.body}`);
        } else await delay(20);
      } catch (err) {
        load.faults.push(String(err));
        await delay(100);
      }
    }
  })();
  return load;
}

async function startRoles(
  server: PgServer,
  webhookUrl: string,
): Promise<{ front: Cli; back: Cli; port: number }> {
  const env = { DATABASE_URL: server.url, OUTBOUND_ALLOW_PRIVATE: '1' };
  const migrated = await runCli(['migrate'], env);
  assert.equal(migrated.code, 0, migrated.stderr);
  await seed(server.url, webhookUrl, 4000);
  const port = await freePort();
  const back = spawnCli(['back'], env);
  const front = spawnCli(['front'], { ...env, PORT: String(port), HOST: '127.0.0.1' });
  await waitForHealthy(front, port);
  return { front, back, port };
}

for (const how of ['fast', 'kill'] as const) {
  test(`a PostgreSQL ${how === 'fast' ? 'fast restart' : 'SIGKILL and restart'} under load: front and back live on, no acknowledged ping lost`, async () => {
    const server = await startPgServer();
    const hook = await startHttpReceiver();
    const { front, back, port } = await startRoles(server, hook.url);
    const load = pingLoad(port);
    await load.okAfter(0, 10_000);
    await delay(500);
    await server.stop(how);
    await delay(1500);
    const restarted = Date.now();
    await server.start();
    await load.okAfter(restarted, 20_000);
    await delay(500);
    await load.stop();
    const alive = (cli: Cli) => cli.child.exitCode === null && cli.child.signalCode === null;
    assert.ok(alive(front), `the front exited\n${outputOf(front)}`);
    assert.ok(alive(back), `the back exited\n${outputOf(back)}`);
    assert.deepEqual(load.faults, [], 'every answer is a 200, or a 503 with Retry-After');
    assert.ok((load.answers.get(503) ?? 0) > 0, 'pings during the outage were answered 503');
    assert.ok(load.slowestMs < 6000, `an answer took ${load.slowestMs} ms`);
    assert.equal(await pingRows(server.url), load.acked, 'every acknowledged ping is stored');
    // The back works again: the check that fell due during the outage is alerted, once.
    const deadline = Date.now() + 20_000;
    while (hook.requests.length === 0 && Date.now() < deadline) await delay(100);
    await delay(1000);
    assert.equal(hook.requests.length, 1, `alerts: ${JSON.stringify(hook.requests)}`);
    await waitForHealthy(front, port, 20_000);
  });
}
