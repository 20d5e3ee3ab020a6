// Issue 17, item 17: a ping URL is read in its RFC 3986 normal form, so every spelling of
// one URL reaches one check (healthchecks answers /ping/<uuid with %2D> with 200); a
// malformed escape is a 400 that says so, and %2F never makes a new path segment.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import request from 'supertest';
import { createApp } from '../../src/front/app.js';
import { readTarget } from '../../src/front/path.js';
import { frontDeps } from '../helpers/app.js';
import { testDatabase } from '../helpers/db.js';

const db = await testDatabase();
const app = createApp(frontDeps(db.pool));
const PING_KEY = 'pk_path_0001';
const { rows } = await db.pool.query(
  `INSERT INTO accounts (name, ping_key) VALUES ('path', $1) RETURNING id`,
  [PING_KEY],
);
const account: number = rows[0].id;

async function newCheck(slug: string): Promise<string> {
  const { rows } = await db.pool.query(
    `INSERT INTO checks (account_id, name, slug, period, grace) VALUES ($1, $2, $2, 3600, 300)
     RETURNING uuid`,
    [account, slug],
  );
  return rows[0].uuid;
}

const kindsOf = async (uuid: string) =>
  (
    await db.pool.query(
      `SELECT p.kind FROM pings p JOIN checks c ON c.id = p.check_id WHERE c.uuid = $1 ORDER BY p.id`,
      [uuid],
    )
  ).rows.map((r) => r.kind as string);

const pingCount = async () =>
  (await db.pool.query(`SELECT count(*)::int AS n FROM pings`)).rows[0].n as number;

test('percent-encoded unreserved characters in a uuid, slug or suffix are decoded', async () => {
  const uuid = await newCheck('c-simple');
  const cases: [string, string][] = [
    [`/ping/${uuid.replaceAll('-', '%2D')}`, 'success'],
    [`/ping/${uuid.replaceAll('-', '%2d')}/%73tart`, 'start'],
    [`/ping/${PING_KEY}/c%2Dsimple`, 'success'],
    [`/ping/${PING_KEY.replace('_', '%5F')}/c%2dsimple/fai%6C`, 'fail'],
    [`/ping/${PING_KEY}/%63-simple/%30`, 'exitcode'],
    [`/ping/./${uuid}/../${uuid}/log`, 'log'],
  ];
  for (const [url, kind] of cases) {
    const res = await request(app).get(url);
    assert.equal(res.status, 200, `${url}: ${res.text}`);
    assert.equal((await kindsOf(uuid)).at(-1), kind, url);
  }
  assert.equal((await kindsOf(uuid)).length, cases.length);
});

test('a malformed percent-escape is a 400 that names it; nothing is written', async () => {
  const uuid = await newCheck('malformed');
  const before = await pingCount();
  for (const url of [
    `/ping/${uuid}%zz`,
    `/ping/${uuid}/%`,
    `/ping/${PING_KEY}/malformed%2`,
    `/ping/${PING_KEY}/mal%G0formed`,
  ]) {
    const res = await request(app).get(url);
    assert.equal(res.status, 400, url);
    assert.match(res.text, /malformed percent-escape "%.{0,2}" in the path/, url);
  }
  assert.equal(await pingCount(), before);
});

test('%2F is data inside a segment, never a new segment', async () => {
  const uuid = await newCheck('c');
  const before = await pingCount();
  // Read as /ping/<key>/c/fail, this would be a fail ping of the check "c".
  const slug = await request(app).get(`/ping/${PING_KEY}/c%2Ffail`);
  assert.equal(slug.status, 400);
  assert.match(slug.text, /invalid slug/);
  assert.equal((await request(app).get(`/ping/${uuid}%2Ffail`)).status, 404);
  assert.equal((await request(app).get(`/ping/${uuid}%2ffail`)).status, 404);
  assert.equal((await request(app).get(`/ping%2F${uuid}`)).status, 404);
  // Empty segments stay: //ping/… is not /ping/… (as in healthchecks).
  assert.equal((await request(app).get(`//ping/${uuid}`)).status, 404);
  assert.equal((await request(app).get(`/ping//${uuid}`)).status, 404);
  assert.equal(await pingCount(), before);
});

test('readTarget: the normal form of RFC 3986, section 6.2.2', () => {
  const path = (t: string) => {
    const r = readTarget(t);
    return 'error' in r ? r.error : r.path + r.search;
  };
  assert.equal(path('/a/b?x=%2D'), '/a/b?x=%2D');
  assert.equal(path('/%41%7e%2d%2E%5f'), '/A~-._');
  assert.equal(path('/a%2fb/%c3%a9'), '/a%2Fb/%C3%A9');
  assert.equal(path('/a/./b/../c/'), '/a/c/');
  assert.equal(path('/a/b/..'), '/a/');
  assert.equal(path('/%2e%2E/a/%2e'), '/a/');
  assert.equal(path('//a///b'), '//a///b');
  assert.equal(path('/a/%2e/%2e%2e//b'), '//b');
  assert.equal(path('/'), '/');
  assert.equal(path('/..'), '/');
  assert.equal(path('/a b/"<>^`{|}\\'), '/a%20b/%22%3C%3E%5E%60%7B%7C%7D%5C');
  assert.equal(path('/\u00e9'), '/%E9');
  assert.equal(path('/a#frag'), '/a');
  assert.equal(path('http://example.com/x/./y?q'), '/x/y?q');
  assert.match(path('/a%'), /malformed percent-escape "%"/);
  assert.match(path('/a%zz'), /malformed percent-escape "%zz"/);
  assert.match(path('*'), /malformed request URL/);
  assert.match(path('mailto:x'), /malformed request URL/);
});
