import assert from 'node:assert/strict';
import { test } from 'node:test';
import request from 'supertest';
import { recordHeartbeat } from '../../src/db/back-instances.js';
import { startDispatcher, startSweeper } from '../../src/back/loops.js';
import { Waiter } from '../../src/back/waiter.js';
import { retryDelayMs } from '../../src/domain/backoff.js';
import { createApp } from '../../src/front/app.js';
import { frontDeps } from '../helpers/app.js';
import { backDeps } from '../helpers/back.js';
import { testDatabase } from '../helpers/db.js';
import { startHttpReceiver } from '../helpers/receivers.js';

const db = await testDatabase();

test('the running back alerts a check shortly after its stored deadline, not before', async () => {
  const slack = await startHttpReceiver();
  const back = backDeps(db.pool, {
    SLACK_WEBHOOK_URL: slack.url + '/s',
    BACK_MAX_SLEEP_SECONDS: '60',
  });
  const { rows } = await db.pool.query(`INSERT INTO accounts (name) VALUES ('loop') RETURNING id`);
  const deadline = new Date(Date.now() + 400);
  await db.pool.query(
    `INSERT INTO checks (account_id, name, period, grace, status, last_ping_at, next_deadline) VALUES ($1, 'soon', 60, 60, 'up', now(), $2)`,
    [rows[0].id, deadline],
  );
  const dispatcher = startDispatcher(back);
  // The sleep bound is 60 s: only waking at the stored deadline can alert within the wait below.
  const sweeper = startSweeper(back, () => dispatcher.wake());
  try {
    for (let i = 0; i < 100 && slack.requests.length === 0; i++)
      await new Promise((r) => setTimeout(r, 50));
    assert.equal(slack.requests.length, 1);
    assert.ok(slack.requests[0]!.at >= deadline.getTime(), 'never before the deadline');
  } finally {
    await sweeper.stop();
    await dispatcher.stop();
  }
});

test('/healthz fails until a back instance has been seen recently; /healthcheck only needs the database', async () => {
  let now = new Date('2026-04-01T00:00:00Z');
  const app = createApp(frontDeps(db.pool, { clock: () => now }));
  await db.pool.query(`DELETE FROM back_instances`);
  let res = await request(app).get('/healthz');
  assert.equal(res.status, 503);
  assert.equal(res.body.back, 'no back instance has ever run');
  assert.equal((await request(app).get('/healthcheck')).status, 200);

  await recordHeartbeat(db.pool, { id: 'b1', hostname: 'h', pid: 1, startedAt: now }, now);
  res = await request(app).get('/healthz');
  assert.equal(res.status, 200);
  assert.deepEqual([res.body.status, res.body.database, res.body.back], ['ok', 'ok', 'ok']);

  now = new Date('2026-04-01T00:05:00Z');
  res = await request(app).get('/healthz');
  assert.equal(res.status, 503);
  assert.equal(res.body.back, 'no back instance seen for 300 s');
});

test('retry delays grow exponentially with jitter, capped', () => {
  assert.equal(retryDelayMs(1, 30_000, 3_600_000, 0), 15_000);
  assert.equal(retryDelayMs(1, 30_000, 3_600_000, 0.999999), 30_000);
  assert.equal(retryDelayMs(3, 30_000, 3_600_000, 0.5), 90_000);
  assert.equal(retryDelayMs(20, 30_000, 3_600_000, 1), 3_600_000);
});

test('a wake that comes while the loop is busy is not lost', async () => {
  const w = new Waiter();
  w.wake();
  const started = Date.now();
  await w.wait(60_000);
  assert.ok(Date.now() - started < 1000);
});
