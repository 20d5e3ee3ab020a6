// Generated hostile requests (fast-check) against a served front, and the invariants every
// answer must keep (DESIGN.md invariant 5): an answer, within 1 s, never a 5xx; a refused
// request writes no row; nothing is ever half written. Fixed seed and a bounded number of
// runs, so `npm test` stays fast and a failure replays; FUZZ_RUNS=2000 (and FUZZ_SEED) for a
// longer run by hand.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Pool } from '../../src/db/pool.js';
import { orphans, rowCounts } from './rows.js';
import { encodeRequest, sendRaw, type RawRequest } from './served.js';

export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 150);
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20261206);
const ANSWER_WITHIN_MS = 1000;
/** An error message that names nothing: JSON, text or a page saying only "bad request". */
const GENERIC =
  /^(\{"error":"bad request"\}|bad request\n)$|<p class="error" role="alert">bad request</;

/** Values people and broken clients send: empty, NUL, escapes, bidi controls, numbers. */
const NASTY = [
  '',
  ' ',
  '\0',
  'a\0b',
  '%00',
  '%',
  '%zz',
  '%ff',
  '%C0%AF',
  '%E2%80%AE',
  '%F0%9F%98%80',
  '%2e%2e%2f',
  '../../etc/passwd',
  '\u202egnp.exe',
  '😀',
  '\ud800',
  'null',
  'true',
  '[]',
  '{}',
  '-1',
  '0',
  '1e309',
  '9007199254740993',
  '99999999999999999999999',
  'NaN',
  'Infinity',
  '0x10',
  "'; DROP TABLE checks; --",
  '<script>alert(1)</script>',
  'ßſK\u212a',
];

/** Lengths around the limits: names (200), header block (16 KiB), bodies (100 000 / 102 400). */
const LIMIT_LENGTHS = [199, 200, 201, 1000, 16 * 1024 - 200, 16 * 1024 + 1, 100_000, 102_401];

export const huge = fc
  .tuple(fc.constantFrom(...LIMIT_LENGTHS), fc.constantFrom('a', 'é', '0', '\0', '😀'))
  .map(([n, c]) => c.repeat(Math.ceil(n / c.length)).slice(0, n));

/** One text value: nasty, random unicode (lone surrogates included), or near a limit. */
export function text(extra: string[] = []): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...NASTY, ...(extra.length ? extra : ['x'])) },
    { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 30 }) },
    { weight: 1, arbitrary: huge },
  );
}

/** How a value gets into a URL: escaped, its raw UTF-8 bytes, or arbitrary percent-escapes. */
export function inUrl(value: fc.Arbitrary<string>): fc.Arbitrary<Buffer> {
  const raw = (s: string) => Buffer.from(s.replace(/[\s#?&/]/g, (c) => encodeURIComponent(c)));
  const escaped = (v: string) => Buffer.from(encodeURIComponent(v.replace(/[\ud800-\udfff]/g, '')));
  return fc.oneof(
    { weight: 6, arbitrary: value.map(escaped) },
    { weight: 2, arbitrary: value.map(raw) },
    fc
      .uint8Array({ maxLength: 12 })
      .map((b) => Buffer.from([...b].map((x) => `%${x.toString(16).padStart(2, '0')}`).join(''))),
  );
}

export function joinBuffers(parts: Buffer[], sep: string): Buffer {
  return Buffer.concat(parts.flatMap((p, i) => (i ? [Buffer.from(sep), p] : [p])));
}

/** Characters that break what stores, prints or parses text, put into an accepted value. */
const POISON = [
  '\0',
  '\ud800',
  '\udc00',
  '\u0001',
  '\u001b[31m',
  '\u202e',
  '\n',
  '\r\n',
  '\t',
  '\ufeff',
];

/** A hostile value for a field: an accepted one with a poison character, or any text or JSON. */
function hostile(good: unknown[]): fc.Arbitrary<unknown> {
  return fc.oneof(
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.constantFrom(...good.map(String)), fc.constantFrom(...POISON))
        .map(([g, p]) => g + p),
    },
    { weight: 2, arbitrary: text(good.map(String)) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  );
}

/**
 * Fields of a route: each present (with a value the route accepts) or absent, and in half
 * the requests one of them, or a stray one, hostile. One bad field at a time gets past the
 * others' validation: a request with five bad fields only ever tests the first check.
 */
export function fields(spec: Record<string, unknown[]>): fc.Arbitrary<[string, unknown][]> {
  const names = Object.keys(spec);
  const valid = fc.tuple(
    ...names.map((name) => fc.option(fc.constantFrom(...spec[name]!), { nil: undefined })),
  );
  const poisoned = fc.option(
    fc
      .constantFrom(...names, 'x', '', '__proto__', 'api_key')
      .chain((name) =>
        hostile(Object.hasOwn(spec, name) ? spec[name]! : ['x']).map((v): [string, unknown] => [
          name,
          v,
        ]),
      ),
    { freq: 2, nil: undefined },
  );
  return fc.tuple(valid, poisoned).map(([values, bad]) => {
    const pairs = names.flatMap((n, i): [string, unknown][] =>
      values[i] === undefined ? [] : [[n, values[i]]],
    );
    if (!bad) return pairs;
    return [...pairs.filter(([n]) => n !== bad[0]), bad];
  });
}

/** A field's value as query text. String() throws on fc.jsonValue's prototype-less objects. */
const asText = (v: unknown): string => (typeof v === 'string' ? v : (JSON.stringify(v) ?? ''));

/** Fields as a query string: values escaped, or as their raw bytes, or as hostile escapes. */
export function asQuery(pairs: fc.Arbitrary<[string, unknown][]>): fc.Arbitrary<Buffer> {
  return pairs.chain((ps) =>
    fc
      .tuple(
        ...ps.map(([, v]) =>
          fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, inUrl(fc.constant(asText(v)))),
        ),
      )
      .map((raws) => {
        if (!ps.length) return Buffer.alloc(0);
        const parts = ps.map(([n, v], i) =>
          Buffer.concat([
            Buffer.from(`${encodeURIComponent(n)}=`),
            raws[i] ?? Buffer.from(encodeURIComponent(asText(v).replace(/[\ud800-\udfff]/g, ''))),
          ]),
        );
        return Buffer.concat([Buffer.from('?'), joinBuffers(parts, '&')]);
      }),
  );
}

export const asJson = (pairs: [string, unknown][]) =>
  Buffer.from(JSON.stringify(Object.fromEntries(pairs)));

/** JSON nested `depth` deep, in arrays or objects, optionally under a real field name. */
const deepJson = fc
  .tuple(fc.constantFrom(100, 5_000, 40_000), fc.boolean(), fc.constantFrom('name', 'tags', 'x'))
  .map(([depth, arrays, field]) => {
    const inner = arrays
      ? '['.repeat(depth) + ']'.repeat(depth)
      : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
    return `{"${field}":${inner}}`;
  });

/** Request bodies: mostly `good` (the route's own), else deep JSON, bytes, huge, broken. */
export function body(good: fc.Arbitrary<Buffer | undefined>): fc.Arbitrary<Buffer | undefined> {
  return fc.oneof(
    { weight: 20, arbitrary: good },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: deepJson.map((s) => Buffer.from(s)) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)) },
    { weight: 1, arbitrary: huge.map((s) => Buffer.from(s)) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        Buffer.from('{"name":"a\\u0000b"}'),
        Buffer.from('{"name":"\\ud800"}'),
        Buffer.from([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]),
        Buffer.from('\ufeff{}'),
        Buffer.from('{"a":1'),
        Buffer.from('null'),
        Buffer.from('[]'),
      ),
    },
  );
}

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/vnd.api+json',
  '',
];

/** Headers: a content type, maybe an encoding, and stray ones with hostile values. */
export function headers(
  specific: fc.Arbitrary<[string, string]>[] = [],
): fc.Arbitrary<[string, Buffer][]> {
  const header = fc.oneof(
    fc.tuple(fc.constant('Content-Type'), fc.constantFrom(...CONTENT_TYPES)),
    fc.tuple(
      fc.constant('Content-Encoding'),
      fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'x'),
    ),
    fc.tuple(
      fc.constantFrom('X-Forwarded-For', 'User-Agent', 'Origin', 'Accept', 'Expect'),
      text(),
    ),
    fc.tuple(fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,20}$/), text()),
    ...specific,
  );
  // A header value cannot hold CR or LF and still be one header: those would be a new line.
  const list = fc
    .array(header, { maxLength: 3 })
    .map((hs) => hs.map(([n, v]): [string, Buffer] => [n, Buffer.from(v.replace(/[\r\n]/g, ''))]));
  // Most requests with plain headers, so most reach the route rather than node's parser.
  return fc.oneof({ weight: 6, arbitrary: fc.constant([] as [string, Buffer][]) }, list);
}

export const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];
export const method = (usual: string[]) =>
  fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom(...usual) },
    fc.constantFrom(...METHODS, 'PROPFIND', 'TRACE'),
  );

/** Prints a request as it went on the wire, for a failure message a person can replay. */
export function describeRequest(r: RawRequest): string {
  const s = encodeRequest(r).toString('latin1');
  return JSON.stringify(s.length > 600 ? `${s.slice(0, 600)}… (${s.length} bytes)` : s);
}

/**
 * Sends the request and checks the invariants: an answer within 1 s and below 500; after a
 * refusal (4xx) the same row counts as before; never a row without its parent.
 */
export async function assertSafe(pool: Pool, port: number, r: RawRequest): Promise<number> {
  const before = await rowCounts(pool);
  const answer = await sendRaw(port, encodeRequest(r));
  const what = describeRequest(r);
  assert.ok('status' in answer, `${what}: ${'error' in answer ? answer.error : ''}`);
  assert.ok(
    answer.status < 500,
    `${what}: ${answer.status} ${answer.body.toString().slice(0, 300)}`,
  );
  assert.ok(answer.ms < ANSWER_WITHIN_MS, `${what}: answered in ${Math.round(answer.ms)} ms`);
  if (answer.status >= 400) {
    // "Bad input gets a 4xx with a message that names what is wrong": never the bare phrase.
    const text = answer.body.toString();
    assert.doesNotMatch(text, GENERIC, `${what}: ${answer.status} ${text} names nothing`);
    assert.deepEqual(await rowCounts(pool), before, `${what}: ${answer.status} but rows changed`);
  }
  assert.deepEqual(await orphans(pool), [], what);
  return answer.status;
}

/**
 * Runs the property over `requests` (after `reset` each time: put back what earlier runs
 * deleted), then checks the server still answers.
 */
export async function fuzz(
  pool: Pool,
  port: number,
  requests: fc.Arbitrary<RawRequest>,
  reset: () => Promise<void> = async () => undefined,
): Promise<Map<number, number>> {
  const statuses = new Map<number, number>();
  await fc.assert(
    fc.asyncProperty(requests, async (r) => {
      await reset();
      const status = await assertSafe(pool, port, r);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }),
    { seed: FUZZ_SEED, numRuns: FUZZ_RUNS },
  );
  const alive = await sendRaw(
    port,
    encodeRequest({ method: 'GET', target: '/healthcheck', headers: [] }),
  );
  assert.ok('status' in alive && alive.status === 200, JSON.stringify(alive));
  return statuses;
}
