// The alert policies in the dashboard (issue 16): the check form sets each one as the API's
// body fields (read back through the API), refuses a bad value with the API's message next
// to its field and writes nothing; the check page shows them, the windows that apply, and
// an "Acknowledge" button that stops the repeats (read-write sessions only).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import request from 'supertest';
import { sweepOnce } from '../../src/back/sweep.js';
import type { AlertEvent } from '../../src/domain/alert.js';
import { createApp } from '../../src/front/app.js';
import { newAccount, newKey } from '../helpers/api.js';
import { frontDeps } from '../helpers/app.js';
import { backDeps } from '../helpers/back.js';
import { testDatabase } from '../helpers/db.js';
import { fieldError, signIn, type Agent } from '../helpers/web.js';

const db = await testDatabase();
const T0 = Date.parse('2026-03-02T10:00:00Z');
let clock = new Date(T0);
const BASE = 'http://cron.example.com';
const env = { PUBLIC_URL: BASE };
const app = createApp(frontDeps(db.pool, { env, clock: () => clock }));
const back = backDeps(db.pool, env);
/** Minutes after T0. */
const at = (m: number) => (clock = new Date(T0 + m * 60_000));
const sweep = (m: number) => sweepOnce(back, at(m));

const A = await newAccount(db.pool, 'dpol');
const rw = await newKey(db.pool, A, 'write');
const ro = await newKey(db.pool, A, 'read');
const { agent, csrf } = await signIn(app, rw);

const api = {
  get: (path: string) => request(app).get(`/api/v3${path}`).set('X-Api-Key', rw),
  post: (path: string, body: object) =>
    request(app).post(`/api/v3${path}`).set('X-Api-Key', rw).send(body),
};

const BASE_FORM = { kind: 'period', timeout: '3600', grace: '300', channels_listed: '1' };

function post(a: Agent, path: string, form: Record<string, string | string[]>) {
  return a
    .post(path)
    .type('form')
    .send({ _csrf: csrf, ...form });
}

async function apiCheck(uuid: string): Promise<Record<string, unknown>> {
  const res = await api.get(`/checks/${uuid}`);
  assert.equal(res.status, 200, res.text);
  return res.body as Record<string, unknown>;
}

async function created(name: string): Promise<string> {
  const res = await api.post('/checks/', { name, timeout: 3600, grace: 300 });
  assert.equal(res.status, 201, res.text);
  return res.body.uuid as string;
}

/** The policy columns and parents of the check, to see that a refused form wrote nothing. */
async function stored(uuid: string): Promise<string> {
  const { rows } = await db.pool.query<{ s: string }>(
    `SELECT concat_ws('|', failure_threshold, success_threshold, min_runtime, max_runtime,
              repeat_every, repeat_limit, snoozed_until, name,
              (SELECT count(*) FROM check_dependencies d WHERE d.check_id = c.id)) AS s
       FROM checks c WHERE uuid = $1`,
    [uuid],
  );
  return rows[0]!.s;
}

describe('the check form sets the alert policies', () => {
  test('each field set through the form reads back through the API', async () => {
    at(0);
    const parent = await created('parent-a');
    const res = await post(agent, '/dashboard/checks/new', {
      ...BASE_FORM,
      name: 'policied',
      failure_threshold: '3',
      success_threshold: '2',
      min_runtime: '5',
      max_runtime: '7200',
      repeat_every: '3600',
      repeat_limit: '4',
      depends_listed: '1',
      depends: [parent],
      snoozed_until: '2026-03-05T06:00:00Z',
    });
    assert.equal(res.status, 303, res.text);
    const uuid = /\/dashboard\/checks\/([0-9a-f-]{36})/.exec(res.headers.location!)![1]!;
    const c = await apiCheck(uuid);
    assert.equal(c.failure_threshold, 3);
    assert.equal(c.success_threshold, 2);
    assert.equal(c.min_runtime, 5);
    assert.equal(c.max_runtime, 7200);
    assert.equal(c.repeat_every, 3600);
    assert.equal(c.repeat_limit, 4);
    assert.deepEqual(c.depends_on, [parent]);
    assert.equal(new Date(c.snoozed_until as string).toISOString(), '2026-03-05T06:00:00.000Z');

    // The edit form shows them; clearing the limits and unticking the parent removes them.
    const edit = await agent.get(`/dashboard/checks/${uuid}/edit`);
    assert.equal(edit.status, 200);
    assert.match(edit.text, /name="failure_threshold" value="3"/);
    assert.match(edit.text, /name="snoozed_until" value="2026-03-05T06:00:00Z"/);
    assert.match(edit.text, new RegExp(`value="${parent}"\\s+checked`));
    assert.ok(!edit.text.includes(`value="${uuid}"`), 'not offered as its own parent');
    const saved = await post(agent, `/dashboard/checks/${uuid}/edit`, {
      ...BASE_FORM,
      name: 'policied',
      failure_threshold: '',
      success_threshold: '1',
      min_runtime: '',
      max_runtime: '',
      repeat_every: '',
      repeat_limit: '',
      depends_listed: '1',
      snoozed_until: '',
    });
    assert.equal(saved.status, 303, saved.text);
    const after = await apiCheck(uuid);
    assert.equal(after.failure_threshold, 1);
    assert.equal(after.min_runtime, null);
    assert.equal(after.max_runtime, null);
    assert.equal(after.repeat_every, null);
    assert.equal(after.repeat_limit, null);
    assert.deepEqual(after.depends_on, []);
    assert.equal(after.snoozed_until, null);
  });

  test("a bad value shows the API's message next to its field and writes nothing", async () => {
    const uuid = await created('bad-values');
    const parent = await created('bad-parent');
    const ok = await api.post(`/checks/${uuid}`, { failure_threshold: 2, depends_on: [parent] });
    assert.equal(ok.status, 200, ok.text);
    const before = await stored(uuid);
    const cases: [string, Record<string, string | string[]>][] = [
      ['failure_threshold', { failure_threshold: '0' }],
      ['success_threshold', { success_threshold: 'many' }],
      ['min_runtime', { min_runtime: '-5' }],
      ['max_runtime', { max_runtime: 'soon' }],
      ['repeat_every', { repeat_every: '30' }],
      ['repeat_limit', { repeat_limit: '0' }],
      ['snoozed_until', { snoozed_until: 'tomorrow' }],
      // Refused by the write, not the parser: still by its field.
      ['min_runtime', { min_runtime: '600', max_runtime: '60' }],
      ['depends_on', { depends_listed: '1', depends: [uuid] }],
    ];
    for (const [name, values] of cases) {
      const form = { ...BASE_FORM, name: 'renamed', depends_listed: '1', depends: [], ...values };
      const res = await post(agent, `/dashboard/checks/${uuid}/edit`, form);
      assert.equal(res.status, 400, `${name}: ${res.text.slice(0, 200)}`);
      // The same body through the API gets the same message (numbers as numbers).
      const body: Record<string, unknown> = { name: 'renamed', depends_on: form.depends };
      for (const [k, v] of Object.entries(form))
        if (!['kind', 'channels_listed', 'depends_listed', 'depends', 'name'].includes(k))
          body[k] = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
      const viaApi = await api.post(`/checks/${uuid}`, body);
      assert.equal(viaApi.status, 400, `${name} via the API: ${viaApi.text}`);
      assert.equal(fieldError(res.text, name), viaApi.body.error, name);
      assert.equal(await stored(uuid), before, `${name}: nothing written`);
    }
  });
});

async function history(uuid: string): Promise<string[]> {
  const { rows } = await db.pool.query<{ payload: AlertEvent }>(
    `SELECT n.payload FROM notifications n JOIN flips f ON f.id = n.flip_id
       JOIN checks c ON c.id = f.check_id WHERE c.uuid = $1 ORDER BY n.created_at, n.id`,
    [uuid],
  );
  return rows.map((r) => r.payload.kind + (r.payload.repeat ? ` #${r.payload.repeat}` : ''));
}

describe('the check page', () => {
  test('shows the policies and the windows that apply; Acknowledge stops the repeats', async () => {
    at(0);
    const parent = await created('page-parent');
    const res = await api.post('/checks/', {
      name: 'page-check',
      timeout: 3600,
      grace: 300,
      tags: 'nightly',
      repeat_every: 3600,
      repeat_limit: 5,
      failure_threshold: 2,
      max_runtime: 7200,
      depends_on: [parent],
    });
    assert.equal(res.status, 201, res.text);
    const uuid = res.body.uuid as string;
    await db.pool.query(`UPDATE checks SET email = 'ops@example.com' WHERE uuid = $1`, [uuid]);
    for (const w of [
      { tag: 'nightly', cron: '0 2 * * 0', duration: 7200, tz: 'Europe/Berlin' },
      { tag: 'other', cron: '0 3 * * 0', duration: 600, tz: 'UTC' },
    ])
      assert.equal((await api.post('/maintenance_windows/', w)).status, 201);
    assert.equal((await request(app).get(`/ping/${uuid}`)).status, 200);
    assert.equal((await request(app).get(`/ping/${parent}`)).status, 200);
    await db.pool.query(
      `UPDATE checks SET next_deadline = NULL, status = 'paused' WHERE uuid = $1`,
      [parent],
    );

    let page = await agent.get(`/dashboard/checks/${uuid}`);
    assert.equal(page.status, 200);
    assert.match(page.text, /down after 2 failures in a row/);
    assert.match(page.text, /every 60 min, at most 5 times/);
    assert.match(page.text, /<dt>Maximum runtime<\/dt><dd>2 h<\/dd>/);
    assert.ok(page.text.includes(`href="/dashboard/checks/${parent}">page-parent</a>`));
    assert.match(page.text, /<code>0 2 \* \* 0<\/code> for 2 h \(Europe\/Berlin\)/);
    assert.ok(!page.text.includes('0 3 * * 0'), "another tag's window does not apply");
    assert.ok(!page.text.includes('action-ack'), 'nothing to acknowledge while up');

    // Two misses (threshold 2) put it down with its alert out; an hour later it repeats.
    for (const m of [66, 126, 186, 247]) await sweep(m);
    const repeated = await history(uuid);
    assert.deepEqual(repeated.slice(0, 2), ['down', 'down #1']);

    const readOnly = await signIn(app, ro);
    const roPage = await readOnly.agent.get(`/dashboard/checks/${uuid}`);
    assert.equal(roPage.status, 200);
    assert.ok(!roPage.text.includes('action-ack'), 'a read-only session has no Acknowledge');
    const refused = await readOnly.agent
      .post(`/dashboard/checks/${uuid}/ack`)
      .type('form')
      .send({ _csrf: readOnly.csrf });
    assert.equal(refused.status, 403);
    assert.equal((await apiCheck(uuid)).acknowledged, false);

    page = await agent.get(`/dashboard/checks/${uuid}`);
    assert.match(page.text, /class="action-ack">Acknowledge</);
    at(250);
    const noCsrf = await agent.post(`/dashboard/checks/${uuid}/ack`).type('form').send({});
    assert.equal(noCsrf.status, 403);
    assert.equal((await apiCheck(uuid)).acknowledged, false);
    const ack = await post(agent, `/dashboard/checks/${uuid}/ack`, {});
    assert.equal(ack.status, 303, ack.text);
    assert.equal(ack.headers.location, `/dashboard/checks/${uuid}`);
    const { rows } = await db.pool.query(`SELECT acked_at FROM checks WHERE uuid = $1`, [uuid]);
    assert.equal(
      (rows[0].acked_at as Date).toISOString(),
      new Date(T0 + 250 * 60_000).toISOString(),
    );
    assert.equal((await apiCheck(uuid)).acknowledged, true);
    page = await agent.get(`/dashboard/checks/${uuid}`);
    assert.ok(!page.text.includes('action-ack'));
    assert.match(page.text, /Acknowledged; no more repeats/);

    await sweep(400);
    await sweep(600);
    assert.deepEqual(await history(uuid), repeated, 'no repeat after acknowledge');
    // Recovered: nothing left to acknowledge, a 409 as the API.
    at(610);
    assert.equal((await request(app).get(`/ping/${uuid}`)).status, 200);
    assert.equal((await post(agent, `/dashboard/checks/${uuid}/ack`, {})).status, 409);
  });
});
