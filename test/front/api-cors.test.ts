// Issue 17, item 21: the Management API allows cross-origin reads and writes with the key in
// the X-Api-Key header (a preflight OPTIONS is a 204, every answer carries
// Access-Control-Allow-Origin: *), never with credentials; no other route answers CORS, so
// the dashboard's cookie session stays same-origin.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import request from 'supertest';
import { createApp } from '../../src/front/app.js';
import { newAccount, newKey } from '../helpers/api.js';
import { frontDeps } from '../helpers/app.js';
import { testDatabase } from '../helpers/db.js';

const db = await testDatabase();
const app = createApp(frontDeps(db.pool));
const account = await newAccount(db.pool, 'cors');
const rw = await newKey(db.pool, account, 'write');
const ORIGIN = 'https://tools.example.net';

const list = (header: string | undefined) =>
  (header ?? '')
    .toLowerCase()
    .split(',')
    .map((s) => s.trim());

test('a preflight OPTIONS on any /api/v3 route is a 204 that allows the key header', async () => {
  for (const path of ['/api/v3/checks/', '/api/v3/checks/0f0e0d0c-0b0a-4908-8706-050403020100']) {
    const res = await request(app)
      .options(path)
      .set('Origin', ORIGIN)
      .set('Access-Control-Request-Method', 'DELETE')
      .set('Access-Control-Request-Headers', 'x-api-key, content-type');
    assert.equal(res.status, 204, path);
    assert.equal(res.headers['access-control-allow-origin'], '*');
    for (const method of ['get', 'post', 'delete'])
      assert.ok(list(res.headers['access-control-allow-methods']).includes(method), method);
    for (const header of ['x-api-key', 'content-type'])
      assert.ok(list(res.headers['access-control-allow-headers']).includes(header), header);
    assert.ok(Number(res.headers['access-control-max-age']) > 0);
    assert.equal(res.headers['access-control-allow-credentials'], undefined);
  }
});

test('cross-origin reads, writes and errors carry Access-Control-Allow-Origin: *', async () => {
  const created = await request(app)
    .post('/api/v3/checks/')
    .set('Origin', ORIGIN)
    .set('X-Api-Key', rw)
    .send({ name: 'from-a-browser', timeout: 3600 });
  assert.equal(created.status, 201);
  assert.equal(created.headers['access-control-allow-origin'], '*');
  const read = await request(app).get('/api/v3/checks/').set('Origin', ORIGIN).set('X-Api-Key', rw);
  assert.equal(read.status, 200);
  assert.equal(read.body.checks[0].name, 'from-a-browser');
  assert.equal(read.headers['access-control-allow-origin'], '*');
  const refused = await request(app).get('/api/v3/checks/').set('Origin', ORIGIN);
  assert.equal(refused.status, 401);
  assert.equal(refused.headers['access-control-allow-origin'], '*');
  for (const res of [created, read, refused])
    assert.equal(res.headers['access-control-allow-credentials'], undefined);
});

test('pages, the dashboard, metrics and badges answer no CORS, to OPTIONS neither', async () => {
  for (const path of [
    '/',
    '/login',
    '/dashboard',
    '/status/nope',
    '/healthz',
    '/metrics',
    '/badge/x.svg',
  ]) {
    for (const method of ['get', 'options'] as const) {
      const res = await request(app)[method](path).set('Origin', ORIGIN);
      assert.equal(res.headers['access-control-allow-origin'], undefined, `${method} ${path}`);
      assert.equal(res.headers['access-control-allow-credentials'], undefined, `${method} ${path}`);
      assert.notEqual(res.status, 204, `${method} ${path}`);
    }
  }
});
