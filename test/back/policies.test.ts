// Alert policies (issue 16) through the real API, pings and sweep on PostgreSQL: what is
// recorded (flips) and what alerts (outbox rows), with time passed as a parameter.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import request from 'supertest';
import { sweepOnce } from '../../src/back/sweep.js';
import { alertText, type AlertEvent } from '../../src/domain/alert.js';
import { createApp } from '../../src/front/app.js';
import { newAccount, newKey } from '../helpers/api.js';
import { frontDeps } from '../helpers/app.js';
import { backDeps } from '../helpers/back.js';
import { testDatabase } from '../helpers/db.js';
import { signIn } from '../helpers/web.js';

const db = await testDatabase();
const T0 = Date.parse('2026-03-02T10:00:00Z');
let clock = new Date(T0);
// http: the session cookie of an https PUBLIC_URL is Secure, which supertest's agent keeps back.
const BASE = 'http://cron.example.com';
const env = { PUBLIC_URL: BASE };
const app = createApp(frontDeps(db.pool, { env, clock: () => clock }));
const back = backDeps(db.pool, env);
/** Minutes after T0. */
const at = (m: number) => (clock = new Date(T0 + m * 60_000));
const sweep = (m: number) => sweepOnce(back, at(m));

const account = await newAccount(db.pool, 'pol');
const key = await newKey(db.pool, account, 'write');
const api = () => ({
  post: (path: string, body: unknown) =>
    request(app)
      .post(`/api/v3${path}`)
      .set('X-Api-Key', key)
      .send(body as object),
});

let n = 0;
/** A check (period 60 min, grace 5 min) with an email, pinged once at `m`. */
async function newCheck(policy: Record<string, unknown> = {}, m = 0): Promise<string> {
  at(m);
  const res = await api().post('/checks/', {
    name: `c${++n}`,
    timeout: 3600,
    grace: 300,
    ...policy,
  });
  assert.equal(res.status, 201, res.text);
  const uuid = res.body.uuid as string;
  await db.pool.query(`UPDATE checks SET email = 'ops@example.com' WHERE uuid = $1`, [uuid]);
  assert.equal((await request(app).get(`/ping/${uuid}`)).status, 200);
  return uuid;
}
const ping = async (uuid: string, m: number, suffix = '', body?: string) => {
  at(m);
  const r =
    body === undefined
      ? await request(app).get(`/ping/${uuid}${suffix}`)
      : await request(app).post(`/ping/${uuid}${suffix}`).send(body);
  assert.equal(r.status, 200);
};
async function history(uuid: string) {
  const flips = await db.pool.query<{ f: string }>(
    `SELECT f.from_status || '>' || f.to_status || ' ' || f.reason AS f FROM flips f
       JOIN checks c ON c.id = f.check_id WHERE c.uuid = $1 ORDER BY f.id`,
    [uuid],
  );
  const alerts = await db.pool.query<{ payload: AlertEvent }>(
    `SELECT n.payload FROM notifications n JOIN flips f ON f.id = n.flip_id
       JOIN checks c ON c.id = f.check_id WHERE c.uuid = $1 ORDER BY n.created_at, n.payload->>'kind'`,
    [uuid],
  );
  return {
    flips: flips.rows.map((r) => r.f),
    alerts: alerts.rows.map(
      (r) => r.payload.kind + (r.payload.repeat ? ` #${r.payload.repeat}` : ''),
    ),
    payloads: alerts.rows.map((r) => r.payload),
  };
}

describe('failure threshold', () => {
  test('two misses in a row: both recorded, one alert at the second; recovery alerts', async () => {
    const c = await newCheck({ failure_threshold: 2 });
    await sweep(66); // deadline 65 min: miss 1
    let h = await history(c);
    assert.deepEqual(h.alerts, []);
    assert.deepEqual(h.flips.slice(1), ['up>down no check-in before the deadline']);
    await sweep(126); // the next run's deadline (125 min): miss 2 → alert
    h = await history(c);
    assert.deepEqual(h.alerts, ['down']);
    assert.equal(h.flips.length, 2, 'the second miss is no new flip: it already was down');
    await sweep(300);
    await ping(c, 301);
    assert.deepEqual((await history(c)).alerts, ['down', 'up']);
  });

  test('one miss then a check-in: recorded, alerts nobody, and the streak starts over', async () => {
    const c = await newCheck({ failure_threshold: 2 }, 1000);
    await sweep(1066);
    await ping(c, 1070);
    await sweep(1136); // a miss again, but not the second in a row
    const h = await history(c);
    assert.deepEqual(h.alerts, []);
    assert.equal(h.flips.length, 4);
  });

  test('success_threshold 2: up at once, the recovery alert at the second success', async () => {
    const c = await newCheck({ success_threshold: 2 }, 2000);
    await ping(c, 2001, '/fail');
    await ping(c, 2002);
    assert.deepEqual((await history(c)).alerts, ['down']);
    await ping(c, 2003);
    assert.deepEqual((await history(c)).alerts, ['down', 'up']);
  });
});

describe('runtime assertions', () => {
  test('max_runtime: the sweep alerts "running too long" at start + max_runtime', async () => {
    const c = await newCheck({ max_runtime: 1800 }, 3000);
    await ping(c, 3010, '/start');
    await sweep(3039);
    assert.deepEqual((await history(c)).alerts, []);
    await sweep(3040);
    const h = await history(c);
    assert.deepEqual(h.alerts, ['down']);
    assert.match(h.payloads[0]!.overdue!, /^running too long: started .*, max_runtime 30 min$/);
    assert.match(alertText(h.payloads[0]!).subject, /failed to check in$/);
  });

  test('min_runtime: a run finishing faster alerts "finished too fast" with its output', async () => {
    const c = await newCheck({ min_runtime: 300 }, 4000);
    await ping(c, 4010, '/start');
    await ping(c, 4011, '', 'copied 0 files');
    const h = await history(c);
    assert.deepEqual(h.alerts, ['down']);
    const text = alertText(h.payloads[0]!, BASE);
    assert.match(text.body, /finished too fast: ran 60 s, min_runtime 5 min/);
    assert.match(text.body, /Run duration: 60 s/);
    assert.match(text.body, /copied 0 files/);
  });
});

describe('repeats and acknowledge', () => {
  test('every hour while down, stopped by acknowledge; a new outage repeats again', async () => {
    const c = await newCheck({ repeat_every: 3600, repeat_limit: 5 }, 5000);
    await sweep(5066);
    await sweep(5125);
    assert.deepEqual((await history(c)).alerts, ['down']);
    const r = await sweep(5126);
    assert.equal(r.reminded, 1);
    assert.deepEqual((await history(c)).alerts, ['down', 'down #1']);
    at(5130);
    const ack = await api().post(`/checks/${c}/ack`, {});
    assert.equal(ack.status, 200, ack.text);
    assert.equal(ack.body.acknowledged, true);
    await sweep(5300);
    assert.deepEqual((await history(c)).alerts, ['down', 'down #1']);
    await ping(c, 5301);
    assert.equal((await api().post(`/checks/${c}/ack`, {})).status, 409);
    await sweep(5400); // missed again (deadline 5366): a new outage, a fresh repeat clock
    await sweep(5460);
    assert.deepEqual((await history(c)).alerts, ['down', 'down #1', 'up', 'down', 'down #1']);
  });

  test('repeat_limit stops the repeats', async () => {
    const c = await newCheck({ repeat_every: 600, repeat_limit: 2 }, 6000);
    await sweep(6066);
    for (const m of [6076, 6086, 6096, 6106]) await sweep(m);
    assert.deepEqual((await history(c)).alerts, ['down', 'down #1', 'down #2']);
  });
});

describe('maintenance windows and snooze', () => {
  test('a miss in a window is recorded "in maintenance", alerts when it ends if still down', async () => {
    const c = await newCheck({}, 7000);
    const w = await api().post('/maintenance_windows/', {
      check: c,
      from: new Date(T0 + 7060 * 60_000).toISOString(),
      to: new Date(T0 + 7120 * 60_000).toISOString(),
    });
    assert.equal(w.status, 201, w.text);
    await sweep(7066);
    let h = await history(c);
    assert.deepEqual(h.flips.slice(1), [
      'up>down no check-in before the deadline (in maintenance)',
    ]);
    assert.deepEqual(h.alerts, []);
    assert.equal((await sweep(7119)).reminded, undefined);
    await sweep(7120);
    h = await history(c);
    assert.deepEqual(h.alerts, ['down']);
  });

  test('recovered inside the window: nobody is alerted, not even "back online"', async () => {
    const c = await newCheck({ tags: 'nightly' }, 8000);
    const w = await api().post('/maintenance_windows/', {
      tag: 'nightly',
      cron: '0 * * * *',
      duration: 3000,
      tz: 'Europe/Berlin',
    });
    assert.equal(w.status, 201, w.text);
    await sweep(8066); // 10:00 + 8066 min = 04:26 UTC on 8 March: inside the hourly window
    await ping(c, 8070);
    await sweep(8200);
    assert.deepEqual((await history(c)).alerts, []);
  });

  test('snooze: no alert until the snooze ends', async () => {
    const c = await newCheck({}, 9000);
    await api().post(`/checks/${c}`, { snoozed_until: new Date(T0 + 9100 * 60_000).toISOString() });
    await sweep(9066);
    assert.deepEqual((await history(c)).alerts, []);
    await sweep(9100);
    assert.deepEqual((await history(c)).alerts, ['down']);
  });

  test('a reported failure while snoozed is held too, and alerts when the snooze ends', async () => {
    const c = await newCheck({}, 9500);
    await api().post(`/checks/${c}`, {
      snoozed_until: new Date(T0 + 9530 * 60_000).toISOString(),
    });
    await ping(c, 9510, '/fail', 'disk full');
    let h = await history(c);
    assert.deepEqual(h.flips.slice(1), ['up>down failure reported (in maintenance)']);
    assert.deepEqual(h.alerts, []);
    await sweep(9530);
    h = await history(c);
    assert.deepEqual(h.alerts, ['down']);
  });

  test('bad windows are refused with the field named', async () => {
    const bad = async (body: unknown, re: RegExp) => {
      const r = await api().post('/maintenance_windows/', body);
      assert.equal(r.status, 400);
      assert.match(r.body.error, re);
    };
    await bad({ tag: 'x', cron: '0 2 * * 0', duration: 60, tz: 'Mars/Base' }, /^tz /);
    await bad({ tag: 'x', cron: 'nope', duration: 60 }, /^cron /);
    await bad(
      { tag: 'x', from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' },
      /^to must be after from/,
    );
    await bad({ cron: '0 2 * * 0', duration: 60 }, /either check \(a uuid\) or tag/);
  });
});

describe('dependencies', () => {
  async function pair(m: number) {
    const parent = await newCheck({}, m);
    const child = await newCheck({}, m);
    const r = await api().post(`/checks/${child}`, { depends_on: [parent] });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.depends_on, [parent]);
    return { parent, child };
  }

  test("missing together: the child is folded into the parent's alert; parent up releases it", async () => {
    const { parent, child } = await pair(10_000);
    await sweep(10_066);
    const p = await history(parent);
    assert.deepEqual(p.alerts, ['down']);
    assert.deepEqual(p.payloads[0]!.dependents, [await name(child)]);
    assert.deepEqual((await history(child)).alerts, []);
    await ping(parent, 10_070);
    // The child is still down: its own alert goes out now.
    assert.deepEqual((await history(child)).alerts, ['down']);
    await ping(child, 10_071);
    assert.deepEqual((await history(child)).alerts, ['down', 'up']);
  });

  test('parent down first, child misses later, child recovers first: the child alerts nobody', async () => {
    const { parent, child } = await pair(11_000);
    await db.pool.query(`UPDATE checks SET period = 1800 WHERE uuid = $1`, [parent]);
    await ping(parent, 11_001);
    await sweep(11_036); // parent missed
    await sweep(11_066); // child missed, parent still down
    assert.deepEqual((await history(child)).alerts, []);
    await ping(child, 11_067);
    await ping(parent, 11_068);
    assert.deepEqual((await history(child)).alerts, []);
    assert.deepEqual((await history(parent)).alerts, ['down', 'up']);
  });

  test("child down first (alerted), then the parent: the child's alert stands", async () => {
    const { parent, child } = await pair(12_000);
    await db.pool.query(`UPDATE checks SET period = 1800 WHERE uuid = $1`, [child]);
    await ping(child, 12_001);
    await sweep(12_036);
    await sweep(12_066);
    assert.deepEqual((await history(child)).alerts, ['down']);
    await ping(parent, 12_067);
    await ping(child, 12_068);
    assert.deepEqual((await history(child)).alerts, ['down', 'up']);
  });

  test('a cycle, or an unknown check, is refused with a 400 and nothing changes', async () => {
    const { parent, child } = await pair(13_000);
    const r = await api().post(`/checks/${parent}`, { depends_on: [child] });
    assert.equal(r.status, 400);
    assert.match(r.body.error, /^depends_on: this would make a cycle/);
    const self = await api().post(`/checks/${parent}`, { depends_on: [parent] });
    assert.equal(self.status, 400);
    const unknown = await api().post(`/checks/${parent}`, {
      depends_on: ['00000000-0000-4000-8000-000000000000'],
    });
    assert.equal(unknown.status, 400);
    assert.match(unknown.body.error, /^depends_on: no check of this account/);
    const { rows } = await db.pool.query(
      `SELECT count(*)::int AS n FROM check_dependencies d JOIN checks c ON c.id = d.check_id WHERE c.uuid = $1`,
      [parent],
    );
    assert.equal(rows[0].n, 0);
  });
});

async function name(uuid: string): Promise<string> {
  const { rows } = await db.pool.query(`SELECT name FROM checks WHERE uuid = $1`, [uuid]);
  return rows[0].name;
}

test("the link in every alert opens the check's dashboard page for a signed-in user", async () => {
  const c = await newCheck({}, 14_000);
  await ping(c, 14_001, '/fail');
  const [event] = (await history(c)).payloads;
  const { url } = alertText(event!, BASE);
  assert.equal(url, `${BASE}/dashboard/checks/${c}`);
  const { agent } = await signIn(app, key);
  const page = await agent.get(new URL(url!).pathname);
  assert.equal(page.status, 200);
  assert.ok(page.text.includes(await name(c)));
});
