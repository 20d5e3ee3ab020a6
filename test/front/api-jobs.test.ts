// /api/v3/jobs/: the four minimal requests of issue 12 exactly as written, bad input as a
// 400 naming the field with nothing written, another account's job a 404, and the life of
// a job (pause, resume, run now, runs, redrive, delete) through the engine on a receiver.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import request from 'supertest';
import { triggerOnce } from '../../src/back/trigger.js';
import { createApp } from '../../src/front/app.js';
import { newAccount, newKey } from '../helpers/api.js';
import { frontDeps } from '../helpers/app.js';
import { testDatabase } from '../helpers/db.js';
import { makeDue, triggerDeps } from '../helpers/jobs.js';
import { startHttpReceiver } from '../helpers/receivers.js';

const db = await testDatabase();
const env = { OUTBOUND_ALLOW_PRIVATE: '1' };
const app = createApp(frontDeps(db.pool, { env }));
const strictApp = createApp(frontDeps(db.pool));
const back = triggerDeps(db.pool);
const receiver = await startHttpReceiver();
const A = await newAccount(db.pool, 'jobs');
const B = await newAccount(db.pool, 'jobs');
const keys = {
  rw: await newKey(db.pool, A, 'write'),
  ro: await newKey(db.pool, A, 'read'),
  other: await newKey(db.pool, B, 'write'),
};

const post = (path: string, body: unknown, key = keys.rw) =>
  request(app)
    .post(`/api/v3/jobs/${path}`)
    .set('X-Api-Key', key)
    .send(body as object);
const get = (path: string, key = keys.rw) =>
  request(app).get(`/api/v3/jobs/${path}`).set('X-Api-Key', key);
const count = async (table: string) =>
  (await db.pool.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n as number;

describe('the minimal requests of the issue', () => {
  test('a one-off message after 30 s: POST with the body and its headers', async () => {
    const res = await post('', {
      name: 'reminder-42',
      after: 30,
      url: 'https://example.com/hook',
      body: '{"id":42}',
      headers: { 'Content-Type': 'application/json' },
    });
    assert.equal(res.status, 201, res.text);
    assert.match(res.body.uuid, /^[0-9a-f-]{36}$/);
    assert.equal(res.body.status, 'active');
    assert.equal(res.body.method, 'POST');
    assert.equal(res.body.check, null);
    const wait = Date.parse(res.body.next_run) - Date.now();
    assert.ok(wait > 28_000 && wait <= 30_000, `next_run in ${wait} ms`);
  });

  test('nightly 02:30 in Europe/Berlin, poll every 300 s, launch at an instant', async () => {
    const nightly = await post('', {
      name: 'nightly',
      schedule: '30 2 * * *',
      tz: 'Europe/Berlin',
      url: 'https://example.com/n',
    });
    assert.equal(nightly.status, 201, nightly.text);
    assert.equal(nightly.body.method, 'GET');
    assert.match(nightly.body.check, /^[0-9a-f-]{36}$/);
    const local = new Date(nightly.body.next_run).toLocaleString('sv', {
      timeZone: 'Europe/Berlin',
    });
    assert.match(local, / 02:30:00$/);
    const poll = await post('', { name: 'poll', every: 300, url: 'https://example.com/p' });
    assert.equal(poll.status, 201, poll.text);
    assert.ok(poll.body.check);
    const launch = await post('', {
      name: 'launch',
      at: '2026-12-24T18:00:00+01:00',
      url: 'https://example.com/l',
    });
    assert.equal(launch.status, 201, launch.text);
    assert.equal(launch.body.next_run, '2026-12-24T17:00:00.000Z');
  });
});

describe('bad input', () => {
  test('a body that is not an object (null too) is refused as the checks API refuses it', async () => {
    const jobs = await count('jobs');
    for (const path of ['/api/v3/jobs/', '/api/v3/checks/'])
      for (const type of ['application/json', 'application/x-www-form-urlencoded'])
        for (const body of ['null', '[]', '"x"', '7']) {
          const res = await request(app)
            .post(path)
            .set('X-Api-Key', keys.rw)
            .set('Content-Type', type)
            .send(body);
          assert.equal(res.status, 400, `${path} ${type} ${body}`);
          const want = { error: 'the request body must be a JSON object' };
          assert.deepEqual(res.body, want, `${path} ${type} ${body}`);
        }
    assert.equal(await count('jobs'), jobs);
  });

  test('a 400 naming the field, and nothing written', async () => {
    const jobs = await count('jobs');
    const ticks = await count('ticks');
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ name: 'x', every: 60, url: 'https://e.com', kind: 'ftp' }, /^kind/],
      [{ name: 'x', schedule: '99 * * * *', url: 'https://e.com' }, /^schedule/],
      [{ name: 'x', schedule: '0 * * * *', tz: 'Nowhere/City', url: 'https://e.com' }, /^tz/],
      [{ name: 'x', at: '2020-01-01T00:00:00Z', url: 'https://e.com' }, /^at/],
      [{ name: 'x', after: 0, url: 'https://e.com' }, /^after/],
      [{ name: 'x', after: 400_000_000, url: 'https://e.com' }, /^after/],
      [{ name: 'x', every: 60, url: 'file:///etc/passwd' }, /^url/],
      [{ name: 'x', every: 60, url: 'https://e.com', headers: { A: 1 } }, /^headers/],
      [{ name: 'x', every: 60, url: 'https://e.com', headers: { Connection: 'x' } }, /^headers/],
      [{ name: 'x', every: 60, url: 'https://e.com', body: 'b'.repeat(100_001) }, /^body/],
      [{ name: 'x', every: 60, url: 'https://e.com', timeout: 901 }, /^timeout/],
      [{ name: 'x', every: 60, url: 'https://e.com', body_regex: '[' }, /^body_regex/],
      [{ every: 60, url: 'https://e.com' }, /^name/],
      [{ name: 'x', url: 'https://e.com' }, /schedule/],
    ];
    for (const [body, field] of cases) {
      const res = await post('', body);
      assert.equal(res.status, 400, `${JSON.stringify(body).slice(0, 80)}: ${res.status}`);
      assert.match(res.body.error, field);
    }
    assert.equal(await count('jobs'), jobs);
    assert.equal(await count('ticks'), ticks);
  });

  test('the outbound policy refuses metadata always, loopback unless allowed, when saved', async () => {
    const meta = await post('', { name: 'm', every: 60, url: 'http://169.254.169.254/latest' });
    assert.equal(meta.status, 400);
    assert.match(meta.body.error, /^url is refused: .*metadata/);
    const local = await request(strictApp)
      .post('/api/v3/jobs/')
      .set('X-Api-Key', keys.rw)
      .send({ name: 'l', every: 60, url: 'http://127.0.0.1:9/' });
    assert.equal(local.status, 400);
    assert.match(local.body.error, /OUTBOUND_ALLOW_PRIVATE/);
  });
});

describe('curl -d: a body sent as form-urlencoded is read as JSON', () => {
  test('PATCH too: a bad value is a 400, a good one is applied', async () => {
    const made = await post('', { name: 'curl-patch', every: 300, url: `${receiver.url}/p` });
    assert.equal(made.status, 201, made.text);
    const patch = (body: string) =>
      request(app)
        .patch(`/api/v3/jobs/${made.body.uuid}`)
        .set('X-Api-Key', keys.rw)
        .set('Content-Type', 'application/x-www-form-urlencoded')
        .send(body);
    const bad = await patch('{"every": "x"}');
    assert.equal(bad.status, 400, bad.text);
    assert.match(bad.body.error, /every/);
    const good = await patch('{"every": 600}');
    assert.equal(good.status, 200, good.text);
    assert.equal(good.body.every, 600);
  });
});

describe('keys and accounts', () => {
  test('another account sees 404; a read key reads but does not write', async () => {
    const job = (await post('', { name: 'mine', every: 60, url: 'https://e.com' })).body;
    assert.equal((await get(job.uuid, keys.other)).status, 404);
    assert.equal((await post(`${job.uuid}/pause`, {}, keys.other)).status, 404);
    assert.equal(
      (await request(app).delete(`/api/v3/jobs/${job.uuid}`).set('X-Api-Key', keys.other)).status,
      404,
    );
    assert.equal((await get(job.uuid, keys.ro)).status, 200);
    assert.equal((await post(`${job.uuid}/pause`, {}, keys.ro)).status, 401);
    assert.ok(
      !(await get('', keys.other)).body.jobs.some((j: { uuid: string }) => j.uuid === job.uuid),
    );
  });

  test('list: cursor pages, filter by status and tag', async () => {
    for (let i = 0; i < 5; i++)
      await post('', {
        name: `page-${i}`,
        every: 60,
        url: 'https://e.com',
        tags: i % 2 ? 'odd' : 'even',
      });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await get(`?limit=2&tag=odd${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(res.status, 200);
      seen.push(...res.body.jobs.map((j: { name: string }) => j.name));
      cursor = res.body.next_cursor;
    } while (cursor);
    assert.deepEqual(seen, ['page-1', 'page-3']);
    const paused = (await get('?tag=even')).body.jobs[0];
    await post(`${paused.uuid}/pause`, {});
    const list = (await get('?status=paused&tag=even')).body.jobs;
    assert.deepEqual(
      list.map((j: { name: string }) => j.name),
      ['page-0'],
    );
    assert.equal((await get('?status=gone')).status, 400);
  });
});

describe('the life of a job', () => {
  test('run now, runs, a dead run redriven with its Run-Id, update, pause/resume, delete', async () => {
    await db.pool.query(`UPDATE jobs SET status = 'paused'`);
    receiver.respond = () => 404;
    const created = await post('', {
      name: 'life',
      every: 3600,
      url: `${receiver.url}/life`,
      attempts: 2,
    });
    assert.equal(created.status, 201, created.text);
    const uuid = created.body.uuid;
    const run = await post(`${uuid}/run`, {});
    assert.equal(run.status, 202);
    await triggerOnce(back);
    let runs = (await get(`${uuid}/runs/`)).body.runs;
    const dead = runs.find((r: { manual: boolean }) => r.manual);
    assert.equal(dead.state, 'dead');
    assert.equal(dead.outcome.status, 404);
    assert.equal(dead.run_id, run.body.run_id);

    receiver.respond = () => 200;
    assert.equal((await post(`${uuid}/runs/${dead.run_id}/redrive`, {})).status, 202);
    assert.equal((await post(`${uuid}/runs/${dead.run_id}/redrive`, {})).status, 409);
    await triggerOnce(back);
    runs = (await get(`${uuid}/runs/`)).body.runs;
    assert.equal(runs.find((r: { run_id: string }) => r.run_id === dead.run_id).state, 'succeeded');
    assert.equal(receiver.requests.at(-1)!.headers['cronwatch-run-id'], dead.run_id);

    const updated = await post(uuid, { every: 120, secret: 'k' });
    assert.equal(updated.status, 200, updated.text);
    assert.equal(updated.body.every, 120);
    assert.equal(updated.body.signed, true);
    assert.equal(updated.body.url, `${receiver.url}/life`);
    assert.equal(
      (
        await request(app)
          .patch(`/api/v3/jobs/${uuid}`)
          .set('X-Api-Key', keys.rw)
          .send({ url: 'x' })
      ).status,
      400,
    );

    assert.equal((await post(`${uuid}/pause`, {})).body.status, 'paused');
    assert.equal((await post(`${uuid}/run`, {})).status, 409);
    assert.equal((await post(`${uuid}/resume`, {})).body.status, 'active');
    const del = await request(app).delete(`/api/v3/jobs/${uuid}`).set('X-Api-Key', keys.rw);
    assert.equal(del.status, 200);
    assert.equal((await get(uuid)).status, 404);
    const { rows } = await db.pool.query(
      `SELECT count(*)::int AS n FROM ticks t JOIN jobs j ON j.id = t.job_id WHERE j.uuid = $1 AND t.state = 'pending'`,
      [uuid],
    );
    assert.equal(rows[0].n, 0);
  });
});

describe('a one-off job whose run ended', () => {
  test('is finished (get, list and its filter), and active again while a run now is pending', async () => {
    await db.pool.query(`UPDATE jobs SET status = 'paused'`);
    receiver.respond = () => 200;
    const at = new Date(Date.now() + 60_000).toISOString();
    const created = await post('', { name: 'once-done', at, url: `${receiver.url}/once` });
    assert.equal(created.status, 201, created.text);
    const uuid = created.body.uuid as string;
    assert.equal(created.body.status, 'active');
    const { rows } = await db.pool.query('SELECT id FROM jobs WHERE uuid = $1', [uuid]);
    await makeDue(db.pool, rows[0].id as number);
    await triggerOnce(back);
    assert.equal((await get(`${uuid}/runs/`)).body.runs[0].state, 'succeeded');

    const shown = (await get(uuid)).body;
    assert.equal(shown.status, 'finished');
    assert.equal(shown.next_run, null);
    const listed = async (status: string) =>
      ((await get(`?status=${status}`)).body.jobs as { uuid: string }[]).map((j) => j.uuid);
    assert.ok((await listed('finished')).includes(uuid));
    assert.ok(!(await listed('active')).includes(uuid));
    assert.ok(!(await listed('paused')).includes(uuid));

    assert.equal((await post(`${uuid}/run`, {})).status, 202);
    assert.equal((await get(uuid)).body.status, 'active');
  });
});
