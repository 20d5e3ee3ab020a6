// One check-in rule (issue 14): the same check-in through /ping/<uuid>, /ping/<key>/<slug>
// and the gocron check-in has the same effect: status, deadline (period and cron), run
// pairing, manual_resume, recovery from down with its flip and outbox rows.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import request from 'supertest';
import { createApp } from '../../src/front/app.js';
import { frontDeps } from '../helpers/app.js';
import { testDatabase } from '../helpers/db.js';

const db = await testDatabase();
// Every alert is one notification row (the global Slack channel).
const SLACK = { SLACK_WEBHOOK_URL: 'http://127.0.0.1:9/unused' };
const T0 = new Date('2026-07-01T10:00:00Z');
let clock = T0;
const app = createApp(frontDeps(db.pool, { env: SLACK, clock: () => clock }));
await db.pool.query(`INSERT INTO accounts (name, ping_key) VALUES ('forms', 'formskey')`);

interface Check {
  id: number;
  uuid: string;
  name: string;
}
// A check made by the API (not by gocron): a gocron check-in is a plain success ping on it.
let seq = 0;
async function check(set = ''): Promise<Check> {
  const name = `k${++seq}`;
  const { rows } = await db.pool.query(
    `INSERT INTO checks (account_id, name, slug, period, grace, status, last_ping_at)
     SELECT id, $1, $1, 3600, 300, 'up', $2 FROM accounts WHERE name = 'forms'
     RETURNING id, uuid, name`,
    [name, new Date(T0.getTime() - 600_000)],
  );
  if (set) await db.pool.query(`UPDATE checks SET ${set} WHERE id = $1`, [rows[0].id]);
  return rows[0];
}

const FORMS: Record<string, (c: Check) => [string, number]> = {
  uuid: (c) => [`/ping/${c.uuid}`, 200],
  slug: (c) => [`/ping/formskey/${c.name}`, 200],
  gocron: (c) => [`/?cronname=${c.name}&account=forms&email=x%40example.com&frequency=60`, 201],
};

async function checkIn(form: string, c: Check, at: Date): Promise<void> {
  clock = at;
  const [path, status] = FORMS[form]!(c);
  const res = await request(app).get(path);
  assert.equal(res.status, status, res.text);
}

async function stateOf(c: Check) {
  const { rows } = await db.pool.query(
    `SELECT status, next_deadline, last_ping_at, started_at, ping_count::int AS n, period,
            (SELECT array_agg(f.from_status || '>' || f.to_status ORDER BY f.id) FROM flips f WHERE f.check_id = c.id) AS flips,
            (SELECT count(*)::int FROM notifications n JOIN flips f ON f.id = n.flip_id WHERE f.check_id = c.id) AS alerts
       FROM checks c WHERE id = $1`,
    [c.id],
  );
  return rows[0];
}

const at = (s: number) => new Date(T0.getTime() + s * 1000);

for (const form of Object.keys(FORMS)) {
  describe(`${form} check-in`, () => {
    test('an up check: stays up, deadline = ping + period + grace, settings of an API check kept', async () => {
      const c = await check();
      await checkIn(form, c, at(10));
      const s = await stateOf(c);
      assert.equal(s.status, 'up');
      assert.equal(s.next_deadline.toISOString(), at(10 + 3600 + 300).toISOString());
      assert.equal(s.last_ping_at.toISOString(), at(10).toISOString());
      assert.deepEqual([s.n, s.period, s.flips, s.alerts], [1, 3600, null, 0]);
    });

    test('a cron check: the deadline is its next run plus the grace', async () => {
      const c = await check(`kind = 'cron', cron = '0 3 * * *', period = NULL`);
      await checkIn(form, c, at(10));
      const s = await stateOf(c);
      assert.equal(s.status, 'up');
      assert.equal(s.next_deadline.toISOString(), '2026-07-02T03:05:00.000Z');
    });

    test('a down check recovers: one flip down > up and its alert, in the same commit', async () => {
      const c = await check(`status = 'down', next_deadline = NULL`);
      await checkIn(form, c, at(10));
      const s = await stateOf(c);
      assert.equal(s.status, 'up');
      assert.equal(s.next_deadline.toISOString(), at(10 + 3600 + 300).toISOString());
      assert.deepEqual([s.flips, s.alerts], [['down>up'], 1]);
    });

    test('a paused manual_resume check stays paused; the ping is recorded', async () => {
      const c = await check(`status = 'paused', manual_resume = true, next_deadline = NULL`);
      await checkIn(form, c, at(10));
      const s = await stateOf(c);
      assert.deepEqual([s.status, s.next_deadline, s.n, s.flips], ['paused', null, 1, null]);
    });

    test('a paused check without manual_resume resumes, without an alert', async () => {
      const c = await check(`status = 'paused', next_deadline = NULL`);
      await checkIn(form, c, at(10));
      const s = await stateOf(c);
      assert.deepEqual([s.status, s.flips, s.alerts], ['up', ['paused>up'], 0]);
    });

    test('a check with an open run: the success closes it', async () => {
      const c = await check(`started_at = '${at(-50).toISOString()}'`);
      await checkIn(form, c, at(10));
      const s = await stateOf(c);
      assert.equal(s.started_at, null);
      const { rows } = await db.pool.query(`SELECT duration FROM pings WHERE check_id = $1`, [
        c.id,
      ]);
      assert.equal(rows[0].duration, 60);
    });
  });
}

test('odd ping keys and uuids never get a 5xx (check-ins travel to the database as JSON)', async () => {
  for (const path of [
    '/ping/%00key/slug',
    '/ping/k%00/slug',
    '/ping/%ED%A0%80/slug',
    '/ping/%C0%80/slug',
    '/ping/\\u0000/slug',
    '/?cronname=a&account=%00&email=x%40example.com&frequency=60',
  ]) {
    const res = await request(app).get(path);
    assert.ok(res.status < 500, `${path}: ${res.status} ${res.text}`);
  }
});
