// Fuzzing /api/v3 on the real server (test/helpers/fuzz.ts says what holds for every
// answer). The operations come from the OpenAPI document, so a route added to it is fuzzed
// too: its path parameters filled with real and unreal ids, its body with the fields its
// schema names (mostly valid values, from GOOD), with a read-write, read-only, another
// account's, a wrong or no key.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { openApiDocument as doc } from '../../src/front/api/openapi.js';
import { testDatabase } from '../helpers/db.js';
import {
  asJson,
  asQuery,
  body,
  fields,
  fuzz,
  headers,
  inUrl,
  method,
  text,
} from '../helpers/fuzz.js';
import { serveFront, type RawRequest } from '../helpers/served.js';
import { restorer, seedAccount } from '../helpers/world.js';

const db = await testDatabase();
const { port } = await serveFront(db.pool, { API_RATE_LIMIT: '0' });
const a = await seedAccount(db.pool, port);
const b = await seedAccount(db.pool, port);
const restore = await restorer(db.pool, a.id);

/** Values each field or parameter accepts, by name; others get 'x'. */
/** Values each field or parameter accepts, by name (hostile ones come from fields()). */
const GOOD: Record<string, unknown[]> = {
  name: ['fz-check', 'fz-other'],
  slug: ['fz-slug', ''],
  tags: ['prod', 'a b', ''],
  desc: ['described', ''],
  timeout: [60, 3600, 31_536_000],
  grace: [60, 300],
  schedule: ['*/5 * * * *', '0 9 * * 1-5'],
  tz: ['UTC', 'Europe/Paris'],
  manual_resume: [true, false],
  channels: ['*', '', a.channels[0]],
  unique: [['name'], ['slug', 'tags']],
  kind: ['email', 'webhook', 'slack'],
  to: ['ops@example.com', 'a@example.com, b@example.com'],
  url: ['https://hooks.example.com/x'],
  channel: ['#ops'],
  secret: ['s3cret', ''],
  api_key: [a.rw],
  tag: ['prod', 't1'],
  limit: ['1', '2', '1000'],
  cursor: [''],
  seconds: ['60', '0'],
  start: ['0', '1700000000'],
  end: ['9999999999'],
  // healthchecks fields cronwatch takes only with their default value
  methods: [''],
  subject: [''],
  subject_fail: [''],
  start_kw: [''],
  success_kw: [''],
  failure_kw: [''],
  filter_subject: [false],
  filter_body: [false],
};
const good = (name: string) => GOOD[name] ?? ['x'];

type Obj = Record<string, unknown>;
const deref = (o: Obj): Obj => {
  if (typeof o.$ref !== 'string') return o;
  let cur: unknown = doc;
  for (const part of o.$ref.slice(2).split('/')) cur = (cur as Obj)[part];
  return cur as Obj;
};

// /channels/{id}/test sends through the channel's real transport: left out, as no fuzzed
// request may leave the machine.
const operations = Object.entries(doc.paths)
  .filter(([path]) => !path.endsWith('/test'))
  .flatMap(([path, item]) =>
    ['get', 'post', 'delete', 'put', 'patch']
      .filter((m) => m in item)
      .map((m) => {
        const op = item[m] as Obj;
        const params = ((op.parameters as Obj[] | undefined) ?? []).map(deref);
        const query = params.filter((p) => p.in === 'query').map((p) => String(p.name));
        const content = deref((op.requestBody as Obj | undefined) ?? {}).content as Obj | undefined;
        const schema = content ? deref((content['application/json'] as Obj).schema as Obj) : {};
        const bodyFields = Object.keys((schema.properties as Obj | undefined) ?? {});
        return { path, method: m.toUpperCase(), query, bodyFields };
      }),
  );
assert.ok(operations.length >= 15);

/** Ids for a path: mostly the account's own object of the path's kind, else anything. */
const ids = (path: string) =>
  fc.oneof(
    {
      weight: 12,
      arbitrary: fc.constantFrom(...(path.startsWith('/channels/') ? a.channels : a.checks)),
    },
    fc.constantFrom(...a.checks, ...a.channels, a.uniqueKey, a.checks[0]!.toUpperCase()),
    fc.constantFrom(...b.checks, ...b.channels),
    fc.uuid(),
    text(),
  );
const n = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('1', '2', '0') },
  text(['-1', '99999999999999999999']),
);
const keyHeader = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(a.rw).map((k) => [['X-Api-Key', k]]) },
  { weight: 2, arbitrary: fc.constantFrom(a.ro, b.rw).map((k) => [['X-Api-Key', k]]) },
  fc.constant([]),
  text([a.rw.slice(0, -1) + 'x', a.rw.toUpperCase()]).map((k) => [
    ['X-Api-Key', k.replace(/[\r\n]/g, '')],
  ]),
) as fc.Arbitrary<[string, string][]>;

const request: fc.Arbitrary<RawRequest> = fc
  .constantFrom(...operations)
  .chain((op) =>
    fc.record({
      m: method([op.method]),
      id: inUrl(ids(op.path)),
      n: inUrl(n),
      q: asQuery(fields(Object.fromEntries(op.query.map((q) => [q, good(q)])))),
      key: keyHeader,
      h: headers(),
      b: body(fields(Object.fromEntries(op.bodyFields.map((f) => [f, good(f)]))).map(asJson)),
      path: fc.constant(op.path),
    }),
  )
  .map(({ m, id, n, q, key, h, b, path }) => {
    const [before, after = ''] = path.split('{id}');
    const target = Buffer.concat([
      Buffer.from(`/api/v3${before}`),
      path.includes('{id}') ? id : Buffer.alloc(0),
      Buffer.from(after.split('{n}')[0]!),
      after.includes('{n}')
        ? Buffer.concat([n, Buffer.from(after.split('{n}')[1]!)])
        : Buffer.alloc(0),
      q,
    ]);
    return {
      method: m,
      target,
      headers: [['Content-Type', 'application/json'], ...key, ...h] as RawRequest['headers'],
      body: b,
    };
  });

describe('fuzz: /api/v3', () => {
  test('every documented operation, any key: never a 5xx, a partial row or a slow answer', async () => {
    const statuses = await fuzz(db.pool, port, request, restore);
    const codes = [...statuses.keys()];
    assert.ok(
      codes.some((c) => c < 300),
      JSON.stringify([...statuses]),
    );
    assert.ok(
      codes.some((c) => c === 404) && codes.some((c) => c === 401),
      JSON.stringify([...statuses]),
    );
  });
});
