// gocron site=1 (COMPAT 7): while a gateway is down, misses of its account's jobs that check
// in from the same address are not alerted one by one; the gateway's alert lists them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import request from 'supertest';
import { dispatchOnce } from '../../src/back/dispatch.js';
import { sweepOnce } from '../../src/back/sweep.js';
import { alertText, type AlertEvent } from '../../src/domain/alert.js';
import { createApp } from '../../src/front/app.js';
import { frontDeps } from '../helpers/app.js';
import { backDeps } from '../helpers/back.js';
import { testDatabase } from '../helpers/db.js';
import { startSmtp } from '../helpers/receivers.js';

const db = await testDatabase();
const smtp = await startSmtp();
const env = { SMTP_URL: smtp.url, TRUST_PROXY: '127.0.0.1' };
const back = backDeps(db.pool, env);
let clock = new Date();
const app = createApp(frontDeps(db.pool, { env, clock: () => clock }));
const T0 = new Date('2026-05-01T00:00:00Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

async function checkIn(
  account: string,
  name: string,
  frequency: number,
  address: string,
  site = false,
  when = 0,
) {
  clock = at(when);
  const res = await request(app)
    .get(
      `/?cronname=${name}&account=${account}&email=${name}@acme.io&frequency=${frequency}${site ? '&site=1' : ''}`,
    )
    .set('X-Forwarded-For', address);
  assert.equal(res.status, 201);
}

/** Alerts written for an account, as "check:kind", in order. */
async function alerts(account: string): Promise<string[]> {
  const { rows } = await db.pool.query(
    `SELECT payload->'check'->>'name' AS name, payload->>'kind' AS kind FROM notifications
      WHERE payload->'check'->>'account' = $1 ORDER BY created_at, payload->'check'->>'name'`,
    [account],
  );
  return rows.map((r) => `${r.name}:${r.kind}`);
}

async function gatewayEvent(account: string, name: string): Promise<AlertEvent> {
  const { rows } = await db.pool.query(
    `SELECT payload FROM notifications WHERE payload->'check'->>'account' = $1 AND payload->'check'->>'name' = $2 AND payload->>'kind' = 'down'`,
    [account, name],
  );
  assert.equal(rows.length, 1);
  return rows[0].payload;
}

test('gateway down first, jobs miss after: only the gateway alerts', async () => {
  await checkIn('a1', 'gw', 60, '10.0.0.1', true);
  await checkIn('a1', 'job1', 600, '10.0.0.1');
  await checkIn('a1', 'job2', 600, '10.0.0.1');
  assert.equal((await sweepOnce(back, at(121))).down, 1); // gw: 60 + 60 s grace
  assert.equal((await sweepOnce(back, at(661))).down, 2); // jobs: 600 + 60 s grace
  assert.deepEqual(await alerts('a1'), ['gw:down']);
  const { rows } = await db.pool.query(
    `SELECT name, status FROM checks c WHERE name LIKE 'job%' ORDER BY name`,
  );
  assert.deepEqual(rows, [
    { name: 'job1', status: 'down' },
    { name: 'job2', status: 'down' },
  ]);
  // The flips are recorded even though nothing was sent: uptime history stays true.
  assert.equal(
    (
      await db.pool.query(
        `SELECT count(*)::int AS n FROM flips f JOIN checks c ON c.id = f.check_id WHERE c.name LIKE 'job%' AND to_status = 'down'`,
      )
    ).rows[0].n,
    2,
  );
});

test('gateway recovers while jobs stay down: the jobs alert then, and their recovery alerts too', async () => {
  await checkIn('a1', 'gw', 60, '10.0.0.1', true, 700);
  assert.deepEqual(await alerts('a1'), ['gw:down', 'gw:up', 'job1:down', 'job2:down']);
  await checkIn('a1', 'job1', 600, '10.0.0.1', false, 710);
  assert.deepEqual(await alerts('a1'), ['gw:down', 'gw:up', 'job1:down', 'job2:down', 'job1:up']);
  // Delivered as real email with the gocron texts; job1's recovery in a second round, once
  // its down alert is out (alerts of a check go in flip order).
  await dispatchOnce(back, at(710), 100);
  await dispatchOnce(back, at(710), 100);
  const subjects = smtp.mails
    .filter((m) => m.to[0]!.startsWith('job'))
    .map((m) => m.subject)
    .sort();
  assert.deepEqual(subjects, [
    'job1: a1 failed to check in',
    'job1: a1 is back online',
    'job2: a1 failed to check in',
  ]);
});

test('a job that recovers while its gateway is still down sends nothing', async () => {
  await checkIn('a2', 'gw', 60, '10.0.0.9', true);
  await checkIn('a2', 'job', 600, '10.0.0.9');
  await sweepOnce(back, at(121));
  await sweepOnce(back, at(661));
  await checkIn('a2', 'job', 600, '10.0.0.9', false, 670);
  assert.deepEqual(await alerts('a2'), ['gw:down']);
  // And the gateway's recovery does not release it: it is not missing any more.
  await checkIn('a2', 'gw', 60, '10.0.0.9', true, 680);
  assert.deepEqual(await alerts('a2'), ['gw:down', 'gw:up']);
});

test('jobs miss first, gateway after: jobs alerted, the gateway alert lists them', async () => {
  await checkIn('a3', 'gw', 600, '10.0.0.3', true);
  await checkIn('a3', 'job1', 60, '10.0.0.3');
  await checkIn('a3', 'job2', 60, '10.0.0.3');
  assert.equal((await sweepOnce(back, at(121))).down, 2);
  assert.equal((await sweepOnce(back, at(661))).down, 1);
  assert.deepEqual(await alerts('a3'), ['job1:down', 'job2:down', 'gw:down']);
  const event = await gatewayEvent('a3', 'gw');
  assert.deepEqual(event.behind, ['job1', 'job2']);
  const text = alertText(event);
  assert.equal(text.subject, 'gw: a3 failed to check in');
  assert.match(text.body, /^The cronjob gw for account a3 has not checked in on time\n/);
  assert.match(
    text.body,
    /Gateway gw down; 2 jobs behind it have also missed:\n {2}- job1\n {2}- job2/,
  );
});

test('gateway and jobs missing in the same sweep: one alert, listing the jobs', async () => {
  await checkIn('a4', 'gw', 60, '10.0.0.4', true);
  for (let i = 1; i <= 12; i++)
    await checkIn('a4', `job${String(i).padStart(2, '0')}`, 60, '10.0.0.4');
  assert.equal((await sweepOnce(back, at(121))).down, 13);
  assert.deepEqual(await alerts('a4'), ['gw:down']);
  const text = alertText(await gatewayEvent('a4', 'gw'));
  assert.match(text.body, /Gateway gw down; 12 jobs behind it have also missed:/);
});

test('two gateways on different addresses each cover only their own jobs', async () => {
  await checkIn('a5', 'gwA', 60, '10.0.5.1', true);
  await checkIn('a5', 'gwB', 3600, '10.0.5.2', true);
  await checkIn('a5', 'jobA', 600, '10.0.5.1');
  await checkIn('a5', 'jobB', 600, '10.0.5.2');
  // Another account behind the same address is not grouped with a5's gateway.
  await checkIn('a6', 'other', 600, '10.0.5.1');
  await sweepOnce(back, at(121)); // gwA down
  await sweepOnce(back, at(661)); // jobA held back, jobB (gwB up) and a6's job alert
  assert.deepEqual(await alerts('a5'), ['gwA:down', 'jobB:down']);
  assert.deepEqual(await alerts('a6'), ['other:down']);
});
