// Fuzzing everything else the front serves, on the real server (test/helpers/fuzz.ts says
// what holds for every answer): the sign-in and the dashboard (with and without a session,
// forms with and without the CSRF token), public status pages, static files, badges,
// /metrics (whole and per key) and the health routes.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { testDatabase } from '../helpers/db.js';
import { asQuery, body, fields, fuzz, headers, inUrl, method, text } from '../helpers/fuzz.js';
import { serveFront, type RawRequest } from '../helpers/served.js';
import { backSeen, restorer, seedAccount } from '../helpers/world.js';

const db = await testDatabase();
const { port } = await serveFront(db.pool, { API_RATE_LIMIT: '0', BACK_STALE_SECONDS: '86400' });
const a = await seedAccount(db.pool, port);
const b = await seedAccount(db.pool, port);
const restore = await restorer(db.pool, a.id);
await backSeen(db.pool);

const segment = (good: string[]) =>
  fc
    .oneof({ weight: 4, arbitrary: fc.constantFrom(...good) }, text())
    .chain((s) => inUrl(fc.constant(s)));

/** A path of literal parts and generated segments. */
function path(...parts: (string | fc.Arbitrary<Buffer>)[]): fc.Arbitrary<Buffer> {
  return fc
    .tuple(...parts.map((p) => (typeof p === 'string' ? fc.constant(Buffer.from(p)) : p)))
    .map((bs) => Buffer.concat(bs));
}

const checkIds = segment([...a.checks, ...b.checks, 'not-a-uuid']);
const pagePaths = fc.oneof(
  path('/dashboard'),
  path('/dashboard/'),
  path('/dashboard/status.json'),
  path('/dashboard/checks/', checkIds),
  path('/dashboard/checks/', checkIds, segment(['/pause', '/resume', '/delete'])),
  path('/dashboard/status-pages'),
  path('/dashboard/status-pages/', segment([a.statusPage, b.statusPage]), '/delete'),
  path('/dashboard/', segment(['x', '..', '%2e%2e'])),
  path('/login'),
  path('/status/', segment([a.statusPage, b.statusPage, 'nope'])),
  path('/static/', segment(['app.js', 'style.css', '../package.json', '..%2fpackage.json'])),
  path('/'),
  path('/', segment(['favicon.ico', 'robots.txt', 'index.html'])),
);
const formFields = fields({
  _csrf: [a.csrf, b.csrf, ''],
  key: [a.rw, a.ro, 'wrong'],
  next: ['/dashboard', 'https://evil.example.com', '//evil.example.com', '/dashboard/checks/x'],
  slug: ['fz-page', 'UPPER', 'a', 'x'.repeat(70)],
  tag: ['prod', ''],
  title: ['Fuzzed', ''],
});
const session = fc.oneof(
  { weight: 3, arbitrary: fc.constant([['Cookie', a.cookie]]) },
  fc.constant([]),
  text(['cw_session=x', `${a.cookie}; ${a.cookie}`]).map((c) => [
    ['Cookie', c.replace(/[\r\n]/g, '')],
  ]),
) as fc.Arbitrary<[string, string][]>;
const pages: fc.Arbitrary<RawRequest> = fc
  .record({
    m: method(['GET', 'HEAD', 'POST']),
    t: fc.tuple(pagePaths, asQuery(fields({ next: ['/dashboard'], q: ['x'] }))),
    cookie: session,
    h: headers(),
    b: body(asQuery(formFields).map((q) => q.subarray(1))),
  })
  .map(({ m, t, cookie, h, b }) => ({
    method: m,
    target: Buffer.concat(t),
    headers: [
      ['Content-Type', 'application/x-www-form-urlencoded'],
      ...cookie,
      ...h,
    ] as RawRequest['headers'],
    body: b,
  }));

const keySegment = fc
  .tuple(segment([a.badgeKey, b.badgeKey]), fc.constantFrom('', '-2', '-3', '-9', '-'))
  .map(([k, s]) => Buffer.concat([k, Buffer.from(s)]));
const fmt = fc
  .constantFrom('.svg', '.json', '.shields', '.png', '', '.svg.svg')
  .map((f) => Buffer.from(f));
const badges: fc.Arbitrary<RawRequest> = fc
  .record({
    m: method(['GET', 'HEAD']),
    t: fc.oneof(
      path('/badge/', keySegment, fmt),
      path(
        '/badge/',
        keySegment,
        '/',
        segment(['prod', 't1', '*', a.checks[0]!, a.uniqueKey, b.checks[0]!]),
        fmt,
      ),
      path('/badge/', segment(['', 'x']), '/', segment(['a', '']), '/', segment(['b'])),
    ),
    h: headers(),
  })
  .map(({ m, t, h }) => ({ method: m, target: t, headers: h }));

const service: fc.Arbitrary<RawRequest> = fc
  .record({
    m: method(['GET', 'HEAD']),
    t: fc.oneof(
      path('/metrics'),
      path('/metrics/'),
      path('/metrics/', segment([a.ro, a.rw, b.ro, 'wrong'])),
      path('/METRICS/', segment([a.ro])),
      path('/metrics/', segment([a.ro]), '/', segment(['x'])),
      path('/healthz'),
      path('/healthcheck'),
      path('/', segment(['metrics', 'healthz']), segment(['', '/', '/.', '/..'])),
    ),
    auth: fc.option(text(['Bearer x', 'Bearer ', 'Basic Zm9vOmJhcg=='])),
    h: headers(),
  })
  .map(({ m, t, auth, h }) => ({
    method: m,
    target: t,
    headers: [
      ...(auth === null ? [] : [['Authorization', auth.replace(/[\r\n]/g, '')]]),
      ...h,
    ] as RawRequest['headers'],
  }));

describe('fuzz: pages, badges, metrics, health', () => {
  test('sign-in, dashboard, status pages, static files: never a 5xx, a partial row or a slow answer', async () => {
    const statuses = await fuzz(db.pool, port, pages, restore);
    assert.ok(
      [...statuses.keys()].some((c) => c === 200),
      JSON.stringify([...statuses]),
    );
  });

  test('badges: the same', async () => {
    const statuses = await fuzz(db.pool, port, badges, restore);
    assert.ok(
      [...statuses.keys()].some((c) => c === 200),
      JSON.stringify([...statuses]),
    );
  });

  test('/metrics, /metrics/<key>, /healthz, /healthcheck: the same', async () => {
    const statuses = await fuzz(db.pool, port, service, restore);
    assert.ok(
      [...statuses.keys()].some((c) => c === 200),
      JSON.stringify([...statuses]),
    );
  });
});
