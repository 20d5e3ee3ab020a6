// The counterexamples the fuzz tests (test/fuzz/*.test.ts) found, shrunk, kept as plain
// tests through the real server: each failed before its fix.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { testDatabase } from '../helpers/db.js';
import { encodeRequest, sendRaw, serveFront } from '../helpers/served.js';
import { seedAccount } from '../helpers/world.js';

const db = await testDatabase();
const { port } = await serveFront(db.pool, { API_RATE_LIMIT: '0' });
const a = await seedAccount(db.pool, port);

async function get(target: string, headers: [string, string][] = []) {
  const answer = await sendRaw(port, encodeRequest({ method: 'GET', target, headers }));
  assert.ok('status' in answer, JSON.stringify(answer));
  return { status: answer.status, text: answer.body.toString() };
}

describe('fuzz counterexamples', () => {
  test('a malformed percent-escape in an API path is a 400 that names it, not "bad request"', async () => {
    const res = await get('/api/v3/checks/%ff', [['X-Api-Key', a.rw]]);
    assert.equal(res.status, 400);
    // The path's normal form (front/path.ts) writes escapes in upper case, as RFC 3986 says.
    assert.deepEqual(JSON.parse(res.text), {
      error: "malformed percent-escape in the URL path: Failed to decode param '%FF'",
    });
  });

  test('the same on a page: the error page names it', async () => {
    const res = await get('/status/%e0%d1');
    assert.equal(res.status, 400);
    assert.match(
      res.text,
      /malformed percent-escape in the URL path: Failed to decode param &#39;%E0%D1&#39;/,
    );
  });

  test('a missing static file is a 404 "not found", not "bad request"', async () => {
    const res = await get('/static/app.js');
    assert.equal(res.status, 404);
    assert.deepEqual(JSON.parse(res.text), { error: 'not found' });
  });

  // FUZZ_SEED=21 FUZZ_RUNS=2500, test/fuzz/pages.test.ts "badges", shrunk.
  test('a badge of a tag holding NUL is a 404, not a 500 from PostgreSQL', async () => {
    for (const key of [a.badgeKey, `${a.badgeKey}-2`]) {
      const res = await get(`/badge/${key}/%00.svg`);
      assert.equal(res.status, 404, res.text);
      assert.deepEqual(JSON.parse(res.text), { error: 'not found' });
    }
    assert.equal((await get(`/badge/${a.badgeKey}/prod.svg`)).status, 200);
  });
});
