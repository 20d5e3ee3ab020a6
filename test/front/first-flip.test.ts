// Issue 17, item 20: a check's first success records the flip new → up, as healthchecks
// does, in every ping form (uuid, batched uuid, slug, ?create=1, exit status 0, gocron
// check-in); paused → up too. Neither sends an alert (healthchecks does not notify on
// new → up or paused → up), and the sweep that follows sends no spurious recovery.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import request from 'supertest';
import { sweepOnce } from '../../src/back/sweep.js';
import { createApp } from '../../src/front/app.js';
import { frontDeps } from '../helpers/app.js';
import { backDeps } from '../helpers/back.js';
import { testDatabase } from '../helpers/db.js';

const db = await testDatabase();
// Every alert becomes exactly one notification (the global Slack channel): one alert = one row.
const SLACK = { SLACK_WEBHOOK_URL: 'http://127.0.0.1:9/unused' };
let clock = new Date('2026-07-01T00:00:00Z');
const app = createApp(frontDeps(db.pool, { env: SLACK, clock: () => clock }));
const back = backDeps(db.pool, SLACK);
const PING_KEY = 'pk_first_flip_01';
const { rows } = await db.pool.query(
  `INSERT INTO accounts (name, ping_key) VALUES ('first', $1) RETURNING id`,
  [PING_KEY],
);
const account: number = rows[0].id;

let seq = 0;
async function newCheck(status = 'new'): Promise<{ uuid: string; slug: string }> {
  const slug = `c-${++seq}`;
  const { rows } = await db.pool.query(
    `INSERT INTO checks (account_id, name, slug, period, grace, status)
     VALUES ($1, $2, $2, 3600, 300, $3) RETURNING uuid`,
    [account, slug, status],
  );
  return { uuid: rows[0].uuid, slug };
}

/** The check's flips and its alerts (notification kinds), oldest first (by flip: a
 * notification's id is a random uuid, and ordering by it made this test flaky). */
async function historyOf(where: string, value: string) {
  const flips = await db.pool.query(
    `SELECT f.from_status || '>' || f.to_status AS flip,
            (SELECT count(*)::int FROM notifications n WHERE n.flip_id = f.id) AS alerts
       FROM flips f JOIN checks c ON c.id = f.check_id WHERE ${where} = $1 ORDER BY f.id`,
    [value],
  );
  const alerts = await db.pool.query(
    `SELECT n.payload->>'kind' AS kind FROM notifications n JOIN flips f ON f.id = n.flip_id
       JOIN checks c ON c.id = f.check_id WHERE ${where} = $1 ORDER BY f.id, n.created_at`,
    [value],
  );
  return { flips: flips.rows.map((r) => r.flip), alerts: alerts.rows.map((r) => r.kind) };
}
const byUuid = (uuid: string) => historyOf('c.uuid', uuid);

describe('the first success records new → up, without an alert', () => {
  const forms: [string, (c: { uuid: string; slug: string }) => string][] = [
    ['uuid', (c) => `/ping/${c.uuid}`],
    ['uuid, exit status 0', (c) => `/ping/${c.uuid}/0`],
    ['slug', (c) => `/ping/${PING_KEY}/${c.slug}`],
    ['slug, exit status 0', (c) => `/ping/${PING_KEY}/${c.slug}/0`],
  ];
  for (const [label, url] of forms) {
    test(label, async () => {
      const c = await newCheck();
      assert.equal((await request(app).get(url(c))).status, 200);
      assert.equal((await request(app).post(url(c)).send('again')).status, 200);
      assert.deepEqual(await byUuid(c.uuid), { flips: ['new>up'], alerts: [] });
    });
  }

  test('a check made by ?create=1', async () => {
    const res = await request(app).get(`/ping/${PING_KEY}/made-by-ping?create=1`);
    assert.equal(res.status, 201);
    assert.deepEqual(await historyOf('c.slug', 'made-by-ping'), { flips: ['new>up'], alerts: [] });
  });

  test('a gocron check-in that creates the check', async () => {
    const checkin = (name: string) =>
      request(app).get(`/?cronname=${name}&account=first&email=ops@example.com&frequency=60`);
    assert.equal((await checkin('gocron-job')).status, 201);
    assert.equal((await checkin('gocron-job')).status, 201);
    assert.deepEqual(await historyOf('c.name', 'gocron-job'), { flips: ['new>up'], alerts: [] });
  });

  test('start, then the finish: the finish is the first success', async () => {
    const c = await newCheck();
    await request(app).get(`/ping/${c.uuid}/start`);
    assert.deepEqual(await byUuid(c.uuid), { flips: [], alerts: [] });
    await request(app).get(`/ping/${c.uuid}`);
    assert.deepEqual(await byUuid(c.uuid), { flips: ['new>up'], alerts: [] });
  });

  test('paused → up is recorded without an alert; down → up alerts', async () => {
    const paused = await newCheck('paused');
    await request(app).get(`/ping/${paused.uuid}`);
    assert.deepEqual(await byUuid(paused.uuid), { flips: ['paused>up'], alerts: [] });
    const down = await newCheck('down');
    await request(app).get(`/ping/${down.uuid}`);
    assert.deepEqual(await byUuid(down.uuid), { flips: ['down>up'], alerts: ['up'] });
  });
});

test('after new → up, the sweep sends one down alert at the miss and the ping one up alert', async () => {
  clock = new Date('2026-07-02T00:00:00Z');
  const c = await newCheck();
  await request(app).get(`/ping/${c.uuid}`);
  // Not due yet: nothing; due (period 3600 + grace 300): one down alert, no up alert.
  await sweepOnce(back, new Date('2026-07-02T01:00:00Z'));
  assert.deepEqual(await byUuid(c.uuid), { flips: ['new>up'], alerts: [] });
  await sweepOnce(back, new Date('2026-07-02T01:05:01Z'));
  await sweepOnce(back, new Date('2026-07-02T01:10:00Z'));
  assert.deepEqual(await byUuid(c.uuid), { flips: ['new>up', 'up>down'], alerts: ['down'] });
  clock = new Date('2026-07-02T01:20:00Z');
  await request(app).get(`/ping/${c.uuid}`);
  assert.deepEqual(await byUuid(c.uuid), {
    flips: ['new>up', 'up>down', 'down>up'],
    alerts: ['down', 'up'],
  });
});
