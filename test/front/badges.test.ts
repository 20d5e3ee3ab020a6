// Status badges (README "Badges"): the public /badge/… routes in every format, for a tag, for
// all checks and for one check; healthchecks' aggregation (down > late > up, two or three
// states); unknown keys and tags; hostile tags; GET /api/v3/badges/ by key scope and account.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import request from 'supertest';
import { uniqueKey } from '../../src/domain/api-shapes.js';
import { badgeSvg, escapeXml, parseKeySegment, summarize } from '../../src/domain/badge.js';
import { createApp } from '../../src/front/app.js';
import { newAccount, newKey } from '../helpers/api.js';
import { frontDeps } from '../helpers/app.js';
import { testDatabase } from '../helpers/db.js';

const db = await testDatabase();
const BASE = 'https://cron.example.com';
const NOW = new Date('2026-07-01T12:00:00Z');
const app = createApp(frontDeps(db.pool, { env: { PUBLIC_URL: BASE }, clock: () => NOW }));
const HOSTILE = '<script>alert("x")</script>&\'';

type St = 'up' | 'late' | 'down' | 'new' | 'paused';
let n = 0;
async function check(accountId: number, status: St, tags: string[]): Promise<string> {
  const uuid = randomUUID();
  const live = status === 'up' || status === 'late';
  await db.pool.query(
    `INSERT INTO checks (account_id, uuid, name, kind, period, grace, status, next_deadline, tags)
     VALUES ($1, $2, $3, 'simple', 3600, 600, $4, $5, $6)`,
    [
      accountId,
      uuid,
      `check-${++n}`,
      status,
      live ? new Date(NOW.getTime() + 30 * 60_000) : null,
      tags,
    ],
  );
  return uuid;
}

const A = await newAccount(db.pool, 'badge');
const B = await newAccount(db.pool, 'badge-other');
const keys = {
  rw: await newKey(db.pool, A, 'write'),
  ro: await newKey(db.pool, A, 'read'),
  other: await newKey(db.pool, B, 'write'),
};
const upUuid = await check(A, 'up', ['allup', 'mixed', 'late']);
await check(A, 'new', ['allup']);
await check(A, 'paused', ['allup']);
const lateUuid = await check(A, 'late', ['late', 'mixed']);
const downUuid = await check(A, 'down', ['mixed', HOSTILE]);
await check(B, 'down', ['allup', 'onlyb']);

async function badgesOf(key: string) {
  const res = await request(app).get('/api/v3/badges/').set('X-Api-Key', key);
  assert.equal(res.status, 200, res.text);
  return res.body.badges as Record<string, Record<string, string>>;
}
const listA = await badgesOf(keys.rw);
const keyA = new URL(listA['*']!.svg3!).pathname.split('/')[2]!.replace(/\.svg$/, '');
const path = (p: string) => new URL(p).pathname;
const tagUrl = (tag: string, fmt: string, states: 2 | 3 = 3) =>
  `/badge/${keyA}${states === 2 ? '-2' : ''}/${encodeURIComponent(tag)}.${fmt}`;

describe('domain', () => {
  test('summarize: down wins, then late (three states only), new and paused are up', () => {
    assert.deepEqual(summarize(['up', 'new', 'paused'], 3), {
      status: 'up',
      total: 3,
      grace: 0,
      down: 0,
    });
    assert.deepEqual(summarize(['up', 'grace'], 3), {
      status: 'late',
      total: 2,
      grace: 1,
      down: 0,
    });
    assert.deepEqual(summarize(['up', 'grace'], 2), { status: 'up', total: 2, grace: 1, down: 0 });
    assert.deepEqual(summarize(['grace', 'down'], 3), {
      status: 'down',
      total: 2,
      grace: 1,
      down: 1,
    });
  });
  test('key segments', () => {
    const k = 'A'.repeat(20) + '-_';
    assert.deepEqual(parseKeySegment(k), { key: k, states: 3 });
    assert.deepEqual(parseKeySegment(`${k}-2`), { key: k, states: 2 });
    assert.deepEqual(parseKeySegment(`${k}-3`), { key: k, states: 3 });
    assert.equal(parseKeySegment(`${k}-4`), undefined);
    assert.equal(parseKeySegment('short'), undefined);
  });
  test('escapeXml and the SVG never carry raw markup from the label', () => {
    assert.equal(escapeXml(`<a href="x">'&`), '&#60;a href=&#34;x&#34;&#62;&#39;&#38;');
    const svg = badgeSvg(HOSTILE, 'down');
    assert.ok(!svg.includes('<script'));
    assert.ok(svg.includes('&#60;script&#62;'));
  });
});

describe('GET /api/v3/badges/', () => {
  test('read-write key: one entry per tag and "*", every format, under PUBLIC_URL', () => {
    assert.deepEqual(Object.keys(listA).sort(), ['*', HOSTILE, 'allup', 'late', 'mixed'].sort());
    for (const urls of Object.values(listA)) {
      assert.deepEqual(Object.keys(urls).sort(), [
        'json',
        'json3',
        'shields',
        'shields3',
        'svg',
        'svg3',
      ]);
      for (const u of Object.values(urls)) assert.ok(u.startsWith(`${BASE}/badge/`), u);
    }
    assert.equal(listA.mixed!.svg, `${BASE}${tagUrl('mixed', 'svg', 2)}`);
    assert.equal(listA.mixed!.json3, `${BASE}${tagUrl('mixed', 'json')}`);
    assert.equal(listA['*']!.shields, `${BASE}/badge/${keyA}-2.shields`);
    assert.equal(keyA.length, 22);
  });
  test('read-only key: the same key and URLs', async () => {
    assert.deepEqual(await badgesOf(keys.ro), listA);
  });
  test('no key or a wrong key: 401', async () => {
    assert.equal((await request(app).get('/api/v3/badges/')).status, 401);
    const res = await request(app).get('/api/v3/badges/').set('X-Api-Key', 'x'.repeat(32));
    assert.equal(res.status, 401);
  });
  test('another account: its own tags and another key', async () => {
    const listB = await badgesOf(keys.other);
    assert.deepEqual(Object.keys(listB).sort(), ['*', 'allup', 'onlyb']);
    assert.notEqual(listB['*']!.svg, listA['*']!.svg);
    // A's key never shows B's checks, and B's tags are not A's.
    assert.equal((await request(app).get(tagUrl('onlyb', 'json'))).status, 404);
    const bAllup = await request(app).get(path(listB.allup!.json3!));
    assert.deepEqual(bAllup.body, { status: 'down', total: 1, grace: 0, down: 1 });
  });
  test('wrong method: 405', async () => {
    const res = await request(app).post('/api/v3/badges/').set('X-Api-Key', keys.rw);
    assert.equal(res.status, 405);
  });
});

describe('tag badges', () => {
  test('json: status and counts, three states and two', async () => {
    const cases: [string, 2 | 3, Record<string, unknown>][] = [
      ['allup', 3, { status: 'up', total: 3, grace: 0, down: 0 }],
      ['late', 3, { status: 'late', total: 2, grace: 1, down: 0 }],
      ['late', 2, { status: 'up', total: 2, grace: 1, down: 0 }],
      ['mixed', 3, { status: 'down', total: 3, grace: 1, down: 1 }],
      ['mixed', 2, { status: 'down', total: 3, grace: 1, down: 1 }],
    ];
    for (const [tag, states, want] of cases) {
      const res = await request(app).get(tagUrl(tag, 'json', states));
      assert.equal(res.status, 200, `${tag} ${states}`);
      assert.match(res.get('content-type')!, /application\/json/);
      assert.deepEqual(res.body, want, `${tag} ${states}`);
    }
  });
  test('the listed URLs answer', async () => {
    const res = await request(app).get(path(listA.late!.json!));
    assert.deepEqual(res.body, { status: 'up', total: 2, grace: 1, down: 0 });
    const res3 = await request(app).get(path(listA.late!.json3!));
    assert.equal(res3.body.status, 'late');
  });
  test('"*": every check of the account', async () => {
    const res = await request(app).get(`/badge/${keyA}.json`);
    assert.deepEqual(res.body, { status: 'down', total: 5, grace: 1, down: 1 });
    const sh = await request(app).get(`/badge/${keyA}-2.shields`);
    assert.deepEqual(sh.body, {
      schemaVersion: 1,
      label: 'cronwatch',
      message: 'down',
      color: 'critical',
    });
  });
  test('shields: label, message and colour', async () => {
    const want: [string, string, string][] = [
      ['allup', 'up', 'success'],
      ['late', 'late', 'important'],
      ['mixed', 'down', 'critical'],
    ];
    for (const [tag, message, color] of want) {
      const res = await request(app).get(tagUrl(tag, 'shields'));
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { schemaVersion: 1, label: tag, message, color });
    }
  });
  test('svg: an image with the label and status, short cache, CORS', async () => {
    const res = await request(app).get(tagUrl('late', 'svg')).buffer(true);
    assert.equal(res.status, 200);
    assert.match(res.get('content-type')!, /^image\/svg\+xml/);
    assert.equal(res.get('cache-control'), 'public, max-age=60');
    assert.equal(res.get('access-control-allow-origin'), '*');
    const body = String(res.body);
    assert.match(body, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.ok(body.includes('>late<') && body.includes('#fe7d37'));
    const up = String(
      (
        await request(app)
          .get(tagUrl('late', 'svg', 2))
          .buffer(true)
      ).body,
    );
    assert.ok(up.includes('>up<') && up.includes('#4c1'));
  });
  test('a hostile tag is escaped in SVG and plain data in JSON', async () => {
    const res = await request(app).get(tagUrl(HOSTILE, 'svg')).buffer(true);
    assert.equal(res.status, 200);
    const body = String(res.body);
    assert.ok(!body.includes('<script'), body);
    assert.ok(!body.includes('"x"'));
    assert.ok(body.includes('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;&#38;&#39;'));
    assert.equal(res.get('x-content-type-options'), 'nosniff');
    const sh = await request(app).get(tagUrl(HOSTILE, 'shields'));
    assert.equal(sh.body.label, HOSTILE);
    assert.equal(sh.get('content-type')?.startsWith('application/json'), true);
  });
  test('unknown key, tag or format: 404', async () => {
    const other = 'Z'.repeat(22);
    for (const url of [
      `/badge/${other}/allup.svg`,
      `/badge/${other}.json`,
      `/badge/${keyA}/nosuchtag.svg`,
      `/badge/${keyA}/nosuchtag.json`,
      `/badge/${keyA}-4/allup.json`,
      `/badge/${keyA}/allup.png`,
      `/badge/${keyA}/allup`,
      `/badge/short/allup.svg`,
      `/badge/${keyA}/${randomUUID()}.svg`,
      `/badge/${keyA}/%3Cscript%3E.svg`,
    ]) {
      const res = await request(app).get(url);
      assert.equal(res.status, 404, url);
      assert.ok(!res.text.includes('<script'), url);
    }
  });
});

describe('check badges', () => {
  test('by uuid: label is the check name; every format', async () => {
    const res = await request(app).get(`/badge/${keyA}/${lateUuid}.json`);
    assert.deepEqual(res.body, { status: 'late', total: 1, grace: 1, down: 0 });
    const two = await request(app).get(`/badge/${keyA}-2/${lateUuid}.json`);
    assert.equal(two.body.status, 'up');
    const sh = await request(app).get(`/badge/${keyA}/${downUuid}.shields`);
    assert.equal(sh.body.message, 'down');
    assert.match(sh.body.label, /^check-\d+$/);
    const svg = await request(app).get(`/badge/${keyA}/${upUuid}.svg`).buffer(true);
    assert.equal(svg.status, 200);
    assert.ok(String(svg.body).includes('>up<'));
  });
  test('by unique_key, never showing the uuid', async () => {
    const res = await request(app)
      .get(`/badge/${keyA}/${uniqueKey(downUuid)}.svg`)
      .buffer(true);
    assert.equal(res.status, 200);
    assert.ok(String(res.body).includes('>down<'));
    assert.ok(!String(res.body).includes(downUuid));
  });
  test("another account's check: 404", async () => {
    const bUuid = await check(B, 'up', []);
    assert.equal((await request(app).get(`/badge/${keyA}/${bUuid}.json`)).status, 404);
  });
});
