// Public status pages (README "Status pages"): made and removed from the dashboard by a
// read-write session; public, cacheable and free of secrets; scoped to a tag; bad addresses.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { before, describe, test } from 'node:test';
import request from 'supertest';
import { createApp } from '../../src/front/app.js';
import { newAccount, newKey } from '../helpers/api.js';
import { frontDeps } from '../helpers/app.js';
import { testDatabase } from '../helpers/db.js';
import { signIn } from '../helpers/web.js';

const db = await testDatabase();
const NOW = new Date('2026-07-01T12:00:00Z');
const app = createApp(frontDeps(db.pool, { clock: () => NOW }));
const DAY = 86_400_000;

const A = await newAccount(db.pool, 'sp');
const B = await newAccount(db.pool, 'sp-other');
const rw = await newKey(db.pool, A, 'write');
const ro = await newKey(db.pool, A, 'read');
const otherRw = await newKey(db.pool, B, 'write');

async function check(accountId: number, name: string, status: string, tags: string[]) {
  const uuid = randomUUID();
  const { rows } = await db.pool.query(
    `INSERT INTO checks (account_id, uuid, name, slug, kind, period, grace, status, next_deadline, tags, created_at)
     VALUES ($1, $2, $3, $3, 'simple', 3600, 600, $4, $5, $6, $7) RETURNING id`,
    [
      accountId,
      uuid,
      name,
      status,
      status === 'up' ? new Date(NOW.getTime() + 3600_000) : null,
      tags,
      new Date(NOW.getTime() - 100 * DAY),
    ],
  );
  return { uuid, id: rows[0].id as number };
}

const web = await check(A, 'web-backup', 'up', ['public']);
const db1 = await check(A, 'db-dump', 'down', ['public', 'db']);
const hidden = await check(A, 'internal-sync', 'up', ['private']);
// Down for 9 of the last 90 days: 90 % up.
await db.pool.query(
  `INSERT INTO flips (check_id, created_at, from_status, to_status) VALUES ($1, $2, 'up', 'down')`,
  [db1.id, new Date(NOW.getTime() - 9 * DAY)],
);

describe('making status pages', async () => {
  const { agent, csrf } = await signIn(app, rw);

  test('a read-write session adds pages; the list links them', async () => {
    const add = await agent
      .post('/dashboard/status-pages')
      .type('form')
      .send({ _csrf: csrf, slug: 'acme-public', title: 'Acme <jobs>', tag: 'public' });
    assert.equal(add.status, 303);
    const all = await agent
      .post('/dashboard/status-pages')
      .type('form')
      .send({ _csrf: csrf, slug: 'acme-all', tag: '' });
    assert.equal(all.status, 303);
    const list = await agent.get('/dashboard/status-pages');
    assert.match(list.text, /href="\/status\/acme-public"/);
    assert.match(list.text, /Acme &lt;jobs&gt;/);
  });

  test('bad or taken addresses are refused with a message, and nothing is written', async () => {
    const cases: [Record<string, unknown>, number, RegExp][] = [
      [{}, 400, /address \(slug\) is missing/],
      [{ slug: 'ab' }, 400, /3-64 lower-case/],
      [{ slug: 'Acme' }, 400, /3-64 lower-case/],
      [{ slug: '-acme' }, 400, /3-64 lower-case/],
      [{ slug: '../../etc' }, 400, /3-64 lower-case/],
      [{ slug: 'a'.repeat(65) }, 400, /longer than 64/],
      [{ slug: 'ok-slug', title: 't'.repeat(201) }, 400, /title is longer than 200/],
      [{ slug: 'ok-slug', tag: 't'.repeat(201) }, 400, /tag is longer than 200/],
      [{ slug: 'ok-slug', title: 'a\u0000b' }, 400, /title contains a NUL/],
      [{ slug: 'ok-slug', tag: ['a', 'b'] }, 400, /tag is given more than once/],
      [{ slug: 'acme-public' }, 409, /is taken/],
    ];
    for (const [fields, status, message] of cases) {
      const res = await agent
        .post('/dashboard/status-pages')
        .type('form')
        .send({ _csrf: csrf, ...fields });
      assert.equal(res.status, status, JSON.stringify(fields));
      assert.match(res.text, message);
    }
    const { rows } = await db.pool.query(`SELECT slug FROM status_pages ORDER BY slug`);
    assert.deepEqual(
      rows.map((r) => r.slug),
      ['acme-all', 'acme-public'],
    );
    // Slugs are global: another account cannot take one.
    const other = await signIn(app, otherRw);
    const taken = await other.agent
      .post('/dashboard/status-pages')
      .type('form')
      .send({ _csrf: other.csrf, slug: 'acme-all' });
    assert.equal(taken.status, 409);
  });

  test('read-only sessions and forms without the CSRF token cannot add or remove', async () => {
    const reader = await signIn(app, ro);
    const ro1 = await reader.agent
      .post('/dashboard/status-pages')
      .type('form')
      .send({ _csrf: reader.csrf, slug: 'by-reader' });
    assert.equal(ro1.status, 403);
    const noCsrf = await agent
      .post('/dashboard/status-pages/acme-all/delete')
      .type('form')
      .send({});
    assert.equal(noCsrf.status, 403);
    const other = await signIn(app, otherRw);
    const cross = await other.agent
      .post('/dashboard/status-pages/acme-all/delete')
      .type('form')
      .send({ _csrf: other.csrf });
    assert.equal(cross.status, 404);
    assert.equal((await db.pool.query(`SELECT 1 FROM status_pages`)).rowCount, 2);
  });
});

describe('the public page', () => {
  test('shows the tag’s checks, their status and 90-day uptime, cacheable, to anyone', async () => {
    const res = await request(app).get('/status/acme-public');
    assert.equal(res.status, 200);
    assert.equal(res.headers['cache-control'], 'public, max-age=60');
    assert.match(String(res.headers['content-security-policy']), /default-src 'none'/);
    assert.match(res.text, /<h1>Acme &lt;jobs&gt;<\/h1>/);
    assert.match(res.text, /class="banner st-down">Some jobs are down/);
    assert.match(res.text, /web-backup[\s\S]*100 % over 90 days/);
    assert.match(res.text, /db-dump[\s\S]*90.00 % over 90 days/);
    assert.doesNotMatch(res.text, /internal-sync/);
    assert.equal((res.text.match(/<svg class="uptime wide"/g) ?? []).length, 2);
  });

  test('holds no ping URL, uuid, slug or key', async () => {
    const res = await request(app).get('/status/acme-all');
    assert.equal(res.status, 200);
    assert.match(res.text, /internal-sync/);
    for (const secret of [web.uuid, db1.uuid, hidden.uuid, '/ping/', rw, ro, 'href="/dashboard'])
      assert.ok(!res.text.includes(secret), `page contains ${secret}`);
    // No session, no account controls either.
    assert.doesNotMatch(res.text, /_csrf|Sign out/);
  });

  test('an unknown or malformed address is a 404 page', async () => {
    for (const slug of ['nope', '..%2F..%2Fetc', '%00', 'x'.repeat(3000), '%3Cscript%3E']) {
      const res = await request(app).get('/status/' + slug);
      assert.equal(res.status, 404, slug.slice(0, 20));
      assert.match(res.text, /no such status page/);
      assert.doesNotMatch(res.text, /<script>/);
    }
  });

  test('a removed page is gone', async () => {
    const { agent, csrf } = await signIn(app, rw);
    const res = await agent
      .post('/dashboard/status-pages/acme-all/delete')
      .type('form')
      .send({ _csrf: csrf });
    assert.equal(res.status, 303);
    assert.equal((await request(app).get('/status/acme-all')).status, 404);
  });
});

describe('uptime of checks with no data yet (issue 17 item 16)', () => {
  let fresh: { uuid: string; id: number };
  // Both created 100 days ago: one never pinged, one first pinged 10 days ago. Made when
  // this group runs, so the groups above see the pages and checks they made alone.
  before(async () => {
    fresh = await check(A, 'fresh-job', 'new', ['fresh']);
    const late = await check(A, 'late-starter', 'up', ['fresh']);
    const firstPing = new Date(NOW.getTime() - 10 * DAY);
    await db.pool.query(
      `INSERT INTO pings (check_id, n, created_at, kind) VALUES ($1, 1, $2, 'success'), ($1, 2, $3, 'success')`,
      [late.id, firstPing, new Date(NOW.getTime() - DAY)],
    );
    await db.pool.query(`UPDATE checks SET last_ping_at = $2, ping_count = 2 WHERE id = $1`, [
      late.id,
      new Date(NOW.getTime() - DAY),
    ]);
    await db.pool.query(
      `INSERT INTO status_pages (account_id, slug, title, tag) VALUES ($1, 'fresh-page', '', 'fresh')`,
      [A],
    );
  });
  /** The list item of `name` on the page, and the number of bars of each colour in it. */
  const item = (page: string, name: string) => {
    const li = page.split('<li ').find((s) => s.includes(`>${name}<`))!;
    const bars = (cls: string) =>
      [...li.matchAll(new RegExp(`class="u-${cls}" d="([^"]*)"`, 'g'))].reduce(
        (n, m) => n + m[1]!.split('M').length - 1,
        0,
      );
    return { li, none: bars('none'), up: bars('up') };
  };

  test('the status page says "no data yet" with a grey strip for a check never pinged', async () => {
    const res = await request(app).get('/status/fresh-page');
    assert.equal(res.status, 200);
    const f = item(res.text, 'fresh-job');
    assert.match(f.li, /no data yet/);
    assert.doesNotMatch(f.li, /100 %|over 90 days/);
    assert.deepEqual([f.none, f.up], [90, 0]);
  });

  test('uptime counts from the first ping, not from when the check was made', async () => {
    const res = await request(app).get('/status/fresh-page');
    const l = item(res.text, 'late-starter');
    assert.match(l.li, /100 % over 90 days/);
    // The day of the first ping and the nine after it are up; the 80 before, unknown.
    assert.deepEqual([l.none, l.up], [80, 10]);
  });

  test('the check page’s strips say "no data yet" for a check never pinged', async () => {
    const { agent } = await signIn(app, ro);
    const page = await agent.get(`/dashboard/checks/${fresh.uuid}`);
    assert.equal(page.status, 200);
    assert.match(page.text, /Last 24 hours <span class="pct">no data yet<\/span>/);
    assert.match(page.text, /Last 30 days <span class="pct">no data yet<\/span>/);
    assert.doesNotMatch(page.text, /class="u-up"/);
  });
});
