// The OpenAPI document of /api/v3 (src/front/api/openapi.ts) stays true to the router: every
// route registered on the express router is documented with the same methods, every
// documented operation exists (never the app's 404 for an unknown route) and needs the key
// its x-key-scope says, and real answers validate against the documented schemas (ajv's
// JSON Schema 2020-12 dialect, which OpenAPI 3.1 schemas are).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { Router } from 'express';
import request from 'supertest';
import { createApiRouter } from '../../src/front/api/index.js';
import { openApiDocument } from '../../src/front/api/openapi.js';
import { createApp } from '../../src/front/app.js';
import { newAccount, newKey } from '../helpers/api.js';
import { frontDeps } from '../helpers/app.js';
import { testDatabase } from '../helpers/db.js';

const db = await testDatabase();
const BASE = 'https://cron.example.com';
const deps = frontDeps(db.pool, { env: { PUBLIC_URL: BASE } });
const app = createApp(deps);
const doc = openApiDocument;

const A = await newAccount(db.pool, 'oas');
const keys = { rw: await newKey(db.pool, A, 'write'), ro: await newKey(db.pool, A, 'read') };

// ---------------------------------------------------------------------------------------
// Schemas: the whole document is one ajv schema (its OpenAPI keywords a vocabulary ajv
// ignores), so the schemas' own "#/components/..." references resolve as in the document.

const DOC_ID = 'https://cronwatch.invalid/api/v3/openapi.json';
// ajv-formats is CommonJS: its default export is the plugin under ESM-from-TS typing.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const ajv = new Ajv2020({
  strict: true,
  // `required` inside oneOf branches names properties declared beside them, not in them.
  strictRequired: false,
  allowUnionTypes: true,
  allErrors: true,
});
addFormats(ajv);
ajv.addVocabulary(['openapi', 'info', 'servers', 'security', 'tags', 'paths', 'components']);
ajv.addSchema({ ...doc, $id: DOC_ID });

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const esc = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

type Obj = Record<string, unknown>;
function operation(path: string, method: string): Obj {
  const op = doc.paths[path]?.[method] as Obj | undefined;
  assert.ok(op, `${method.toUpperCase()} ${path} is not documented`);
  return op;
}

/** Follows an OpenAPI (not JSON Schema) $ref such as #/components/responses/NotFound. */
function deref(o: Obj): [Obj, string] {
  const r = o.$ref;
  if (typeof r !== 'string') return [o, ''];
  const parts = r.slice(2).split('/');
  let cur: unknown = doc;
  for (const p of parts) cur = (cur as Obj)[p];
  return [cur as Obj, r.slice(1)];
}

/** Validates a body against the documented response of path/method/status. */
function assertDocumented(
  path: string,
  method: string,
  res: { status: number; body: unknown; headers: Record<string, string> },
): void {
  const responses = operation(path, method).responses as Obj;
  const given = responses[String(res.status)] as Obj | undefined;
  assert.ok(given, `${method} ${path}: status ${res.status} is not documented`);
  const [response, refPointer] = deref(given);
  const content = response.content as Obj;
  const type = Object.keys(content)[0]!;
  assert.ok(
    res.headers['content-type']?.startsWith(type),
    `${method} ${path} ${res.status}: content-type ${res.headers['content-type']}, documented ${type}`,
  );
  if (type !== 'application/json') return;
  const pointer = refPointer || `/paths/${esc(path)}/${method}/responses/${res.status}`;
  const validate = ajv.getSchema(`${DOC_ID}#${pointer}/content/${esc(type)}/schema`);
  assert.ok(validate, `no schema at ${pointer}`);
  assert.ok(
    validate(res.body),
    `${method} ${path} ${res.status}: ${JSON.stringify(validate.errors)}\n${JSON.stringify(res.body)}`,
  );
}

function validBody(schemaName: string, body: unknown): boolean {
  const validate = ajv.getSchema(`${DOC_ID}#/components/schemas/${schemaName}`)!;
  return validate(body) as boolean;
}

// ---------------------------------------------------------------------------------------
// The router and the document

interface RouteLayer {
  route?: { path: string; methods: Record<string, boolean> };
}

/** Routes on the API router, as OpenAPI paths ("/checks/{id}") with their methods. */
function routerRoutes(): Map<string, string[]> {
  const router = createApiRouter(deps) as Router & { stack: RouteLayer[] };
  const out = new Map<string, string[]>();
  for (const layer of router.stack) {
    if (!layer.route) continue;
    const path = layer.route.path.replace(/:(\w+)/g, '{$1}');
    const methods = Object.keys(layer.route.methods).filter((m) => m !== '_all');
    out.set(path, [...(out.get(path) ?? []), ...methods].sort());
  }
  return out;
}

function documentedRoutes(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [path, item] of Object.entries(doc.paths))
    out.set(
      path,
      Object.keys(item)
        .filter((k) => HTTP_METHODS.includes(k))
        .sort(),
    );
  return out;
}

/** A documented path with its parameters filled in: a fresh uuid for ids, 1 for n. */
function concrete(path: string, id = randomUUID()): string {
  return '/api/v3' + path.replace('{id}', id).replace('{n}', '1').replace('{run}', randomUUID());
}

describe('the document', () => {
  test('is served without a key, as JSON, and is the module’s object', async () => {
    const res = await request(app).get('/api/v3/openapi.json');
    assert.equal(res.status, 200);
    assert.match(res.headers['content-type']!, /^application\/json/);
    assert.deepEqual(res.body, JSON.parse(JSON.stringify(doc)));
    assert.equal(res.body.openapi, '3.1.0');
  });

  test('every schema compiles under ajv strict mode (2020-12 dialect)', () => {
    for (const name of Object.keys(doc.components.schemas))
      assert.ok(ajv.getSchema(`${DOC_ID}#/components/schemas/${name}`), name);
  });

  test('every route on the router is documented with the same methods, and nothing else', () => {
    const routes = routerRoutes();
    const documented = documentedRoutes();
    for (const [path, methods] of routes)
      assert.deepEqual(documented.get(path), methods, `router ${path} vs the document`);
    for (const [path, methods] of documented)
      assert.deepEqual(routes.get(path), methods, `documented ${path} vs the router`);
  });

  test('every operation has an operationId, its key scope and parameters for its path', () => {
    const ids = new Set<string>();
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of Object.keys(item).filter((k) => HTTP_METHODS.includes(k))) {
        const op = operation(path, method);
        assert.equal(typeof op.operationId, 'string');
        assert.ok(!ids.has(op.operationId as string), `duplicate ${String(op.operationId)}`);
        ids.add(op.operationId as string);
        assert.ok(['read', 'write', 'none'].includes(op['x-key-scope'] as string), path);
        const names = ((op.parameters as Obj[] | undefined) ?? [])
          .map((p) => deref(p)[0])
          .filter((p) => p.in === 'path')
          .map((p) => p.name);
        const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
        assert.deepEqual(names.sort(), inPath.sort(), `${method} ${path} path parameters`);
      }
    }
  });

  test('every documented operation exists and needs the key its x-key-scope says', async () => {
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of Object.keys(item).filter((k) => HTTP_METHODS.includes(k))) {
        const scope = operation(path, method)['x-key-scope'];
        const url = concrete(path);
        const unknownRoute = `not found: ${method.toUpperCase()} ${url}`;
        const call = (key?: string) => {
          const r = request(app)[method as 'get'](url);
          return key ? r.set('X-Api-Key', key) : r;
        };
        const rw = await call(keys.rw);
        assert.notEqual(rw.body?.error, unknownRoute, `${method} ${path}`);
        assert.notEqual(rw.status, 405, `${method} ${path}`);
        assert.ok(rw.status < 500, `${method} ${path}: ${rw.status}`);
        const ro = await call(keys.ro);
        const none = await call();
        if (scope === 'none') {
          assert.equal(none.status, 200, `${method} ${path} without a key`);
        } else {
          assert.equal(none.status, 401, `${method} ${path} without a key`);
          assert.equal(ro.status === 401, scope === 'write', `${method} ${path} read-only key`);
          if (rw.status !== 200) assertDocumented(path, method, rw);
        }
      }
    }
  });
});

describe('real answers validate against the documented schemas', () => {
  test('checks: create, get (both keys), list, update, pause, resume, delete', async () => {
    const body = {
      name: 'backup',
      schedule: '30 2 * * *',
      tz: 'Europe/Berlin',
      grace: 1800,
      channels: '*',
    };
    assert.ok(validBody('CheckInput', body));
    let res = await request(app).post('/api/v3/checks/').set('X-Api-Key', keys.rw).send(body);
    assert.equal(res.status, 201);
    assertDocumented('/checks/', 'post', res);
    const uuid = res.body.uuid as string;

    res = await request(app)
      .post('/api/v3/checks/')
      .set('X-Api-Key', keys.rw)
      .send({ name: 'backup', grace: 3600, unique: ['name'] });
    assert.equal(res.status, 200);
    assertDocumented('/checks/', 'post', res);

    res = await request(app).get(`/api/v3/checks/${uuid}`).set('X-Api-Key', keys.rw);
    assertDocumented('/checks/{id}', 'get', res);
    assert.equal(res.body.schedule, '30 2 * * *');
    res = await request(app).get(`/api/v3/checks/${uuid}`).set('X-Api-Key', keys.ro);
    assertDocumented('/checks/{id}', 'get', res);
    assert.equal(typeof res.body.unique_key, 'string');
    assert.equal(res.body.uuid, undefined);

    res = await request(app)
      .post(`/api/v3/checks/${uuid}`)
      .set('X-Api-Key', keys.rw)
      .send({ timeout: 7200, tags: 'prod db', desc: 'nightly' });
    assertDocumented('/checks/{id}', 'post', res);
    assert.equal(res.body.timeout, 7200);

    for (const key of [keys.rw, keys.ro]) {
      res = await request(app).get('/api/v3/checks/?limit=1').set('X-Api-Key', key);
      assertDocumented('/checks/', 'get', res);
      res = await request(app).get('/api/v3/checks/?tag=prod').set('X-Api-Key', key);
      assertDocumented('/checks/', 'get', res);
      assert.equal(res.body.checks.length, 1);
    }

    res = await request(app).post(`/api/v3/checks/${uuid}/resume`).set('X-Api-Key', keys.rw);
    assert.equal(res.status, 409);
    assertDocumented('/checks/{id}/resume', 'post', res);
    res = await request(app).post(`/api/v3/checks/${uuid}/pause`).set('X-Api-Key', keys.rw);
    assertDocumented('/checks/{id}/pause', 'post', res);
    assert.equal(res.body.status, 'paused');
    res = await request(app).post(`/api/v3/checks/${uuid}/resume`).set('X-Api-Key', keys.rw);
    assertDocumented('/checks/{id}/resume', 'post', res);

    res = await request(app).delete(`/api/v3/checks/${uuid}`).set('X-Api-Key', keys.rw);
    assertDocumented('/checks/{id}', 'delete', res);
  });

  test('pings, a ping body and flips of a pinged check', async () => {
    let res = await request(app)
      .post('/api/v3/checks/')
      .set('X-Api-Key', keys.rw)
      .send({ name: 'pinged', timeout: 3600 });
    const uuid = res.body.uuid as string;
    const rid = randomUUID();
    assert.equal((await request(app).get(`/ping/${uuid}/start?rid=${rid}`)).status, 200);
    res = await request(app)
      .post(`/ping/${uuid}?rid=${rid}`)
      .set('Content-Type', 'text/plain')
      .send('all good');
    assert.equal(res.status, 200);
    assert.equal((await request(app).get(`/ping/${uuid}/fail`)).status, 200);

    res = await request(app).get(`/api/v3/checks/${uuid}`).set('X-Api-Key', keys.rw);
    assertDocumented('/checks/{id}', 'get', res);

    res = await request(app).get(`/api/v3/checks/${uuid}/pings/`).set('X-Api-Key', keys.rw);
    assertDocumented('/checks/{id}/pings/', 'get', res);
    assert.equal(res.body.pings.length, 3);
    const withBody = (res.body.pings as { n: number; body_url: string | null }[]).find(
      (p) => p.body_url,
    );
    assert.ok(withBody);

    res = await request(app)
      .get(`/api/v3/checks/${uuid}/pings/${withBody.n}/body`)
      .set('X-Api-Key', keys.rw);
    assertDocumented('/checks/{id}/pings/{n}/body', 'get', res);
    assert.equal(res.text, 'all good');

    const { rows } = await db.pool.query(`SELECT id FROM checks WHERE uuid = $1`, [uuid]);
    await db.pool.query(
      `INSERT INTO flips (check_id, created_at, from_status, to_status)
       VALUES ($1, now() - interval '1 hour', 'new', 'up'), ($1, now(), 'up', 'down')`,
      [rows[0].id],
    );
    for (const key of [keys.rw, keys.ro]) {
      res = await request(app)
        .get(`/api/v3/checks/${uuid}/flips/?seconds=86400`)
        .set('X-Api-Key', key);
      assertDocumented('/checks/{id}/flips/', 'get', res);
      assert.ok(res.body.flips.length >= 2);
    }
    res = await request(app)
      .get(`/api/v3/checks/${uuid}/flips/?seconds=-1`)
      .set('X-Api-Key', keys.rw);
    assert.equal(res.status, 400);
    assertDocumented('/checks/{id}/flips/', 'get', res);
  });

  test('channels: create, list, get, update, delete', async () => {
    const body = { kind: 'webhook', name: 'ops', url: 'http://192.0.2.1/hook', secret: 's3' };
    assert.ok(validBody('ChannelInput', body));
    let res = await request(app).post('/api/v3/channels/').set('X-Api-Key', keys.rw).send(body);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assertDocumented('/channels/', 'post', res);
    const id = res.body.id as string;
    res = await request(app)
      .post('/api/v3/channels/')
      .set('X-Api-Key', keys.rw)
      .send({ kind: 'email', to: 'ops@example.com' });
    assertDocumented('/channels/', 'post', res);
    const telegram = { kind: 'telegram', token: '1:ABCDEFGHIJKLMNOPQRSTUVWX', chat_id: '-100' };
    assert.ok(validBody('ChannelInput', telegram));
    res = await request(app).post('/api/v3/channels/').set('X-Api-Key', keys.rw).send(telegram);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assertDocumented('/channels/', 'post', res);

    res = await request(app).get('/api/v3/channels/').set('X-Api-Key', keys.rw);
    assertDocumented('/channels/', 'get', res);
    assert.ok(res.body.channels.length >= 2);
    res = await request(app).get(`/api/v3/channels/${id}`).set('X-Api-Key', keys.rw);
    assertDocumented('/channels/{id}', 'get', res);
    res = await request(app)
      .post(`/api/v3/channels/${id}`)
      .set('X-Api-Key', keys.rw)
      .send({ name: 'ops hook' });
    assertDocumented('/channels/{id}', 'post', res);
    res = await request(app)
      .post(`/api/v3/channels/${id}`)
      .set('X-Api-Key', keys.rw)
      .send({ kind: 'email' });
    assert.equal(res.status, 400);
    assertDocumented('/channels/{id}', 'post', res);
    res = await request(app).delete(`/api/v3/channels/${id}`).set('X-Api-Key', keys.rw);
    assertDocumented('/channels/{id}', 'delete', res);
  });

  test('status and errors (400, 401, 404) have the documented shapes', async () => {
    let res = await request(app).get('/api/v3/status/');
    assertDocumented('/status/', 'get', res);
    res = await request(app).get('/api/v3/checks/').set('X-Api-Key', 'x'.repeat(32));
    assert.equal(res.status, 401);
    assertDocumented('/checks/', 'get', res);
    res = await request(app).get('/api/v3/checks/?limit=0').set('X-Api-Key', keys.rw);
    assert.equal(res.status, 400);
    assertDocumented('/checks/', 'get', res);
    res = await request(app)
      .post('/api/v3/checks/')
      .set('X-Api-Key', keys.rw)
      .send({ name: 'x', timeout: 1 });
    assert.equal(res.status, 400);
    assertDocumented('/checks/', 'post', res);
    assert.ok(!validBody('CheckInput', { name: 'x', timeout: 1 }));
    res = await request(app).get(`/api/v3/checks/${randomUUID()}`).set('X-Api-Key', keys.ro);
    assert.equal(res.status, 404);
    assertDocumented('/checks/{id}', 'get', res);
  });
});

describe('real job answers validate against the documented schemas', () => {
  test('jobs: create (the minimal requests), get, list, update, pause, resume, run, runs, redrive, delete', async () => {
    const call = (method: 'get' | 'post' | 'patch' | 'delete', path: string, body?: object) => {
      const r = request(app)[method](`/api/v3${path}`).set('X-Api-Key', keys.rw);
      return body ? r.send(body) : r;
    };
    const bodies = [
      {
        name: 'reminder-42',
        after: 30,
        url: 'https://e.com/',
        body: '{"id":42}',
        headers: { 'Content-Type': 'application/json' },
      },
      { name: 'nightly', schedule: '30 2 * * *', tz: 'Europe/Berlin', url: 'https://e.com/' },
      { name: 'poll', every: 300, url: 'https://e.com/' },
      { name: 'launch', at: '2026-12-24T18:00:00+01:00', url: 'https://e.com/' },
    ];
    let uuid = '';
    for (const body of bodies) {
      assert.ok(validBody('JobInput', body));
      const res = await call('post', '/jobs/', body);
      assert.equal(res.status, 201, res.text);
      assertDocumented('/jobs/', 'post', res);
      if (body.name === 'poll') uuid = res.body.uuid;
    }
    assertDocumented(
      '/jobs/',
      'post',
      await call('post', '/jobs/', { name: 'x', every: 0, url: 'https://e.com/' }),
    );
    assertDocumented('/jobs/', 'get', await call('get', '/jobs/?limit=2'));
    assertDocumented('/jobs/{id}', 'get', await call('get', `/jobs/${uuid}`));
    assertDocumented('/jobs/{id}', 'post', await call('post', `/jobs/${uuid}`, { every: 600 }));
    assertDocumented('/jobs/{id}', 'patch', await call('patch', `/jobs/${uuid}`, { tags: 'a b' }));
    assertDocumented('/jobs/{id}/pause', 'post', await call('post', `/jobs/${uuid}/pause`));
    assertDocumented('/jobs/{id}/run', 'post', await call('post', `/jobs/${uuid}/run`));
    assertDocumented('/jobs/{id}/resume', 'post', await call('post', `/jobs/${uuid}/resume`));
    const run = await call('post', `/jobs/${uuid}/run`);
    assert.equal(run.status, 202);
    assertDocumented('/jobs/{id}/run', 'post', run);
    const runs = await call('get', `/jobs/${uuid}/runs/`);
    // The first chain tick (cancelled by the schedule change), the new one, the manual run.
    assert.equal(runs.body.runs.length, 3);
    assertDocumented('/jobs/{id}/runs/', 'get', runs);
    const redrive = await call('post', `/jobs/${uuid}/runs/${run.body.run_id}/redrive`);
    assert.equal(redrive.status, 409);
    assertDocumented('/jobs/{id}/runs/{run}/redrive', 'post', redrive);
    assertDocumented('/jobs/{id}', 'delete', await call('delete', `/jobs/${uuid}`));
  });
});
