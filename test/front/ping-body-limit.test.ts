// Issue 17, item 22: the ping body limit holds for what is stored. NUL and invalid UTF-8
// become U+FFFD (3 bytes for 1): 200,000 NULs under a 100,000-byte limit were stored as
// 300,000 bytes. The stored UTF-8 is at most the limit, cut on a character boundary.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import request from 'supertest';
import { createApp } from '../../src/front/app.js';
import { frontDeps } from '../helpers/app.js';
import { testDatabase } from '../helpers/db.js';

const db = await testDatabase();
const appWith = (env: Record<string, string> = {}) => createApp(frontDeps(db.pool, { env }));
const app = appWith();
const small = appWith({ PING_BODY_LIMIT_BYTES: '1000' });
const { rows } = await db.pool.query(`INSERT INTO accounts (name) VALUES ('bodies') RETURNING id`);
const account: number = rows[0].id;

let seq = 0;
/** Posts `body` to a new check's ping URL; returns the stored row. */
async function stored(target: ReturnType<typeof createApp>, body: Buffer) {
  const { rows } = await db.pool.query(
    `INSERT INTO checks (account_id, name, period, grace) VALUES ($1, $2, 3600, 300) RETURNING uuid`,
    [account, `c-${++seq}`],
  );
  const res = await request(target)
    .post(`/ping/${rows[0].uuid}`)
    .set('Content-Type', 'application/octet-stream')
    .send(body);
  assert.equal(res.status, 200);
  const ping = await db.pool.query(
    `SELECT p.body, octet_length(p.body) AS bytes, p.body_size
       FROM pings p JOIN checks c ON c.id = p.check_id WHERE c.uuid = $1`,
    [rows[0].uuid],
  );
  return ping.rows[0] as { body: string; bytes: number; body_size: string };
}

const a = (n: number) => Buffer.alloc(n, 'a');
const bytes = (...parts: (Buffer | string | number[])[]) =>
  Buffer.concat(parts.map((p) => (Array.isArray(p) ? Buffer.from(p) : Buffer.from(p))));

test('200,000 NUL bytes under the default 100,000-byte limit: at most 100,000 bytes stored', async () => {
  const row = await stored(app, Buffer.alloc(200_000, 0));
  assert.ok(row.bytes <= 100_000, `${row.bytes} bytes stored`);
  assert.equal(row.body, '\uFFFD'.repeat(33_333));
  assert.equal(Number(row.body_size), 200_000);
});

test('invalid UTF-8 and NULs at a 1,000-byte limit', async () => {
  const cases: [string, Buffer, string][] = [
    ['2,000 NULs', Buffer.alloc(2000, 0), '\uFFFD'.repeat(333)],
    ['2,000 bytes 0xFF', Buffer.alloc(2000, 0xff), '\uFFFD'.repeat(333)],
    ['998 a, then a NUL', bytes(a(998), [0]), 'a'.repeat(998)],
    [
      '997 a, then a NUL (exactly 1,000 once stored)',
      bytes(a(997), [0]),
      'a'.repeat(997) + '\uFFFD',
    ],
    ['999 a, then 0xC3 0x28', bytes(a(999), [0xc3, 0x28]), 'a'.repeat(999)],
    [
      '500 NULs: under the limit when sent, not when stored',
      Buffer.alloc(500, 0),
      '\uFFFD'.repeat(333),
    ],
  ];
  for (const [label, body, expected] of cases) {
    const row = await stored(small, body);
    assert.ok(row.bytes <= 1000, `${label}: ${row.bytes} bytes stored`);
    assert.equal(row.body, expected, label);
    assert.equal(Number(row.body_size), body.length, label);
  }
});

test('multibyte characters at the boundary are kept whole or dropped whole', async () => {
  const cases: [string, Buffer, string][] = [
    ['€ ends at the limit', bytes(a(997), '€'), 'a'.repeat(997) + '€'],
    ['€ across the limit', bytes(a(998), '€'), 'a'.repeat(998)],
    ['an emoji across the limit', bytes(a(998), '😀'), 'a'.repeat(998)],
    ['an emoji ends at the limit', bytes(a(996), '😀'), 'a'.repeat(996) + '😀'],
    ['500 é (1,000 bytes)', Buffer.from('é'.repeat(500)), 'é'.repeat(500)],
    ['é, then a NUL across the limit', bytes('é'.repeat(499), [0]), 'é'.repeat(499)],
  ];
  for (const [label, body, expected] of cases) {
    const row = await stored(small, body);
    assert.ok(row.bytes <= 1000, `${label}: ${row.bytes} bytes stored`);
    assert.equal(row.body, expected, label);
  }
});
