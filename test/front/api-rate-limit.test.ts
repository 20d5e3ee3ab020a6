// API_RATE_LIMIT: per key once the key is valid, per client address otherwise; the request
// over the limit gets 429 with Retry-After and {"error": "..."}; 0 turns the limit off.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import request from 'supertest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { createApp } from '../../src/front/app.js';
import { newAccount, newKey } from '../helpers/api.js';
import { frontDeps } from '../helpers/app.js';
import { testDatabase } from '../helpers/db.js';

const db = await testDatabase();
const LIMIT = 3;
const A = await newAccount(db.pool, 'rl');
const B = await newAccount(db.pool, 'rl');
const keys = {
  a: await newKey(db.pool, A, 'write'),
  a2: await newKey(db.pool, A, 'read'),
  b: await newKey(db.pool, B, 'write'),
};

const get = (app: ReturnType<typeof createApp>, path: string, key?: string) => {
  const r = request(app).get(path);
  return key ? r.set('X-Api-Key', key) : r;
};

function assertLimited(res: request.Response): void {
  assert.equal(res.status, 429);
  assert.match(res.headers['content-type']!, /^application\/json/);
  assert.equal(typeof res.body.error, 'string');
  assert.match(res.body.error, /rate limit/);
  const retryAfter = Number(res.headers['retry-after']);
  assert.ok(
    Number.isInteger(retryAfter) && retryAfter >= 0 && retryAfter <= 60,
    String(retryAfter),
  );
}

describe('API_RATE_LIMIT', () => {
  test('is 600 by default, 0 turns it off, and a bad value is refused', () => {
    assert.equal(loadConfig({}, false).apiRateLimit, 600);
    assert.equal(loadConfig({ API_RATE_LIMIT: '0' }, false).apiRateLimit, 0);
    assert.throws(() => loadConfig({ API_RATE_LIMIT: 'lots' }, false), ConfigError);
  });

  test('the request over the limit of a key gets 429; other keys are unaffected', async () => {
    const app = createApp(frontDeps(db.pool, { env: { API_RATE_LIMIT: String(LIMIT) } }));
    for (let i = 0; i < LIMIT; i++) {
      const res = await get(app, '/api/v3/checks/', keys.a);
      assert.equal(res.status, 200);
      assert.ok(res.headers['ratelimit'], 'RateLimit header');
    }
    assertLimited(await get(app, '/api/v3/checks/', keys.a));
    // Every route of the key, writes too, until the window ends.
    const write = await request(app)
      .post('/api/v3/checks/')
      .set('X-Api-Key', keys.a)
      .send({ name: 'x' });
    assertLimited(write);
    assert.equal((await db.pool.query(`SELECT 1 FROM checks WHERE name = 'x'`)).rowCount, 0);
    // Another key, of the same account or another one, has its own count.
    assert.equal((await get(app, '/api/v3/checks/', keys.a2)).status, 200);
    assert.equal((await get(app, '/api/v3/checks/', keys.b)).status, 200);
    // Requests without a key are counted per address, apart from the keys.
    assert.equal((await get(app, '/api/v3/status/')).status, 200);
  });

  test('requests without a valid key are counted per address', async () => {
    const app = createApp(frontDeps(db.pool, { env: { API_RATE_LIMIT: String(LIMIT) } }));
    assert.equal((await get(app, '/api/v3/status/')).status, 200);
    assert.equal((await get(app, '/api/v3/openapi.json')).status, 200);
    assert.equal((await get(app, '/api/v3/checks/', 'x'.repeat(32))).status, 401);
    // The fourth: a 429 wins over the 401 of a wrong or missing key.
    assertLimited(await get(app, '/api/v3/checks/', 'y'.repeat(32)));
    assertLimited(await get(app, '/api/v3/checks/'));
    assertLimited(await get(app, '/api/v3/status/'));
    // A valid key is counted by itself.
    assert.equal((await get(app, '/api/v3/checks/', keys.b)).status, 200);
  });

  test('0 turns the limit off', async () => {
    const app = createApp(frontDeps(db.pool, { env: { API_RATE_LIMIT: '0' } }));
    for (let i = 0; i < 20; i++) {
      const res = await get(app, '/api/v3/checks/', keys.a);
      assert.equal(res.status, 200);
      assert.equal(res.headers['ratelimit'], undefined);
    }
  });
});
