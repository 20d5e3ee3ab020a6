// Fuzzing the check-in routes on the real server (test/helpers/fuzz.ts says what holds for
// every answer): the gocron check-in (GET query and POST JSON) and healthchecks' /ping/…
// (uuid and slug forms, suffixes, ?rid=, ?create=, bodies).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
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
const restore = await restorer(db.pool, a.id);

// Mostly values a check-in accepts, so most requests reach the database: the account, its
// checks (made by the API: a check-in only pings them), new names, its ping key.
const gocronFields = fields({
  cronname: [...a.slugs, 'fuzzed', 'fuzzed-2'],
  account: [a.name, 'fuzz-new-account'],
  email: ['ops@example.com', 'a@example.com,b@example.com'],
  frequency: ['60', '3600', '86400', '31536000'],
  site: ['0', '1'],
  key: [a.pingKey],
});

const gocron: fc.Arbitrary<RawRequest> = fc.oneof(
  fc.record({ q: asQuery(gocronFields), h: headers(), m: method(['GET']) }).map(({ q, h, m }) => ({
    method: m,
    target: Buffer.concat([Buffer.from('/'), q]),
    headers: h,
  })),
  fc.record({ b: body(gocronFields.map(asJson)), h: headers() }).map(({ h, b }) => ({
    method: 'POST',
    target: '/',
    headers: [['Content-Type', 'application/json'], ...h] as RawRequest['headers'],
    body: b,
  })),
);

const SUFFIXES = [
  '',
  '/start',
  '/fail',
  '/log',
  '/0',
  '/1',
  '/255',
  '/256',
  '/-1',
  '/99999999999999999999',
  '/',
  '/start/x',
];
const byUuid = fc
  .oneof(
    { weight: 4, arbitrary: fc.constantFrom(...a.checks, a.checks[0]!.toUpperCase()) },
    fc.uuid(),
  )
  .map((u) => Buffer.from(u));
const bySlug = fc
  .tuple(
    fc.oneof({ weight: 4, arbitrary: fc.constant(a.pingKey) }, text()),
    fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...a.slugs, 'new-one', 'UPPER', 'a'.repeat(201)) },
      text(),
    ),
  )
  .chain(([k, s]) => fc.tuple(inUrl(fc.constant(k)), inUrl(fc.constant(s))))
  .map(([k, s]) => Buffer.concat([k, Buffer.from('/'), s]));
const pingQuery = asQuery(
  fields({ rid: ['0f0e0d0c-0b0a-4908-8706-050403020100', ''], create: ['1', '0'] }),
);
const pingTarget = fc
  .tuple(fc.oneof(byUuid, bySlug, inUrl(text())), fc.constantFrom(...SUFFIXES), pingQuery)
  .map(([first, suffix, q]) =>
    Buffer.concat([Buffer.from('/ping/'), first, Buffer.from(suffix), q]),
  );
const pingBody = fc.oneof(
  fc.constant(undefined),
  text().map((t) => Buffer.from(t)),
  fc.constant(Buffer.from('x'.repeat(100_001))),
);
const ping: fc.Arbitrary<RawRequest> = fc
  .record({ m: method(['GET', 'HEAD', 'POST']), t: pingTarget, h: headers(), b: body(pingBody) })
  .map(({ m, t, h, b }) => ({ method: m, target: t, headers: h, body: b }));

/** At least one request of the family was accepted and one refused: the fuzz reached both. */
function assertReached(statuses: Map<number, number>): void {
  const codes = [...statuses.keys()];
  assert.ok(
    codes.some((c) => c < 300),
    `no request accepted: ${JSON.stringify([...statuses])}`,
  );
  assert.ok(
    codes.some((c) => c >= 400),
    `no request refused: ${JSON.stringify([...statuses])}`,
  );
}

describe('fuzz: check-ins', () => {
  test('gocron check-ins, GET and POST JSON: never a 5xx, a partial row or a slow answer', async () => {
    assertReached(await fuzz(db.pool, port, gocron, restore));
  });

  test('/ping/… by uuid and by slug, every suffix, rid and create: the same', async () => {
    assertReached(await fuzz(db.pool, port, ping, restore));
  });
});
