// Invariant 6 (one account never sees or changes another's data) and key scopes, swept over
// every operation of the OpenAPI document rather than listed by hand: a route added to the
// document later is walked too. Path parameters are filled with the real uuids of the other
// account's objects (the first path segment names the table: /checks/{id} → checks). As the
// README promises: another account's object is 404, a read-only key on a write operation 401,
// and neither changes a row.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Pool } from '../../src/db/pool.js';
import { openApiDocument as doc } from '../../src/front/api/openapi.js';
import { testDatabase } from '../helpers/db.js';
import { rowCounts } from '../helpers/rows.js';
import { serveFront } from '../helpers/served.js';
import { seedAccount, type Seeded } from '../helpers/world.js';

const db = await testDatabase();
const { port } = await serveFront(db.pool, { API_RATE_LIMIT: '0' });
const base = `http://127.0.0.1:${port}/api/v3`;
const mine = await seedAccount(db.pool, port);
const theirs = await seedAccount(db.pool, port);

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];
type Obj = Record<string, unknown>;
interface Operation {
  path: string;
  method: string;
  scope: string;
  /** A valid body for it, so no 400 can hide a missing 404: a rename where it takes a name. */
  body: string | undefined;
}

function bodyFor(op: Obj): string | undefined {
  const content = (op.requestBody as Obj | undefined)?.content as Obj | undefined;
  if (!content) return undefined;
  let schema = (content['application/json'] as Obj).schema as Obj;
  if (typeof schema.$ref === 'string')
    schema = doc.components.schemas[schema.$ref.split('/').pop()!]!;
  const takesName = 'name' in ((schema.properties as Obj | undefined) ?? {});
  return JSON.stringify(takesName ? { name: 'renamed' } : {});
}

const operations: Operation[] = Object.entries(doc.paths).flatMap(([path, item]) =>
  METHODS.filter((m) => m in item).map((method) => {
    const op = item[method] as Obj;
    return { path, method, scope: String(op['x-key-scope']), body: bodyFor(op) };
  }),
);

/** The table of the object a path addresses: its first segment (/checks/{id}/… → checks). */
const tableOf = (path: string) => path.split('/')[1]!;

/** The row a path's {id} names, as JSON, to compare before and after (undefined: none). */
async function targetRow(pool: Pool, path: string, id: string): Promise<unknown> {
  if (!path.includes('{id}')) return undefined;
  const { rows } = await pool.query(
    `SELECT to_jsonb(t) AS row FROM ${tableOf(path)} t WHERE uuid::text = $1`,
    [id],
  );
  return rows[0]?.row;
}

/** The path with its parameters filled from `owner`'s objects. */
async function fill(path: string, owner: Seeded): Promise<{ url: string; id: string }> {
  let id = '';
  if (path.includes('{id}')) {
    const { rows } = await db.pool.query(
      `SELECT uuid::text FROM ${tableOf(path)} WHERE account_id = $1 ORDER BY id LIMIT 1`,
      [owner.id],
    );
    assert.ok(rows[0], `account ${owner.name} has no ${tableOf(path)}: seed one in world.ts`);
    id = rows[0].uuid;
  }
  let n = '';
  if (path.includes('{n}')) {
    const { rows } = await db.pool.query(
      `SELECT max(p.n)::text AS n FROM pings p JOIN checks c ON c.id = p.check_id
        WHERE c.uuid::text = $1 AND p.body IS NOT NULL`,
      [id],
    );
    n = rows[0].n;
  }
  let run = '';
  if (path.includes('{run}')) {
    const { rows } = await db.pool.query(
      `SELECT t.run_id::text AS run FROM ticks t JOIN jobs j ON j.id = t.job_id
        WHERE j.uuid::text = $1 ORDER BY t.id LIMIT 1`,
      [id],
    );
    assert.ok(rows[0], `job ${id} has no tick: seed one in world.ts`);
    run = rows[0].run;
  }
  const url = path.replace('{id}', id).replace('{n}', n).replace('{run}', run);
  assert.doesNotMatch(url, /[{}]/, `${path}: a parameter this sweep does not know how to fill`);
  return { url, id };
}

async function send(op: Operation, url: string, key: string): Promise<Response> {
  return fetch(base + url, {
    method: op.method.toUpperCase(),
    headers: { 'X-Api-Key': key, 'Content-Type': 'application/json' },
    body: op.body,
  });
}

/** Sends `key`'s request to `owner`'s object; asserts the status, and that nothing changed. */
async function sweep(op: Operation, key: string, owner: Seeded, expected: number) {
  const { url, id } = await fill(op.path, owner);
  const counts = await rowCounts(db.pool);
  const row = await targetRow(db.pool, op.path, id);
  const res = await send(op, url, key);
  const text = await res.text();
  const what = `${op.method.toUpperCase()} ${op.path} (${url})`;
  assert.equal(res.status, expected, `${what}: ${text}`);
  assert.deepEqual(await rowCounts(db.pool), counts, `${what} changed row counts`);
  assert.deepEqual(await targetRow(db.pool, op.path, id), row, `${what} changed its target`);
  assert.ok(!text.includes(owner.checks[0]!), `${what} shows the other account's check`);
}

const withId = operations.filter((op) => op.path.includes('{id}'));
const writes = operations.filter((op) => op.scope === 'write');

describe('isolation sweep over the OpenAPI document', () => {
  test('the document has the operations this sweep relies on', () => {
    assert.ok(withId.length >= 10, `only ${withId.length} operations with an {id}`);
    assert.ok(writes.length >= 10, `only ${writes.length} write operations`);
    for (const op of operations)
      assert.match(op.scope, /^(read|write|none)$/, `${op.method} ${op.path} x-key-scope`);
  });

  test("another account's key, read-write: every operation on an object is 404, nothing changes", async () => {
    for (const op of withId) await sweep(op, mine.rw, theirs, 404);
  });

  test("another account's key, read-only: 404 where it may read, 401 where it may not", async () => {
    for (const op of withId) await sweep(op, mine.ro, theirs, op.scope === 'write' ? 401 : 404);
  });

  test("the account's own read-only key on every write operation: 401, nothing changes", async () => {
    for (const op of writes) await sweep(op, theirs.ro, theirs, 401);
  });

  test("lists with another account's key show none of its objects", async () => {
    for (const op of operations.filter((o) => o.method === 'get' && !o.path.includes('{'))) {
      const res = await send(op, op.path, mine.rw);
      const text = await res.text();
      assert.ok(res.status < 300, `${op.path}: ${res.status} ${text}`);
      for (const secret of [...theirs.checks, ...theirs.channels, ...theirs.slugs, theirs.badgeKey])
        assert.ok(!text.includes(secret), `GET ${op.path} shows ${secret}`);
    }
  });

  // The control: the same URLs with the owner's key find the objects, so the 404s above
  // come from the key's account, not from a URL this sweep built wrong. Deletes last.
  test('the owner’s read-write key finds every object the sweep addressed', async () => {
    const ordered = [...withId].sort(
      (a, b) => Number(a.method === 'delete') - Number(b.method === 'delete'),
    );
    for (const op of ordered) {
      const { url } = await fill(op.path, theirs);
      const res = await send(op, url, theirs.rw);
      const text = await res.text();
      assert.notEqual(res.status, 404, `${op.method.toUpperCase()} ${url}: ${text}`);
      assert.ok(res.status < 500 || op.path.endsWith('/test'), `${op.path}: ${res.status} ${text}`);
    }
  });
});
