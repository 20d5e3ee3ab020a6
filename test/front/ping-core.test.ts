// The heart of the healthchecks ping API: run timing with rid, fail → one alert, start
// without finish → down after the grace, recovery, and pruning to the newest N.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import request from 'supertest';
import { pruneOnce } from '../../src/back/prune.js';
import { sweepOnce } from '../../src/back/sweep.js';
import { createApp } from '../../src/front/app.js';
import { frontDeps } from '../helpers/app.js';
import { backDeps } from '../helpers/back.js';
import { testDatabase } from '../helpers/db.js';

const db = await testDatabase();
const env = { SLACK_WEBHOOK_URL: 'http://127.0.0.1:9/unused', PING_KEEP: '5' };
let clock = new Date('2026-07-01T00:00:00Z');
const app = createApp(frontDeps(db.pool, { env, clock: () => clock }));
const back = backDeps(db.pool, env);
const at = (s: number) => (clock = new Date(Date.parse('2026-07-01T00:00:00Z') + s * 1000));

const { rows: acc } = await db.pool.query(
  `INSERT INTO accounts (name, ping_key) VALUES ('hc', 'pk_abc123') RETURNING id`,
);
async function newCheck(name: string, period = 3600, grace = 300): Promise<string> {
  const { rows } = await db.pool.query(
    `INSERT INTO checks (account_id, name, slug, period, grace) VALUES ($1, $2, $2, $3, $4) RETURNING uuid`,
    [acc[0].id, name, period, grace],
  );
  return rows[0].uuid;
}
const check = async (uuid: string) =>
  (
    await db.pool.query(
      `SELECT status, started_at, last_duration, next_deadline, last_ping_at FROM checks WHERE uuid = $1`,
      [uuid],
    )
  ).rows[0];
const alertsOf = async (name: string) =>
  (
    await db.pool.query(
      `SELECT payload->>'kind' AS kind, payload->>'failure' AS failure FROM notifications WHERE payload->'check'->>'name' = $1 ORDER BY created_at`,
      [name],
    )
  ).rows;

test('a ping answers 200 OK with Ping-Body-Limit and moves the deadline by the period + grace', async () => {
  const uuid = await newCheck('simple');
  at(0);
  const res = await request(app).get(`/ping/${uuid}`);
  assert.equal(res.status, 200);
  assert.equal(res.text, 'OK');
  assert.equal(res.headers['ping-body-limit'], '100000');
  const c = await check(uuid);
  assert.equal(c.status, 'up');
  assert.deepEqual(c.next_deadline, new Date('2026-07-01T01:05:00Z'));
});

test('overlapping runs with rid are timed separately', async () => {
  const uuid = await newCheck('overlap');
  const ridA = '00000000-0000-4000-8000-00000000000a';
  const ridB = '00000000-0000-4000-8000-00000000000b';
  at(0);
  assert.equal((await request(app).get(`/ping/${uuid}/start?rid=${ridA}`)).status, 200);
  at(10);
  assert.equal((await request(app).get(`/ping/${uuid}/start?rid=${ridB}`)).status, 200);
  at(25);
  assert.equal((await request(app).get(`/ping/${uuid}?rid=${ridA}`)).status, 200); // A: 25 s
  at(100);
  assert.equal((await request(app).get(`/ping/${uuid}/0?rid=${ridB}`)).status, 200); // B: 90 s
  const { rows } = await db.pool.query(
    `SELECT p.kind, p.run_id, p.duration FROM pings p JOIN checks c ON c.id = p.check_id WHERE c.uuid = $1 ORDER BY p.id`,
    [uuid],
  );
  assert.deepEqual(
    rows.map((r) => [r.kind, r.run_id.slice(-1), r.duration]),
    [
      ['start', 'a', null],
      ['start', 'b', null],
      ['success', 'a', 25],
      ['exitcode', 'b', 90],
    ],
  );
  assert.equal((await check(uuid)).last_duration, 90);
});

test('a run that takes days is timed (no cap)', async () => {
  const uuid = await newCheck('long', 31_536_000, 31_536_000);
  at(0);
  await request(app).get(`/ping/${uuid}/start`);
  at(3 * 86_400);
  await request(app).get(`/ping/${uuid}`);
  assert.equal((await check(uuid)).last_duration, 3 * 86_400);
});

test('start without a finish: down once the grace passes, with one alert; finish recovers', async () => {
  const uuid = await newCheck('stuck', 3600, 300);
  at(0);
  await request(app).get(`/ping/${uuid}`);
  at(1000);
  await request(app).get(`/ping/${uuid}/start`);
  assert.deepEqual((await check(uuid)).next_deadline, new Date(clock.getTime() + 300_000));
  assert.equal((await sweepOnce(back, new Date(clock.getTime() + 299_000))).down, 0);
  assert.equal((await sweepOnce(back, new Date(clock.getTime() + 301_000))).down, 1);
  assert.equal((await check(uuid)).status, 'down');
  at(2000);
  await request(app).get(`/ping/${uuid}`);
  assert.equal((await check(uuid)).status, 'up');
  assert.deepEqual(
    (await alertsOf('stuck')).map((a) => a.kind),
    ['down', 'up'],
  );
});

test('fail (and a non-zero exit status) turns the check down at once with one alert; log changes nothing', async () => {
  const uuid = await newCheck('failing');
  at(0);
  await request(app).get(`/ping/${uuid}`);
  await request(app).post(`/ping/${uuid}/log`).send('just a note');
  assert.equal((await check(uuid)).status, 'up');
  await request(app).get(`/ping/${uuid}/fail`);
  const c = await check(uuid);
  assert.equal(c.status, 'down');
  assert.equal(c.next_deadline, null);
  await request(app).get(`/ping/${uuid}/fail`); // already down: no second alert
  at(60);
  await request(app).get(`/ping/${uuid}`);
  at(120);
  await request(app).get(`/ping/${uuid}/3`);
  assert.deepEqual(await alertsOf('failing'), [
    { kind: 'down', failure: 'failure reported' },
    { kind: 'up', failure: null },
    { kind: 'down', failure: 'exit status 3' },
  ]);
});

test('the back keeps exactly the newest PING_KEEP pings per check', async () => {
  const uuid = await newCheck('chatty');
  for (let i = 0; i < 12; i++) {
    at(i);
    await request(app).post(`/ping/${uuid}/log`).send(`line ${i}`);
  }
  const other = await newCheck('quiet');
  await request(app).get(`/ping/${other}`);
  assert.ok((await pruneOnce(back)) >= 7);
  const { rows } = await db.pool.query(
    `SELECT body FROM pings p JOIN checks c ON c.id = p.check_id WHERE c.uuid = $1 ORDER BY p.id`,
    [uuid],
  );
  assert.deepEqual(
    rows.map((r) => r.body),
    ['line 7', 'line 8', 'line 9', 'line 10', 'line 11'],
  );
  const quiet = await db.pool.query(
    `SELECT count(*)::int AS n FROM pings p JOIN checks c ON c.id = p.check_id WHERE c.uuid = $1`,
    [other],
  );
  assert.equal(quiet.rows[0].n, 1);
});
