// healthchecks' Management API v3, write part: create (and upsert with `unique`), update,
// pause, resume, delete; every endpoint × every kind of key; round trips through pings,
// the sweeper and flips; validation, with "no row changed" after every refused request.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import request from 'supertest';
import { sweepOnce } from '../../src/back/sweep.js';
import { createApp } from '../../src/front/app.js';
import { newAccount, newKey } from '../helpers/api.js';
import { frontDeps } from '../helpers/app.js';
import { backDeps } from '../helpers/back.js';
import { testDatabase } from '../helpers/db.js';
import { assertShape, DOC_CHECK_RW_SIMPLE, EXTRA_RW } from '../helpers/hc-docs.js';

const db = await testDatabase();
const T0 = Date.parse('2026-07-01T12:00:00Z');
let clock = new Date(T0);
const BASE = 'https://cron.example.com';
const app = createApp(
  frontDeps(db.pool, { env: { PUBLIC_URL: BASE, BODY_LIMIT_BYTES: '4096' }, clock: () => clock }),
);
const at = (m: number) => new Date(T0 + m * 60_000);

const A = await newAccount(db.pool, 'w');
const B = await newAccount(db.pool, 'w');
const keys = {
  rw: await newKey(db.pool, A, 'write'),
  ro: await newKey(db.pool, A, 'read'),
  other: await newKey(db.pool, B, 'write'),
};
const { rows: chRows } = await db.pool.query(
  `INSERT INTO channels (account_id, kind, name, config)
   VALUES ($1, 'webhook', 'ops hook', '{"url":"http://192.0.2.1/"}'),
          ($1, 'email', 'mail', '{"to":"ops@example.com"}'),
          ($2, 'webhook', 'b hook', '{"url":"http://192.0.2.2/"}')
   RETURNING uuid::text AS uuid`,
  [A, B],
);
const [hookUuid, mailUuid, otherAccountChannel] = chRows.map((r) => r.uuid as string);

function post(path: string, key: string | undefined, body?: unknown) {
  const r = request(app).post(path);
  if (key) r.set('X-Api-Key', key);
  return body === undefined ? r : r.send(body as object);
}

async function create(body: Record<string, unknown>) {
  const res = await post('/api/v3/checks/', keys.rw, body);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body as Record<string, unknown> & { uuid: string };
}

/** Every row a write could touch, to assert that a refused request changed none. */
async function snapshot(): Promise<string> {
  const checks = await db.pool.query(`SELECT * FROM checks ORDER BY id`);
  const links = await db.pool.query(`SELECT * FROM check_channels ORDER BY check_id, channel_id`);
  const flips = await db.pool.query(`SELECT count(*)::int AS n FROM flips`);
  return JSON.stringify([checks.rows, links.rows, flips.rows]);
}

async function row(uuid: string) {
  const { rows } = await db.pool.query(
    `SELECT status, next_deadline, last_ping_at, manual_resume, kind, period, cron, tz, grace, name
       FROM checks WHERE uuid = $1`,
    [uuid],
  );
  return rows[0];
}

describe('keys: every write × read-write, read-only, none, another account', () => {
  test('only the account’s read-write key writes; nothing else changes a row', async () => {
    const target = await create({ name: 'auth-target' });
    const id = target.uuid;
    const endpoints: [string, string, unknown][] = [
      ['post', '/api/v3/checks/', { name: 'auth-new' }],
      ['post', `/api/v3/checks/${id}`, { desc: 'changed' }],
      ['post', `/api/v3/checks/${id}/pause`, undefined],
      ['post', `/api/v3/checks/${id}/resume`, undefined],
      ['delete', `/api/v3/checks/${id}`, undefined],
    ];
    for (const [method, path, body] of endpoints) {
      const before = await snapshot();
      for (const [key, status] of [
        [undefined, 401],
        [keys.ro, 401],
        ['not-a-key', 401],
      ] as const) {
        const r = request(app)[method as 'post' | 'delete'](path);
        if (key) r.set('X-Api-Key', key);
        const res = await (body === undefined ? r : r.send(body as object));
        assert.equal(res.status, status, `${method} ${path} key=${String(key)}`);
        assert.ok(res.body.error, `${method} ${path}`);
      }
      if (path !== '/api/v3/checks/') {
        const r = request(app)[method as 'post' | 'delete'](path).set('X-Api-Key', keys.other);
        const res = await (body === undefined ? r : r.send(body as object));
        assert.equal(res.status, 404, `${method} ${path} other account`);
      }
      assert.equal(await snapshot(), before, `${method} ${path}`);
    }
    // api_key in the body works as healthchecks documents, read-only keys there too are 401.
    assert.equal(
      (await post('/api/v3/checks/', undefined, { api_key: keys.ro, name: 'x' })).status,
      401,
    );
    const viaBody = await post('/api/v3/checks/', undefined, {
      api_key: keys.rw,
      name: 'via-body',
    });
    assert.equal(viaBody.status, 201);
    // The read-write key does all five.
    assert.equal((await post(`/api/v3/checks/${id}`, keys.rw, { desc: 'd' })).status, 200);
    assert.equal((await post(`/api/v3/checks/${id}/pause`, keys.rw)).status, 200);
    assert.equal((await post(`/api/v3/checks/${id}/resume`, keys.rw)).status, 200);
    assert.equal(
      (await request(app).delete(`/api/v3/checks/${id}`).set('X-Api-Key', keys.rw)).status,
      200,
    );
    // Another account's key created its check in its own account only.
    const theirs = await post('/api/v3/checks/', keys.other, { name: 'auth-target' });
    assert.equal(theirs.status, 201);
    const mine = await request(app).get('/api/v3/checks/').set('X-Api-Key', keys.rw);
    assert.ok(!mine.body.checks.some((c: { uuid: string }) => c.uuid === theirs.body.uuid));
  });
});

describe('create', () => {
  test('defaults as healthchecks: timeout 86400, grace 3600, status new', async () => {
    const c = await create({ name: 'defaults' });
    assert.equal(c.timeout, 86400);
    assert.equal(c.grace, 3600);
    assert.equal(c.status, 'new');
    assert.equal(c.slug, '');
    assert.equal(c.manual_resume, false);
    assert.equal(c.channels, '');
    assert.equal(c.ping_url, `${BASE}/ping/${c.uuid}`);
    assert.equal(c.update_url, `${BASE}/api/v3/checks/${c.uuid}`);
    const r = await row(c.uuid);
    assert.deepEqual([r.kind, r.period, r.tz, r.next_deadline], ['simple', 86400, 'UTC', null]);
  });

  test('every field', async () => {
    const c = await create({
      name: 'Nightly Backup',
      slug: 'nightly-backup',
      tags: 'prod  db prod',
      desc: 'dumps\nthe database',
      schedule: '30   2 * * *',
      tz: 'Europe/Berlin',
      grace: 1800,
      manual_resume: true,
      channels: `${hookUuid},mail`,
      methods: '',
    });
    assert.equal(c.slug, 'nightly-backup');
    assert.equal(c.tags, 'prod db');
    assert.equal(c.desc, 'dumps\nthe database');
    assert.equal(c.schedule, '30 2 * * *');
    assert.equal(c.tz, 'Europe/Berlin');
    assert.equal(c.grace, 1800);
    assert.equal(c.manual_resume, true);
    assert.equal(c.channels, [hookUuid, mailUuid].sort().join(','));
    assert.equal('timeout' in c, false);
  });

  test('channels "*" is every channel of the account, and only of it', async () => {
    const c = await create({ name: 'all-channels', channels: '*' });
    assert.equal(c.channels, [hookUuid, mailUuid].sort().join(','));
  });

  test('unique: 200 with the existing check, updated; 201 when nothing matches', async () => {
    const first = await create({ name: 'upsert', tags: 'a', timeout: 600 });
    const again = await post('/api/v3/checks/', keys.rw, {
      name: 'upsert',
      grace: 120,
      unique: ['name'],
    });
    assert.equal(again.status, 200);
    assert.equal(again.body.uuid, first.uuid);
    assert.equal(again.body.grace, 120);
    assert.equal(again.body.timeout, 600, 'fields not given stay');
    const byTags = await post('/api/v3/checks/', keys.rw, {
      name: 'upsert',
      tags: 'a',
      desc: 'found by tags',
      unique: ['tags', 'timeout'],
      timeout: 600,
    });
    assert.equal(byTags.status, 200);
    assert.equal(byTags.body.uuid, first.uuid);
    const fresh = await post('/api/v3/checks/', keys.rw, {
      name: 'upsert-2',
      unique: ['name', 'slug'],
    });
    assert.equal(fresh.status, 201);
  });

  test('a name already used is 409 (cronwatch names are unique per account)', async () => {
    await create({ name: 'taken' });
    const before = await snapshot();
    const res = await post('/api/v3/checks/', keys.rw, { name: 'taken', timeout: 60 });
    assert.equal(res.status, 409);
    assert.match(res.body.error, /^name: .*unique per account/);
    // Renaming another check onto it is the same 409.
    const other = await create({ name: 'not-taken' });
    const after = await snapshot();
    const rename = await post(`/api/v3/checks/${other.uuid}`, keys.rw, { name: 'taken' });
    assert.equal(rename.status, 409);
    assert.equal(await snapshot(), after);
    assert.notEqual(before, after);
  });

  test('a body sent without Content-Type application/json is read as JSON too', async () => {
    const res = await request(app)
      .post('/api/v3/checks/')
      .set('X-Api-Key', keys.rw)
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .send('{"name": "curl -d", "timeout": 3600}');
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.timeout, 3600);
  });
});

describe('update', () => {
  test('only the given fields change', async () => {
    const c = await create({ name: 'partial', tags: 't1', desc: 'keep', timeout: 600, grace: 60 });
    const res = await post(`/api/v3/checks/${c.uuid}`, keys.rw, { tags: 't2 t3' });
    assert.equal(res.status, 200);
    assert.deepEqual(
      [res.body.name, res.body.tags, res.body.desc, res.body.timeout, res.body.grace],
      ['partial', 't2 t3', 'keep', 600, 60],
    );
    const empty = await post(`/api/v3/checks/${c.uuid}`, keys.rw);
    assert.equal(empty.status, 200);
    assert.equal(empty.body.tags, 't2 t3');
    const channels = await post(`/api/v3/checks/${c.uuid}`, keys.rw, { channels: 'ops hook' });
    assert.equal(channels.body.channels, hookUuid);
    const none = await post(`/api/v3/checks/${c.uuid}`, keys.rw, { channels: '' });
    assert.equal(none.body.channels, '');
  });

  test('a schedule change moves the deadline of an up check, from its last ping', async () => {
    clock = at(0);
    const c = await create({ name: 'resched', timeout: 3600, grace: 60 });
    assert.equal((await request(app).get(`/ping/${c.uuid}`)).status, 200);
    assert.equal((await row(c.uuid)).next_deadline.getTime(), at(61).getTime());
    clock = at(10);
    const res = await post(`/api/v3/checks/${c.uuid}`, keys.rw, { timeout: 7200 });
    assert.equal(res.status, 200);
    assert.equal((await row(c.uuid)).next_deadline.getTime(), at(121).getTime());
    const cron = await post(`/api/v3/checks/${c.uuid}`, keys.rw, { schedule: '0 13 * * *' });
    assert.equal(cron.body.schedule, '0 13 * * *');
    assert.equal(cron.body.tz, 'UTC');
    assert.equal((await row(c.uuid)).next_deadline.getTime(), at(61).getTime());
    // timeout again makes it simple; tz alone is validated against the cron schedule.
    const back = await post(`/api/v3/checks/${c.uuid}`, keys.rw, { timeout: 600 });
    assert.equal(back.body.timeout, 600);
    assert.equal('schedule' in back.body, false);
  });

  test('unknown, non-uuid and other accounts’ checks are 404', async () => {
    const theirs = await post('/api/v3/checks/', keys.other, { name: 'b-only' });
    for (const id of [theirs.body.uuid, '00000000-0000-0000-0000-000000000000', 'nope']) {
      assert.equal((await post(`/api/v3/checks/${id}`, keys.rw, { desc: 'x' })).status, 404);
      assert.equal((await post(`/api/v3/checks/${id}/pause`, keys.rw)).status, 404);
      assert.equal(
        (await request(app).delete(`/api/v3/checks/${id}`).set('X-Api-Key', keys.rw)).status,
        404,
      );
    }
    const { rows } = await db.pool.query(`SELECT description, status FROM checks WHERE uuid = $1`, [
      theirs.body.uuid,
    ]);
    assert.deepEqual(rows[0], { description: '', status: 'new' });
  });
});

describe('pause, resume, delete', () => {
  test('pause: paused, no deadline, no flip of its own; resume: new; resume again: 409', async () => {
    clock = at(0);
    const c = await create({ name: 'pausable', timeout: 60, grace: 60 });
    await request(app).get(`/ping/${c.uuid}`);
    const p = await post(`/api/v3/checks/${c.uuid}/pause`, keys.rw);
    assert.equal(p.status, 200);
    assert.equal(p.body.status, 'paused');
    assert.equal(p.body.uuid, c.uuid);
    const r = await row(c.uuid);
    assert.deepEqual([r.status, r.next_deadline], ['paused', null]);
    const { rows } = await db.pool.query(
      `SELECT from_status, to_status FROM flips f JOIN checks c ON c.id = f.check_id WHERE c.uuid = $1`,
      [c.uuid],
    );
    // Only the first ping's new → up.
    assert.deepEqual(rows, [{ from_status: 'new', to_status: 'up' }]);
    // Pausing twice is fine (healthchecks too).
    assert.equal((await post(`/api/v3/checks/${c.uuid}/pause`, keys.rw)).status, 200);
    const res = await post(`/api/v3/checks/${c.uuid}/resume`, keys.rw);
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'new');
    assert.deepEqual(
      [(await row(c.uuid)).status, (await row(c.uuid)).next_deadline],
      ['new', null],
    );
    const before = await snapshot();
    const again = await post(`/api/v3/checks/${c.uuid}/resume`, keys.rw);
    assert.equal(again.status, 409);
    assert.match(again.body.error, /not paused/);
    assert.equal(await snapshot(), before);
  });

  test('delete answers the deleted check; then it is gone', async () => {
    const c = await create({ name: 'doomed', channels: '*' });
    await request(app).get(`/ping/${c.uuid}`);
    const res = await request(app).delete(`/api/v3/checks/${c.uuid}`).set('X-Api-Key', keys.rw);
    assert.equal(res.status, 200);
    assert.equal(res.body.uuid, c.uuid);
    assert.equal(res.body.name, 'doomed');
    assert.equal(res.body.n_pings, 1);
    assert.equal(await row(c.uuid), undefined);
    const get = await request(app).get(`/api/v3/checks/${c.uuid}`).set('X-Api-Key', keys.rw);
    assert.equal(get.status, 404);
    assert.equal((await request(app).get(`/ping/${c.uuid}`)).status, 404);
  });
});

describe('round trips', () => {
  test('create by API, ping it, see last_ping in GET', async () => {
    clock = at(0);
    const c = await create({ name: 'round-trip', timeout: 3600, grace: 600 });
    clock = at(5);
    assert.equal((await request(app).get(`/ping/${c.uuid}`)).status, 200);
    const got = await request(app).get(`/api/v3/checks/${c.uuid}`).set('X-Api-Key', keys.rw);
    assert.equal(got.body.status, 'up');
    assert.equal(got.body.last_ping, '2026-07-01T12:05:00+00:00');
    assert.equal(got.body.next_ping, '2026-07-01T13:05:00+00:00');
    assert.equal(got.body.n_pings, 1);
  });

  test('manual_resume: a ping does not unpause; resume does; then pings count again', async () => {
    clock = at(0);
    const c = await create({ name: 'manual', timeout: 3600, manual_resume: true });
    await request(app).get(`/ping/${c.uuid}`);
    await post(`/api/v3/checks/${c.uuid}/pause`, keys.rw);
    clock = at(30);
    assert.equal((await request(app).get(`/ping/${c.uuid}`)).status, 200);
    let got = await request(app).get(`/api/v3/checks/${c.uuid}`).set('X-Api-Key', keys.rw);
    assert.equal(got.body.status, 'paused');
    assert.equal(got.body.n_pings, 2, 'the ping is recorded');
    assert.equal(got.body.last_ping, '2026-07-01T12:00:00+00:00');
    assert.equal((await row(c.uuid)).next_deadline, null);
    await post(`/api/v3/checks/${c.uuid}/resume`, keys.rw);
    await request(app).get(`/ping/${c.uuid}`);
    got = await request(app).get(`/api/v3/checks/${c.uuid}`).set('X-Api-Key', keys.rw);
    assert.equal(got.body.status, 'up');
    // Without manual_resume a ping unpauses, as before.
    await post(`/api/v3/checks/${c.uuid}`, keys.rw, { manual_resume: false });
    await post(`/api/v3/checks/${c.uuid}/pause`, keys.rw);
    await request(app).get(`/ping/${c.uuid}`);
    assert.equal((await row(c.uuid)).status, 'up');
  });

  test('flips after a miss (sweeper) and a recovery (ping)', async () => {
    clock = at(0);
    const c = await create({ name: 'flipper', timeout: 60, grace: 60, channels: '*' });
    await request(app).get(`/ping/${c.uuid}`);
    await db.pool.query(`UPDATE checks SET next_deadline = $2 WHERE uuid = $1`, [c.uuid, at(1)]);
    const swept = await sweepOnce(backDeps(db.pool), at(2));
    assert.ok(swept.down >= 1);
    clock = at(3);
    await request(app).get(`/ping/${c.uuid}`);
    const flips = await request(app)
      .get(`/api/v3/checks/${c.uuid}/flips/`)
      .set('X-Api-Key', keys.ro);
    assert.equal(flips.status, 200);
    // Newest first: down → up, up → down, and the first ping's new → up.
    const ups = (flips.body.flips as { up: number }[]).map((f) => f.up);
    assert.deepEqual(ups, [1, 0, 1]);
  });
});

describe('validation: 400 naming the field, nothing written', () => {
  test('bad bodies', async () => {
    const c = await create({ name: 'validated', timeout: 600 });
    const cases: [unknown, RegExp][] = [
      [{ name: 'x', colour: 'red', size: 1 }, /unknown field\(s\): colour, size/],
      [{ name: 5 }, /^name /],
      [{ name: '' }, /^name /],
      [{ name: 'a\u0007b' }, /^name /],
      [{ name: 'x', slug: 'Has Spaces' }, /^slug /],
      [{ name: 'x', tags: ['a'] }, /^tags /],
      [{ name: 'x', desc: null }, /^desc /],
      [{ name: 'x', timeout: 59 }, /^timeout /],
      [{ name: 'x', timeout: 31536001 }, /^timeout /],
      [{ name: 'x', timeout: '600' }, /^timeout /],
      [{ name: 'x', timeout: 600.5 }, /^timeout /],
      [{ name: 'x', grace: 0 }, /^grace /],
      [{ name: 'x', schedule: '* * *' }, /^schedule /],
      [{ name: 'x', schedule: '61 * * * *' }, /^schedule /],
      [{ name: 'x', schedule: 5 }, /^schedule /],
      [{ name: 'x', tz: 'Mars/Olympus' }, /^tz /],
      [{ name: 'x', manual_resume: 'yes' }, /^manual_resume /],
      [{ name: 'x', methods: 'POST' }, /^methods: /],
      [{ name: 'x', channels: 'nope' }, /^channels: /],
      [{ name: 'x', channels: `${hookUuid},` }, /^channels: /],
      [{ name: 'x', channels: otherAccountChannel }, /^channels: /],
      [{ name: 'x', unique: ['colour'] }, /^unique /],
      [{ name: 'x', unique: 'name' }, /^unique /],
      [{ name: 'x', api_key: 7 }, /^api_key /],
      [{ tags: 'no-name' }, /^name /],
      [[1, 2], /JSON object/],
    ];
    for (const [body, error] of cases) {
      const before = await snapshot();
      const status = 400;
      const created = await post('/api/v3/checks/', keys.rw, body);
      assert.equal(created.status, status, JSON.stringify(body));
      assert.match(created.body.error, error, JSON.stringify(body));
      // The same body as an update: the same answer (a missing name is fine there).
      if (!(error.source === '^name ' && !('name' in (body as object)))) {
        const updated = await post(`/api/v3/checks/${c.uuid}`, keys.rw, body);
        assert.equal(updated.status, status, `update ${JSON.stringify(body)}`);
      }
      assert.equal(await snapshot(), before, JSON.stringify(body));
    }
  });

  test('malformed JSON is 400, an oversized body 413, neither writes', async () => {
    const c = await create({ name: 'malformed' });
    const before = await snapshot();
    for (const [path, type] of [
      ['/api/v3/checks/', 'application/json'],
      ['/api/v3/checks/', 'text/plain'],
      [`/api/v3/checks/${c.uuid}`, 'application/json'],
      [`/api/v3/checks/${c.uuid}/pause`, 'application/json'],
    ]) {
      const res = await request(app)
        .post(path!)
        .set('X-Api-Key', keys.rw)
        .set('Content-Type', type!)
        .send('{"name": "x",');
      assert.equal(res.status, 400, `${path} ${type}`);
      assert.ok(res.body.error);
    }
    const big = await post('/api/v3/checks/', keys.rw, { name: 'big', desc: 'x'.repeat(5000) });
    assert.equal(big.status, 413);
    assert.ok(big.body.error);
    assert.equal(await snapshot(), before);
  });
});

describe('write answers have the documented check shape (healthchecks.io/docs/api/)', () => {
  test('create, update, pause, resume and delete answer a check like the documented example', async () => {
    const created = await post('/api/v3/checks/', keys.rw, {
      name: 'shape-1',
      timeout: 3600,
      grace: 600,
      tags: 'a b',
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assertShape(created.body, DOC_CHECK_RW_SIMPLE, EXTRA_RW);
    const uuid = created.body.uuid as string;
    const updated = await post(`/api/v3/checks/${uuid}`, keys.rw, { desc: 'changed' });
    assert.equal(updated.status, 200);
    assertShape(updated.body, DOC_CHECK_RW_SIMPLE, EXTRA_RW);
    for (const action of ['pause', 'resume']) {
      const r = await post(`/api/v3/checks/${uuid}/${action}`, keys.rw);
      assert.equal(r.status, 200, action);
      assertShape(r.body, DOC_CHECK_RW_SIMPLE, EXTRA_RW);
    }
    const deleted = await request(app).delete(`/api/v3/checks/${uuid}`).set('X-Api-Key', keys.rw);
    assert.equal(deleted.status, 200);
    assertShape(deleted.body, DOC_CHECK_RW_SIMPLE, EXTRA_RW);
  });
});
