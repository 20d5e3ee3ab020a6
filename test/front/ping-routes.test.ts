// The healthchecks-compatible ping API, route by route: every URL form × method × suffix,
// the status codes of bad requests, bodies at and past the limit, the state rules, cron
// checks, hostile input (never a 5xx), and one transaction per ping.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { after, describe, test } from 'node:test';
import request from 'supertest';
import { sweepOnce } from '../../src/back/sweep.js';
import { createPool } from '../../src/db/pool.js';
import { createApp } from '../../src/front/app.js';
import { frontDeps } from '../helpers/app.js';
import { backDeps } from '../helpers/back.js';
import { testDatabase } from '../helpers/db.js';

const db = await testDatabase();
// Every flip gets exactly one notification (the global Slack channel): one alert = one row.
const SLACK = { SLACK_WEBHOOK_URL: 'http://127.0.0.1:9/unused' };
const T0 = Date.parse('2026-07-01T00:00:00Z'); // a Wednesday
let clock = new Date(T0);
const at = (iso: string) => (clock = new Date(iso));
const appWith = (env: Record<string, string> = {}) =>
  createApp(frontDeps(db.pool, { env: { ...SLACK, ...env }, clock: () => clock }));
const app = appWith();
const small = appWith({ PING_BODY_LIMIT_BYTES: '1000' });
const back = backDeps(db.pool, SLACK);

const RID = '0f0e0d0c-0b0a-4908-8706-050403020100';
const UA = 'curl/8.5.0';

// ---------------------------------------------------------------------------------------
// Fixtures and queries

let seq = 0;
async function newAccount(pingKey: string | null = null): Promise<number> {
  const { rows } = await db.pool.query(
    `INSERT INTO accounts (name, ping_key) VALUES ($1, $2) RETURNING id`,
    [`acc-${++seq}`, pingKey],
  );
  return rows[0].id;
}

interface CheckOpts {
  name?: string;
  slug?: string | null;
  period?: number;
  grace?: number;
}
async function newCheck(account: number, o: CheckOpts = {}): Promise<string> {
  const name = o.name ?? `check-${++seq}`;
  const { rows } = await db.pool.query(
    `INSERT INTO checks (account_id, name, slug, period, grace) VALUES ($1, $2, $3, $4, $5) RETURNING uuid`,
    [account, name, o.slug === undefined ? name : o.slug, o.period ?? 3600, o.grace ?? 300],
  );
  return rows[0].uuid;
}

/** Puts a check in a state directly (as the sweeper or the API would have). */
async function setState(uuid: string, status: string, nextDeadline: Date | null): Promise<void> {
  await db.pool.query(`UPDATE checks SET status = $2, next_deadline = $3 WHERE uuid = $1`, [
    uuid,
    status,
    nextDeadline,
  ]);
}

const checkOf = async (uuid: string) =>
  (
    await db.pool.query(
      `SELECT status, next_deadline, started_at, run_id, last_ping_at, last_duration, ping_count
         FROM checks WHERE uuid = $1`,
      [uuid],
    )
  ).rows[0];

const pingsOf = async (uuid: string) =>
  (
    await db.pool.query(
      `SELECT p.kind, p.exit_status, p.method, p.body, p.body_size, p.run_id, p.address,
              p.user_agent, p.created_at, p.n
         FROM pings p JOIN checks c ON c.id = p.check_id WHERE c.uuid = $1 ORDER BY p.id`,
      [uuid],
    )
  ).rows;

/** The alerts (notification rows) of a check, oldest first: 'down' / 'up'. */
const alertsOf = async (uuid: string) =>
  (
    await db.pool.query(
      `SELECT n.payload->>'kind' AS kind FROM notifications n
         JOIN flips f ON f.id = n.flip_id JOIN checks c ON c.id = f.check_id
        WHERE c.uuid = $1 ORDER BY f.id, n.created_at`,
      [uuid],
    )
  ).rows.map((r) => r.kind as string);

const flipsOf = async (uuid: string) =>
  (
    await db.pool.query(
      `SELECT f.from_status, f.to_status FROM flips f JOIN checks c ON c.id = f.check_id
        WHERE c.uuid = $1 ORDER BY f.id`,
      [uuid],
    )
  ).rows.map((r) => `${r.from_status}>${r.to_status}`);

/** Row counts of every table a ping may write: "nothing written" compares two of these. */
async function counts(): Promise<Record<string, number>> {
  const { rows } = await db.pool.query(
    `SELECT (SELECT count(*) FROM pings)::int AS pings,
            (SELECT count(*) FROM checks)::int AS checks,
            (SELECT coalesce(sum(ping_count), 0) FROM checks)::int AS ping_count,
            (SELECT count(*) FROM flips)::int AS flips,
            (SELECT count(*) FROM notifications)::int AS notifications,
            (SELECT count(*) FROM accounts)::int AS accounts`,
  );
  return rows[0];
}

const plus = (d: Date, seconds: number) => new Date(d.getTime() + seconds * 1000);

function assertPingHeaders(res: request.Response, limit = '100000'): void {
  assert.equal(res.headers['content-type'], 'text/plain; charset=utf-8');
  assert.equal(res.headers['ping-body-limit'], limit);
}

// A real listening server, for requests supertest (and Node's client) refuse to send.
const server = http.createServer(appWith());
server.listen(0, '127.0.0.1');
await once(server, 'listening');
const port = (server.address() as AddressInfo).port;
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Sends raw bytes as one request; resolves with the status code and the raw response. */
function raw(bytes: Buffer | string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const m = /^HTTP\/1\.1 (\d{3}) /.exec(text);
      if (!m) return reject(new Error(`no HTTP response: ${JSON.stringify(text.slice(0, 200))}`));
      resolve({ status: Number(m[1]), text });
    });
    socket.write(bytes);
  });
}
const rawGet = (target: string, method = 'GET') =>
  raw(
    Buffer.from(`${method} ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`, 'latin1'),
  );

// ---------------------------------------------------------------------------------------
// 1. The matrix: URL form × method × suffix

const SUFFIXES = [
  // suffix, pings.kind, exit_status, resulting status, alert
  { suffix: '', kind: 'success', exit: null, status: 'up' },
  { suffix: '/start', kind: 'start', exit: null, status: 'new' },
  { suffix: '/fail', kind: 'fail', exit: null, status: 'down' },
  { suffix: '/log', kind: 'log', exit: null, status: 'new' },
  { suffix: '/0', kind: 'exitcode', exit: 0, status: 'up' },
  { suffix: '/1', kind: 'exitcode', exit: 1, status: 'down' },
  { suffix: '/255', kind: 'exitcode', exit: 255, status: 'down' },
] as const;
const METHODS = ['HEAD', 'GET', 'POST'] as const;

describe('every URL form × method × suffix', async () => {
  const account = await newAccount('pk_matrix_0001');
  for (const form of ['uuid', 'slug'] as const) {
    for (const method of METHODS) {
      for (const s of SUFFIXES) {
        test(`${method} /ping/<${form}>${s.suffix}`, async () => {
          at('2026-07-01T00:00:00Z');
          const slug = `m-${form}-${method.toLowerCase()}-${s.suffix.slice(1) || 'none'}`;
          const uuid = await newCheck(account, { name: slug, period: 3600, grace: 300 });
          const path =
            form === 'uuid'
              ? `/ping/${uuid}${s.suffix}`
              : `/ping/pk_matrix_0001/${slug}${s.suffix}`;
          const agent = request(app);
          const req =
            method === 'HEAD'
              ? agent.head(path)
              : method === 'GET'
                ? agent.get(path)
                : agent.post(path).set('Content-Type', 'text/plain').send('hello');
          const res = await req.set('User-Agent', UA);

          assert.equal(res.status, 200);
          assertPingHeaders(res);
          assert.equal(res.headers['content-length'], '2');
          if (method === 'HEAD') assert.ok(!res.text, 'HEAD has no body');
          else assert.equal(res.text, 'OK');

          assert.deepEqual(await pingsOf(uuid), [
            {
              kind: s.kind,
              exit_status: s.exit,
              method,
              body: method === 'POST' ? 'hello' : null,
              body_size: method === 'POST' ? 5 : null,
              run_id: null,
              address: '127.0.0.1',
              user_agent: UA,
              created_at: clock,
              n: 1,
            },
          ]);
          const c = await checkOf(uuid);
          assert.equal(c.status, s.status);
          assert.equal(c.ping_count, 1);
          const finishes = s.kind !== 'start' && s.kind !== 'log';
          assert.deepEqual(c.last_ping_at, finishes ? clock : null);
          assert.deepEqual(c.started_at, s.kind === 'start' ? clock : null);
          assert.deepEqual(
            c.next_deadline,
            s.status === 'up'
              ? plus(clock, 3600 + 300)
              : s.kind === 'start'
                ? plus(clock, 300)
                : null,
          );
          assert.deepEqual(await alertsOf(uuid), s.status === 'down' ? ['down'] : []);
        });
      }
    }
  }
});

// ---------------------------------------------------------------------------------------
// 2. Status codes

describe('status codes', async () => {
  const account = await newAccount('pk_codes_0001');
  const uuid = await newCheck(account, { name: 'codes' });

  test('exit status above 255 → 400, nothing written', async () => {
    const before = await counts();
    for (const status of ['256', '99999', '1000000000', '9'.repeat(40)]) {
      for (const path of [`/ping/${uuid}/${status}`, `/ping/pk_codes_0001/codes/${status}`]) {
        const res = await request(app).get(path);
        assert.equal(res.status, 400, path);
        assert.match(res.text, /exit status must be 0-255/);
        assertPingHeaders(res);
      }
    }
    assert.deepEqual(await counts(), before);
  });

  test('exit status with leading zeros is that number', async () => {
    const u = await newCheck(account);
    assert.equal((await request(app).get(`/ping/${u}/007`)).status, 200);
    assert.deepEqual(
      (await pingsOf(u)).map((p) => [p.kind, p.exit_status]),
      [['exitcode', 7]],
    );
  });

  test('unknown uuid → 404 "not found" on every method and suffix, nothing written', async () => {
    const before = await counts();
    const unknown = '6f1c2a44-0000-4000-8000-000000000000';
    for (const method of METHODS) {
      for (const s of SUFFIXES) {
        const agent = request(app);
        const path = `/ping/${unknown}${s.suffix}`;
        const res = await (method === 'HEAD'
          ? agent.head(path)
          : method === 'GET'
            ? agent.get(path)
            : agent.post(path).send('x'));
        assert.equal(res.status, 404, `${method} ${path}`);
        assertPingHeaders(res);
        if (method !== 'HEAD') assert.equal(res.text, 'not found');
      }
    }
    assert.deepEqual(await counts(), before);
  });

  test('unknown ping key (well-formed) → 404, nothing written', async () => {
    const before = await counts();
    for (const suffix of ['', '/start', '/fail', '/log', '/3']) {
      const res = await request(app).get(`/ping/pk_nobody_0001/codes${suffix}`);
      assert.equal(res.status, 404);
      assert.equal(res.text, 'not found');
    }
    assert.deepEqual(await counts(), before);
  });

  test('a slug of another account is not found with this ping key', async () => {
    const other = await newAccount('pk_codes_0002');
    const theirs = await newCheck(other, { name: 'theirs' });
    const res = await request(app).get(`/ping/pk_codes_0001/theirs`);
    assert.equal(res.status, 404);
    assert.deepEqual(await pingsOf(theirs), []);
  });

  test('an account without a ping key is never reached by slug', async () => {
    const none = await newAccount(null);
    await newCheck(none, { name: 'keyless' });
    const before = await counts();
    assert.equal((await request(app).get(`/ping/null/keyless`)).status, 404);
    assert.equal((await request(app).get(`/ping/%00/keyless`)).status, 404);
    assert.deepEqual(await counts(), before);
  });

  test('invalid slugs → 400, nothing written', async () => {
    const before = await counts();
    for (const slug of [
      'Backup',
      'BACKUP',
      'back.up',
      'back%20up',
      'b%C3%A4ckup',
      'a'.repeat(201),
      '%00',
    ]) {
      for (const suffix of ['', '/fail']) {
        const res = await request(app).get(`/ping/pk_codes_0001/${slug}${suffix}?create=1`);
        assert.equal(res.status, 400, slug);
        assert.match(res.text, /^invalid slug/);
        assertPingHeaders(res);
      }
    }
    assert.deepEqual(await counts(), before);
  });

  test('a 200-character slug is valid', async () => {
    const slug = 'a'.repeat(200);
    const u = await newCheck(account, { name: slug });
    assert.equal((await request(app).get(`/ping/pk_codes_0001/${slug}`)).status, 200);
    assert.equal((await pingsOf(u)).length, 1);
  });

  test('unknown suffix and extra path segments → 404, nothing written', async () => {
    const before = await counts();
    for (const path of [
      `/ping/${uuid}/bogus`,
      `/ping/${uuid}/START`,
      `/ping/${uuid}/-1`,
      `/ping/${uuid}/1.0`,
      `/ping/${uuid}/start/extra`,
      `/ping/${uuid}/0/0`,
      `/ping/${uuid}//`,
      `/ping/pk_codes_0001/codes/bogus`,
      `/ping/pk_codes_0001/codes/start/extra`,
      `/ping/pk_codes_0001`,
      `/ping/pk_codes_0001/`,
      `/ping//codes`,
      `/ping/`,
      `/ping/not-a-uuid`,
      `/ping/${uuid.slice(0, -1)}`,
    ]) {
      const res = await request(app).get(path);
      assert.equal(res.status, 404, path);
    }
    assert.deepEqual(await counts(), before);
  });

  test('a trailing slash is accepted (healthchecks routes both)', async () => {
    const u = await newCheck(account, { name: 'trailing' });
    assert.equal((await request(app).get(`/ping/${u}/`)).status, 200);
    assert.equal((await request(app).get(`/ping/${u}/start/`)).status, 200);
    assert.equal((await request(app).get(`/ping/pk_codes_0001/trailing/`)).status, 200);
    assert.deepEqual(
      (await pingsOf(u)).map((p) => p.kind),
      ['success', 'start', 'success'],
    );
  });

  test('other methods → 405 with Allow, nothing written', async () => {
    const before = await counts();
    for (const method of ['put', 'delete', 'patch', 'options'] as const) {
      for (const path of [`/ping/${uuid}`, `/ping/${uuid}/fail`, `/ping/pk_codes_0001/codes`]) {
        const res = await request(app)[method](path);
        assert.equal(res.status, 405, `${method} ${path}`);
        assert.equal(res.headers.allow, 'GET, HEAD, POST');
        assertPingHeaders(res);
      }
    }
    assert.deepEqual(await counts(), before);
  });

  test('an uppercase uuid (and rid) is the same check', async () => {
    const u = await newCheck(account);
    const res = await request(app).get(`/ping/${u.toUpperCase()}/start?rid=${RID.toUpperCase()}`);
    assert.equal(res.status, 200);
    assert.deepEqual(
      (await pingsOf(u)).map((p) => [p.kind, p.run_id]),
      [['start', RID]],
    );
    assert.equal((await checkOf(u)).run_id, RID);
  });

  test('rid that is not a UUID → 400, nothing written', async () => {
    const before = await counts();
    for (const rid of ['', 'abc', `${RID}x`, RID.replaceAll('-', ''), `{${RID}}`, '%00']) {
      for (const path of [`/ping/${uuid}/start`, `/ping/pk_codes_0001/codes`]) {
        const res = await request(app).get(`${path}?rid=${rid}`);
        assert.equal(res.status, 400, `rid=${rid}`);
        assert.equal(res.text, 'rid must be a UUID');
      }
    }
    assert.deepEqual(await counts(), before);
  });
});

describe('?create=1', async () => {
  test('first use creates the check (201 Created), then 200 OK', async () => {
    const account = await newAccount('pk_create_0001');
    at('2026-07-01T00:00:00Z');
    const first = await request(app).get('/ping/pk_create_0001/nightly-db?create=1');
    assert.equal(first.status, 201);
    assert.equal(first.text, 'Created');
    assertPingHeaders(first);
    const { rows } = await db.pool.query(
      `SELECT uuid, name, slug, kind, period, grace, status, next_deadline FROM checks WHERE account_id = $1`,
      [account],
    );
    assert.equal(rows.length, 1);
    assert.deepEqual(
      { ...rows[0], uuid: undefined },
      {
        uuid: undefined,
        name: 'nightly-db',
        slug: 'nightly-db',
        kind: 'simple',
        period: 86_400,
        grace: 3_600,
        status: 'up',
        next_deadline: plus(clock, 86_400 + 3_600),
      },
    );
    at('2026-07-01T00:01:00Z');
    const second = await request(app).get('/ping/pk_create_0001/nightly-db?create=1');
    assert.equal(second.status, 200);
    assert.equal(second.text, 'OK');
    const third = await request(app).get('/ping/pk_create_0001/nightly-db');
    assert.equal(third.status, 200);
    assert.deepEqual(
      (await pingsOf(rows[0].uuid)).map((p) => [p.kind, p.n]),
      [
        ['success', 1],
        ['success', 2],
        ['success', 3],
      ],
    );
    // The created check answers on its uuid too.
    assert.equal((await request(app).head(`/ping/${rows[0].uuid}`)).status, 200);
  });

  test('create with a suffix records that kind on the new check', async () => {
    const account = await newAccount('pk_create_0002');
    at('2026-07-01T00:00:00Z');
    const res = await request(app).post('/ping/pk_create_0002/job/start?create=1').send('go');
    assert.equal(res.status, 201);
    const { rows } = await db.pool.query(`SELECT uuid FROM checks WHERE account_id = $1`, [
      account,
    ]);
    const c = await checkOf(rows[0].uuid);
    assert.equal(c.status, 'new');
    assert.deepEqual(c.started_at, clock);
    assert.deepEqual(c.next_deadline, plus(clock, 3_600));
    assert.deepEqual(
      (await pingsOf(rows[0].uuid)).map((p) => [p.kind, p.body]),
      [['start', 'go']],
    );
    // A fail on first use: created, down at once, one alert.
    const f = await request(app).get('/ping/pk_create_0002/job2/fail?create=1');
    assert.equal(f.status, 201);
    const job2 = await db.pool.query(`SELECT uuid, status FROM checks WHERE name = 'job2'`);
    assert.equal(job2.rows[0].status, 'down');
    assert.deepEqual(await alertsOf(job2.rows[0].uuid), ['down']);
  });

  test('create= anything but 1 does not create', async () => {
    await newAccount('pk_create_0003');
    const before = await counts();
    for (const q of ['create=0', 'create=true', 'create=', 'create', 'Create=1', 'create=01']) {
      assert.equal((await request(app).get(`/ping/pk_create_0003/x?${q}`)).status, 404, q);
    }
    assert.deepEqual(await counts(), before);
  });

  test('?create=1 on a uuid URL is ignored', async () => {
    const before = await counts();
    const res = await request(app).get('/ping/6f1c2a44-0000-4000-8000-0000000000aa?create=1');
    assert.equal(res.status, 404);
    assert.deepEqual(await counts(), before);
  });

  test('past PING_CREATE_LIMIT → 403 and no check; existing checks still ping', async () => {
    const limited = appWith({ PING_CREATE_LIMIT: '2' });
    const account = await newAccount('pk_limit_0001');
    const one = await newCheck(account, { name: 'one' });
    assert.equal((await request(limited).get('/ping/pk_limit_0001/two?create=1')).status, 201);
    const before = await counts();
    const res = await request(limited).get('/ping/pk_limit_0001/three?create=1');
    assert.equal(res.status, 403);
    assert.match(res.text, /limit/);
    assertPingHeaders(res);
    assert.equal(
      (await request(limited).post('/ping/pk_limit_0001/four/fail?create=1')).status,
      403,
    );
    assert.deepEqual(await counts(), before);
    // At the limit, a slug that exists is a plain ping.
    assert.equal((await request(limited).get('/ping/pk_limit_0001/one?create=1')).status, 200);
    assert.equal((await request(limited).get('/ping/pk_limit_0001/two?create=1')).status, 200);
    assert.equal((await pingsOf(one)).length, 1);
    // The limit is per account: another account still creates.
    await newAccount('pk_limit_0002');
    assert.equal((await request(limited).get('/ping/pk_limit_0002/three?create=1')).status, 201);
  });

  test('PING_CREATE_LIMIT=0 turns creation off', async () => {
    const off = appWith({ PING_CREATE_LIMIT: '0' });
    await newAccount('pk_limit_0003');
    const before = await counts();
    assert.equal((await request(off).get('/ping/pk_limit_0003/x?create=1')).status, 403);
    assert.deepEqual(await counts(), before);
  });

  test('concurrent creates never take an account past the limit', async () => {
    // Two fronts (two pools): the check-ins of one front share one transaction, so only
    // check-ins of two fronts can race.
    const other = createPool(db.url, 4, () => undefined);
    const env = { env: { PING_CREATE_LIMIT: '3' }, clock: () => clock };
    const fronts = [createApp(frontDeps(db.pool, env)), createApp(frontDeps(other, env))];
    const account = await newAccount('pk_limit_race1');
    await newCheck(account);
    await newCheck(account);
    // Hold the account's row lock so both creates are inside their transactions, waiting on
    // it, before either can insert: the second must then see the first's check.
    const holder = await db.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT id FROM accounts WHERE id = $1 FOR UPDATE', [account]);
      const pending = ['a', 'b'].map((slug, i) =>
        request(fronts[i]!)
          .get(`/ping/pk_limit_race1/${slug}?create=1`)
          .then((r) => r.status),
      );
      await waitForAccountLockWaiters(2);
      await holder.query('COMMIT');
      assert.deepEqual((await Promise.all(pending)).sort(), [201, 403]);
    } finally {
      holder.release();
      await other.end();
    }
    const { rows } = await db.pool.query(
      `SELECT count(*)::int AS n FROM checks WHERE account_id = $1`,
      [account],
    );
    assert.equal(rows[0].n, 3);
  });

  test('concurrent creates of one slug make one check: one 201, the rest 200', async () => {
    const account = await newAccount('pk_create_race');
    const statuses = await Promise.all(
      Array.from({ length: 6 }, () =>
        request(app)
          .get('/ping/pk_create_race/same?create=1')
          .then((r) => r.status),
      ),
    );
    assert.deepEqual(statuses.sort(), [200, 200, 200, 200, 200, 201]);
    const { rows } = await db.pool.query(`SELECT uuid FROM checks WHERE account_id = $1`, [
      account,
    ]);
    assert.equal(rows.length, 1);
    assert.equal((await pingsOf(rows[0].uuid)).length, 6);
  });

  test('?create=1 with an unknown ping key → 404, nothing created', async () => {
    const before = await counts();
    const res = await request(app).get('/ping/pk_unknown_0001/fresh?create=1');
    assert.equal(res.status, 404);
    assert.equal(res.text, 'not found');
    assert.deepEqual(await counts(), before);
  });

  test('?create=1 when the name is taken by a check with another slug: 409 saying so, nothing written', async () => {
    const account = await newAccount('pk_create_0004');
    const other = await newCheck(account, { name: 'taken', slug: 'something-else' });
    const before = await counts();
    const res = await request(app).get('/ping/pk_create_0004/taken?create=1');
    assert.equal(res.status, 409);
    assert.equal(res.text, 'cannot create: a check with this name exists without this slug');
    assert.deepEqual(await counts(), before);
    assert.deepEqual(await pingsOf(other), []);
  });
});

describe('ambiguous slug', async () => {
  const account = await newAccount('pk_ambig_0001');
  const a = await newCheck(account, { name: 'Backup A', slug: 'backup' });
  const b = await newCheck(account, { name: 'Backup B', slug: 'backup' });

  test('→ 409 on every method and suffix, create or not; nothing written', async () => {
    const before = await counts();
    for (const method of METHODS) {
      for (const s of SUFFIXES) {
        for (const q of ['', '?create=1', `?rid=${RID}`]) {
          const agent = request(app);
          const path = `/ping/pk_ambig_0001/backup${s.suffix}${q}`;
          const res = await (method === 'HEAD'
            ? agent.head(path)
            : method === 'GET'
              ? agent.get(path)
              : agent.post(path).send('body'));
          assert.equal(res.status, 409, `${method} ${path}`);
          assertPingHeaders(res);
          if (method !== 'HEAD') assert.equal(res.text, 'ambiguous slug');
        }
      }
    }
    assert.deepEqual(await counts(), before);
    for (const u of [a, b]) {
      assert.deepEqual(await pingsOf(u), []);
      assert.equal((await checkOf(u)).status, 'new');
    }
  });

  test('the two checks still answer on their uuids', async () => {
    assert.equal((await request(app).get(`/ping/${a}`)).status, 200);
    assert.equal((await request(app).get(`/ping/${b}/fail`)).status, 200);
    assert.equal((await checkOf(a)).status, 'up');
    assert.equal((await checkOf(b)).status, 'down');
  });
});

/** Waits (polling, no timers) until `n` transactions wait for an account's row lock. */
async function waitForAccountLockWaiters(n: number): Promise<void> {
  for (let i = 0; i < 10_000; i++) {
    const { rows } = await db.pool.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock'
          AND query LIKE '%FROM accounts a WHERE a.ping_key%'`,
    );
    if (rows[0].n >= n) return;
  }
  throw new Error(`fewer than ${n} transactions waited for the account lock`);
}

// ---------------------------------------------------------------------------------------
// 3. Bodies

describe('bodies', async () => {
  const account = await newAccount('pk_bodies_0001');

  test('a body of exactly the limit is kept whole', async () => {
    const u = await newCheck(account);
    const body = 'x'.repeat(999) + 'y';
    const res = await request(small)
      .post(`/ping/${u}`)
      .set('Content-Type', 'text/plain')
      .send(body);
    assert.equal(res.status, 200);
    assertPingHeaders(res, '1000');
    const [p] = await pingsOf(u);
    assert.equal(p.body, body);
    assert.equal(p.body_size, 1000);
  });

  test('one byte over: cut to the limit, full size recorded', async () => {
    const u = await newCheck(account);
    const body = 'x'.repeat(1000) + 'z';
    const res = await request(small)
      .post(`/ping/${u}/log`)
      .set('Content-Type', 'text/plain')
      .send(body);
    assert.equal(res.status, 200);
    const [p] = await pingsOf(u);
    assert.equal(p.body, 'x'.repeat(1000));
    assert.equal(p.body_size, 1001);
  });

  test('a 5 MB body → 200, cut, size recorded', async () => {
    const u = await newCheck(account);
    const body = Buffer.alloc(5 * 1024 * 1024, 'abcdefghij');
    const res = await request(small)
      .post(`/ping/${u}/fail`)
      .set('Content-Type', 'application/octet-stream')
      .send(body);
    assert.equal(res.status, 200);
    assert.equal(res.text, 'OK');
    const [p] = await pingsOf(u);
    assert.equal(p.body, body.subarray(0, 1000).toString('latin1'));
    assert.equal(p.body_size, 5 * 1024 * 1024);
    assert.equal((await checkOf(u)).status, 'down');
  });

  test('the default limit is 100000 bytes', async () => {
    const u = await newCheck(account);
    const res = await request(app)
      .post(`/ping/${u}`)
      .set('Content-Type', 'text/plain')
      .send('q'.repeat(100_001));
    assert.equal(res.status, 200);
    const [p] = await pingsOf(u);
    assert.equal(p.body.length, 100_000);
    assert.equal(p.body_size, 100_001);
  });

  test('PING_BODY_LIMIT_BYTES=0 keeps no body but records its size', async () => {
    const none = appWith({ PING_BODY_LIMIT_BYTES: '0' });
    const u = await newCheck(account);
    const res = await request(none)
      .post(`/ping/${u}`)
      .set('Content-Type', 'text/plain')
      .send('abc');
    assert.equal(res.status, 200);
    assertPingHeaders(res, '0');
    const [p] = await pingsOf(u);
    assert.equal(p.body, '');
    assert.equal(p.body_size, 3);
  });

  test('invalid UTF-8 and NUL bytes are stored, replaced by U+FFFD', async () => {
    const u = await newCheck(account);
    const body = Buffer.from([0x6f, 0x6b, 0x00, 0xff, 0xfe, 0x20, 0xc3, 0xa9, 0x00, 0x21]);
    const res = await request(small)
      .post(`/ping/${u}/log`)
      .set('Content-Type', 'application/octet-stream')
      .send(body);
    assert.equal(res.status, 200);
    const [p] = await pingsOf(u);
    assert.equal(p.body, 'ok\uFFFD\uFFFD\uFFFD é\uFFFD!');
    assert.equal(p.body_size, 10);
  });

  test('a cut through a multi-byte character drops the partial character', async () => {
    const u = await newCheck(account);
    // 999 bytes of 'a', then 'é' (2 bytes): the limit falls inside the 'é'.
    const res = await request(small)
      .post(`/ping/${u}`)
      .set('Content-Type', 'text/plain; charset=utf-8')
      .send('a'.repeat(999) + 'é');
    assert.equal(res.status, 200);
    const [p] = await pingsOf(u);
    assert.equal(p.body, 'a'.repeat(999));
    assert.equal(p.body_size, 1001);
  });

  test('an empty POST body is an empty body; GET and HEAD have none', async () => {
    const u = await newCheck(account);
    await request(app).post(`/ping/${u}/log`);
    await request(app).get(`/ping/${u}/log`).set('Content-Length', '0');
    await request(app).head(`/ping/${u}/log`);
    assert.deepEqual(
      (await pingsOf(u)).map((p) => [p.method, p.body, p.body_size]),
      [
        ['POST', '', 0],
        ['GET', null, null],
        ['HEAD', null, null],
      ],
    );
  });

  test('a chunked POST body is read whole and cut', async () => {
    const u = await newCheck(account);
    const chunk = (s: string) => `${s.length.toString(16)}\r\n${s}\r\n`;
    const { status } = await raw(
      `POST /ping/${u} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n` +
        chunk('hello ') +
        chunk('world') +
        '0\r\n\r\n',
    );
    assert.equal(status, 200);
    const [p] = await pingsOf(u);
    assert.equal(p.body, 'hello world');
    assert.equal(p.body_size, 11);
  });

  test('user agent (cut at 500) and source address are stored', async () => {
    const u = await newCheck(account);
    await request(app)
      .get(`/ping/${u}`)
      .set('User-Agent', 'runitor/1.3.0 (+https://bdd.fi/x/runitor)');
    await request(app).get(`/ping/${u}`).set('User-Agent', 'u'.repeat(600));
    await request(app).get(`/ping/${u}`).set('User-Agent', '');
    // Forwarded-for is believed only from a trusted proxy.
    await request(app).get(`/ping/${u}`).set('X-Forwarded-For', '203.0.113.7');
    const proxied = appWith({ TRUST_PROXY: 'loopback' });
    await request(proxied).get(`/ping/${u}`).set('X-Forwarded-For', '203.0.113.7');
    const rows = await pingsOf(u);
    assert.equal(rows[0].user_agent, 'runitor/1.3.0 (+https://bdd.fi/x/runitor)');
    assert.equal(rows[1].user_agent, 'u'.repeat(500));
    assert.deepEqual(
      rows.map((p) => p.address),
      ['127.0.0.1', '127.0.0.1', '127.0.0.1', '127.0.0.1', '203.0.113.7'],
    );
  });

  test('no User-Agent header stores null', async () => {
    const u = await newCheck(account);
    const { status } = await rawGet(`/ping/${u}`);
    assert.equal(status, 200);
    assert.equal((await pingsOf(u))[0].user_agent, null);
  });
});

// ---------------------------------------------------------------------------------------
// 4. State rules

describe('state rules', async () => {
  const account = await newAccount('pk_state_0001');

  test('log on a down check leaves it down, with nothing else changed', async () => {
    const u = await newCheck(account);
    at('2026-07-01T00:00:00Z');
    await request(app).get(`/ping/${u}/fail`);
    const down = await checkOf(u);
    at('2026-07-01T00:05:00Z');
    assert.equal((await request(app).post(`/ping/${u}/log`).send('note')).status, 200);
    const c = await checkOf(u);
    assert.deepEqual({ ...c, ping_count: 0 }, { ...down, ping_count: 0 });
    assert.equal(c.ping_count, 2);
    assert.deepEqual(await alertsOf(u), ['down']);
  });

  test('start on a down check does not make it expected; a later success recovers with one up alert', async () => {
    const u = await newCheck(account, { period: 3600, grace: 300 });
    at('2026-07-01T00:00:00Z');
    await request(app).get(`/ping/${u}/1`);
    at('2026-07-01T01:00:00Z');
    assert.equal((await request(app).get(`/ping/${u}/start`)).status, 200);
    let c = await checkOf(u);
    assert.equal(c.status, 'down');
    assert.equal(c.next_deadline, null);
    assert.deepEqual(c.started_at, clock);
    // Nothing to sweep, however late it is: still one alert.
    await sweepOnce(back, new Date('2026-07-10T00:00:00Z'));
    assert.deepEqual(await alertsOf(u), ['down']);
    at('2026-07-01T01:02:00Z');
    assert.equal((await request(app).get(`/ping/${u}`)).status, 200);
    c = await checkOf(u);
    assert.equal(c.status, 'up');
    assert.deepEqual(c.next_deadline, plus(clock, 3600 + 300));
    assert.equal(c.last_duration, 120);
    assert.equal(c.started_at, null);
    assert.deepEqual(await alertsOf(u), ['down', 'up']);
    assert.deepEqual(await flipsOf(u), ['new>down', 'down>up']);
  });

  test('a paused check: start keeps it paused and unexpected; success resumes it without an alert', async () => {
    const u = await newCheck(account, { period: 600, grace: 60 });
    await setState(u, 'paused', null);
    at('2026-07-01T02:00:00Z');
    await request(app).get(`/ping/${u}/start`);
    assert.equal((await checkOf(u)).status, 'paused');
    assert.equal((await checkOf(u)).next_deadline, null);
    await request(app).get(`/ping/${u}/log`);
    assert.equal((await checkOf(u)).status, 'paused');
    at('2026-07-01T02:00:30Z');
    assert.equal((await request(app).get(`/ping/${u}`)).status, 200);
    const c = await checkOf(u);
    assert.equal(c.status, 'up');
    assert.deepEqual(c.next_deadline, plus(clock, 660));
    assert.deepEqual(await alertsOf(u), []);
    assert.deepEqual(await flipsOf(u), ['paused>up']);
  });

  test('new → success → up without an alert', async () => {
    const u = await newCheck(account);
    at('2026-07-01T03:00:00Z');
    await request(app).get(`/ping/${u}`);
    assert.equal((await checkOf(u)).status, 'up');
    assert.deepEqual(await alertsOf(u), []);
    assert.deepEqual(await flipsOf(u), ['new>up']);
  });

  test('late → success → up without an alert', async () => {
    const u = await newCheck(account);
    await setState(u, 'late', new Date('2026-07-01T04:00:00Z'));
    at('2026-07-01T03:59:00Z');
    await request(app).get(`/ping/${u}/0`);
    assert.equal((await checkOf(u)).status, 'up');
    assert.deepEqual(await alertsOf(u), []);
  });

  test('exit status 0 on a down check recovers it with one up alert', async () => {
    const u = await newCheck(account);
    at('2026-07-01T04:00:00Z');
    await request(app).get(`/ping/${u}/fail`);
    at('2026-07-01T04:01:00Z');
    await request(app).get(`/ping/${u}/0`);
    const c = await checkOf(u);
    assert.equal(c.status, 'up');
    assert.deepEqual(c.next_deadline, plus(clock, 3600 + 300));
    assert.deepEqual(await alertsOf(u), ['down', 'up']);
  });

  test('two failures in a row (fail, then exit 2) → one alert', async () => {
    const u = await newCheck(account);
    at('2026-07-01T05:00:00Z');
    await request(app).get(`/ping/${u}/fail`);
    await request(app).get(`/ping/${u}/2`);
    await request(app).get(`/ping/${u}/fail`);
    assert.equal((await checkOf(u)).status, 'down');
    assert.deepEqual(await alertsOf(u), ['down']);
    assert.deepEqual(await flipsOf(u), ['new>down']);
  });

  test('two successes on a down check → one up alert', async () => {
    const u = await newCheck(account);
    await setState(u, 'down', null);
    await request(app).get(`/ping/${u}`);
    await request(app).get(`/ping/${u}/0`);
    assert.deepEqual(await alertsOf(u), ['up']);
  });

  test('start makes the check due within its grace; the finish in time keeps it up', async () => {
    const u = await newCheck(account, { period: 3600, grace: 120 });
    at('2026-07-01T06:00:00Z');
    await request(app).get(`/ping/${u}/start?rid=${RID}`);
    assert.deepEqual((await checkOf(u)).next_deadline, plus(clock, 120));
    await sweepOnce(back, plus(clock, 119));
    assert.equal((await checkOf(u)).status, 'new');
    at('2026-07-01T06:01:30Z');
    await request(app).get(`/ping/${u}?rid=${RID}`);
    const c = await checkOf(u);
    assert.equal(c.status, 'up');
    assert.equal(c.last_duration, 90);
    assert.equal(c.run_id, null);
    assert.deepEqual(
      (await pingsOf(u)).map((p) => [p.kind, p.run_id]),
      [
        ['start', RID],
        ['success', RID],
      ],
    );
  });

  test('a start whose finish never comes → down after the grace with one alert', async () => {
    const u = await newCheck(account, { period: 3600, grace: 120 });
    at('2026-07-01T07:00:00Z');
    await request(app).get(`/ping/${u}/start`);
    await sweepOnce(back, plus(clock, 121));
    await sweepOnce(back, plus(clock, 999));
    assert.equal((await checkOf(u)).status, 'down');
    assert.deepEqual(await alertsOf(u), ['down']);
  });
});

// ---------------------------------------------------------------------------------------
// 5. Cron checks

describe('cron checks (30 9 * * 1-5, Europe/Berlin, grace 300)', async () => {
  const account = await newAccount('pk_cron_0001');
  async function cronCheck(): Promise<string> {
    const u = await newCheck(account, { grace: 300 });
    await db.pool.query(
      `UPDATE checks SET kind = 'cron', cron = '30 9 * * 1-5', tz = 'Europe/Berlin', period = NULL WHERE uuid = $1`,
      [u],
    );
    return u;
  }
  const deadlineAfterPing = async (iso: string, path = '') => {
    const u = await cronCheck();
    at(iso);
    const res = await request(app).get(`/ping/${u}${path}`);
    assert.equal(res.status, 200);
    return (await checkOf(u)).next_deadline as Date;
  };

  test('a ping stores the next 09:30 Berlin + grace', async () => {
    // Wed 08:00 CEST → Wed 09:30 CEST (07:30Z) + 5 min
    assert.deepEqual(
      await deadlineAfterPing('2026-07-01T06:00:00Z'),
      new Date('2026-07-01T07:35:00Z'),
    );
    // Wed 09:31 CEST (a minute late) → Thu 09:30
    assert.deepEqual(
      await deadlineAfterPing('2026-07-01T07:31:00Z'),
      new Date('2026-07-02T07:35:00Z'),
    );
    // Fri 10:00 → Mon 09:30
    assert.deepEqual(
      await deadlineAfterPing('2026-07-03T08:00:00Z'),
      new Date('2026-07-06T07:35:00Z'),
    );
    // Fri 10:00 CEST → Mon 09:30 CET, across the end of daylight-saving time (25 Oct 2026)
    assert.deepEqual(
      await deadlineAfterPing('2026-10-23T08:00:00Z'),
      new Date('2026-10-26T08:35:00Z'),
    );
    // Exit status 0 is a success too
    assert.deepEqual(
      await deadlineAfterPing('2026-07-01T06:00:00Z', '/0'),
      new Date('2026-07-01T07:35:00Z'),
    );
  });

  test('an early ping (a minute before 09:30) counts for that run', async () => {
    const u = await cronCheck();
    at('2026-07-01T07:29:00Z'); // Wed 09:29 CEST
    await request(app).get(`/ping/${u}`);
    assert.deepEqual((await checkOf(u)).next_deadline, new Date('2026-07-02T07:35:00Z'));
    // Not down after Wednesday's 09:30 + grace.
    await sweepOnce(back, new Date('2026-07-01T07:40:00Z'));
    assert.equal((await checkOf(u)).status, 'up');
    // On time (09:30:00 exactly) counts for that run too.
    assert.deepEqual(
      await deadlineAfterPing('2026-07-01T07:30:00Z'),
      new Date('2026-07-02T07:35:00Z'),
    );
  });

  test('a ping earlier than the grace is not that run', async () => {
    // 09:24 is six minutes (> grace) early: Wednesday's run is still expected.
    assert.deepEqual(
      await deadlineAfterPing('2026-07-01T07:24:00Z'),
      new Date('2026-07-01T07:35:00Z'),
    );
  });

  test('start on a cron check expects the finish within the grace', async () => {
    assert.deepEqual(
      await deadlineAfterPing('2026-07-01T07:30:00Z', '/start'),
      new Date('2026-07-01T07:35:00Z'),
    );
  });
});

// ---------------------------------------------------------------------------------------
// 6. Hostile input: a 4xx (or a ping), never a 5xx, and the server stays up

describe('hostile input never gets a 5xx', async () => {
  const account = await newAccount('pk_hostile_01');
  const uuid = await newCheck(account, { name: 'hostile' });

  test('very long, encoded, dotted and junk paths and queries', async () => {
    const before = await counts();
    const targets = [
      '/ping/' + 'a'.repeat(10_000),
      `/ping/${uuid}/` + 'x'.repeat(10_000),
      `/ping/${uuid}/` + '9'.repeat(10_000),
      '/ping/pk_hostile_01/' + 'a'.repeat(10_000),
      '/ping/' + 'k'.repeat(10_000) + '/hostile',
      '/ping/' + 'k'.repeat(10_000) + '/hostile?create=1',
      '/ping/' + '/'.repeat(5_000),
      '/ping/' + 'a/'.repeat(5_000),
      '/ping/%ff%fe%00/%zz',
      '/ping/%E2%80%AE/%F0%9F%92%A9',
      '/ping/%2e%2e/%2e%2e/etc/passwd',
      '/ping/..%2f..%2fetc/passwd',
      `/ping/${uuid}/../../../etc/passwd`,
      '/ping/../ping/x',
      `/ping/${uuid}/%00`,
      '/ping/pk_hostile_01/%00',
      '/ping/%00/hostile',
      '/ping/pk_hostile_01/hostile/%2e%2e',
      `/ping/${uuid}/start?rid=%zz`,
      `/ping/${uuid}/start?rid=%00`,
      `/ping/pk_hostile_01/hostile?create=1&create=%00&rid=` + 'r'.repeat(5_000),
      "/ping/pk_hostile_01/hostile'%20OR%201=1--",
      "/ping/'%20OR%20''='/hostile",
      '/ping/%25%30%30/hostile',
      '/ping/\u00e9\u00ff/hostile',
      '/ping/pk_hostile_01/h\u00e9',
      '*',
      `//evil.example/ping/${uuid.replace(/.$/, 'z')}`,
    ];
    for (const target of targets) {
      for (const method of ['GET', 'HEAD', 'POST', 'PUT']) {
        const { status } = await rawGet(target, method);
        assert.ok(status >= 400 && status < 500, `${method} ${target.slice(0, 80)} → ${status}`);
      }
    }
    assert.deepEqual(await counts(), before);
  });

  test('junk around a valid ping is ignored: it is a ping', async () => {
    const before = (await pingsOf(uuid)).length;
    for (const target of [
      `/ping/${uuid}/start?rid[]=${RID}`,
      `/ping/${uuid}/start?%00=%00&&&==&create=%ff&rid`.replace('&rid', '&x'),
      `/ping/${uuid}#fragment`,
      `/ping/${uuid}/./log`,
      `/ping/x/../${uuid}/log`,
      `http://evil.example/ping/${uuid}/log`,
      `/ping/${uuid}/log?` + 'q=1&'.repeat(2_500),
    ]) {
      const { status } = await rawGet(target);
      assert.equal(status, 200, target);
    }
    assert.equal((await pingsOf(uuid)).length, before + 7);
  });

  test('bytes the HTTP parser refuses (NUL, control characters) → 400', async () => {
    const before = await counts();
    for (const target of [`/ping/${uuid}\u0000`, `/ping/\u0000/x`, `/ping/${uuid}/\u0001`]) {
      const { status } = await rawGet(target);
      assert.equal(status, 400, JSON.stringify(target));
    }
    // Headers the parser refuses, too.
    const bad = await raw(
      `POST /ping/${uuid} HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\nConnection: close\r\n\r\n`,
    );
    assert.equal(bad.status, 400);
    assert.deepEqual(await counts(), before);
  });

  test('the server still pings afterwards', async () => {
    const { status, text } = await rawGet(`/ping/${uuid}`);
    assert.equal(status, 200);
    assert.match(text, /\r\n\r\nOK$/);
  });
});

// ---------------------------------------------------------------------------------------
// One transaction per ping: a failure at any write leaves no trace.

describe('one transaction per ping', async () => {
  const account = await newAccount('pk_tx_0001');
  await db.pool.query(`
    CREATE FUNCTION test_boom() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'boom (test)'; END $$;
    CREATE TRIGGER boom_pings BEFORE INSERT ON pings
      FOR EACH ROW WHEN (NEW.user_agent = 'boom-ping') EXECUTE FUNCTION test_boom();
    CREATE TRIGGER boom_notifications BEFORE INSERT ON notifications
      FOR EACH ROW WHEN (NEW.payload->'check'->>'name' = 'boom-alert') EXECUTE FUNCTION test_boom();
  `);

  test('the ping row fails → the check is unchanged', async () => {
    const u = await newCheck(account);
    at('2026-07-01T00:00:00Z');
    await request(app).get(`/ping/${u}`);
    const before = await checkOf(u);
    const counted = await counts();
    at('2026-07-01T00:10:00Z');
    const res = await request(app).get(`/ping/${u}/fail`).set('User-Agent', 'boom-ping');
    assert.equal(res.status, 500);
    assert.deepEqual(await checkOf(u), before);
    assert.deepEqual(await counts(), counted);
  });

  test('the alert fails → no status change, no flip, no ping row', async () => {
    const u = await newCheck(account, { name: 'boom-alert' });
    at('2026-07-01T00:00:00Z');
    await request(app).get(`/ping/${u}`);
    const before = await checkOf(u);
    const counted = await counts();
    const res = await request(app).get(`/ping/${u}/1`);
    assert.equal(res.status, 500);
    assert.deepEqual(await checkOf(u), before);
    assert.deepEqual(await counts(), counted);
    assert.deepEqual(await flipsOf(u), ['new>up']);
  });

  test('a create whose ping fails leaves no check behind', async () => {
    await newAccount('pk_tx_0002');
    const counted = await counts();
    const res = await request(app)
      .get('/ping/pk_tx_0002/made?create=1')
      .set('User-Agent', 'boom-ping');
    assert.equal(res.status, 500);
    assert.deepEqual(await counts(), counted);
  });
});
