// Prometheus metrics on the front (README "Metrics"), every answer read through a text-format
// parser: pings counted by kind and answer class, the latency histogram, the checks gauge
// against apiStatus (checks in every status, cron ones included), the notifications gauge
// (exact, then bounded), METRICS_TOKEN, and /metrics/<api key> in healthchecks' format with
// hostile names, wrong keys and the rate limit.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import request from 'supertest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { accountMetricChecks, countNotifications } from '../../src/db/metrics.js';
import type { Pool } from '../../src/db/pool.js';
import { apiStatus, uniqueKey, type ApiStatus } from '../../src/domain/api-shapes.js';
import { escapeLabel } from '../../src/domain/hc-metrics.js';
import { createApp } from '../../src/front/app.js';
import { pingKindOf } from '../../src/front/metrics.js';
import { newAccount, newKey } from '../helpers/api.js';
import { frontDeps } from '../helpers/app.js';
import { testDatabase } from '../helpers/db.js';
import { parseMetrics, samples, value, type Families } from '../helpers/prom.js';

const db = await testDatabase();
const NOW = new Date('2026-07-01T12:32:00Z');
let now = NOW;
const app = createApp(frontDeps(db.pool, { clock: () => now }));
const MIN = 60_000;
const at = (ms: number) => new Date(NOW.getTime() + ms);
const utc = (hms: string) => new Date(`2026-07-01T${hms}Z`);
const HOSTILE = 'evil "name" \\ back\nslash}{,=';

interface Spec {
  name: string;
  status: 'new' | 'up' | 'late' | 'down' | 'paused';
  cron?: string;
  lastPingAt?: Date;
  startedAt?: Date;
  nextDeadline?: Date;
  tags?: string[];
}

async function insert(pool: Pool, accountId: number, s: Spec): Promise<string> {
  const uuid = randomUUID();
  await pool.query(
    `INSERT INTO checks (account_id, uuid, name, kind, period, cron, grace, status, last_ping_at,
                         started_at, next_deadline, tags)
     VALUES ($1, $2, $3, $4, $5, $6, 600, $7, $8, $9, $10, $11)`,
    [
      accountId,
      uuid,
      s.name,
      s.cron ? 'cron' : 'simple',
      s.cron ? null : 3600,
      s.cron ?? null,
      s.status,
      s.lastPingAt ?? null,
      s.startedAt ?? null,
      s.nextDeadline ?? null,
      s.tags ?? [],
    ],
  );
  return uuid;
}

async function scrape(target = app, headers: Record<string, string> = {}): Promise<Families> {
  const res = await request(target).get('/metrics').set(headers);
  assert.equal(res.status, 200, res.text);
  assert.match(res.headers['content-type']!, /^text\/plain; version=0\.0\.4/);
  return parseMetrics(res.text);
}

// Every simple check: period 3600 s, grace 600 s. NOW is 12:32 UTC; no check is within a
// minute of a change of status, so the clock can move a few seconds.
const A = await newAccount(db.pool, 'metrics');
const B = await newAccount(db.pool, 'metrics-other');
const specs: (Spec & { expect: ApiStatus })[] = [
  { name: 'new-1', status: 'new', expect: 'new' },
  { name: 'new-2', status: 'new', expect: 'new' },
  { name: 'paused', status: 'paused', expect: 'paused', tags: ['ops'] },
  { name: 'down-stored', status: 'down', expect: 'down', tags: ['db'] },
  {
    name: 'up',
    status: 'up',
    lastPingAt: at(-10 * MIN),
    nextDeadline: at(60 * MIN),
    expect: 'up',
    tags: ['ops'],
  },
  // The next ping was due 5 minutes ago: in the grace period.
  {
    name: 'due',
    status: 'up',
    lastPingAt: at(-65 * MIN),
    nextDeadline: at(5 * MIN),
    expect: 'grace',
  },
  // Past the deadline, not swept yet: down already.
  {
    name: 'overdue',
    status: 'up',
    lastPingAt: at(-120 * MIN),
    nextDeadline: at(-50 * MIN),
    expect: 'down',
  },
  {
    name: 'late',
    status: 'late',
    lastPingAt: at(-65 * MIN),
    nextDeadline: at(5 * MIN),
    expect: 'grace',
  },
  {
    name: 'running',
    status: 'up',
    lastPingAt: at(-10 * MIN),
    startedAt: at(-MIN),
    nextDeadline: at(9 * MIN),
    expect: 'up',
  },
  {
    name: 'running-due',
    status: 'up',
    lastPingAt: at(-65 * MIN),
    startedAt: at(-2 * MIN),
    nextDeadline: at(8 * MIN),
    expect: 'grace',
  },
  // Running cron checks: due at the cron run after the last ping (12:00, then 13:00).
  {
    name: 'cron-running-due',
    status: 'up',
    cron: '0 * * * *',
    lastPingAt: utc('11:00:20'),
    startedAt: utc('12:25:00'),
    nextDeadline: utc('12:35:00'),
    expect: 'grace',
  },
  {
    name: 'cron-running',
    status: 'up',
    cron: '0 * * * *',
    lastPingAt: utc('12:00:20'),
    startedAt: utc('12:25:00'),
    nextDeadline: utc('12:35:00'),
    expect: 'up',
  },
  {
    name: 'cron-up',
    status: 'up',
    cron: '0 * * * *',
    lastPingAt: utc('12:00:20'),
    nextDeadline: utc('13:10:00'),
    expect: 'up',
  },
  {
    name: 'cron-due',
    status: 'up',
    cron: '*/30 * * * *',
    lastPingAt: utc('12:00:10'),
    nextDeadline: utc('12:40:00'),
    expect: 'grace',
  },
  { name: 'up-never-pinged', status: 'up', nextDeadline: at(30 * MIN), expect: 'up' },
  {
    name: 'started-never-pinged',
    status: 'up',
    startedAt: at(-MIN),
    nextDeadline: at(9 * MIN),
    expect: 'up',
  },
  { name: HOSTILE, status: 'down', expect: 'down', tags: ['a\\b', 'q"t', 'ops'] },
];
const uuids = new Map<string, string>();
for (const s of specs) uuids.set(s.name, await insert(db.pool, A, s));
const bUuid = await insert(db.pool, B, {
  name: 'b-only',
  status: 'up',
  lastPingAt: at(-MIN),
  nextDeadline: at(69 * MIN),
});
const keys = {
  ro: await newKey(db.pool, A, 'read'),
  rw: await newKey(db.pool, A, 'write'),
  b: await newKey(db.pool, B, 'read'),
  revoked: await newKey(db.pool, A, 'read'),
};
await db.pool.query(`UPDATE api_keys SET revoked_at = now() WHERE prefix = $1`, [
  keys.revoked.slice(0, 12),
]);

function expectedCounts(): Record<ApiStatus, number> {
  const counts: Record<ApiStatus, number> = { new: 0, up: 1, grace: 0, down: 0, paused: 0 }; // b-only
  for (const s of specs) counts[s.expect]++;
  return counts;
}

describe('GET /metrics', () => {
  test('cronwatch_checks counts every check by the status the API shows', async () => {
    const m = await scrape();
    assert.equal(m.get('cronwatch_checks')!.type, 'GAUGE');
    const expected = expectedCounts();
    assert.deepEqual(expected, { new: 2, up: 7, grace: 5, down: 3, paused: 1 });
    for (const [status, n] of Object.entries(expected))
      assert.equal(value(m, 'cronwatch_checks', { status }), n, status);
    // The same answer as apiStatus row by row (the SQL restates it).
    const js: Record<string, number> = { new: 0, up: 0, grace: 0, down: 0, paused: 0 };
    for (const account of [A, B])
      for (const c of await accountMetricChecks(db.pool, account)) js[apiStatus(c, now)]!++;
    assert.deepEqual(js, expected);
  });

  test('the gauges are read from the database at most every 5 s', async () => {
    await insert(db.pool, B, { name: 'b-new', status: 'new' });
    assert.equal(value(await scrape(), 'cronwatch_checks', { status: 'new' }), 2);
    now = new Date(NOW.getTime() + 6000);
    assert.equal(value(await scrape(), 'cronwatch_checks', { status: 'new' }), 3);
    await db.pool.query(`DELETE FROM checks WHERE name = 'b-new'`);
    now = new Date(NOW.getTime() + 12_000);
    assert.equal(value(await scrape(), 'cronwatch_checks', { status: 'new' }), 2);
  });

  test('cronwatch_notifications counts the outbox by state', async () => {
    const check = await db.pool.query<{ id: number }>(
      `SELECT id FROM checks WHERE name = 'down-stored'`,
    );
    const flip = await db.pool.query<{ id: number }>(
      `INSERT INTO flips (check_id, created_at, from_status, to_status) VALUES ($1, $2, 'up', 'down')
       RETURNING id`,
      [check.rows[0]!.id, NOW],
    );
    const states = ['pending', 'pending', 'pending', 'sent', 'sent', 'dead'];
    await db.pool.query(
      `INSERT INTO notifications (flip_id, transport, target, state, next_attempt_at, created_at)
       SELECT $1, 'webhook', '{}', s, $2, $2 FROM unnest($3::text[]) AS s`,
      [flip.rows[0]!.id, NOW, states],
    );
    now = new Date(NOW.getTime() + 18_000);
    const m = await scrape();
    assert.equal(value(m, 'cronwatch_notifications', { state: 'pending' }), 3);
    assert.equal(value(m, 'cronwatch_notifications', { state: 'sent' }), 2);
    assert.equal(value(m, 'cronwatch_notifications', { state: 'dead' }), 1);
  });

  test('the oldest pending alert, the sweep lag and the back heartbeat, for operators to alert on', async () => {
    // The three pending alerts of the test above were written at NOW.
    now = new Date(NOW.getTime() + 24_000);
    const deadlines = await db.pool.query<{ d: Date }>(
      `SELECT next_deadline AS d FROM checks WHERE next_deadline IS NOT NULL`,
    );
    const overdue = deadlines.rows
      .map((r) => (now.getTime() - r.d.getTime()) / 1000)
      .filter((s) => s >= 0);
    assert.ok(overdue.length > 0, 'the fixtures hold an overdue check');
    let m = await scrape();
    assert.equal(value(m, 'cronwatch_notification_oldest_pending_seconds'), 24);
    assert.equal(value(m, 'cronwatch_sweep_lag_seconds'), Math.max(...overdue));
    assert.deepEqual(
      samples(m, 'cronwatch_back_heartbeat_age_seconds').map((x) => x.value),
      ['+Inf'],
      'no back ever ran',
    );
    await db.pool.query(
      `INSERT INTO back_instances (id, hostname, pid, started_at, seen_at) VALUES ('b1', 'h', 1, $1, $1)`,
      [new Date(NOW.getTime() + 26_000)],
    );
    now = new Date(NOW.getTime() + 30_000);
    m = await scrape();
    assert.equal(value(m, 'cronwatch_back_heartbeat_age_seconds'), 4);
    assert.equal(value(m, 'cronwatch_notification_oldest_pending_seconds'), 30);
  });

  test('beyond the bound, sent comes from the row estimate; pending and dead stay exact', async () => {
    await db.pool.query('ANALYZE notifications');
    assert.deepEqual(await countNotifications(db.pool, 1_000), {
      pending: 3,
      sent: 2,
      dead: 1,
      estimated: false,
    });
    assert.deepEqual(await countNotifications(db.pool, 4), {
      pending: 3,
      sent: 2,
      dead: 1,
      estimated: true,
    });
  });

  test('process metrics are there, and HEAD answers without a body', async () => {
    const m = await scrape();
    assert.ok(value(m, 'process_cpu_user_seconds_total') >= 0);
    assert.ok(value(m, 'process_resident_memory_bytes') > 0);
    assert.ok(m.has('nodejs_eventloop_lag_seconds'));
    const head = await request(app).head('/metrics');
    assert.equal(head.status, 200);
    assert.equal(head.text, undefined);
    const post = await request(app).post('/metrics');
    assert.equal(post.status, 405);
  });

  test('without a database the scrape still answers, without the database gauges', async () => {
    const broken = {
      query: () => Promise.reject(new Error('connection refused')),
    } as unknown as Pool;
    const m = await scrape(createApp(frontDeps(broken)));
    assert.equal(samples(m, 'cronwatch_checks').length, 0);
    assert.equal(samples(m, 'cronwatch_notifications').length, 0);
    assert.ok(value(m, 'process_cpu_user_seconds_total') >= 0);
  });

  test('METRICS_TOKEN: a bearer token is needed when set', async () => {
    const token = 'x'.repeat(24) + '-Token.1';
    const locked = createApp(frontDeps(db.pool, { env: { METRICS_TOKEN: token } }));
    const none = await request(locked).get('/metrics');
    assert.equal(none.status, 401);
    assert.match(none.headers['www-authenticate']!, /^Bearer/);
    assert.match(none.text, /^metrics need Authorization: Bearer <METRICS_TOKEN>\n$/);
    for (const header of [
      `Bearer ${token}x`,
      `Basic ${token}`,
      token,
      'Bearer ',
      `Bearer ${'é'}`,
    ]) {
      assert.equal(
        (await request(locked).get('/metrics').set('Authorization', header)).status,
        401,
      );
    }
    const m = await scrape(locked, { Authorization: `Bearer ${token}` });
    assert.ok(m.has('cronwatch_checks'));
    // The per-account endpoint has its own key and does not need the token.
    assert.equal((await request(locked).get(`/metrics/${keys.ro}`)).status, 200);
  });

  test('METRICS_TOKEN and BACK_METRICS_PORT are checked at start-up', () => {
    assert.equal(loadConfig({}, false).metrics.token, undefined);
    assert.equal(loadConfig({}, false).metrics.backPort, undefined);
    assert.equal(loadConfig({ BACK_METRICS_PORT: '9464' }, false).metrics.backPort, 9464);
    for (const env of [
      { METRICS_TOKEN: 'short' },
      { METRICS_TOKEN: 'has a space in it somewhere' },
      { METRICS_TOKEN: 'ünïcödé'.repeat(4) },
      { BACK_METRICS_PORT: '70000' },
      { BACK_METRICS_PORT: 'nine' },
    ])
      assert.throws(() => loadConfig(env, false), ConfigError, JSON.stringify(env));
    // The message never repeats the token.
    assert.throws(
      () => loadConfig({ METRICS_TOKEN: 'secret' }, false),
      (err: Error) => !err.message.includes('secret'),
    );
  });
});

describe('GET /metrics/<api key>: healthchecks-compatible', () => {
  const get = (key: string, target = app) => request(target).get(`/metrics/${key}`);

  test("a read key lists its account's checks, escaped, and parses", async () => {
    const res = await get(keys.ro);
    assert.equal(res.status, 200);
    assert.match(res.headers['content-type']!, /^text\/plain/);
    assert.equal(res.headers['cache-control'], 'no-store');
    // One line per sample: the name's line feed is escaped, never raw.
    for (const line of res.text.split('\n'))
      assert.match(line, /^(#|hc_[a-z_]+(\{.*\})? [01]$|hc_checks(_down)?_total \d+$|$)/, line);
    assert.ok(res.text.includes(`name="${escapeLabel(HOSTILE)}"`));
    assert.ok(res.text.includes('name="evil \\"name\\" \\\\ back\\nslash}{,="'));

    const m = parseMetrics(res.text);
    const names = samples(m, 'hc_check_up').map((s) => s.labels!.name);
    assert.deepEqual(names, [...uuids.keys()]);
    assert.ok(!names.includes('b-only'));
    const up = (name: string) => value(m, 'hc_check_up', { name });
    const hostile = samples(m, 'hc_check_up', { name: HOSTILE })[0]!;
    assert.deepEqual(hostile.labels, {
      name: HOSTILE,
      tags: 'a\\b q"t ops',
      unique_key: uniqueKey(uuids.get(HOSTILE)!),
    });
    assert.equal(up(HOSTILE), 0);
    assert.equal(up('overdue'), 0);
    assert.equal(up('due'), 1); // late counts as up
    assert.equal(value(m, 'hc_check_grace', { name: 'due' }), 1);
    assert.equal(value(m, 'hc_check_grace', { name: 'up' }), 0);
    assert.equal(value(m, 'hc_check_paused', { name: 'paused' }), 1);
    assert.equal(value(m, 'hc_check_started', { name: 'running' }), 1);
    assert.equal(value(m, 'hc_check_started', { name: 'up' }), 0);
    assert.equal(value(m, 'hc_tag_up', { tag: 'a\\b' }), 0);
    assert.equal(value(m, 'hc_tag_up', { tag: 'q"t' }), 0);
    assert.equal(value(m, 'hc_tag_up', { tag: 'ops' }), 0);
    assert.equal(value(m, 'hc_tag_up', { tag: 'db' }), 0);
    assert.equal(value(m, 'hc_checks_total'), specs.length);
    assert.equal(value(m, 'hc_checks_down_total'), 3);
    for (const name of ['hc_check_up', 'hc_tag_up', 'hc_checks_total'])
      assert.equal(m.get(name)!.type, 'GAUGE');
  });

  test('a read-write key works too; another account sees only its own', async () => {
    const rw = await get(keys.rw);
    assert.equal(rw.status, 200);
    const b = parseMetrics((await get(keys.b)).text);
    assert.deepEqual(
      samples(b, 'hc_check_up').map((s) => [s.labels!.name, s.labels!.unique_key, s.value]),
      [['b-only', uniqueKey(bUuid), '1']],
    );
    assert.equal(value(b, 'hc_checks_total'), 1);
    assert.equal(samples(b, 'hc_tag_up').length, 0);
  });

  test('wrong, revoked and malformed keys get a 4xx with one line, never a 5xx', async () => {
    const cases: [string, number, RegExp][] = [
      ['A'.repeat(32), 401, /^wrong api key\n$/],
      [keys.ro.slice(0, 31) + (keys.ro.endsWith('A') ? 'B' : 'A'), 401, /^wrong api key\n$/],
      [keys.revoked, 401, /^api key revoked\n$/],
      ['k'.repeat(5000), 401, /^wrong api key\n$/],
      [encodeURIComponent('é'.repeat(32)), 401, /^wrong api key\n$/],
      [encodeURIComponent('✓'.repeat(16)), 401, /^wrong api key\n$/],
      ['%00'.repeat(32), 401, /^wrong api key\n$/],
      [encodeURIComponent(keys.ro + '\n'), 401, /^wrong api key\n$/],
      ['%ZZ', 400, /./],
      [`${keys.ro}/extra`, 404, /./],
    ];
    for (const [key, status, body] of cases) {
      const res = await get(key);
      assert.equal(res.status, status, `${key.slice(0, 40)}: ${res.text}`);
      assert.match(res.text, body, key.slice(0, 40));
    }
    const post = await request(app).post(`/metrics/${keys.ro}`);
    assert.equal(post.status, 405);
  });

  test('failed keys count against API_RATE_LIMIT', async () => {
    const limited = createApp(frontDeps(db.pool, { env: { API_RATE_LIMIT: '2' } }));
    assert.equal((await get('B'.repeat(32), limited)).status, 401);
    assert.equal((await get('B'.repeat(32), limited)).status, 401);
    const res = await get('B'.repeat(32), limited);
    assert.equal(res.status, 429);
    assert.match(
      res.text,
      /^rate limit exceeded: at most 2 API requests a minute; retry after \d+ s\n$/,
    );
    assert.ok(res.headers['retry-after']);
  });
});

describe('pings', () => {
  test('pingKindOf reads the URL as the ping router does', () => {
    const u = randomUUID();
    const cases: [string, string][] = [
      [`/ping/${u}`, 'success'],
      [`/ping/${u}/`, 'success'],
      [`/ping/${u}/start`, 'start'],
      [`/ping/${u}/fail`, 'fail'],
      [`/ping/${u}/log`, 'log'],
      [`/ping/${u}/0`, 'exitcode'],
      [`/ping/${u}/1000`, 'exitcode'],
      [`/ping/${u}/bogus`, 'other'],
      [`/ping/${u}/start/x`, 'other'],
      ['/ping/pingkey/start', 'success'],
      ['/ping/pingkey/backup/start', 'start'],
      ['/ping/pingkey/backup/7', 'exitcode'],
      ['/ping/pingkey', 'other'],
      ['/ping/', 'other'],
      ['/ping/a/b/c/d', 'other'],
    ];
    for (const [path, kind] of cases) assert.equal(pingKindOf(path), kind, path);
  });

  test('answered pings are counted by kind and class, and timed', async () => {
    const P = await newAccount(db.pool, 'metrics-pings');
    const u = await insert(db.pool, P, { name: 'pinged', status: 'new' });
    const before = await scrape();
    const countBefore = Number(samples(before, 'cronwatch_ping_duration_seconds')[0]!.count);
    const sent: [string, number, 'get' | 'post'][] = [
      [`/ping/${u}`, 200, 'get'],
      [`/ping/${u}`, 200, 'post'],
      [`/ping/${u}/`, 200, 'get'],
      [`/ping/${u}/start`, 200, 'get'],
      [`/ping/${u}/start`, 200, 'get'],
      [`/ping/${u}/fail`, 200, 'get'],
      [`/ping/${u}/log`, 200, 'post'],
      [`/ping/${u}/0`, 200, 'get'],
      [`/ping/${u}/3`, 200, 'get'],
      [`/ping/${u}/999`, 400, 'get'],
      [`/ping/${randomUUID()}`, 404, 'get'],
      ['/ping/no-such-key/start', 404, 'get'],
      [`/ping/${u}/bogus`, 404, 'get'],
      ['/?cronname=job&account=metrics-gocron&email=o@a.io&frequency=60', 201, 'get'],
      ['/?cronname=job&account=metrics-gocron&email=o@a.io&frequency=60', 201, 'get'],
      ['/?cronname=job&account=metrics-gocron&frequency=soon', 400, 'get'],
    ];
    for (const [path, status, method] of sent) {
      const res =
        method === 'post'
          ? await request(app).post(path).send('output')
          : await request(app).get(path);
      assert.equal(res.status, status, `${path}: ${res.text}`);
    }
    const expected: Record<string, number> = {
      'success/2xx': 3,
      'success/4xx': 2,
      'start/2xx': 2,
      'fail/2xx': 1,
      'log/2xx': 1,
      'exitcode/2xx': 2,
      'exitcode/4xx': 1,
      'other/4xx': 1,
      'gocron/2xx': 2,
      'gocron/4xx': 1,
    };
    const m = await scrape();
    const counter = m.get('cronwatch_pings_received_total')!;
    assert.equal(counter.type, 'COUNTER');
    // Every kind × class is there from the start (21 series), the ones not sent at 0.
    assert.equal(counter.metrics.length, 21);
    for (const s of counter.metrics) {
      const key = `${s.labels!.kind}/${s.labels!.code}`;
      assert.equal(Number(s.value), expected[key] ?? 0, key);
    }
    const [hist] = samples(m, 'cronwatch_ping_duration_seconds');
    assert.equal(m.get('cronwatch_ping_duration_seconds')!.type, 'HISTOGRAM');
    assert.equal(Number(hist!.count) - countBefore, sent.length);
    assert.equal(Number(hist!.buckets!['+Inf']), Number(hist!.count));
    const bounds = Object.keys(hist!.buckets!)
      .filter((b) => b !== '+Inf')
      .map(Number)
      .sort((a, b) => a - b);
    assert.deepEqual(
      bounds,
      [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    );
    let previous = 0;
    for (const b of bounds) {
      const n = Number(hist!.buckets![String(b)]);
      assert.ok(n >= previous, 'cumulative buckets');
      previous = n;
    }
    assert.ok(Number(hist!.sum) > 0 && Number(hist!.sum) < 60);
    // Express routes are not pings.
    assert.equal(value(m, 'cronwatch_pings_received_total', { kind: 'success', code: '5xx' }), 0);
  });
});
