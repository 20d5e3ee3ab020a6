// The dashboard over HTTP (README "Dashboard"): signing in and out with an API key, sessions
// ending with their key or their time, CSRF on every form, read-only sessions, the list with
// its filters and pages (10,000 checks), the JSON the refresh script reads, the check page,
// and hostile input everywhere. The browser tests (test/browser) drive the same pages.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import request from 'supertest';
import { createApp } from '../../src/front/app.js';
import { PAGE_SIZE } from '../../src/front/web/dashboard.js';
import { newAccount, newKey } from '../helpers/api.js';
import { frontDeps } from '../helpers/app.js';
import { testDatabase } from '../helpers/db.js';
import { csrfOf, signIn } from '../helpers/web.js';

const db = await testDatabase();
let now = new Date('2026-07-01T12:00:00Z');
const BASE = 'http://cron.example.com';
const app = createApp(frontDeps(db.pool, { env: { PUBLIC_URL: BASE }, clock: () => now }));
const HOSTILE = `<script>alert(1)</script>"'&`;

type St = 'up' | 'late' | 'down' | 'new' | 'paused';
async function check(
  accountId: number,
  name: string,
  status: St,
  opts: { tags?: string[]; pingedMinutesAgo?: number } = {},
): Promise<string> {
  const uuid = randomUUID();
  const live = status === 'up' || status === 'late';
  // Hourly with 10 minutes of grace: the deadline is 70 minutes after the last ping.
  const lastPing = new Date(now.getTime() - (opts.pingedMinutesAgo ?? 20) * 60_000);
  const deadline = live ? new Date(lastPing.getTime() + 70 * 60_000) : null;
  await db.pool.query(
    `INSERT INTO checks (account_id, uuid, name, kind, period, grace, status, next_deadline, tags,
                         last_ping_at, created_at, description)
     VALUES ($1, $2, $3, 'simple', 3600, 600, $4, $5, $6, $7, $8, $9)`,
    [
      accountId,
      uuid,
      name,
      status,
      deadline,
      opts.tags ?? [],
      status === 'new' ? null : lastPing,
      new Date(now.getTime() - 40 * 86_400_000),
      name === HOSTILE ? HOSTILE : '',
    ],
  );
  return uuid;
}

const A = await newAccount(db.pool, 'dash');
const B = await newAccount(db.pool, 'dash-other');
const rw = await newKey(db.pool, A, 'write');
const ro = await newKey(db.pool, A, 'read');
const otherKey = await newKey(db.pool, B, 'write');
const upUuid = await check(A, 'backup', 'up', { tags: ['prod', 'db'] });
const lateUuid = await check(A, 'report', 'up', { tags: ['prod'], pingedMinutesAgo: 65 });
const downUuid = await check(A, 'cleanup', 'down', { tags: ['staging'] });
const hostileUuid = await check(A, HOSTILE, 'up', { tags: [HOSTILE] });
const otherUuid = await check(B, 'not-yours', 'down');

function rowOf(page: string, uuid: string): string {
  const start = page.indexOf(`data-uuid="${uuid}"`);
  assert.ok(start > 0, `row of ${uuid} is on the page`);
  return page.slice(start - 10, page.indexOf('</tr>', start));
}

describe('signing in', () => {
  test('pages send a browser to the sign-in form, and back after', async () => {
    const res = await request(app).get('/dashboard/checks/' + upUuid);
    assert.equal(res.status, 303);
    assert.equal(
      res.headers.location,
      `/login?next=${encodeURIComponent('/dashboard/checks/' + upUuid)}`,
    );
    const agent = request.agent(app);
    const form = await agent.get(res.headers.location);
    assert.equal(form.status, 200);
    assert.match(form.text, /name="next" value="\/dashboard\/checks\//);
    const done = await agent
      .post('/login')
      .type('form')
      .send({ _csrf: csrfOf(form.text), key: rw, next: '/dashboard/checks/' + upUuid });
    assert.equal(done.status, 303);
    assert.equal(done.headers.location, '/dashboard/checks/' + upUuid);
    const cookie = String(done.headers['set-cookie']);
    assert.match(cookie, /cw_session=[^;]+;.*HttpOnly/i);
    assert.match(cookie, /SameSite=Lax/i);
    assert.doesNotMatch(cookie, /Secure/);
    assert.equal((await agent.get('/dashboard/checks/' + upUuid)).status, 200);
  });

  test('behind https the cookies are Secure', async () => {
    const tls = createApp(
      frontDeps(db.pool, { env: { PUBLIC_URL: 'https://cron.example.com' }, clock: () => now }),
    );
    const form = await request(tls).get('/login');
    const login = /cw_login=([^;]+)/.exec(String(form.headers['set-cookie']))![1]!;
    assert.match(String(form.headers['set-cookie']), /Secure/);
    const done = await request(tls)
      .post('/login')
      .set('Cookie', `cw_login=${login}`)
      .type('form')
      .send({ _csrf: csrfOf(form.text), key: rw });
    assert.equal(done.status, 303);
    assert.match(String(done.headers['set-cookie']), /cw_session=[^;]+;.*Secure/);
  });

  test('a redirect after sign-in never leaves the site', async () => {
    for (const next of [
      '//evil.example/x',
      'https://evil.example',
      '/\\evil.example',
      'javascript:alert(1)',
      '/api/v3/checks/',
    ]) {
      const agent = request.agent(app);
      const form = await agent.get('/login');
      const res = await agent
        .post('/login')
        .type('form')
        .send({ _csrf: csrfOf(form.text), key: rw, next });
      assert.equal(res.status, 303);
      assert.equal(res.headers.location, '/dashboard', next);
    }
  });

  test('missing, malformed, wrong, revoked keys and forged forms are refused with a message', async () => {
    const revoked = await newKey(db.pool, A, 'write');
    await db.pool.query(`UPDATE api_keys SET revoked_at = now() WHERE prefix = $1`, [
      revoked.slice(0, 12),
    ]);
    const cases: [Record<string, string>, number, RegExp][] = [
      [{ key: '' }, 400, /Enter an API key/],
      [{ key: 'short' }, 401, /not an API key/],
      [{ key: 'x'.repeat(5000) }, 401, /not an API key/],
      [{ key: 'é'.repeat(32) }, 401, /not an API key/],
      [{ key: rw.slice(0, 31) + (rw.endsWith('A') ? 'B' : 'A') }, 401, /Wrong API key/],
      [{ key: revoked }, 401, /revoked/],
    ];
    for (const [fields, status, message] of cases) {
      const agent = request.agent(app);
      const form = await agent.get('/login');
      const res = await agent
        .post('/login')
        .type('form')
        .send({ _csrf: csrfOf(form.text), ...fields });
      assert.equal(res.status, status, JSON.stringify(fields).slice(0, 60));
      assert.match(res.text, message);
      assert.doesNotMatch(String(res.headers['set-cookie']), /cw_session=[^;]/);
      assert.equal((await agent.get('/dashboard')).status, 303);
    }
    // Without the sign-in form's own token (a forged cross-site sign-in): refused.
    const forged = await request(app).post('/login').type('form').send({ key: rw });
    assert.equal(forged.status, 403);
    assert.match(forged.text, /form expired/);
    // Too large a form: 413, not a crash.
    const big = await request(app)
      .post('/login')
      .type('form')
      .send({ key: 'k'.repeat(20_000) });
    assert.equal(big.status, 413);
  });

  test('signing out ends the session on the server, not only in the browser', async () => {
    const { agent, csrf } = await signIn(app, rw);
    const cookie = (await agent.get('/dashboard')).request.getHeader('cookie');
    const refused = await agent.post('/logout').type('form').send({ _csrf: 'wrong' });
    assert.equal(refused.status, 403);
    const out = await agent.post('/logout').type('form').send({ _csrf: csrf });
    assert.equal(out.status, 303);
    assert.equal(out.headers.location, '/login');
    assert.equal((await agent.get('/dashboard')).status, 303);
    // The old cookie, replayed, is no longer a session.
    const replay = await request(app).get('/dashboard').set('Cookie', String(cookie));
    assert.equal(replay.status, 303);
  });

  test('revoking the key ends its sessions; so does time', async () => {
    const key = await newKey(db.pool, A, 'write');
    const { agent } = await signIn(app, key);
    await db.pool.query(`UPDATE api_keys SET revoked_at = now() WHERE prefix = $1`, [
      key.slice(0, 12),
    ]);
    assert.equal((await agent.get('/dashboard')).status, 303);

    const second = await signIn(app, rw);
    const saved = now;
    now = new Date(now.getTime() + 12 * 3600_000 + 1000);
    try {
      assert.equal(
        (await second.agent.get('/dashboard')).status,
        303,
        'expired after SESSION_HOURS',
      );
    } finally {
      now = saved;
    }
  });

  test('cookie values that are not sessions are ignored', async () => {
    for (const value of ['', 'x'.repeat(5000), 'é', '%00', 'a;b', randomUUID()]) {
      const res = await request(app)
        .get('/dashboard')
        .set('Cookie', `cw_session=${encodeURIComponent(value)}`);
      assert.equal(res.status, 303, value.slice(0, 20));
    }
  });
});

test('static files are served with nosniff, and nothing outside public/', async () => {
  const css = await request(app).get('/static/app.css');
  assert.equal(css.status, 200);
  assert.match(css.headers['content-type'] ?? '', /text\/css/);
  assert.equal(css.headers['x-content-type-options'], 'nosniff');
  const js = await request(app).get('/static/dashboard.js');
  assert.match(js.headers['content-type'] ?? '', /javascript/);
  for (const path of [
    '/static/../package.json',
    '/static/%2e%2e/package.json',
    '/static/nope.js',
    '/static/',
  ]) {
    const res = await request(app).get(path);
    assert.ok(res.status === 403 || res.status === 404, `${path}: ${res.status}`);
    assert.doesNotMatch(res.text, /dependencies/);
  }
});

describe('the list', async () => {
  const { agent } = await signIn(app, rw);

  test('shows the account’s checks in their states, and nobody else’s', async () => {
    const res = await agent.get('/dashboard');
    assert.equal(res.status, 200);
    assert.match(rowOf(res.text, upUuid), /class="check st-up"/);
    assert.match(rowOf(res.text, lateUuid), /class="check st-grace"[\s\S]*>late</);
    assert.match(rowOf(res.text, downUuid), /class="check st-down"/);
    assert.doesNotMatch(res.text, new RegExp(otherUuid));
    assert.doesNotMatch(res.text, /not-yours/);
    assert.match(rowOf(res.text, upUuid), /every hour/);
    assert.match(rowOf(res.text, upUuid), /20 min ago/);
    assert.match(rowOf(res.text, upUuid), /datetime="2026-07-01T11:40:00.000Z"/);
    assert.match(res.text, /data-count="grace">late <b>1<\/b>/);
    assert.match(res.text, /data-count="all">all <b>4<\/b>/);
  });

  test('escapes a hostile job name and tag, and allows no inline script', async () => {
    const res = await agent.get('/dashboard');
    assert.doesNotMatch(res.text, /<script>alert/);
    assert.match(res.text, /&lt;script&gt;alert\(1\)&lt;\/script&gt;&quot;&#39;&amp;/);
    const csp = String(res.headers['content-security-policy']);
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(res.headers['cache-control'], 'no-store');
    // No inline script element at all: every <script> has a src under /static/.
    for (const m of res.text.matchAll(/<script[^>]*>/g)) assert.match(m[0], /src="\/static\//);
    const page = await agent.get('/dashboard/checks/' + hostileUuid);
    assert.equal(page.status, 200);
    assert.doesNotMatch(page.text, /<script>alert/);
  });

  test('filters by tag and by status', async () => {
    const prod = await agent.get('/dashboard?tag=prod');
    assert.ok(prod.text.includes(upUuid) && prod.text.includes(lateUuid));
    assert.ok(!prod.text.includes(downUuid) && !prod.text.includes(hostileUuid));
    const late = await agent.get('/dashboard?status=late');
    assert.deepEqual(
      [...late.text.matchAll(/data-uuid="([^"]+)"/g)].map((m) => m[1]),
      [lateUuid],
    );
    const downProd = await agent.get('/dashboard?status=down&tag=prod');
    assert.match(downProd.text, /No checks match this filter/);
    const hostileTag = await agent.get(
      '/dashboard?' + new URLSearchParams({ tag: HOSTILE }).toString(),
    );
    assert.equal(hostileTag.status, 200);
    assert.ok(hostileTag.text.includes(hostileUuid));
  });

  test('bad filters get a 400 page that says what is wrong', async () => {
    const cases: [string, RegExp][] = [
      ['status=sideways', /status must be one of/],
      ['status=%3Cb%3E', /status must be one of down, late, up, new, paused \(got &quot;&lt;b&gt;/],
      ['page=0', /page must be a number/],
      ['page=-1', /page must be a number/],
      ['page=1e3', /page must be a number/],
      ['page=99999999999', /page is longer than/],
      ['tag=a&tag=b', /tag is given more than once/],
      ['tag=' + 'x'.repeat(201), /tag is longer than 200/],
      ['tag=a%00b', /tag contains a NUL character/],
      ['status=up%00', /status contains a NUL character/],
    ];
    for (const [q, message] of cases) {
      const res = await agent.get('/dashboard?' + q);
      assert.equal(res.status, 400, q);
      assert.match(res.headers['content-type'] ?? '', /text\/html/);
      assert.match(res.text, message, q);
    }
    assert.equal((await agent.get('/dashboard/nothing-here')).status, 404);
  });

  test('status.json gives the refresh script the same page', async () => {
    const res = await agent.get('/dashboard/status.json?tag=prod');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.counts, { down: 0, grace: 1, up: 1, new: 0, paused: 0 });
    const byUuid = new Map(res.body.checks.map((c: { uuid: string }) => [c.uuid, c]));
    assert.deepEqual(byUuid.get(lateUuid), {
      uuid: lateUuid,
      status: 'grace',
      label: 'late',
      lastPing: '2026-07-01T10:55:00.000Z',
      nextPing: '2026-07-01T11:55:00.000Z',
      runningSince: null,
      lastDuration: null,
    });
    assert.equal((await request(app).get('/dashboard/status.json')).status, 303);
    assert.equal((await agent.get('/dashboard/status.json?status=nope')).status, 400);
  });
});

describe('the check page and its buttons', async () => {
  const { agent, csrf } = await signIn(app, rw);

  test('shows the ping URL, a crontab line, uptime, pings and flips', async () => {
    await db.pool.query(`UPDATE checks SET ping_count = 3 WHERE uuid = $1`, [downUuid]);
    const { rows } = await db.pool.query(`SELECT id FROM checks WHERE uuid = $1`, [downUuid]);
    const id = rows[0].id;
    await db.pool.query(
      `INSERT INTO pings (check_id, n, created_at, kind, exit_status, address, method, user_agent, body, duration)
       VALUES ($1, 1, $2, 'start', NULL, '10.0.0.1', 'GET', 'curl/8', '', NULL),
              ($1, 2, $3, 'exitcode', 3, '10.0.0.1', 'POST', 'curl/8', $4, 12.5),
              ($1, 3, $3, 'log', NULL, '10.0.0.2', 'POST', '<b>ua</b>', 'log line', NULL)`,
      [
        id,
        new Date(now.getTime() - 3 * 3600_000),
        new Date(now.getTime() - 2 * 3600_000),
        '<img src=x onerror=alert(1)>' + 'y'.repeat(500),
      ],
    );
    await db.pool.query(
      `INSERT INTO flips (check_id, created_at, from_status, to_status, reason)
       VALUES ($1, $2, 'up', 'down', 'no ping'), ($1, $3, 'down', 'up', 'ping'), ($1, $4, 'up', 'down', 'no ping')`,
      [
        id,
        new Date(now.getTime() - 10 * 86_400_000),
        new Date(now.getTime() - 9 * 86_400_000),
        new Date(now.getTime() - 6 * 3600_000),
      ],
    );
    const res = await agent.get('/dashboard/checks/' + downUuid);
    assert.equal(res.status, 200);
    assert.ok(res.text.includes(`<pre id="ping-url">${BASE}/ping/${downUuid}</pre>`));
    assert.ok(
      res.text.includes(
        `0 * * * * /path/to/job.sh; curl -fsS -m 10 --retry 5 -o /dev/null ${BASE}/ping/${downUuid}/$?`,
      ),
    );
    // Down for one of the last 30 days and the last 6 of 24 hours.
    assert.match(res.text, /Last 24 hours <span class="pct">75.00 %<\/span>/);
    assert.match(res.text, /Last 30 days <span class="pct">95.83 %<\/span>/);
    assert.equal((res.text.match(/<svg class="uptime"/g) ?? []).length, 2);
    // The last 6 hours are down, each its own bar; the 18 before share one element.
    assert.match(
      res.text,
      /<path class="u-up" d="M0 0h6v28h-6zM8 0h6v28h-6z[^"]*M136 0h6v28h-6z"><title>[^<]*: up</,
    );
    assert.match(res.text, /<path class="u-down" d="M144 0h6v28h-6z"><title>[^<]*: 0.00 % up</);
    // Days: the 10th back was down all day, today for 6 of 24 hours (partial).
    assert.equal((res.text.match(/class="u-down"/g) ?? []).length, 6 + 1);
    assert.equal((res.text.match(/class="u-partial"/g) ?? []).length, 1);
    assert.match(res.text, /fail \(3\)/);
    assert.match(res.text, /12.5 s/);
    assert.match(res.text, /&lt;img src=x onerror=alert\(1\)&gt;y+<\/pre>/);
    assert.doesNotMatch(res.text, /y{201}/, 'the body preview is cut at 200 characters');
    assert.match(
      res.text.replace(/<\/?span[^>]*>/g, ''),
      /POST · 10.0.0.2 · &lt;b&gt;ua&lt;\/b&gt;/,
      'method, address and escaped user agent',
    );
    assert.match(
      res.text,
      /<span class="addr">10.0.0.2<\/span>/,
      'the address is one unbreakable word',
    );
    assert.match(res.text, /up → down[\s\S]*no ping/);
  });

  test('pause and resume need the session’s CSRF token; nothing changes without it', async () => {
    const status = async () =>
      (await db.pool.query(`SELECT status FROM checks WHERE uuid = $1`, [upUuid])).rows[0].status;
    for (const body of [{}, { _csrf: '' }, { _csrf: 'x'.repeat(43) }, { _csrf: [csrf, csrf] }]) {
      const res = await agent.post(`/dashboard/checks/${upUuid}/pause`).type('form').send(body);
      assert.equal(res.status, 403, JSON.stringify(body));
      assert.match(res.text, /CSRF token/);
      assert.equal(await status(), 'up');
    }
    // Another session's token is not this one's.
    const other = await signIn(app, rw);
    const cross = await agent
      .post(`/dashboard/checks/${upUuid}/pause`)
      .type('form')
      .send({ _csrf: other.csrf });
    assert.equal(cross.status, 403);
    // A JSON body (a cross-site fetch cannot send one with cookies without CORS) is no form.
    const json = await agent.post(`/dashboard/checks/${upUuid}/pause`).send({ _csrf: csrf });
    assert.equal(json.status, 403);

    const paused = await agent
      .post(`/dashboard/checks/${upUuid}/pause`)
      .type('form')
      .send({ _csrf: csrf });
    assert.equal(paused.status, 303);
    assert.equal(paused.headers.location, `/dashboard/checks/${upUuid}`);
    assert.equal(await status(), 'paused');
    const page = await agent.get(`/dashboard/checks/${upUuid}`);
    assert.match(page.text, /action="\/dashboard\/checks\/[^"]+\/resume"/);
    const resumed = await agent
      .post(`/dashboard/checks/${upUuid}/resume`)
      .type('form')
      .send({ _csrf: csrf });
    assert.equal(resumed.status, 303);
    assert.equal(await status(), 'new');
    const again = await agent
      .post(`/dashboard/checks/${upUuid}/resume`)
      .type('form')
      .send({ _csrf: csrf });
    assert.equal(again.status, 409);
    assert.match(again.text, /not paused/);
  });

  test('another account’s check, or no check, is not found; a read-only session cannot write', async () => {
    for (const path of [
      `/dashboard/checks/${otherUuid}`,
      '/dashboard/checks/nope',
      `/dashboard/checks/${randomUUID()}`,
    ]) {
      assert.equal((await agent.get(path)).status, 404, path);
    }
    const cross = await agent
      .post(`/dashboard/checks/${otherUuid}/delete`)
      .type('form')
      .send({ _csrf: csrf });
    assert.equal(cross.status, 404);
    assert.equal(
      (await db.pool.query(`SELECT 1 FROM checks WHERE uuid = $1`, [otherUuid])).rowCount,
      1,
    );

    const reader = await signIn(app, ro);
    const page = await reader.agent.get(`/dashboard/checks/${lateUuid}`);
    assert.equal(page.status, 200);
    assert.doesNotMatch(page.text, /\/pause"/);
    const res = await reader.agent
      .post(`/dashboard/checks/${lateUuid}/pause`)
      .type('form')
      .send({ _csrf: reader.csrf });
    assert.equal(res.status, 403);
    assert.match(res.text, /read-only key/);
    const outsider = await signIn(app, otherKey);
    assert.doesNotMatch((await outsider.agent.get('/dashboard')).text, new RegExp(upUuid));
  });

  test('delete removes the check and its history, and goes back to the list', async () => {
    const uuid = await check(A, 'to-delete', 'up');
    const res = await agent
      .post(`/dashboard/checks/${uuid}/delete`)
      .type('form')
      .send({ _csrf: csrf });
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, '/dashboard');
    assert.equal((await db.pool.query(`SELECT 1 FROM checks WHERE uuid = $1`, [uuid])).rowCount, 0);
    assert.equal((await agent.get('/dashboard/checks/' + uuid)).status, 404);
  });
});

describe('an account with 10,000 checks', async () => {
  const big = await newAccount(db.pool, 'dash-big');
  const key = await newKey(db.pool, big, 'read');
  await db.pool.query(
    `INSERT INTO checks (account_id, name, kind, period, grace, status, next_deadline, tags, last_ping_at)
     SELECT $1, 'job-' || lpad(i::text, 5, '0'), 'simple', 3600, 600,
            CASE WHEN i % 10 = 0 THEN 'down' ELSE 'up' END,
            CASE WHEN i % 10 = 0 THEN NULL ELSE $2::timestamptz + interval '30 minutes' END,
            ARRAY['t' || (i % 7)], $2::timestamptz - interval '20 minutes'
       FROM generate_series(1, 10000) i`,
    [big, now],
  );
  const { agent } = await signIn(app, key);

  test('pages by 50, stays small, and counts every check', async () => {
    const first = await agent.get('/dashboard');
    assert.equal(first.status, 200);
    assert.equal((first.text.match(/<tr data-uuid=/g) ?? []).length, PAGE_SIZE);
    assert.match(first.text, /page 1 of 200/);
    assert.match(first.text, /data-count="all">all <b>10000<\/b>/);
    assert.match(first.text, /data-count="down">down <b>1000<\/b>/);
    assert.ok(first.text.length < 100_000, `page is ${first.text.length} bytes`);
    assert.match(first.text, /job-00001/);
    const last = await agent.get('/dashboard?page=200');
    assert.match(last.text, /job-10000/);
    assert.match(last.text, /page 200 of 200/);
    assert.doesNotMatch(last.text, /next →/);
    const beyond = await agent.get('/dashboard?page=201');
    assert.equal(beyond.status, 200);
    assert.match(beyond.text, /No checks match/);
    const down = await agent.get('/dashboard?status=down&page=20');
    assert.match(down.text, /page 20 of 20/);
    assert.match(down.text, /job-10000/);
  });
});
