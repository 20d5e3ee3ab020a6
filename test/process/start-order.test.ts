// How `cronwatch start` begins and ends (issue 17, items 2, 4, 5): closing the terminal
// (SIGHUP) stops it like SIGTERM, embedded server included; a busy port stops it before its
// back sends a single alert; once ready it says where to go and what to run first.
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';
import { openEmbedded } from '../../src/db/embedded.js';
import {
  freePort,
  isAlive,
  outputOf,
  postgresPid,
  runCli,
  spawnCli,
  tempDataDir,
  waitForHealthy,
} from '../helpers/process.js';
import { startHttpReceiver } from '../helpers/receivers.js';

const dataDir = await tempDataDir();

test('SIGHUP (the terminal closed) stops the service and its embedded PostgreSQL', async () => {
  const port = await freePort();
  const cli = spawnCli(['start'], { CRONWATCH_DATA_DIR: dataDir, PORT: String(port) });
  await waitForHealthy(cli, port);
  const pg = await postgresPid(dataDir);
  assert.ok(pg);
  process.kill(cli.pid, 'SIGHUP');
  const exit = await cli.exited;
  assert.deepEqual(exit, { code: 0, signal: null }, outputOf(cli));
  assert.equal(isAlive(pg), false, 'the embedded server stopped with the service');
});

test('once ready, the log says where the service and its dashboard are and what to run first', async () => {
  const port = await freePort();
  const cli = spawnCli(['start'], { CRONWATCH_DATA_DIR: dataDir, PORT: String(port) });
  await waitForHealthy(cli, port);
  await cli.waitForOutput(/cronwatch is ready/);
  const said = cli.stdout() + cli.stderr();
  assert.equal(said.match(/cronwatch is ready/g)?.length, 1, 'said once');
  assert.match(said, new RegExp(`cronwatch is ready at http://localhost:${port}`));
  assert.match(said, new RegExp(`http://localhost:${port}/dashboard`));
  assert.match(said, /npx cronwatch account create <name>/);
  await cli.stop();
});

test('a busy port stops the start before the back sends any alert', async () => {
  const hook = await startHttpReceiver();
  // A check that is overdue, with a webhook: a back that ran would alert it at once.
  const server = await openEmbedded(dataDir);
  try {
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    await client.query(
      `WITH a AS (INSERT INTO accounts (name) VALUES ('busy') RETURNING id),
            d AS (INSERT INTO checks (account_id, name, kind, period, grace, status,
                                      last_ping_at, next_deadline)
                  SELECT id, 'due', 'simple', 60, 60, 'up', now() - interval '5 minutes',
                         now() - interval '1 minute' FROM a RETURNING id),
            ch AS (INSERT INTO channels (account_id, kind, name, config)
                   SELECT id, 'webhook', 'hook', $1 FROM a RETURNING id)
       INSERT INTO check_channels (check_id, channel_id) SELECT d.id, ch.id FROM d, ch`,
      [JSON.stringify({ url: hook.url })],
    );
    await client.end();
  } finally {
    await server.stop();
  }
  const squatter = net.createServer((s) => s.destroy());
  await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
  const port = (squatter.address() as net.AddressInfo).port;
  try {
    const run = await runCli(['start'], {
      CRONWATCH_DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      OUTBOUND_ALLOW_PRIVATE: '1',
    });
    assert.notEqual(run.code, 0);
    assert.match(run.stdout + run.stderr, /EADDRINUSE/);
    assert.doesNotMatch(run.stdout + run.stderr, /back role started/);
    await delay(500);
    assert.equal(hook.requests.length, 0, 'no alert went out');
  } finally {
    squatter.close();
  }
});
