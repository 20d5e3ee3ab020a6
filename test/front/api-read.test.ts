// healthchecks' Management API v3, read part: every endpoint × every kind of key, the
// documented JSON shapes (field names and JSON types against the examples of
// https://healthchecks.io/docs/api/), filters, pagination, account isolation, hostile
// input (never a 5xx).
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import request from 'supertest';
import { keyPrefix } from '../../src/domain/api-key.js';
import { uniqueKey } from '../../src/domain/api-shapes.js';
import { createApp } from '../../src/front/app.js';
import { newAccount, newKey } from '../helpers/api.js';
import { frontDeps } from '../helpers/app.js';
import { testDatabase } from '../helpers/db.js';
import {
  DOC_CHANNEL,
  DOC_CHECK_RO_CRON,
  DOC_CHECK_RW_SIMPLE,
  DOC_FLIP,
  DOC_PING_START,
  DOC_PING_SUCCESS,
  EXTRA_RO,
  EXTRA_RW,
  assertShape,
} from '../helpers/hc-docs.js';

const db = await testDatabase();
const T0 = Date.parse('2026-07-01T12:00:00Z');
let clock = new Date(T0);
const BASE = 'https://cron.example.com';
const app = createApp(
  frontDeps(db.pool, { env: { PUBLIC_URL: BASE, PING_KEEP: '100' }, clock: () => clock }),
);
const min = (m: number) => new Date(T0 + m * 60_000);

// ---------------------------------------------------------------------------------------
// Fixtures

interface CheckFixture {
  name: string;
  slug?: string | null;
  kind?: 'simple' | 'cron';
  period?: number | null;
  cron?: string | null;
  grace?: number;
  status?: string;
  lastPingAt?: Date | null;
  nextDeadline?: Date | null;
  startedAt?: Date | null;
  tags?: string[];
  description?: string;
  pingCount?: number;
}
async function newCheck(accountId: number, c: CheckFixture): Promise<{ id: number; uuid: string }> {
  const kind = c.kind ?? 'simple';
  const { rows } = await db.pool.query(
    `INSERT INTO checks (account_id, name, slug, kind, period, cron, grace, status, last_ping_at,
                         next_deadline, started_at, tags, description, ping_count)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id, uuid`,
    [
      accountId,
      c.name,
      c.slug === undefined ? c.name.toLowerCase().replace(/\s+/g, '-') : c.slug,
      kind,
      kind === 'simple' ? (c.period ?? 3600) : null,
      kind === 'cron' ? c.cron : null,
      c.grace ?? 600,
      c.status ?? 'new',
      c.lastPingAt ?? null,
      c.nextDeadline ?? null,
      c.startedAt ?? null,
      c.tags ?? [],
      c.description ?? '',
      c.pingCount ?? 0,
    ],
  );
  return rows[0];
}

async function newPing(
  checkId: number,
  p: {
    n: number;
    at: Date;
    kind: string;
    exit?: number | null;
    rid?: string | null;
    body?: string | null;
    duration?: number | null;
  },
): Promise<void> {
  await db.pool.query(
    `INSERT INTO pings (check_id, n, created_at, kind, exit_status, run_id, address, method, user_agent, body, duration)
     VALUES ($1, $2, $3, $4, $5, $6, '192.0.2.0', 'GET', 'curl/8.5.0', $7, $8)`,
    [checkId, p.n, p.at, p.kind, p.exit ?? null, p.rid ?? null, p.body ?? null, p.duration ?? null],
  );
}

async function newFlip(checkId: number, at: Date, from: string, to: string): Promise<void> {
  await db.pool.query(
    `INSERT INTO flips (check_id, created_at, from_status, to_status) VALUES ($1, $2, $3, $4)`,
    [checkId, at, from, to],
  );
}

// Account A: the documented examples' two checks, pings, flips, a channel.
const A = await newAccount(db.pool);
const B = await newAccount(db.pool);
const keys = {
  rw: await newKey(db.pool, A, 'write'),
  ro: await newKey(db.pool, A, 'read'),
  revoked: await newKey(db.pool, A, 'write'),
  other: await newKey(db.pool, B, 'write'),
  otherRo: await newKey(db.pool, B, 'read'),
};
await db.pool.query(`UPDATE api_keys SET revoked_at = now() WHERE prefix = $1`, [
  keyPrefix(keys.revoked),
]);

const fsBackup = await newCheck(A, {
  name: 'Filesystem Backup',
  tags: ['backup', 'fs'],
  description: 'Runs incremental backup every hour',
  grace: 600,
  period: 3600,
  status: 'up',
  lastPingAt: min(-10),
  nextDeadline: min(-10 + 60 + 10),
  pingCount: 4,
});
const dbBackup = await newCheck(A, {
  name: 'Database Backup',
  tags: ['production', 'db'],
  description: 'Runs ~/db-backup.sh',
  kind: 'cron',
  cron: '15 5 * * *',
  grace: 1200,
  status: 'down',
  lastPingAt: min(-600),
  pingCount: 7,
});
const RID = '123e4567-e89b-42d3-a456-426614174000';
await newPing(fsBackup.id, { n: 1, at: min(-40), kind: 'start' });
await newPing(fsBackup.id, { n: 2, at: min(-39), kind: 'success', duration: 2.997976 });
await newPing(fsBackup.id, { n: 3, at: min(-11), kind: 'start', rid: RID, body: 'starting\n' });
await newPing(fsBackup.id, {
  n: 4,
  at: min(-10),
  kind: 'exitcode',
  exit: 0,
  rid: RID,
  duration: 60.5,
  body: 'backup done: 12 files\n',
});
await newFlip(dbBackup.id, min(-300), 'down', 'up');
await newFlip(dbBackup.id, min(-200), 'up', 'down');
await newFlip(dbBackup.id, min(-100), 'down', 'up');
await newFlip(dbBackup.id, min(-50), 'up', 'down');
const channel = await db.pool.query(
  `INSERT INTO channels (account_id, kind, name, config) VALUES ($1, 'email', 'My Work Email', '{}') RETURNING id, uuid`,
  [A],
);
await db.pool.query(`INSERT INTO check_channels (check_id, channel_id) VALUES ($1, $2)`, [
  fsBackup.id,
  channel.rows[0].id,
]);
// Account B has a check and a channel of its own, never visible to A's keys.
const bCheck = await newCheck(B, { name: 'B secret', tags: ['backup'] });
await db.pool.query(
  `INSERT INTO channels (account_id, kind, name, config) VALUES ($1, 'slack', 'B Slack', '{}')`,
  [B],
);

const get = (path: string, key?: string) => {
  const r = request(app).get(path);
  return key === undefined ? r : r.set('X-Api-Key', key);
};

// ---------------------------------------------------------------------------------------
const ISO_SECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/;
const ISO_MICROS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/;

// ---------------------------------------------------------------------------------------

describe('keys: every endpoint × every kind of key', () => {
  const uk = uniqueKey(fsBackup.uuid);
  // [path, answer for a read-only key]: healthchecks lets read-only keys list and get
  // checks and flips; pings, bodies and channels need a read-write key.
  const endpoints: [string, number, boolean][] = [
    ['/api/v3/checks/', 200, false],
    [`/api/v3/checks/${fsBackup.uuid}`, 200, true],
    [`/api/v3/checks/${uk}`, 200, true],
    [`/api/v3/checks/${fsBackup.uuid}/pings/`, 401, true],
    [`/api/v3/checks/${fsBackup.uuid}/pings/4/body`, 401, true],
    [`/api/v3/checks/${dbBackup.uuid}/flips/`, 200, true],
    [`/api/v3/checks/${uk}/flips/`, 200, true],
    ['/api/v3/channels/', 401, false],
  ];
  for (const [path, roStatus, ofACheck] of endpoints) {
    test(`GET ${path.replace(/[0-9a-f-]{36,40}/, '<id>')}`, async () => {
      const rw = await get(path, keys.rw);
      assert.equal(rw.status, 200, `read-write: ${rw.text}`);
      const ro = await get(path, keys.ro);
      assert.equal(ro.status, roStatus, `read-only: ${ro.text}`);
      for (const [who, key, error] of [
        ['no key', undefined, /missing api key/],
        ['empty key', '', /missing api key/],
        ['wrong key', randomBytes(24).toString('base64url'), /wrong api key/],
        ['right prefix, wrong rest', keys.rw.slice(0, 12) + 'x'.repeat(20), /wrong api key/],
        ['malformed key', 'not a key', /wrong api key/],
        ['revoked key', keys.revoked, /revoked/],
      ] as const) {
        const res = await get(path, key);
        assert.equal(res.status, 401, `${who}: ${res.text}`);
        assert.match(res.headers['content-type'] ?? '', /application\/json/);
        assert.match(res.body.error, error, who);
      }
      // Another account's key: another account's check does not exist (404, never 403).
      const other = await get(path, keys.other);
      if (ofACheck) {
        assert.equal(other.status, 404, `other account: ${other.text}`);
        assert.deepEqual(other.body, { error: 'not found' });
        const otherRo = await get(path, keys.otherRo);
        assert.ok([401, 404].includes(otherRo.status), `other account read-only: ${otherRo.text}`);
      } else {
        assert.equal(other.status, 200);
        assert.doesNotMatch(JSON.stringify(other.body), /Filesystem|Database|My Work Email/);
      }
    });
  }

  test('GET /api/v3/status/ needs no key and says ok', async () => {
    for (const key of [undefined, keys.rw, 'junk']) {
      const res = await get('/api/v3/status/', key);
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { status: 'ok' });
    }
  });

  test('last_used_at is recorded, at most once a minute per key', async () => {
    const key = await newKey(db.pool, A, 'read');
    const lastUsed = async () =>
      (await db.pool.query(`SELECT last_used_at FROM api_keys WHERE prefix = $1`, [keyPrefix(key)]))
        .rows[0].last_used_at;
    assert.equal(await lastUsed(), null);
    await get('/api/v3/checks/', key).expect(200);
    assert.equal((await lastUsed()).getTime(), T0);
    clock = new Date(T0 + 30_000);
    await get('/api/v3/checks/', key).expect(200);
    assert.equal((await lastUsed()).getTime(), T0, 'not written again within the minute');
    clock = new Date(T0 + 61_000);
    await get('/api/v3/checks/', key).expect(200);
    assert.equal((await lastUsed()).getTime(), T0 + 61_000);
    clock = new Date(T0);
  });
});

describe('shapes against the documented examples', () => {
  test('list checks with a read-write key', async () => {
    const res = await get('/api/v3/checks/', keys.rw).expect(200);
    assert.deepEqual(Object.keys(res.body), ['checks']);
    const byName = Object.fromEntries(res.body.checks.map((c: { name: string }) => [c.name, c]));
    const fs = byName['Filesystem Backup'];
    assertShape(fs, DOC_CHECK_RW_SIMPLE, EXTRA_RW);
    assert.deepEqual(fs, {
      name: 'Filesystem Backup',
      slug: 'filesystem-backup',
      tags: 'backup fs',
      desc: 'Runs incremental backup every hour',
      grace: 600,
      n_pings: 4,
      status: 'up',
      started: false,
      last_ping: '2026-07-01T11:50:00+00:00',
      next_ping: '2026-07-01T12:50:00+00:00',
      manual_resume: false,
      methods: '',
      subject: '',
      subject_fail: '',
      start_kw: '',
      success_kw: '',
      failure_kw: '',
      filter_subject: false,
      filter_body: false,
      // Alert policies (issue 16) at their defaults.
      failure_threshold: 1,
      success_threshold: 1,
      min_runtime: null,
      max_runtime: null,
      repeat_every: null,
      repeat_limit: null,
      depends_on: [],
      snoozed_until: null,
      acknowledged: false,
      uuid: fsBackup.uuid,
      ping_url: `${BASE}/ping/${fsBackup.uuid}`,
      update_url: `${BASE}/api/v3/checks/${fsBackup.uuid}`,
      pause_url: `${BASE}/api/v3/checks/${fsBackup.uuid}/pause`,
      resume_url: `${BASE}/api/v3/checks/${fsBackup.uuid}/resume`,
      channels: channel.rows[0].uuid,
      timeout: 3600,
    });
    const cron = byName['Database Backup'];
    const rwCron: Record<string, unknown> = {
      ...DOC_CHECK_RO_CRON,
      ...pick(DOC_CHECK_RW_SIMPLE, URLS),
    };
    delete rwCron.unique_key;
    assertShape(cron, rwCron, EXTRA_RW);
    assert.equal(cron.status, 'down');
    assert.equal(cron.channels, '');
  });

  test('list and get checks with a read-only key: no uuid or URLs, a unique_key', async () => {
    const res = await get('/api/v3/checks/', keys.ro).expect(200);
    for (const c of res.body.checks) {
      const doc = c.schedule ? DOC_CHECK_RO_CRON : roSimple();
      assertShape(c, doc, EXTRA_RO);
      assert.match(c.unique_key, /^[0-9a-f]{40}$/);
      assert.doesNotMatch(JSON.stringify(c), /[0-9a-f]{8}-[0-9a-f]{4}-/, 'no uuid anywhere');
    }
    const one = await get(`/api/v3/checks/${uniqueKey(dbBackup.uuid)}`, keys.ro).expect(200);
    assertShape(one.body, DOC_CHECK_RO_CRON, EXTRA_RO);
    assert.equal(one.body.status, 'down');
    assert.equal(one.body.next_ping, null);
    assert.match(one.body.last_ping, ISO_SECONDS);
    // The same check by uuid with a read-only key: still the read-only shape.
    const byUuid = await get(`/api/v3/checks/${dbBackup.uuid}`, keys.ro).expect(200);
    assert.deepEqual(byUuid.body, one.body);
  });

  test("unique_key is healthchecks' sha1 of the first half of the uuid", () => {
    // healthchecks: hashlib.sha1(code.hex[:16].encode()).hexdigest()
    const expected = createHash('sha1').update('803f680de89b492b').digest('hex');
    assert.equal(uniqueKey('803f680d-e89b-492b-82ef-2be7b774a92d'), expected);
    assert.equal(uniqueKey('803F680D-E89B-492B-82EF-2BE7B774A92D'), expected);
  });

  test('list pings: newest first, documented fields', async () => {
    const res = await get(`/api/v3/checks/${fsBackup.uuid}/pings/`, keys.rw).expect(200);
    assert.deepEqual(Object.keys(res.body), ['pings']);
    const pings = res.body.pings;
    assert.deepEqual(
      pings.map((p: { n: number; type: string }) => [p.n, p.type]),
      [
        [4, 'success'],
        [3, 'start'],
        [2, 'success'],
        [1, 'start'],
      ],
    );
    assertShape(pings[3], DOC_PING_START);
    assertShape(pings[2], DOC_PING_SUCCESS, []);
    assert.equal(pings[2].rid, null);
    assert.equal(pings[2].duration, 2.997976);
    assert.deepEqual(pings[0], {
      type: 'success',
      date: '2026-07-01T11:50:00.000000+00:00',
      n: 4,
      scheme: 'http',
      remote_addr: '192.0.2.0',
      method: 'GET',
      ua: 'curl/8.5.0',
      rid: RID,
      duration: 60.5,
      body_url: `${BASE}/api/v3/checks/${fsBackup.uuid}/pings/4/body`,
    });
    for (const p of pings) assert.match(p.date, ISO_MICROS);
  });

  test('a ping body is text/plain, verbatim; no body or no ping → 404', async () => {
    const res = await get(`/api/v3/checks/${fsBackup.uuid}/pings/4/body`, keys.rw).expect(200);
    assert.match(res.headers['content-type'] ?? '', /^text\/plain/);
    assert.equal(res.text, 'backup done: 12 files\n');
    for (const n of ['1', '5', '0', '99999999999999999999', 'abc', '-1']) {
      const r = await get(`/api/v3/checks/${fsBackup.uuid}/pings/${n}/body`, keys.rw);
      assert.equal(r.status, 404, `n=${n}`);
      assert.deepEqual(r.body, { error: 'not found' });
    }
  });

  test('list flips: newest first, {timestamp, up}', async () => {
    const res = await get(`/api/v3/checks/${dbBackup.uuid}/flips/`, keys.ro).expect(200);
    assert.deepEqual(Object.keys(res.body), ['flips']);
    for (const f of res.body.flips) {
      assertShape(f, DOC_FLIP);
      assert.match(f.timestamp, ISO_SECONDS);
    }
    assert.deepEqual(res.body.flips, [
      { timestamp: '2026-07-01T11:10:00+00:00', up: 0 },
      { timestamp: '2026-07-01T10:20:00+00:00', up: 1 },
      { timestamp: '2026-07-01T08:40:00+00:00', up: 0 },
      { timestamp: '2026-07-01T07:00:00+00:00', up: 1 },
    ]);
  });

  test("list channels: {id, name, kind}, only the account's", async () => {
    const res = await get('/api/v3/channels/', keys.rw).expect(200);
    assert.deepEqual(res.body, {
      channels: [{ id: channel.rows[0].uuid, name: 'My Work Email', kind: 'email' }],
    });
    assertShape(res.body.channels[0]!, DOC_CHANNEL);
    const b = await get('/api/v3/channels/', keys.other).expect(200);
    assert.deepEqual(
      b.body.channels.map((c: { name: string }) => c.name),
      ['B Slack'],
    );
  });
});

const URLS = ['ping_url', 'update_url', 'pause_url', 'resume_url', 'channels'] as const;
function pick<T extends Record<string, unknown>>(o: T, names: readonly string[]) {
  return Object.fromEntries(names.map((n) => [n, o[n]]));
}
function roSimple(): Record<string, unknown> {
  const doc: Record<string, unknown> = { ...DOC_CHECK_RW_SIMPLE };
  for (const n of URLS) delete doc[n];
  return { ...doc, unique_key: 'a6c7b0a8a66bed0df66abfdab3c77736861703ee' };
}

describe('statuses seen by clients', () => {
  test("our statuses map to healthchecks' (late → grace; past the deadline → down)", async () => {
    const acc = await newAccount(db.pool);
    const key = await newKey(db.pool, acc, 'read');
    const cases: [CheckFixture, string, boolean][] = [
      [{ name: 'n', status: 'new' }, 'new', false],
      [{ name: 'p', status: 'paused' }, 'paused', false],
      [{ name: 'd', status: 'down', lastPingAt: min(-100) }, 'down', false],
      [{ name: 'u', status: 'up', lastPingAt: min(-10), nextDeadline: min(60) }, 'up', false],
      [
        // Due 5 minutes ago, 5 minutes of grace left.
        { name: 'g', status: 'up', period: 3600, lastPingAt: min(-65), nextDeadline: min(5) },
        'grace',
        false,
      ],
      [
        { name: 'l', status: 'late', period: 3600, lastPingAt: min(-65), nextDeadline: min(5) },
        'grace',
        false,
      ],
      [
        // Deadline passed, the sweeper has not run yet.
        { name: 'x', status: 'up', period: 3600, lastPingAt: min(-80), nextDeadline: min(-10) },
        'down',
        false,
      ],
      [
        { name: 's', status: 'up', lastPingAt: min(-30), startedAt: min(-1), nextDeadline: min(9) },
        'up',
        true,
      ],
    ];
    for (const [fixture] of cases) await newCheck(acc, fixture);
    const res = await get('/api/v3/checks/', key).expect(200);
    const got = Object.fromEntries(
      res.body.checks.map((c: { name: string; status: string; started: boolean }) => [
        c.name,
        [c.status, c.started],
      ]),
    );
    for (const [fixture, status, started] of cases)
      assert.deepEqual(got[fixture.name], [status, started], fixture.name);
  });
});

const pagedAccount = await newAccount(db.pool);
const key = await newKey(db.pool, pagedAccount, 'write');
for (let i = 0; i < 25; i++)
  await newCheck(pagedAccount, {
    name: `job-${String(i).padStart(2, '0')}`,
    slug: i < 2 ? 'dup' : `job-${i}`,
    tags: [i % 2 ? 'odd' : 'even', ...(i % 3 === 0 ? ['three'] : []), 'all'],
  });

describe('filters and pagination', () => {
  const names = (body: { checks: { name: string }[] }) => body.checks.map((c) => c.name);

  test('without limit every check comes at once, with no next_cursor (healthchecks)', async () => {
    const res = await get('/api/v3/checks/', key).expect(200);
    assert.equal(res.body.checks.length, 25);
    assert.deepEqual(Object.keys(res.body), ['checks']);
  });

  test('?limit pages through all checks with next_cursor', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    const sizes: number[] = [];
    do {
      const q: string = `/api/v3/checks/?limit=10${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await get(q, key).expect(200);
      sizes.push(res.body.checks.length);
      seen.push(...names(res.body));
      cursor = res.body.next_cursor;
      assert.ok(cursor === null || typeof cursor === 'string');
    } while (cursor);
    assert.deepEqual(sizes, [10, 10, 5]);
    assert.equal(new Set(seen).size, 25);
    // Exactly a page's worth: the last page says so.
    const all = await get('/api/v3/checks/?limit=25', key).expect(200);
    assert.equal(all.body.next_cursor, null);
  });

  test('tag filters: repeated, all must match; slug filter', async () => {
    const odd3 = await get('/api/v3/checks/?tag=odd&tag=three', key).expect(200);
    assert.deepEqual(names(odd3.body), ['job-03', 'job-09', 'job-15', 'job-21']);
    const none = await get('/api/v3/checks/?tag=odd&tag=even', key).expect(200);
    assert.deepEqual(none.body.checks, []);
    const dup = await get('/api/v3/checks/?slug=dup', key).expect(200);
    assert.deepEqual(names(dup.body), ['job-00', 'job-01']);
    const missing = await get('/api/v3/checks/?slug=nope', key).expect(200);
    assert.deepEqual(missing.body, { checks: [] });
    const paged = await get('/api/v3/checks/?tag=even&limit=5', key).expect(200);
    assert.equal(paged.body.checks.length, 5);
    const rest = await get(
      `/api/v3/checks/?tag=even&limit=10&cursor=${paged.body.next_cursor}`,
      key,
    ).expect(200);
    assert.deepEqual(names(rest.body).length, 8);
    assert.equal(rest.body.next_cursor, null);
  });

  test('bad list parameters: 400 naming the parameter', async () => {
    for (const [q, field] of [
      ['limit=0', 'limit'],
      ['limit=1001', 'limit'],
      ['limit=abc', 'limit'],
      ['limit=1e3', 'limit'],
      ['limit=-1', 'limit'],
      ['limit=1&limit=2', 'limit'],
      ['cursor=zzz', 'cursor'],
      ['cursor=', 'cursor'],
      ['slug=a&slug=b', 'slug'],
    ]) {
      const res = await get(`/api/v3/checks/?${q}`, key);
      assert.equal(res.status, 400, q);
      assert.match(res.body.error, new RegExp(`^${field} `), q);
    }
  });

  test('flips filters: seconds, start, end; bad values are 400 naming the field', async () => {
    const path = `/api/v3/checks/${dbBackup.uuid}/flips/`;
    const count = async (q: string) =>
      (await get(`${path}?${q}`, keys.rw).expect(200)).body.flips.length;
    assert.equal(await count('seconds=3600'), 1);
    assert.equal(await count('seconds=0'), 0);
    assert.equal(await count(`start=${(T0 - 150 * 60_000) / 1000}`), 2);
    assert.equal(await count(`end=${(T0 - 150 * 60_000) / 1000}`), 2);
    assert.equal(
      await count(`start=${(T0 - 250 * 60_000) / 1000}&end=${(T0 - 75 * 60_000) / 1000}`),
      2,
    );
    assert.equal(await count(`start=${(T0 - 1000 * 60_000) / 1000}&seconds=3600`), 1);
    for (const [q, field] of [
      ['seconds=abc', 'seconds'],
      ['seconds=-5', 'seconds'],
      ['seconds=1.5', 'seconds'],
      ['start=x', 'start'],
      ['end=99999999999999999', 'end'],
      ['start=1&start=2', 'start'],
    ]) {
      const res = await get(`${path}?${q}`, keys.rw);
      assert.equal(res.status, 400, q);
      assert.match(res.body.error, new RegExp(`^${field} `), q);
    }
  });
});

describe('errors are JSON 4xx, never 5xx', () => {
  test('wrong methods are 405 with Allow', async () => {
    for (const [method, path] of [
      ['put', '/api/v3/checks/'],
      ['patch', `/api/v3/checks/${fsBackup.uuid}`],
      ['put', `/api/v3/checks/${fsBackup.uuid}/flips/`],
      ['put', '/api/v3/channels/'],
      ['post', '/api/v3/status/'],
    ] as const) {
      const res = await request(app)[method](path).set('X-Api-Key', keys.rw);
      assert.equal(res.status, 405, `${method} ${path}`);
      assert.match(res.headers.allow ?? '', /GET/);
      assert.match(res.body.error, /not allowed/);
    }
  });

  test('unknown ids and paths are 404 JSON', async () => {
    for (const path of [
      '/api/v3/checks/00000000-0000-4000-8000-000000000000',
      `/api/v3/checks/${bCheck.uuid}`,
      `/api/v3/checks/${uniqueKey(bCheck.uuid)}`,
      '/api/v3/checks/not-a-uuid',
      `/api/v3/checks/${'a'.repeat(40)}`,
      `/api/v3/checks/${uniqueKey(fsBackup.uuid)}/pings/`,
      '/api/v3/nothing',
      '/api/v3/badges/nothing', // /api/v3/badges/ itself: test/front/badges.test.ts
    ]) {
      const res = await get(path, keys.rw);
      assert.equal(res.status, 404, path);
      assert.equal(typeof res.body.error, 'string', path);
    }
  });

  test('hostile input', async () => {
    for (const path of [
      '/api/v3/checks/%ZZ',
      `/api/v3/checks/${'x'.repeat(5000)}`,
      `/api/v3/checks/${fsBackup.uuid}/pings/${'9'.repeat(400)}/body`,
      '/api/v3/checks/?tag[]=x&tag[y]=z',
      `/api/v3/checks/?tag=${'%00'.repeat(10)}`,
      `/api/v3/checks/?slug=${'%FF'.repeat(10)}`,
      `/api/v3/checks/?cursor=${Buffer.from('c99999999999999999999').toString('base64url')}`,
      `/api/v3/checks/?cursor=${Buffer.from('c-1').toString('base64url')}`,
      `/api/v3/checks/${dbBackup.uuid}/flips/?start=0&end=0&seconds=0`,
      `/api/v3/checks/${dbBackup.uuid}/flips/?seconds=3153600000`,
      `/api/v3/checks/${dbBackup.uuid}/flips/?start=253402300799`,
    ]) {
      const res = await get(path, keys.rw);
      assert.ok(res.status < 500, `${path}: ${res.status} ${res.text}`);
      assert.match(res.headers['content-type'] ?? '', /json/, path);
    }
    for (const key of [keys.rw + 'x', ' '.repeat(32), '%'.repeat(32), 'a'.repeat(10_000)]) {
      const res = await get('/api/v3/checks/', key);
      assert.equal(res.status, 401);
    }
    // api_key in a malformed JSON body of a POST: a 4xx, not a crash.
    const bad = await request(app)
      .post('/api/v3/checks/')
      .set('Content-Type', 'application/json')
      .send('{"api_key": ');
    assert.equal(bad.status, 400);
  });
});
