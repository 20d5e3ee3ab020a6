// The dashboard's forms over HTTP (issue 13): checks, channels and keys made and changed in
// the browser. Each refused value is shown next to its field with the API's own message (the
// same body sent to the API gives the same 400) and writes nothing; read-only sessions see
// what a read-only API key sees; the list searches and sorts; unknown pages are pages.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import request from 'supertest';
import { createApp } from '../../src/front/app.js';
import { uniqueKey } from '../../src/domain/api-shapes.js';
import { newAccount, newKey } from '../helpers/api.js';
import { frontDeps } from '../helpers/app.js';
import { testDatabase } from '../helpers/db.js';
import { startHttpReceiver } from '../helpers/receivers.js';
import { fieldError, signIn, unescapeHtml, type Agent } from '../helpers/web.js';

const db = await testDatabase();
const BASE = 'http://cron.example.com';
const app = createApp(
  frontDeps(db.pool, { env: { PUBLIC_URL: BASE, OUTBOUND_ALLOW_PRIVATE: '1' } }),
);
const A = await newAccount(db.pool, 'forms');
const rw = await newKey(db.pool, A, 'write');
const ro = await newKey(db.pool, A, 'read');
const { agent, csrf } = await signIn(app, rw);

/** The hint of field `name`. */
function fieldHint(page: string, name: string): string {
  const m = new RegExp(`id="${name}-hint">([^<]*)<`).exec(page);
  assert.ok(m, `field ${name} has a hint`);
  return unescapeHtml(m[1]!);
}

function allErrors(page: string): string[] {
  return [...page.matchAll(/class="field-error"[^>]*>([^<]*)</g)].map((m) => unescapeHtml(m[1]!));
}

async function counts(): Promise<string> {
  const { rows } = await db.pool.query(
    `SELECT (SELECT count(*) FROM checks WHERE account_id = $1) AS checks,
            (SELECT count(*) FROM channels WHERE account_id = $1) AS channels,
            (SELECT count(*) FROM check_channels cc JOIN checks c ON c.id = cc.check_id
              WHERE c.account_id = $1) AS links,
            (SELECT count(*) FROM api_keys WHERE account_id = $1) AS keys,
            (SELECT string_agg(name || kind || coalesce(period, 0) || coalesce(cron, '') || grace
                               || tz || description || array_to_string(tags, ','), ';' ORDER BY id)
               FROM checks WHERE account_id = $1) AS fields`,
    [A],
  );
  return JSON.stringify(rows[0]);
}

const GOOD = {
  name: 'nightly-backup',
  slug: 'nightly-backup',
  desc: 'copies the database',
  tags: 'prod db',
  kind: 'period',
  timeout: '3600',
  schedule: '',
  tz: 'UTC',
  grace: '600',
};

function post(a: Agent, path: string, fields: Record<string, string | string[]>) {
  return a
    .post(path)
    .type('form')
    .send({ _csrf: csrf, ...fields });
}

/** What the API answers to the JSON body the form stands for. */
async function apiError(body: Record<string, unknown>): Promise<string> {
  const res = await request(app).post('/api/v3/checks/').set('X-Api-Key', rw).send(body);
  assert.ok(res.status === 400 || res.status === 409, `${res.status} ${res.text}`);
  return (res.body as { error: string }).error;
}

describe('the check form', () => {
  test('each bad value: the API message next to its field, nothing written', async () => {
    const cases: [Record<string, string>, string, Record<string, unknown>][] = [
      [{ name: '' }, 'name', { name: '' }],
      [{ name: 'x'.repeat(201) }, 'name', { name: 'x'.repeat(201) }],
      [{ slug: 'Not A Slug' }, 'slug', { name: 'n', slug: 'Not A Slug' }],
      [{ tags: 'a\u0001b' }, 'tags', { name: 'n', tags: 'a\u0001b' }],
      [{ timeout: 'an hour' }, 'timeout', { name: 'n', timeout: 'an hour' }],
      [{ timeout: '30' }, 'timeout', { name: 'n', timeout: 30 }],
      [{ grace: '5' }, 'grace', { name: 'n', grace: 5 }],
      [{ kind: 'cron', schedule: '61 * * * *' }, 'schedule', { name: 'n', schedule: '61 * * * *' }],
      [{ kind: 'cron', schedule: '* * *' }, 'schedule', { name: 'n', schedule: '* * *' }],
      [
        { kind: 'cron', schedule: '0 3 * * *', tz: 'Mars/Olympus' },
        'tz',
        { name: 'n', schedule: '0 3 * * *', tz: 'Mars/Olympus' },
      ],
    ];
    const before = await counts();
    for (const [change, fieldName, apiBody] of cases) {
      const res = await post(agent, '/dashboard/checks/new', { ...GOOD, ...change });
      assert.equal(res.status, 400, `${JSON.stringify(change)}: ${res.status}`);
      const expected = await apiError(apiBody);
      assert.equal(fieldError(res.text, fieldName), expected, JSON.stringify(change));
      assert.deepEqual(allErrors(res.text), [expected], 'one message, next to its field');
      // Not a second time in the schedule's words under the fields.
      assert.equal(unescapeHtml(res.text).split(expected).length - 1, 1, `${expected} shown once`);
      // The form keeps what was typed.
      for (const v of Object.values(change))
        // eslint-disable-next-line no-control-regex -- a control character is not shown as typed
        if (v && !/[\u0000-\u001f]/.test(v))
          assert.ok(res.text.includes(v.replace(/&/g, '&amp;')), `keeps ${v}`);
    }
    // Several bad values at once: each next to its own field.
    const res = await post(agent, '/dashboard/checks/new', {
      ...GOOD,
      slug: 'BAD',
      grace: '1',
      timeout: '2',
    });
    assert.equal(res.status, 400);
    assert.match(fieldError(res.text, 'slug')!, /^slug must be/);
    assert.match(fieldError(res.text, 'grace')!, /^grace must be/);
    assert.match(fieldError(res.text, 'timeout')!, /^timeout must be/);
    assert.equal(await counts(), before, 'nothing written');
  });

  test('a new check: grace empty by default, then the rule of cronwatch check add', async () => {
    const form = await agent.get('/dashboard/checks/new');
    assert.match(form.text, /<input id="grace" name="grace" value="" /);
    assert.match(fieldHint(form.text, 'grace'), /Empty: 10 % of the period .*from 60 to 3600 s/);
    const graceOf = async (name: string) =>
      (
        await db.pool.query('SELECT grace FROM checks WHERE account_id = $1 AND name = $2', [
          A,
          name,
        ])
      ).rows[0]?.grace as number | undefined;
    const cases: [Record<string, string>, number][] = [
      [{ name: 'grace-period', slug: '', kind: 'period', timeout: '7200' }, 720],
      [{ name: 'grace-cron', slug: '', kind: 'cron', schedule: '*/30 * * * *', tz: 'UTC' }, 180],
      [{ name: 'grace-short', slug: '', kind: 'period', timeout: '120' }, 60],
      [{ name: 'grace-given', slug: '', kind: 'period', timeout: '120', grace: '900' }, 900],
    ];
    for (const [fields, grace] of cases) {
      const res = await post(agent, '/dashboard/checks/new', { ...GOOD, grace: '', ...fields });
      assert.equal(res.status, 303, res.text);
      assert.equal(await graceOf(fields.name!), grace, fields.name);
    }
    await db.pool.query("DELETE FROM checks WHERE account_id = $1 AND name LIKE 'grace-%'", [A]);
  });

  test('create: the ping URL and crontab line right after; a taken name; edit to cron', async () => {
    const receiver = await db.pool.query(
      `INSERT INTO channels (account_id, kind, name, config) VALUES ($1, 'webhook', 'ops hook',
              '{"url":"http://127.0.0.1:9/x"}') RETURNING uuid::text AS uuid`,
      [A],
    );
    const channel = receiver.rows[0].uuid as string;
    const form = await agent.get('/dashboard/checks/new');
    assert.equal(form.status, 200);
    assert.match(form.text, /<script src="\/static\/check-form.js" defer><\/script>/);
    assert.match(form.text, new RegExp(`name="channel"\\s+value="${channel}"`));
    assert.match(form.text, /ops hook <span class="muted">\(webhook\)<\/span>/);
    assert.match(form.text, /<input id="name" name="name" value="" required maxlength="200" \/>/);
    const made = await post(agent, '/dashboard/checks/new', {
      ...GOOD,
      channels_listed: '1',
      channel: [channel],
    });
    assert.equal(made.status, 303, made.text);
    const m = /^\/dashboard\/checks\/([0-9a-f-]{36})\?created=1$/.exec(made.headers.location!);
    assert.ok(m, made.headers.location);
    const uuid = m[1]!;
    const page = await agent.get(made.headers.location!);
    assert.equal(page.status, 200);
    assert.match(page.text, /Check created/);
    assert.ok(page.text.includes(`<pre id="ping-url">${BASE}/ping/${uuid}</pre>`));
    assert.ok(
      page.text.includes(
        `0 * * * * /path/to/job.sh; curl -fsS -m 10 --retry 5 -o /dev/null ${BASE}/ping/${uuid}/$?`,
      ),
    );
    assert.match(page.text, /Alerts go to<\/dt>\s*<dd class="alerts-to">[\s\S]*ops hook/);
    // The API sees what the form made.
    const api = await request(app).get(`/api/v3/checks/${uuid}`).set('X-Api-Key', rw);
    assert.equal(api.body.name, 'nightly-backup');
    assert.equal(api.body.slug, 'nightly-backup');
    assert.equal(api.body.tags, 'prod db');
    assert.equal(api.body.desc, 'copies the database');
    assert.equal(api.body.timeout, 3600);
    assert.equal(api.body.grace, 600);
    assert.equal(api.body.channels, channel);

    // The same name again: the API's 409 message, next to the name.
    const before = await counts();
    const again = await post(agent, '/dashboard/checks/new', GOOD);
    assert.equal(again.status, 409);
    assert.equal(fieldError(again.text, 'name'), await apiError({ name: 'nightly-backup' }));
    // An unknown channel: the resolver's message next to the channels.
    const badChannel = await post(agent, '/dashboard/checks/new', {
      ...GOOD,
      name: 'other',
      channels_listed: '1',
      channel: 'no-such-channel',
    });
    assert.equal(badChannel.status, 400);
    assert.equal(
      fieldError(badChannel.text, 'channels'),
      'channels: invalid channel identifier: "no-such-channel"',
    );
    assert.equal(await counts(), before);

    // Edit: the form shows the stored values; a cron schedule in a zone; channels unlinked.
    const edit = await agent.get(`/dashboard/checks/${uuid}/edit`);
    assert.equal(edit.status, 200);
    assert.match(edit.text, /id="timeout" name="timeout" value="3600"/);
    assert.match(edit.text, /<output id="schedule-words" class=""\s*>every hour<\/output\s*>/);
    const saved = await post(agent, `/dashboard/checks/${uuid}/edit`, {
      ...GOOD,
      kind: 'cron',
      schedule: '30 2 * * 1-5',
      tz: 'Europe/Berlin',
      manual_resume: 'on',
      channels_listed: '1',
    });
    assert.equal(saved.status, 303, saved.text);
    assert.equal(saved.headers.location, `/dashboard/checks/${uuid}`);
    const after = await request(app).get(`/api/v3/checks/${uuid}`).set('X-Api-Key', rw);
    assert.equal(after.body.schedule, '30 2 * * 1-5');
    assert.equal(after.body.tz, 'Europe/Berlin');
    assert.equal(after.body.manual_resume, true);
    assert.equal(after.body.channels, '');
    const shown = await agent.get(`/dashboard/checks/${uuid}`);
    assert.match(
      shown.text,
      /At 02:30 AM, Monday through Friday \(Europe\/Berlin\)|At 02:30, Monday through Friday \(Europe\/Berlin\)/,
    );
    assert.match(shown.text, /nowhere: no channel linked/);
    // A bad edit writes nothing.
    const frozen = await counts();
    const bad = await post(agent, `/dashboard/checks/${uuid}/edit`, {
      ...GOOD,
      kind: 'cron',
      schedule: '0 25 * * *',
    });
    assert.equal(bad.status, 400);
    assert.match(fieldError(bad.text, 'schedule')!, /^schedule "0 25 \* \* \*" is not valid/);
    assert.equal(await counts(), frozen);
  });

  test('the schedule in words, as typed (describe.json)', async () => {
    const words = async (q: Record<string, string>) =>
      (await agent.get('/dashboard/describe.json').query(q)).body as Record<string, string>;
    assert.deepEqual(await words({ kind: 'period', timeout: '300' }), { words: 'every 5 minutes' });
    assert.deepEqual(await words({ kind: 'cron', schedule: '0 3 * * *', tz: 'UTC' }), {
      words: 'At 03:00',
    });
    assert.deepEqual(await words({ kind: 'cron', schedule: '*/15 * * * *', tz: 'Asia/Tokyo' }), {
      words: 'Every 15 minutes (Asia/Tokyo)',
    });
    assert.match((await words({ kind: 'cron', schedule: '0 3 * *' })).error!, /^schedule must be/);
    assert.match((await words({ kind: 'period', timeout: '5' })).error!, /^timeout must be/);
  });

  test('CSRF and read-write are required to write', async () => {
    const before = await counts();
    const forged = await agent
      .post('/dashboard/checks/new')
      .type('form')
      .send({ ...GOOD, name: 'forged', _csrf: 'wrong' });
    assert.equal(forged.status, 403);
    const reader = await signIn(app, ro);
    assert.equal((await reader.agent.get('/dashboard/checks/new')).status, 403);
    const refused = await reader.agent
      .post('/dashboard/checks/new')
      .type('form')
      .send({ ...GOOD, name: 'by-reader', _csrf: reader.csrf });
    assert.equal(refused.status, 403);
    assert.equal((await reader.agent.get('/dashboard/channels')).status, 403);
    assert.equal((await reader.agent.get('/dashboard/keys')).status, 403);
    assert.equal(await counts(), before);
  });
});

describe('read-only sessions', () => {
  test('no ping URL, crontab line or uuid: the unique_key instead, as the API', async () => {
    const { rows } = await db.pool.query<{ uuid: string }>(
      `SELECT uuid::text AS uuid FROM checks WHERE account_id = $1`,
      [A],
    );
    const reader = await signIn(app, ro);
    const list = await reader.agent.get('/dashboard');
    const json = await reader.agent.get('/dashboard/status.json');
    for (const { uuid } of rows) {
      assert.ok(!list.text.includes(uuid), 'no uuid on the list');
      assert.ok(!JSON.stringify(json.body).includes(uuid), 'no uuid in the refresh JSON');
      assert.ok(list.text.includes(`href="/dashboard/checks/${uniqueKey(uuid)}"`));
      const page = await reader.agent.get(`/dashboard/checks/${uniqueKey(uuid)}`);
      assert.equal(page.status, 200);
      assert.ok(!page.text.includes(uuid), 'no uuid on the check page');
      assert.ok(!page.text.includes('/ping/'), 'no ping URL');
      assert.ok(!page.text.includes('crontab-line'), 'no crontab line');
      assert.ok(!page.text.includes('/edit'), 'no edit link');
    }
    assert.ok(!list.text.includes('New check'));
    // The same pages of a read-write session show them.
    const page = await agent.get(`/dashboard/checks/${rows[0]!.uuid}`);
    assert.ok(page.text.includes(`/ping/${rows[0]!.uuid}`));
  });
});

describe('channels', () => {
  test('add (errors next to fields), edit, send a test to a receiver, delete', async () => {
    const receiver = await startHttpReceiver();
    const before = await counts();
    const form = await agent.get('/dashboard/channels/new?kind=webhook');
    assert.equal(form.status, 200);
    for (const f of ['name', 'url', 'secret'])
      assert.match(form.text, new RegExp(`data-field="${f}"`));
    assert.match((await agent.get('/dashboard/channels/new?kind=email')).text, /data-field="to"/);
    const bad = await post(agent, '/dashboard/channels/new', { kind: 'webhook', url: 'ftp://x' });
    assert.equal(bad.status, 400);
    const apiBad = await request(app)
      .post('/api/v3/channels/')
      .set('X-Api-Key', rw)
      .send({ kind: 'webhook', url: 'ftp://x' });
    assert.equal(fieldError(bad.text, 'url'), apiBad.body.error);
    const missing = await post(agent, '/dashboard/channels/new', { kind: 'email', to: '' });
    assert.equal(fieldError(missing.text, 'to'), 'to is required for email channels');
    const badName = await post(agent, '/dashboard/channels/new', {
      kind: 'webhook',
      name: 'a\u0007b',
      url: receiver.url,
    });
    assert.equal(fieldError(badName.text, 'name'), 'name must not contain control characters');
    // The outbound policy, as the API: a metadata address is refused when saved (a literal
    // address: nothing is resolved and no connection is opened).
    const metadata = { kind: 'webhook', url: 'http://169.254.169.254/latest' };
    const refused = await post(agent, '/dashboard/channels/new', metadata);
    assert.equal(refused.status, 400);
    const apiRefused = await request(app)
      .post('/api/v3/channels/')
      .set('X-Api-Key', rw)
      .send(metadata);
    assert.equal(apiRefused.status, 400);
    assert.equal(fieldError(refused.text, 'url'), apiRefused.body.error);
    assert.equal(await counts(), before, 'nothing written');

    const made = await post(agent, '/dashboard/channels/new', {
      kind: 'webhook',
      name: 'on-call <hook>',
      url: `${receiver.url}/hook`,
      secret: 's3cret',
    });
    assert.equal(made.status, 303, made.text);
    const path = made.headers.location!;
    const page = await agent.get(path);
    assert.ok(page.text.includes('on-call &lt;hook&gt;'));
    assert.ok(!page.text.includes('s3cret'), 'the secret is never shown');
    assert.match(page.text, /placeholder="unchanged \(not shown\)"/);
    // Edit the name only: the secret is kept.
    const edited = await post(agent, path, {
      kind: 'webhook',
      name: 'on-call',
      url: `${receiver.url}/hook`,
      secret: '',
    });
    assert.equal(edited.status, 303);
    const { rows } = await db.pool.query(`SELECT name, config FROM channels WHERE uuid = $1`, [
      path.split('/').pop(),
    ]);
    assert.equal(rows[0].name, 'on-call');
    assert.equal(rows[0].config.secret, 's3cret');
    const badEdit = await post(agent, path, { kind: 'webhook', url: 'not a url' });
    assert.equal(badEdit.status, 400);
    assert.equal(
      fieldError(badEdit.text, 'url'),
      'url must not contain spaces or control characters',
    );

    // A test, through the real transport, to the receiver.
    const tested = await post(agent, `${path}/test`, {});
    assert.equal(tested.status, 200, tested.text);
    assert.match(tested.text, /Test notification sent/);
    assert.equal(receiver.requests.length, 1);
    assert.equal(receiver.requests[0]!.path, '/hook');
    receiver.respond = () => 500;
    const failed = await post(agent, `${path}/test`, {});
    assert.equal(failed.status, 502);
    assert.match(failed.text, /The test failed: /);

    // Which checks use it: link one through the check form, see it on the channel list.
    const check = await post(agent, '/dashboard/checks/new', {
      ...GOOD,
      name: 'uses-hook',
      channels_listed: '1',
      channel: path.split('/').pop()!,
    });
    assert.equal(check.status, 303);
    // A job whose runs that check records alerts through the same channel.
    await db.pool.query(
      `INSERT INTO jobs (account_id, name, schedule_kind, every_seconds, kind, timeout_ms, check_id)
       SELECT $1, 'nightly-export', 'every', 3600, 'http', 10000, id FROM checks
        WHERE account_id = $1 AND name = 'uses-hook'`,
      [A],
    );
    const list = await agent.get('/dashboard/channels');
    assert.match(list.text, /checks: <a href="\/dashboard\/checks\/[0-9a-f-]{36}">uses-hook<\/a>/);
    assert.match(list.text, /jobs: <a href="\/dashboard\/jobs\/[0-9a-f-]{36}">nightly-export<\/a>/);

    const gone = await post(agent, `${path}/delete`, {});
    assert.equal(gone.status, 303);
    assert.equal((await agent.get(path)).status, 404);
    await receiver.close();
  });
});

describe('keys', () => {
  test('create (shown once), list with prefix, scope, name, last use; revoke', async () => {
    const bad = await post(agent, '/dashboard/keys', { name: 'x'.repeat(201), scope: 'write' });
    assert.equal(bad.status, 400);
    assert.equal(fieldError(bad.text, 'name'), 'name must be 1-200 characters long (got 201)');
    const badScope = await post(agent, '/dashboard/keys', { name: 'ci', scope: 'admin' });
    assert.equal(fieldError(badScope.text, 'scope'), 'scope must be read or write (got "admin")');
    const made = await post(agent, '/dashboard/keys', { name: 'ci runner', scope: 'read' });
    assert.equal(made.status, 201);
    const key = /<pre id="new-key">([A-Za-z0-9_-]{32})<\/pre>/.exec(made.text)![1]!;
    assert.equal(made.headers['cache-control'], 'no-store');
    const list = await agent.get('/dashboard/keys');
    assert.ok(!list.text.includes(key), 'shown only once');
    const prefix = key.slice(0, 12);
    assert.match(
      list.text,
      new RegExp(`data-prefix="${prefix}"[\\s\\S]*?read-only[\\s\\S]*?ci runner[\\s\\S]*?never`),
    );
    // The key works, and its use shows.
    const reader = await signIn(app, key);
    assert.equal((await reader.agent.get('/dashboard')).status, 200);
    const used = await agent.get('/dashboard/keys');
    const row = used.text.slice(used.text.indexOf(`data-prefix="${prefix}"`));
    assert.doesNotMatch(row.slice(0, row.indexOf('</tr>')), /never/);
    const revoked = await post(agent, `/dashboard/keys/${prefix}/revoke`, {});
    assert.equal(revoked.status, 303);
    // Its session ends, and it no longer signs in or calls the API.
    assert.equal((await reader.agent.get('/dashboard')).status, 303);
    const api = await request(app).get('/api/v3/checks/').set('X-Api-Key', key);
    assert.equal(api.status, 401);
    assert.match((await agent.get('/dashboard/keys')).text, /revoked/);
    assert.equal((await post(agent, '/dashboard/keys/nosuchprefix/revoke', {})).status, 404);
  });
});

describe('the list and the rest of the site', () => {
  test('search by name and tag, sort by status, name and last ping', async () => {
    const B = await newAccount(db.pool, 'forms-list');
    const k = await newKey(db.pool, B, 'write');
    const mk = (name: string, status: string, tags: string[], minutesAgo: number | null) =>
      db.pool.query(
        `INSERT INTO checks (account_id, name, kind, period, grace, status, tags, last_ping_at, next_deadline)
         VALUES ($1, $2, 'simple', 3600, 600, $3, $4, now() - $5 * interval '1 minute',
                 CASE WHEN $3 = 'up' THEN now() + interval '1 hour' END)`,
        [B, name, status, tags, minutesAgo],
      );
    await mk('alpha', 'up', ['web'], 30);
    await mk('beta_50%', 'down', ['db'], 5);
    await mk('gamma', 'new', ['web', 'backup'], null);
    const s = await signIn(app, k);
    const names = async (q: string) =>
      [
        ...(await s.agent.get(`/dashboard${q}`)).text.matchAll(
          /<td class="name">\s*<a [^>]*>([^<]*)</g,
        ),
      ].map((m) => m[1]);
    assert.deepEqual(await names(''), ['alpha', 'beta_50%', 'gamma']);
    assert.deepEqual(await names('?q=AMM'), ['gamma']);
    assert.deepEqual(await names('?q=web'), ['alpha', 'gamma'], 'a tag matches');
    assert.deepEqual(await names('?q=backup'), ['gamma']);
    assert.deepEqual(await names('?q=_50%25'), ['beta_50%'], '% and _ are themselves');
    assert.deepEqual(await names('?q=lph_'), [], '_ is not a wildcard');
    assert.deepEqual(await names('?sort=status'), ['beta_50%', 'alpha', 'gamma']);
    assert.deepEqual(await names('?sort=last'), ['beta_50%', 'alpha', 'gamma']);
    assert.deepEqual(await names('?sort=name&q=a'), ['alpha', 'beta_50%', 'gamma']);
    const counts = (await s.agent.get('/dashboard?q=web')).text;
    assert.match(counts, /data-count="all">all <b>2<\/b>/);
    assert.equal((await s.agent.get('/dashboard?sort=evil')).status, 400);
  });

  test('landing page, favicon, 404 and error pages inside the layout', async () => {
    const home = await request(app).get('/');
    assert.equal(home.status, 200);
    assert.match(home.text, /<link rel="stylesheet" href="\/static\/app.css" \/>/);
    assert.match(home.text, /href="\/login"/);
    assert.match(home.headers['content-security-policy']!, /script-src 'self'/);
    // The examples ping PUBLIC_URL, else the host the page was asked for.
    assert.match(home.text, /curl -fsS http:\/\/cron\.example\.com\/ping\//);
    assert.doesNotMatch(home.text, /this-host/);
    const bare = createApp(frontDeps(db.pool));
    const byHost = await request(bare).get('/').set('Host', 'monitor.lan:8123');
    assert.match(byHost.text, /curl -fsS http:\/\/monitor\.lan:8123\/ping\//);
    assert.match(byHost.text, /"http:\/\/monitor\.lan:8123\/\?cronname=backup/);
    const icon = await request(app).get('/favicon.ico');
    assert.equal(icon.status, 301);
    const svg = await request(app).get(icon.headers.location!);
    assert.equal(svg.status, 200);
    assert.match(String(svg.headers['content-type']), /^image\/svg\+xml/);
    // A browser gets a page, with the navigation when signed in; an API client JSON.
    const lost = await agent.get('/no/such/page').set('Accept', 'text/html');
    assert.equal(lost.status, 404);
    assert.match(lost.text, /There is no page at \/no\/such\/page\./);
    assert.match(lost.text, /<nav>[\s\S]*href="\/dashboard\/channels"/);
    // One text for every unknown page, under /dashboard too ("no such page" was another).
    const lostInside = await agent.get('/dashboard/no/such').set('Accept', 'text/html');
    assert.equal(lostInside.status, 404);
    assert.match(lostInside.text, /There is no page at \/dashboard\/no\/such\./);
    assert.match(lostInside.text, /<nav>[\s\S]*href="\/dashboard\/channels"/);
    const anon = await request(app).get('/nope').set('Accept', 'text/html');
    assert.equal(anon.status, 404);
    assert.match(anon.text, /href="\/login"/);
    const json = await request(app).get('/nope');
    assert.equal(json.status, 404);
    assert.deepEqual(json.body, { error: 'not found: GET /nope' });
    const api = await request(app).get('/api/v3/nope').set('Accept', 'text/html');
    assert.match(String(api.headers['content-type']), /json/);
    const dash = await agent.get('/dashboard/checks/00000000-0000-4000-8000-000000000000');
    assert.equal(dash.status, 404);
    assert.match(dash.text, /<nav>[\s\S]*Status pages/);
    const slug = await agent.get('/dashboard/status-pages');
    assert.match(
      slug.text,
      /3-64 lower-case letters, digits and dashes, not starting or ending with a dash/,
    );
  });
});
