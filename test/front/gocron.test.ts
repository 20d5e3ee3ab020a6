// The gocron check-in contract, COMPAT-gocron.md items 1-9, against the whole front
// (createApp) and a real PostgreSQL. Every rejected request must leave every table as it was.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import request from 'supertest';
import { listen, MAX_HEADER_BYTES } from '../../src/commands/listen.js';
import { setGocronMode } from '../../src/db/accounts-gocron.js';
import { recordHeartbeat } from '../../src/db/back-instances.js';
import { insertCheck } from '../../src/db/checks-admin.js';
import { importCheck } from '../../src/db/gocron-import.js';
import { createPool, transaction } from '../../src/db/pool.js';
import type { GocronMode } from '../../src/domain/gocron-trust.js';
import { createApp } from '../../src/front/app.js';
import { redactUrl } from '../../src/front/request-log.js';
import { frontDeps } from '../helpers/app.js';
import { newKey } from '../helpers/api.js';
import { testDatabase } from '../helpers/db.js';

type Response = request.Response;
type Params = Record<string, string> | [string, string][];

const db = await testDatabase();

const T0 = new Date('2024-05-06T07:08:09.000Z');
let now = T0;
/** The app every test uses unless it needs other settings; its clock is `now`. */
const app = createApp(frontDeps(db.pool, { clock: () => now }));
const trusting = createApp(
  frontDeps(db.pool, { env: { TRUST_PROXY: '127.0.0.1' }, clock: () => now }),
);

function at(secondsAfterT0: number): Date {
  return new Date(T0.getTime() + secondsAfterT0 * 1000);
}

/** A query string with every name and value percent-encoded (what curl --data-urlencode sends). */
function qs(params: Params): string {
  const entries = Array.isArray(params) ? params : Object.entries(params);
  return (
    '/?' + entries.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')
  );
}

let seq = 0;
function unique(prefix: string): string {
  seq += 1;
  return `${prefix}-${seq}`;
}

/** Valid check-in parameters with a name and account no other test uses. */
function valid(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    cronname: unique('job'),
    account: unique('acct'),
    email: 'ops@example.com',
    frequency: '60',
    ...overrides,
  };
}

function without(params: Record<string, string>, name: string): Record<string, string> {
  const copy = { ...params };
  delete copy[name];
  return copy;
}

interface Counts {
  accounts: number;
  checks: number;
  pings: number;
  flips: number;
  notifications: number;
}

async function counts(): Promise<Counts> {
  const { rows } = await db.pool.query<Counts>(
    `SELECT (SELECT count(*) FROM accounts)::int      AS accounts,
            (SELECT count(*) FROM checks)::int        AS checks,
            (SELECT count(*) FROM pings)::int         AS pings,
            (SELECT count(*) FROM flips)::int         AS flips,
            (SELECT count(*) FROM notifications)::int AS notifications`,
  );
  return rows[0]!;
}

interface CheckRow {
  id: number;
  account: string;
  name: string;
  kind: string;
  period: number;
  grace: number;
  status: string;
  email: string;
  site: boolean;
  last_address: string | null;
  last_ping_at: Date;
  next_deadline: Date;
  created_at: Date;
}

async function findCheck(account: string, name: string): Promise<CheckRow | undefined> {
  const { rows } = await db.pool.query<CheckRow>(
    `SELECT c.id, a.name AS account, c.name, c.kind, c.period, c.grace, c.status, c.email,
            c.site, c.last_address, c.last_ping_at, c.next_deadline, c.created_at
       FROM checks c JOIN accounts a ON a.id = c.account_id
      WHERE a.name = $1 AND c.name = $2`,
    [account, name],
  );
  return rows[0];
}

async function getCheck(account: string, name: string): Promise<CheckRow> {
  const check = await findCheck(account, name);
  assert.ok(check, `no check ${JSON.stringify(account)}/${JSON.stringify(name)}`);
  return check;
}

interface PingRow {
  created_at: Date;
  kind: string;
  address: string | null;
  method: string;
  user_agent: string | null;
}

async function pingsOf(checkId: number): Promise<PingRow[]> {
  const { rows } = await db.pool.query<PingRow>(
    `SELECT created_at, kind, address, method, user_agent FROM pings WHERE check_id = $1 ORDER BY id`,
    [checkId],
  );
  return rows;
}

async function checkin(params: Params, target = app): Promise<Response> {
  return request(target).get(qs(params));
}

async function postJson(body: unknown, target = app): Promise<Response> {
  return request(target)
    .post('/')
    .set('Content-Type', 'application/json')
    .send(typeof body === 'string' ? body : JSON.stringify(body));
}

function assertCreated(res: Response): void {
  assert.equal(res.status, 201, `expected 201, got ${res.status}: ${res.text}`);
  assert.equal(res.text, '');
  assert.equal(res.headers['content-length'], '0');
}

/** A one-line text/plain answer of `status` that names `mentions`. */
function assertTextError(res: Response, status: number, mentions: string | RegExp): void {
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${res.text}`);
  assert.match(String(res.headers['content-type']), /^text\/plain; charset=utf-8$/);
  assert.match(res.text, /^[^\r\n\u2028\u2029]+\n$/, `not one line: ${JSON.stringify(res.text)}`);
  if (typeof mentions === 'string') assert.ok(res.text.includes(mentions), res.text);
  else assert.match(res.text, mentions);
}

/** Sends a request that must be refused: 4xx naming `mentions`, and no row written anywhere. */
async function assertRejected(
  send: () => Promise<Response>,
  mentions: string | RegExp,
  status = 400,
): Promise<Response> {
  const before = await counts();
  const res = await send();
  assertTextError(res, status, mentions);
  assert.deepEqual(await counts(), before, 'a rejected request wrote rows');
  return res;
}

/** A server of our own, for what supertest cannot do (IPv6 peers, chunked bodies, header limits). */
async function listening<T>(
  server: http.Server,
  host: string,
  fn: (port: number) => Promise<T>,
): Promise<T> {
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  try {
    return await fn((server.address() as AddressInfo).port);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

/** A raw request; resolves with the status and body, or the socket error. */
function rawRequest(
  options: http.RequestOptions,
  write: (req: http.ClientRequest) => void,
): Promise<{ status: number; text: string } | { error: string }> {
  return new Promise((resolve) => {
    const req = http.request(options, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
    write(req);
  });
}

describe('COMPAT 1-3: a GET check-in', () => {
  test('answers 201 with an empty body and creates the account, the check and a ping', async () => {
    now = T0;
    const p = valid({ frequency: '3600', email: 'ops@acme.io' });
    const before = await counts();
    const res = await request(app).get(qs(p)).set('User-Agent', 'curl/8.5.0');
    assertCreated(res);

    const after = await counts();
    assert.equal(after.accounts, before.accounts + 1);
    assert.equal(after.checks, before.checks + 1);
    assert.equal(after.pings, before.pings + 1);

    const check = await getCheck(p.account!, p.cronname!);
    assert.equal(check.kind, 'simple');
    assert.equal(check.status, 'up');
    assert.equal(check.period, 3600);
    assert.equal(check.email, 'ops@acme.io');
    assert.equal(check.site, false);
    assert.equal(check.last_address, '127.0.0.1');
    // grace = 10 % of 3600 s = 360 s, within [60, 3600].
    assert.equal(check.grace, 360);
    assert.equal(check.last_ping_at.toISOString(), T0.toISOString());
    assert.equal(check.next_deadline.toISOString(), at(3600 + 360).toISOString());
    assert.equal(check.created_at.toISOString(), T0.toISOString());

    assert.deepEqual(await pingsOf(check.id), [
      {
        created_at: T0,
        kind: 'success',
        address: '127.0.0.1',
        method: 'GET',
        user_agent: 'curl/8.5.0',
      },
    ]);
  });

  test('next_deadline is now + frequency + grace, grace 10 % clamped to [60 s, 3600 s]', async () => {
    now = T0;
    const cases: [frequency: number, grace: number][] = [
      [1, 60], // 0.1 s → at least 60 s
      [60, 60], // 6 s → 60 s
      [599, 60], // 59.9 s → 60 s
      [601, 60], // 60.1 s rounds to 60
      [605, 61], // 60.5 s rounds to 61
      [1200, 120],
      [36000, 3600],
      [86400, 3600], // 8640 s → at most 3600 s
      [31536000, 3600], // the largest frequency: one year
    ];
    for (const [frequency, grace] of cases) {
      const p = valid({ frequency: String(frequency) });
      assertCreated(await checkin(p));
      const check = await getCheck(p.account!, p.cronname!);
      assert.equal(check.period, frequency);
      assert.equal(check.grace, grace, `grace of ${frequency}`);
      assert.equal(
        check.next_deadline.toISOString(),
        at(frequency + grace).toISOString(),
        `deadline of ${frequency}`,
      );
    }
  });

  test('grace follows GRACE_PERCENT, GRACE_MIN_SECONDS and GRACE_MAX_SECONDS', async () => {
    now = T0;
    const custom = createApp(
      frontDeps(db.pool, {
        env: { GRACE_PERCENT: '50', GRACE_MIN_SECONDS: '10', GRACE_MAX_SECONDS: '100' },
        clock: () => now,
      }),
    );
    for (const [frequency, grace] of [
      [10, 10],
      [60, 30],
      [1000, 100],
    ] as const) {
      const p = valid({ frequency: String(frequency) });
      assertCreated(await checkin(p, custom));
      const check = await getCheck(p.account!, p.cronname!);
      assert.equal(check.grace, grace);
      assert.equal(check.next_deadline.toISOString(), at(frequency + grace).toISOString());
    }
  });

  test('a later check-in updates email, frequency, site, time and address, and adds a ping', async () => {
    const p = valid({ email: 'first@example.com', frequency: '60', site: '1' });
    now = T0;
    assertCreated(await request(trusting).get(qs(p)).set('X-Forwarded-For', '198.51.100.1'));
    const first = await getCheck(p.account!, p.cronname!);
    assert.equal(first.site, true);
    assert.equal(first.last_address, '198.51.100.1');

    const before = await counts();
    now = at(30);
    const second = {
      ...without(p, 'site'),
      email: 'a@example.com, b@example.com',
      frequency: '7200',
    };
    assertCreated(await request(trusting).get(qs(second)).set('X-Forwarded-For', '198.51.100.2'));
    const after = await counts();
    assert.deepEqual(after, { ...before, pings: before.pings + 1 }, 'only a ping row is added');

    const check = await getCheck(p.account!, p.cronname!);
    assert.equal(check.id, first.id);
    assert.equal(check.email, 'a@example.com,b@example.com');
    assert.equal(check.period, 7200);
    assert.equal(check.grace, 720);
    assert.equal(check.site, false);
    assert.equal(check.last_address, '198.51.100.2');
    assert.equal(check.last_ping_at.toISOString(), at(30).toISOString());
    assert.equal(check.next_deadline.toISOString(), at(30 + 7200 + 720).toISOString());
    assert.equal(check.created_at.toISOString(), T0.toISOString());

    const pings = await pingsOf(check.id);
    assert.deepEqual(
      pings.map((r) => [r.created_at.toISOString(), r.address]),
      [
        [T0.toISOString(), '198.51.100.1'],
        [at(30).toISOString(), '198.51.100.2'],
      ],
    );
  });

  test('a job is (cronname, account): the same cronname in two accounts is two checks', async () => {
    now = T0;
    const name = unique('backup');
    const one = unique('acme');
    const two = unique('globex');
    const before = await counts();
    assertCreated(await checkin(valid({ cronname: name, account: one, frequency: '60' })));
    assertCreated(await checkin(valid({ cronname: name, account: two, frequency: '120' })));
    // A second job of the first account reuses its account row.
    assertCreated(await checkin(valid({ cronname: unique('other'), account: one })));
    const after = await counts();
    assert.equal(after.accounts, before.accounts + 2);
    assert.equal(after.checks, before.checks + 3);
    const a = await getCheck(one, name);
    const b = await getCheck(two, name);
    assert.notEqual(a.id, b.id);
    assert.equal(a.period, 60);
    assert.equal(b.period, 120);

    // A check-in of one account's job leaves the other account's job alone.
    now = at(10);
    assertCreated(await checkin(valid({ cronname: name, account: two, frequency: '300' })));
    assert.deepEqual(await getCheck(one, name), a);
    assert.equal((await getCheck(two, name)).period, 300);
  });

  test('concurrent first check-ins of one job create one account and one check', async () => {
    now = T0;
    const p = valid();
    const before = await counts();
    const responses = await Promise.all(Array.from({ length: 12 }, () => checkin(p)));
    for (const res of responses) assertCreated(res);
    const after = await counts();
    assert.equal(after.accounts, before.accounts + 1);
    assert.equal(after.checks, before.checks + 1);
    assert.equal(after.pings, before.pings + 12);
  });

  test('the first of a repeated parameter wins', async () => {
    now = T0;
    const name = unique('first');
    const account = unique('acct');
    const res = await checkin([
      ['cronname', name],
      ['account', account],
      ['email', 'first@example.com'],
      ['frequency', '120'],
      ['cronname', 'second'],
      ['email', 'not an address'],
      ['frequency', 'abc'],
      ['account', 'other-account'],
    ]);
    assertCreated(res);
    const check = await getCheck(account, name);
    assert.equal(check.email, 'first@example.com');
    assert.equal(check.period, 120);
    assert.equal(await findCheck(account, 'second'), undefined);
    assert.equal(await findCheck('other-account', name), undefined);

    // The first value decides even when it is the bad one.
    await assertRejected(
      () => checkin([...Object.entries(valid({ frequency: 'abc' })), ['frequency', '60']]),
      'frequency',
    );
  });

  test('`+` decodes to a space and %2B to a plus', async () => {
    now = T0;
    const tag = unique('t');
    const res = await request(app).get(
      `/?cronname=nightly+backup+${tag}&account=acme+corp+${tag}&email=ops%2Bcron@acme.io&frequency=60`,
    );
    assertCreated(res);
    const check = await getCheck(`acme corp ${tag}`, `nightly backup ${tag}`);
    assert.equal(check.email, 'ops+cron@acme.io');

    assertCreated(
      await request(app).get(`/?cronname=a%2Bb${tag}&account=x${tag}&email=o@a.io&frequency=60`),
    );
    await getCheck(`x${tag}`, `a+b${tag}`);

    // An unencoded + in an address is a space, as in gocron: the address is invalid.
    await assertRejected(
      () =>
        request(app).get(`/?cronname=j${tag}&account=a${tag}&email=ops+cron@acme.io&frequency=60`),
      'email',
    );
  });

  test('percent-encoded UTF-8 is decoded, and a stray % is kept as it is', async () => {
    now = T0;
    const tag = unique('u');
    assertCreated(
      await request(app).get(
        `/?cronname=caf%C3%A9-${tag}&account=%E2%9C%93${tag}&email=o@a.io&frequency=60`,
      ),
    );
    await getCheck(`✓${tag}`, `café-${tag}`);
    assertCreated(
      await request(app).get(`/?cronname=100%-${tag}&account=%zz${tag}&email=o@a.io&frequency=60`),
    );
    await getCheck(`%zz${tag}`, `100%-${tag}`);
  });

  test('parameter names are case-sensitive', async () => {
    now = T0;
    const p = valid();
    // One lowercase name makes it a check-in, and CronName is not cronname.
    await assertRejected(
      () =>
        checkin({ CronName: p.cronname!, account: p.account!, email: p.email!, frequency: '60' }),
      'cronname',
    );
    await assertRejected(
      () =>
        checkin({ cronname: p.cronname!, account: p.account!, EMAIL: p.email!, frequency: '60' }),
      'email',
    );
    // None of the four lowercase names: not a check-in at all, the web page.
    const before = await counts();
    const res = await checkin({ CronName: 'x', Account: 'y', Email: 'o@a.io', Frequency: '60' });
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /^text\/html/);
    assert.deepEqual(await counts(), before);
  });

  test('GET / with none of the four parameters serves the web page, not a check-in', async () => {
    const before = await counts();
    for (const path of ['/', '/?', '/?site=1', '/?foo=bar&utm_source=x']) {
      const res = await request(app).get(path);
      assert.equal(res.status, 200, path);
      assert.match(String(res.headers['content-type']), /^text\/html/, path);
      assert.match(res.text, /cronwatch/);
      assert.match(res.text, /cronname=/, 'the page shows how to check in');
    }
    assert.deepEqual(await counts(), before);
  });

  test('a user agent is stored, cut to 500 characters', async () => {
    now = T0;
    const p = valid();
    assertCreated(await request(app).get(qs(p)).set('User-Agent', 'u'.repeat(2000)));
    const [ping] = await pingsOf((await getCheck(p.account!, p.cronname!)).id);
    assert.equal(ping?.user_agent, 'u'.repeat(500));
  });
});

describe('COMPAT 5: a POST with a JSON body', () => {
  test('is the same check-in: 201, empty body, all fields stored', async () => {
    now = T0;
    const p = {
      cronname: unique('job'),
      account: unique('acct'),
      email: 'o@a.io',
      frequency: 300,
      site: true,
    };
    const before = await counts();
    assertCreated(await postJson(p));
    const after = await counts();
    assert.equal(after.checks, before.checks + 1);
    assert.equal(after.pings, before.pings + 1);
    const check = await getCheck(p.account, p.cronname);
    assert.equal(check.period, 300);
    assert.equal(check.grace, 60);
    assert.equal(check.email, 'o@a.io');
    assert.equal(check.site, true);
    assert.equal(check.last_address, '127.0.0.1');
    assert.equal(check.next_deadline.toISOString(), at(360).toISOString());
    const [ping] = await pingsOf(check.id);
    assert.equal(ping?.method, 'POST');
  });

  test('keys are case-insensitive, and the first spelling of a key wins', async () => {
    now = T0;
    const name = unique('Job');
    const account = unique('Acct');
    assertCreated(
      await postJson(
        `{"CronName":"${name}","ACCOUNT":"${account}","eMail":"o@a.io","Frequency":120,"SITE":true,` +
          `"cronname":"second","frequency":"abc"}`,
      ),
    );
    const check = await getCheck(account, name);
    assert.equal(check.period, 120);
    assert.equal(check.site, true);
    assert.equal(await findCheck(account, 'second'), undefined);
  });

  test('frequency may be a string of digits; site false or absent clears the flag', async () => {
    now = T0;
    const p = {
      cronname: unique('job'),
      account: unique('acct'),
      email: 'o@a.io',
      frequency: '60',
      site: true,
    };
    assertCreated(await postJson(p));
    assert.equal((await getCheck(p.account, p.cronname)).period, 60);
    assertCreated(await postJson({ ...p, site: false }));
    assert.equal((await getCheck(p.account, p.cronname)).site, false);
    assertCreated(await postJson(p));
    assert.equal((await getCheck(p.account, p.cronname)).site, true);
    const noSite = { cronname: p.cronname, account: p.account, email: p.email, frequency: 60 };
    assertCreated(await postJson(noSite));
    assert.equal((await getCheck(p.account, p.cronname)).site, false);
  });

  test('an empty POST takes the parameters from the query string', async () => {
    now = T0;
    const p = valid();
    assertCreated(await request(app).post(qs(p)));
    await getCheck(p.account!, p.cronname!);
  });

  test('malformed JSON: 400 with a one-line message, no rows', async () => {
    for (const body of [
      '{',
      '{"cronname": }',
      'cronname=a&account=b&email=c@d.io&frequency=60',
      '{"cronname":"a",}',
      // A multi-line body: V8 quotes it in its message, which must still be one line.
      '{\n  "cronname": "a",\n  "account": b\n}',
      '{"cronname":"a"}\r\n\u2028x',
    ]) {
      await assertRejected(() => postJson(body), /malformed JSON/);
    }
  });

  test('a JSON value that is not an object: 400, no rows', async () => {
    for (const body of [
      '[]',
      '[{"cronname":"a","account":"b","email":"c@d.io","frequency":60}]',
      '"a string"',
      '42',
      'null',
      'true',
    ]) {
      await assertRejected(() => postJson(body), /JSON body must be an object/);
    }
  });

  test('a body that is not UTF-8: 400, no rows', async () => {
    const bytes = Buffer.concat([
      Buffer.from(`{"cronname":"${unique('job')}`),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('","account":"a","email":"o@a.io","frequency":60}'),
    ]);
    await assertRejected(
      () => request(app).post('/').set('Content-Type', 'application/octet-stream').send(bytes),
      'request body is not valid UTF-8',
    );
  });

  test('a body over the limit: 413, no rows', async () => {
    const big = JSON.stringify({ ...valid(), pad: 'x'.repeat(200_000) });
    await assertRejected(() => postJson(big), /larger than 102400 bytes/, 413);

    const small = createApp(
      frontDeps(db.pool, { env: { BODY_LIMIT_BYTES: '1024' }, clock: () => now }),
    );
    const p = { cronname: unique('job'), account: unique('acct'), email: 'o@a.io', frequency: 60 };
    const json = JSON.stringify(p);
    // Exactly at the limit is accepted, one byte more is not.
    const exact = json.slice(0, -1) + ' '.repeat(1024 - Buffer.byteLength(json)) + '}';
    assert.equal(Buffer.byteLength(exact), 1024);
    await assertRejected(() => postJson(exact + ' ', small), /larger than 1024 bytes/, 413);
    assertCreated(await postJson(exact, small));
    await getCheck(p.account, p.cronname);
  });

  test('a chunked body over the limit (no Content-Length): 413, no rows', async () => {
    const small = createApp(
      frontDeps(db.pool, { env: { BODY_LIMIT_BYTES: '1024' }, clock: () => now }),
    );
    const before = await counts();
    const result = await listening(http.createServer(small), '127.0.0.1', (port) =>
      rawRequest(
        {
          port,
          host: '127.0.0.1',
          method: 'POST',
          path: '/',
          headers: { 'Content-Type': 'application/json' },
        },
        (req) => {
          req.write(
            `{"cronname":"${unique('job')}","account":"a","email":"o@a.io","frequency":60,"pad":"`,
          );
          for (let i = 0; i < 4; i++) req.write('x'.repeat(500));
          req.end('"}');
        },
      ),
    );
    assert.deepEqual(result, { status: 413, text: 'request body is larger than 1024 bytes\n' });
    assert.deepEqual(await counts(), before);
  });
});

describe('COMPAT 4: bad input is 400 with a one-line text/plain message, and writes nothing', () => {
  for (const name of ['cronname', 'account', 'email', 'frequency']) {
    test(`${name} missing or empty`, async () => {
      const p = valid();
      await assertRejected(() => checkin(without(p, name)), `missing parameter: ${name}`);
      await assertRejected(() => checkin({ ...p, [name]: '' }), `missing parameter: ${name}`);
      // A bare name with no `=`.
      await assertRejected(
        () => request(app).get(qs(without(p, name)) + `&${name}`),
        `missing parameter: ${name}`,
      );
      const json: Record<string, unknown> = { ...p, frequency: 60 };
      await assertRejected(
        () => postJson(without(json as Record<string, string>, name)),
        `missing parameter: ${name}`,
      );
      await assertRejected(() => postJson({ ...json, [name]: '' }), `missing parameter: ${name}`);
      await assertRejected(() => postJson({ ...json, [name]: null }), `missing parameter: ${name}`);
    });
  }

  test('an empty POST with no query string names the first missing parameter', async () => {
    await assertRejected(() => request(app).post('/'), 'missing parameter: cronname');
    await assertRejected(() => postJson('{}'), 'missing parameter: cronname');
  });

  test('frequency that is not a whole number of seconds from 1 to one year', async () => {
    for (const frequency of [
      'abc',
      '0',
      '-5',
      '1.5',
      '99999999999',
      '1e3',
      ' 60',
      '60 ',
      '-60',
      '+0',
      '++60',
      '0x3c',
      '31536001',
      '６０', // full-width digits
    ]) {
      const res = await assertRejected(() => checkin(valid({ frequency })), 'frequency');
      assert.match(res.text, /whole number of seconds from 1 to 31536000/);
    }
    // The edges are accepted.
    for (const frequency of ['1', '31536000']) assertCreated(await checkin(valid({ frequency })));
    // A bare + in a query string is a space: refused, as " 60" is.
    await assertRejected(
      () => request(app).get(qs(without(valid(), 'frequency')) + '&frequency=+60'),
      'frequency',
    );
  });

  test('frequency=%2B30 (+30) is 30 s, as gocron read it (Go strconv.Atoi takes a sign)', async () => {
    now = T0;
    const p = valid();
    assertCreated(await request(app).get(qs(without(p, 'frequency')) + '&frequency=%2B30'));
    assert.equal((await getCheck(p.account!, p.cronname!)).period, 30);
    const j = valid();
    assertCreated(await postJson({ ...j, frequency: '+45' }));
    assert.equal((await getCheck(j.account!, j.cronname!)).period, 45);
    await assertRejected(() => checkin(valid({ frequency: '+31536001' })), 'frequency');
  });

  test('JSON frequency as 1.5, 0, -1, a too large number, true, an object, an array: 400', async () => {
    for (const frequency of [
      1.5,
      0,
      -1,
      31536001,
      1e300,
      true,
      false,
      {},
      { seconds: 60 },
      [60],
      '1.5',
    ]) {
      await assertRejected(() => postJson({ ...valid(), frequency }), 'frequency');
    }
    assertCreated(await postJson({ ...valid(), frequency: 60.0 }));
  });

  test('JSON cronname, account or email that is not a string: 400 naming it', async () => {
    for (const name of ['cronname', 'account', 'email']) {
      for (const value of [42, true, ['a'], { a: 1 }]) {
        await assertRejected(
          () => postJson({ ...valid(), frequency: 60, [name]: value }),
          `${name} must be a string`,
        );
      }
    }
  });

  for (const name of ['cronname', 'account']) {
    test(`${name}: 200 characters (or 200 emoji) accepted, 201 rejected, never truncated`, async () => {
      now = T0;
      const ok200 = unique('x').padEnd(200, 'x');
      const p = valid({ [name]: ok200 });
      assertCreated(await checkin(p));
      await getCheck(p.account!, p.cronname!);

      // An emoji is one character (two UTF-16 units, four UTF-8 bytes).
      const emoji = '😀'.repeat(200);
      const e = valid({ [name]: emoji });
      assertCreated(await checkin(e));
      const stored = await getCheck(e.account!, e.cronname!);
      assert.equal(name === 'cronname' ? stored.name : stored.account, emoji);

      const res = await assertRejected(() => checkin(valid({ [name]: 'y'.repeat(201) })), name);
      assert.match(res.text, /1-200 characters/);
      assert.match(res.text, /got 201\)/);
      const emojiRes = await assertRejected(
        () => checkin(valid({ [name]: '😀'.repeat(201) })),
        name,
      );
      assert.match(emojiRes.text, /got 201\)/, 'counts characters, not UTF-16 units');
      await assertRejected(
        () => postJson({ ...valid(), frequency: 60, [name]: 'z'.repeat(201) }),
        name,
      );
    });

    test(`${name} of 10 kB: 400 by GET and by POST`, async () => {
      const long = 'k'.repeat(10 * 1024);
      await assertRejected(() => checkin(valid({ [name]: long })), `${name} must be 1-200`);
      await assertRejected(
        () => postJson({ ...valid(), frequency: 60, [name]: long }),
        `${name} must be 1-200`,
      );
    });

    test(`${name} of 1 MB: refused by GET and by POST, never stored`, async () => {
      const huge = 'm'.repeat(1024 * 1024);
      // A 1 MB URL exceeds node's 16 kB header limit: node answers 431 itself and closes the
      // connection, which may reset it before the client reads the answer.
      const before = await counts();
      const outcome = await checkin(valid({ [name]: huge })).then(
        (res) => res.status,
        (err: NodeJS.ErrnoException) => err.code,
      );
      assert.ok(outcome === 431 || outcome === 'ECONNRESET' || outcome === 'EPIPE', `${outcome}`);
      assert.deepEqual(await counts(), before);
      // With a larger header limit the URL reaches the check-in code, which rejects it.
      const roomy = http.createServer({ maxHeaderSize: 4 * 1024 * 1024 }, app);
      await assertRejected(
        () => request(roomy).get(qs(valid({ [name]: huge }))),
        `${name} must be 1-200`,
      );
      // In a JSON body over the default limit (100 kB): 413.
      await assertRejected(
        () => postJson({ ...valid(), frequency: 60, [name]: huge }),
        'larger than',
        413,
      );
      // With room for it: the check-in code rejects it.
      const roomyBody = createApp(frontDeps(db.pool, { env: { BODY_LIMIT_BYTES: '4194304' } }));
      await assertRejected(
        () => postJson({ ...valid(), frequency: 60, [name]: huge }, roomyBody),
        `${name} must be 1-200`,
      );
    });

    test(`${name} with control characters`, async () => {
      for (const c of [
        '\u0000',
        '\n',
        '\r',
        '\t',
        '\u001b',
        '\u007f',
        '\u0085',
        '\u009f',
        '\u2028',
      ]) {
        const value = `bad${c}name`;
        const label = JSON.stringify(c);
        const res = await assertRejected(() => checkin(valid({ [name]: value })), name);
        assert.match(res.text, /control characters/, label);
        await assertRejected(
          () => postJson({ ...valid(), frequency: 60, [name]: value }),
          `${name} must not contain control characters`,
        );
      }
    });

    test(`${name} with percent-encoded bytes that are not UTF-8`, async () => {
      for (const bytes of [
        '%FF',
        '%C3',
        '%C3%28',
        '%ED%A0%80',
        '%C0%AF',
        '%E2%82',
        '%F8%88%80%80%80',
      ]) {
        const p = valid();
        p[name] = 'x';
        const path = qs(p).replace(`${name}=x`, `${name}=bad${bytes}x`);
        assert.ok(path.includes(bytes));
        await assertRejected(() => request(app).get(path), `${name} is not valid UTF-8`);
      }
      // A lone surrogate written as a JSON escape is not text either.
      await assertRejected(
        () =>
          postJson(
            `{"cronname":"a","account":"b","email":"o@a.io","frequency":60,"${name}":"x\\ud800"}`,
          ),
        name,
      );
    });
  }

  test('invalid email addresses', async () => {
    for (const email of [
      'no-at',
      'a@',
      '@b.io',
      'a b@c.io',
      'a@b.io,,c@d.io',
      'a@b.io,',
      ',a@b.io',
      'a@b..io',
      'a@-b.io',
      'a@b.io;c@d.io',
      '<a@b.io>',
      'a@b.io\n',
      'a\u0000@b.io',
      `${'l'.repeat(250)}@b.io`,
      Array.from({ length: 51 }, (_, i) => `u${i}@b.io`).join(','),
      'x'.repeat(13_000),
    ]) {
      const res = await assertRejected(() => checkin(valid({ email })), 'email');
      assert.doesNotMatch(res.text, /\n./, 'one line even when the address has a newline');
      await assertRejected(() => postJson({ ...valid(), frequency: 60, email }), 'email');
    }
  });

  test('several comma-separated addresses are accepted and stored trimmed', async () => {
    now = T0;
    for (const [email, stored] of [
      ['a@b.io,c@d.io', 'a@b.io,c@d.io'],
      [' a@b.io ,  c@d.io ', 'a@b.io,c@d.io'],
      ['root@localhost', 'root@localhost'],
      ["first.o'hara+cron@mail.example.co.uk", "first.o'hara+cron@mail.example.co.uk"],
      [
        Array.from({ length: 50 }, (_, i) => `u${i}@b.io`).join(','),
        Array.from({ length: 50 }, (_, i) => `u${i}@b.io`).join(','),
      ],
    ] as const) {
      const p = valid({ email });
      assertCreated(await checkin(p));
      assert.equal((await getCheck(p.account!, p.cronname!)).email, stored);
    }
  });

  test('a rejected check-in of an existing job leaves the job as it was', async () => {
    now = T0;
    const p = valid({ frequency: '60' });
    assertCreated(await checkin(p));
    const before = await getCheck(p.account!, p.cronname!);
    now = at(100);
    await assertRejected(() => checkin({ ...p, frequency: '0' }), 'frequency');
    await assertRejected(() => checkin({ ...p, email: 'nope' }), 'email');
    assert.deepEqual(await getCheck(p.account!, p.cronname!), before);
  });

  test('bad input is refused even while the database is down, and never answered 5xx', async () => {
    const down = createPool('postgres://nobody@127.0.0.1:1/none', 1, () => undefined);
    try {
      const offline = createApp(frontDeps(down));
      for (const send of [
        () => checkin(valid({ frequency: 'abc' }), offline),
        () => checkin(without(valid(), 'email'), offline),
        () => postJson('{', offline),
        () => postJson({ ...valid(), frequency: 1.5 }, offline),
      ]) {
        const res = await send();
        assert.equal(res.status, 400, res.text);
      }
    } finally {
      await down.end();
    }
  });

  test('odd requests are never answered 5xx and write nothing', async () => {
    const before = await counts();
    const deep = '['.repeat(40_000) + ']'.repeat(40_000);
    const attempts: [string, () => Promise<Response>][] = [
      ['PUT /', () => request(app).put('/').send('x')],
      ['DELETE check-in', () => request(app).delete(qs(valid()))],
      ['PATCH /', () => request(app).patch('/').send({})],
      ['bare %', () => request(app).get('/?cronname=%')],
      ['deep JSON', () => postJson(deep)],
      [
        '__proto__ key',
        () =>
          postJson('{"cronname":"a","__proto__":{"account":"x","email":"o@a.io"},"frequency":60}'),
      ],
      [
        'constructor key',
        () =>
          postJson({
            cronname: 'a',
            account: 'constructor',
            email: 'o@a.io',
            frequency: 'toString',
          }),
      ],
      ['form body', () => request(app).post('/').type('form').send(valid())],
      ['text body', () => request(app).post('/').type('text').send('hello')],
      ['BOM + JSON', () => postJson('\ufeff' + JSON.stringify({ a: 1 }))],
      ['site object', () => postJson({ ...valid(), frequency: 60, site: { a: 1 }, email: 'bad' })],
      ['unknown path', () => request(app).get('/nope?cronname=a')],
      ['double slash', () => request(app).get('//?cronname=a')],
    ];
    for (const [label, send] of attempts) {
      const res = await send();
      assert.ok(res.status >= 400 && res.status < 500, `${label}: ${res.status} ${res.text}`);
    }
    assert.deepEqual(await counts(), before);
  });
});

describe('COMPAT 6: health', () => {
  async function withDatabaseDown(fn: (target: ReturnType<typeof createApp>) => Promise<void>) {
    // A real pool to a port nobody listens on: connections are refused.
    const down = createPool('postgres://nobody@127.0.0.1:1/none', 1, () => undefined);
    try {
      await fn(createApp(frontDeps(down)));
    } finally {
      await down.end();
    }
  }

  test('GET /healthcheck is 200 JSON while the database answers', async () => {
    const res = await request(app).get('/healthcheck');
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /^application\/json/);
    assert.deepEqual(res.body, { status: 'ok', database: 'ok' });
  });

  test('GET /healthcheck and /healthz are 503 JSON with a reason when the database is down', async () => {
    await withDatabaseDown(async (offline) => {
      for (const path of ['/healthcheck', '/healthz']) {
        const res = await request(offline).get(path);
        assert.equal(res.status, 503, path);
        assert.match(String(res.headers['content-type']), /^application\/json/);
        assert.equal(res.body.status, 'error');
        assert.equal(res.body.database, 'unreachable');
      }
    });
  });

  test('GET /healthz is 200 JSON only while a back instance was seen recently', async () => {
    const clockAt = (seconds: number) =>
      createApp(frontDeps(db.pool, { clock: () => at(seconds) }));
    // This file's database has never had a back instance.
    let res = await request(clockAt(0)).get('/healthz');
    assert.equal(res.status, 503);
    assert.equal(res.body.database, 'ok');
    assert.match(res.body.back, /no back instance/);

    await recordHeartbeat(db.pool, { id: 'gocron-test', hostname: 'h', pid: 1, startedAt: T0 }, T0);
    res = await request(clockAt(10)).get('/healthz');
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /^application\/json/);
    assert.equal(res.body.status, 'ok');
    assert.equal(res.body.database, 'ok');

    // BACK_STALE_SECONDS defaults to 60.
    res = await request(clockAt(61)).get('/healthz');
    assert.equal(res.status, 503);
    assert.match(res.body.back, /61 s/);
  });
});

describe('COMPAT 7: site', () => {
  test('site=1 sets the flag; site=true, site=0, any other value or none clears it', async () => {
    now = T0;
    const p = valid();
    const steps: [site: string | undefined, expected: boolean][] = [
      ['1', true],
      ['true', false],
      ['1', true],
      ['0', false],
      ['1', true],
      ['yes', false],
      ['1', true],
      [undefined, false],
      ['01', false],
      ['1', true],
      ['', false],
    ];
    for (const [site, expected] of steps) {
      const params = site === undefined ? p : { ...p, site };
      assertCreated(await checkin(params));
      assert.equal((await getCheck(p.account!, p.cronname!)).site, expected, `site=${site}`);
    }
  });

  test('JSON site: true or 1 sets it, false, "true" or absent clears it', async () => {
    now = T0;
    const p = { cronname: unique('job'), account: unique('acct'), email: 'o@a.io', frequency: 60 };
    for (const [site, expected] of [
      [true, true],
      [false, false],
      [1, true],
      ['true', false],
      ['1', true],
      [0, false],
    ] as const) {
      assertCreated(await postJson({ ...p, site }));
      assert.equal(
        (await getCheck(p.account, p.cronname)).site,
        expected,
        `site: ${JSON.stringify(site)}`,
      );
    }
    assertCreated(await postJson({ ...p, site: true }));
    assertCreated(await postJson(p));
    assert.equal((await getCheck(p.account, p.cronname)).site, false, 'site absent');
  });
});

describe('COMPAT 8: the client address', () => {
  async function addressOf(p: Record<string, string>): Promise<[string | null, string | null]> {
    const check = await getCheck(p.account!, p.cronname!);
    const pings = await pingsOf(check.id);
    return [check.last_address, pings.at(-1)?.address ?? null];
  }

  test('the TCP peer, IPv4 as a.b.c.d (not ::ffff:a.b.c.d)', async () => {
    const p = valid();
    assertCreated(await checkin(p));
    assert.deepEqual(await addressOf(p), ['127.0.0.1', '127.0.0.1']);
  });

  test('X-Forwarded-For is ignored without TRUST_PROXY', async () => {
    const p = valid();
    assertCreated(await request(app).get(qs(p)).set('X-Forwarded-For', '203.0.113.9'));
    assert.deepEqual(await addressOf(p), ['127.0.0.1', '127.0.0.1']);
  });

  test('X-Forwarded-For is ignored when the peer is not the trusted proxy', async () => {
    const other = createApp(frontDeps(db.pool, { env: { TRUST_PROXY: '10.0.0.1' } }));
    const p = valid();
    assertCreated(await request(other).get(qs(p)).set('X-Forwarded-For', '203.0.113.9'));
    assert.deepEqual(await addressOf(p), ['127.0.0.1', '127.0.0.1']);
  });

  test('behind a trusted proxy, the forwarded client address is stored', async () => {
    const p = valid();
    assertCreated(await request(trusting).get(qs(p)).set('X-Forwarded-For', '203.0.113.9'));
    assert.deepEqual(await addressOf(p), ['203.0.113.9', '203.0.113.9']);

    // A POST check-in: first without the header (the peer), then through the proxy.
    const j = valid();
    const body = JSON.stringify({ ...j, frequency: 60 });
    assertCreated(await postJson(body, trusting));
    assert.deepEqual(await addressOf(j), ['127.0.0.1', '127.0.0.1']);
    assertCreated(
      await request(trusting)
        .post('/')
        .set('X-Forwarded-For', '192.0.2.44')
        .set('Content-Type', 'application/json')
        .send(body),
    );
    assert.deepEqual(await addressOf(j), ['192.0.2.44', '192.0.2.44']);
  });

  test('behind a trusted proxy, an IPv6 client is stored whole', async () => {
    for (const address of ['2001:db8::1', '2001:db8:85a3:8d3:1319:8a2e:370:7348', 'fe80::1']) {
      const p = valid();
      assertCreated(await request(trusting).get(qs(p)).set('X-Forwarded-For', address));
      assert.deepEqual(await addressOf(p), [address, address]);
    }
    // An IPv4-mapped forwarded address is stored as IPv4.
    const p = valid();
    assertCreated(await request(trusting).get(qs(p)).set('X-Forwarded-For', '::ffff:198.51.100.3'));
    assert.deepEqual(await addressOf(p), ['198.51.100.3', '198.51.100.3']);
  });

  test('behind a trusted proxy, the hop the proxy saw wins over an address the client wrote', async () => {
    // The client sent "X-Forwarded-For: 6.6.6.6"; the proxy appended the address it saw.
    const p = valid();
    assertCreated(
      await request(trusting).get(qs(p)).set('X-Forwarded-For', '6.6.6.6, 198.51.100.7'),
    );
    assert.deepEqual(await addressOf(p), ['198.51.100.7', '198.51.100.7']);

    // Two trusted proxies: the first address before them is the client.
    const chain = createApp(frontDeps(db.pool, { env: { TRUST_PROXY: '127.0.0.1,10.0.0.0/8' } }));
    const q = valid();
    assertCreated(await request(chain).get(qs(q)).set('X-Forwarded-For', '198.51.100.8, 10.1.2.3'));
    assert.deepEqual(await addressOf(q), ['198.51.100.8', '198.51.100.8']);
  });

  test('behind a trusted proxy, a missing or garbage X-Forwarded-For keeps the peer', async () => {
    for (const header of [undefined, 'banana', '', '[2001:db8::1]', '999.1.1.1']) {
      const p = valid();
      const req = request(trusting).get(qs(p));
      if (header !== undefined) req.set('X-Forwarded-For', header);
      assertCreated(await req);
      assert.deepEqual(await addressOf(p), ['127.0.0.1', '127.0.0.1'], `XFF ${header}`);
    }
  });

  test('an IPv6 peer is stored whole, and can be the trusted proxy', async () => {
    const p = valid();
    const res = await listening(http.createServer(app), '::1', (port) =>
      request(`http://[::1]:${port}`).get(qs(p)).set('X-Forwarded-For', '203.0.113.5'),
    );
    assertCreated(res);
    assert.deepEqual(await addressOf(p), ['::1', '::1']);

    const loopback = createApp(frontDeps(db.pool, { env: { TRUST_PROXY: 'loopback' } }));
    const q = valid();
    const viaProxy = await listening(http.createServer(loopback), '::1', (port) =>
      request(`http://[::1]:${port}`).get(qs(q)).set('X-Forwarded-For', '2001:db8::77'),
    );
    assertCreated(viaProxy);
    assert.deepEqual(await addressOf(q), ['2001:db8::77', '2001:db8::77']);
  });
});

describe('COMPAT 9: parameterised SQL', () => {
  test('SQL-looking values are stored verbatim and change nothing else', async () => {
    now = T0;
    // Bystanders: jobs of another account, and one with a similar name.
    const bystanders = [valid(), valid(), valid({ cronname: 'x' })];
    for (const b of bystanders) assertCreated(await checkin(b));
    const snapshot = async () =>
      (await db.pool.query('SELECT * FROM checks ORDER BY id')).rows.filter((r) =>
        bystanders.some((b) => b.cronname === r.name),
      );
    const accountsBefore = (await db.pool.query('SELECT * FROM accounts ORDER BY id')).rows;
    const checksBefore = await snapshot();

    now = at(5);
    const hostile = [
      { cronname: "x'; DROP TABLE checks; --", account: "a' OR '1'='1" },
      { cronname: "a' OR '1'='1", account: "x'); DELETE FROM accounts; --" },
      { cronname: 'Robert"); DROP TABLE pings;--', account: '$1 $$ \\ %s %d ?' },
      { cronname: "'; UPDATE checks SET email = 'evil@x.io'; --", account: unique('acme') },
    ];
    for (const h of hostile) {
      const p = { ...h, email: "o'hara@example.com", frequency: '60' };
      assertCreated(await checkin(p));
      const check = await getCheck(p.account, p.cronname);
      assert.equal(check.name, p.cronname);
      assert.equal(check.account, p.account);
      assert.equal(check.email, "o'hara@example.com");
      assertCreated(await postJson({ ...p, frequency: 120 }));
      assert.equal((await getCheck(p.account, p.cronname)).period, 120);
    }

    for (const table of ['accounts', 'checks', 'pings', 'flips', 'notifications']) {
      const { rows } = await db.pool.query('SELECT to_regclass($1) AS t', [table]);
      assert.equal(rows[0].t, table, `table ${table} is gone`);
    }
    assert.deepEqual(await snapshot(), checksBefore);
    const accountsAfter = (await db.pool.query('SELECT * FROM accounts ORDER BY id')).rows;
    assert.deepEqual(accountsAfter.slice(0, accountsBefore.length), accountsBefore);
    const { rows } = await db.pool.query(
      `SELECT count(*)::int AS n FROM checks WHERE email = 'evil@x.io'`,
    );
    assert.equal(rows[0].n, 0);
  });
});

describe('issue 15: who can change what with a check-in', () => {
  interface Settings {
    name: string;
    slug: string | null;
    kind: string;
    period: number | null;
    cron: string | null;
    tz: string;
    grace: number;
    email: string | null;
    site: boolean;
    tags: string[];
    description: string;
    manual_resume: boolean;
    gocron_origin: boolean;
  }

  /** What a check-in must not change on a check it does not own: everything but ping state. */
  async function settingsOf(account: string, name: string): Promise<Settings> {
    const { rows } = await db.pool.query<Settings>(
      `SELECT c.name, c.slug, c.kind, c.period, c.cron, c.tz, c.grace, c.email, c.site, c.tags,
              c.description, c.manual_resume, c.gocron_origin
         FROM checks c JOIN accounts a ON a.id = c.account_id WHERE a.name = $1 AND c.name = $2`,
      [account, name],
    );
    assert.ok(rows[0], `no check ${account}/${name}`);
    return rows[0];
  }

  /** An account with a ping key and a read-write API key, as `account create` makes it. */
  async function apiAccount(): Promise<{ name: string; pingKey: string; apiKey: string }> {
    const name = unique('api');
    const pingKey = randomBytes(16).toString('base64url');
    const { rows } = await db.pool.query<{ id: number }>(
      `INSERT INTO accounts (name, ping_key) VALUES ($1, $2) RETURNING id`,
      [name, pingKey],
    );
    return { name, pingKey, apiKey: await newKey(db.pool, rows[0]!.id, 'write') };
  }

  async function apiCheck(apiKey: string, body: Record<string, unknown>): Promise<string> {
    const res = await request(app).post('/api/v3/checks/').set('X-Api-Key', apiKey).send(body);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return String(res.body.ping_url).split('/').pop()!;
  }

  const attack = (account: string, cronname: string) => ({
    cronname,
    account,
    email: 'attacker@evil.example',
    frequency: '31536000',
    site: '1',
  });

  test('the attack fails: a check made by the API keeps its settings; the check-in is a success ping', async () => {
    now = T0;
    const acct = await apiAccount();
    await apiCheck(acct.apiKey, { name: 'db-backup', timeout: 3600, grace: 300, tags: 'prod' });
    const settings = await settingsOf(acct.name, 'db-backup');
    assert.equal(settings.gocron_origin, false);
    const before = await counts();

    now = at(100);
    assertCreated(await checkin(attack(acct.name, 'db-backup')));
    now = at(200);
    assertCreated(await postJson({ ...attack(acct.name, 'db-backup'), frequency: 31536000 }));

    assert.deepEqual(await settingsOf(acct.name, 'db-backup'), settings, 'settings unchanged');
    assert.deepEqual(
      await counts(),
      // The first ping of the new check records new → up (issue 17 item 20), silently.
      { ...before, pings: before.pings + 2, flips: before.flips + 1 },
      'two pings and the new → up flip, no row else',
    );
    const check = await getCheck(acct.name, 'db-backup');
    assert.equal(check.status, 'up');
    assert.equal(check.last_ping_at.toISOString(), at(200).toISOString());
    // The check's own schedule: 3600 s + 300 s grace, not a year.
    assert.equal(check.next_deadline.toISOString(), at(200 + 3600 + 300).toISOString());
    assert.deepEqual(
      (await pingsOf(check.id)).map((p) => [p.kind, p.method, p.created_at.toISOString()]),
      [
        ['success', 'GET', at(100).toISOString()],
        ['success', 'POST', at(200).toISOString()],
      ],
    );
  });

  test('a cron check keeps its cron schedule; a paused manual_resume check stays paused', async () => {
    now = T0; // 2024-05-06T07:08:09Z
    const acct = await apiAccount();
    await apiCheck(acct.apiKey, { name: 'nightly', schedule: '0 3 * * *', tz: 'UTC', grace: 600 });
    const uuid = await apiCheck(acct.apiKey, {
      name: 'manual',
      timeout: 60,
      grace: 60,
      manual_resume: true,
    });
    const paused = await request(app)
      .post(`/api/v3/checks/${uuid}/pause`)
      .set('X-Api-Key', acct.apiKey);
    assert.equal(paused.status, 200, paused.text);
    const nightly = await settingsOf(acct.name, 'nightly');
    const manual = await settingsOf(acct.name, 'manual');

    assertCreated(await checkin(attack(acct.name, 'nightly')));
    assertCreated(await checkin(attack(acct.name, 'manual')));

    assert.deepEqual(await settingsOf(acct.name, 'nightly'), nightly);
    const cron = await getCheck(acct.name, 'nightly');
    assert.equal(cron.kind, 'cron');
    assert.equal(cron.next_deadline.toISOString(), '2024-05-07T03:10:00.000Z');
    assert.deepEqual(await settingsOf(acct.name, 'manual'), manual);
    const still = await getCheck(acct.name, 'manual');
    assert.equal(still.status, 'paused', 'the one ping rule: manual_resume keeps it paused');
    assert.equal((await pingsOf(still.id)).length, 1, 'the ping is recorded');
  });

  test('a down check made by the API recovers like any ping: one flip, alerts, settings kept', async () => {
    now = T0;
    const acct = await apiAccount();
    await apiCheck(acct.apiKey, { name: 'down-one', timeout: 60, grace: 60 });
    await db.pool.query(
      `UPDATE checks SET status = 'down', next_deadline = NULL, email = 'owner@acme.io'
        WHERE name = 'down-one'`,
    );
    const settings = await settingsOf(acct.name, 'down-one');
    const before = await counts();
    now = at(10);
    assertCreated(await checkin(attack(acct.name, 'down-one')));
    assert.deepEqual(await settingsOf(acct.name, 'down-one'), settings);
    const after = await counts();
    assert.equal(after.flips, before.flips + 1);
    assert.equal(after.pings, before.pings + 1);
    const { rows } = await db.pool.query<{ to_status: string }>(
      `SELECT f.to_status FROM flips f JOIN checks c ON c.id = f.check_id WHERE c.name = 'down-one'`,
    );
    assert.deepEqual(rows, [{ to_status: 'up' }]);
    // The recovery goes to the owner's address, not the attacker's.
    const mails = await db.pool.query<{ payload: unknown }>(
      `SELECT n.payload FROM notifications n JOIN flips f ON f.id = n.flip_id
         JOIN checks c ON c.id = f.check_id WHERE c.name = 'down-one'`,
    );
    assert.ok(mails.rows.length >= 1);
    assert.doesNotMatch(JSON.stringify(mails.rows), /attacker/);
  });

  test('checks made by the CLI and by a slug ping with ?create=1 are only pinged too', async () => {
    now = T0;
    const acct = await apiAccount();
    const { rows } = await db.pool.query<{ id: number }>(
      `SELECT id FROM accounts WHERE name = $1`,
      [acct.name],
    );
    await insertCheck(db.pool, {
      accountId: rows[0]!.id,
      name: 'from-cli',
      slug: null,
      email: 'owner@acme.io',
      kind: 'simple',
      period: 600,
      cron: null,
      tz: 'UTC',
      grace: 60,
      now: T0,
    });
    const slugged = await request(app).get(`/ping/${acct.pingKey}/from-slug?create=1`);
    assert.equal(slugged.status, 201, slugged.text);
    for (const name of ['from-cli', 'from-slug']) {
      const settings = await settingsOf(acct.name, name);
      assert.equal(settings.gocron_origin, false, name);
      const pings = (await pingsOf((await getCheck(acct.name, name)).id)).length;
      assertCreated(await checkin(attack(acct.name, name)));
      assert.deepEqual(await settingsOf(acct.name, name), settings, name);
      assert.equal((await pingsOf((await getCheck(acct.name, name)).id)).length, pings + 1, name);
    }
  });

  test('checks made by check-ins and by import-gocron are still upserted', async () => {
    now = T0;
    const p = valid({ email: 'a@example.com', frequency: '60' });
    assertCreated(await checkin(p));
    assert.equal((await settingsOf(p.account!, p.cronname!)).gocron_origin, true);
    assertCreated(await checkin({ ...p, email: 'b@example.com', frequency: '120' }));
    const upserted = await settingsOf(p.account!, p.cronname!);
    assert.equal(upserted.email, 'b@example.com');
    assert.equal(upserted.period, 120);

    const account = unique('imported');
    await transaction(db.pool, (client) =>
      importCheck(
        client,
        {
          account,
          name: 'old-job',
          email: 'old@example.com',
          period: 3600,
          grace: 360,
          site: false,
          address: null,
          lastPingAt: T0,
          down: false,
          deadline: at(3960),
        },
        T0,
      ),
    );
    assert.equal((await settingsOf(account, 'old-job')).gocron_origin, true);
    assertCreated(
      await checkin({ cronname: 'old-job', account, email: 'new@example.com', frequency: '7200' }),
    );
    const imported = await settingsOf(account, 'old-job');
    assert.equal(imported.email, 'new@example.com');
    assert.equal(imported.period, 7200);
  });

  test('a paused manual_resume check made by check-ins stays paused: settings stored, ping recorded, no flip', async () => {
    now = T0;
    const p = valid({ email: 'a@example.com', frequency: '60' });
    assertCreated(await checkin(p));
    const made = await getCheck(p.account!, p.cronname!);
    await db.pool.query(
      `UPDATE checks SET status = 'paused', manual_resume = true, next_deadline = NULL WHERE id = $1`,
      [made.id],
    );
    const flips = async () =>
      (await db.pool.query(`SELECT count(*)::int AS n FROM flips WHERE check_id = $1`, [made.id]))
        .rows[0].n;
    const before = await flips();
    now = at(100);
    assertCreated(await checkin({ ...p, email: 'b@example.com', frequency: '120' }));
    const after = await getCheck(p.account!, p.cronname!);
    assert.equal(after.status, 'paused', 'the one ping rule: manual_resume keeps it paused');
    assert.equal(after.next_deadline, null, 'nothing expected while paused');
    assert.equal((await settingsOf(p.account!, p.cronname!)).period, 120, 'settings upserted');
    assert.equal((await pingsOf(made.id)).length, 2, 'the ping is recorded');
    assert.equal(await flips(), before, 'no flip');
  });

  /** An account in `mode` with one check made by a check-in (before the mode was set). */
  async function accountIn(mode: GocronMode) {
    now = T0;
    const p = valid({ email: 'owner@example.com', frequency: '60' });
    assertCreated(await checkin(p));
    const stored = await setGocronMode(
      db.pool,
      p.account!,
      mode,
      randomBytes(16).toString('base64url'),
    );
    assert.ok(stored);
    return { p, pingKey: stored.pingKey };
  }

  test('key mode: no key is 401, a wrong key 403, with a one-line reason and nothing written', async () => {
    const { p, pingKey } = await accountIn('key');
    assert.ok(pingKey, 'key mode gives the account a ping key');
    const other = await apiAccount();
    const settings = await settingsOf(p.account!, p.cronname!);
    const changed = { ...p, email: 'attacker@evil.example', frequency: '31536000' };
    await assertRejected(() => checkin(changed), 'requires its ping key', 401);
    await assertRejected(
      () => postJson({ ...changed, frequency: 60 }),
      'requires its ping key',
      401,
    );
    await assertRejected(() => checkin({ ...changed, key: '' }), 'requires its ping key', 401);
    for (const key of [
      'wrong',
      pingKey.slice(0, -1),
      pingKey + 'x',
      pingKey.toUpperCase(),
      other.pingKey,
    ]) {
      await assertRejected(() => checkin({ ...changed, key }), 'key is not the ping key', 403);
      await assertRejected(
        () => postJson({ ...changed, frequency: 60, key }),
        'key is not the ping key',
        403,
      );
    }
    // A new job of the account is not created without the key either.
    await assertRejected(() => checkin({ ...changed, cronname: unique('new') }), 'ping key', 401);
    await assertRejected(
      () => postJson({ ...changed, frequency: 60, key: 42 }),
      'key must be a string',
    );
    assert.deepEqual(await settingsOf(p.account!, p.cronname!), settings);
  });

  test('key mode: the right key, as &key= or in the JSON body, checks in and upserts', async () => {
    const { p, pingKey } = await accountIn('key');
    now = at(10);
    assertCreated(await checkin({ ...p, email: 'get@example.com', key: pingKey! }));
    assert.equal((await settingsOf(p.account!, p.cronname!)).email, 'get@example.com');
    now = at(20);
    assertCreated(await postJson({ ...p, frequency: 90, email: 'post@example.com', Key: pingKey }));
    const s = await settingsOf(p.account!, p.cronname!);
    assert.equal(s.email, 'post@example.com');
    assert.equal(s.period, 90);
    // A new job of the account, with the key: created.
    const name = unique('new');
    assertCreated(await checkin({ ...p, cronname: name, key: pingKey! }));
    assert.equal((await settingsOf(p.account!, name)).gocron_origin, true);
    assert.equal((await pingsOf((await getCheck(p.account!, p.cronname!)).id)).length, 3);
  });

  test('off mode: every check-in is 403 and writes nothing; uuid pings of the account still work', async () => {
    const { p, pingKey } = await accountIn('off');
    assert.equal(pingKey, null, 'off mode makes no ping key');
    await assertRejected(() => checkin(p), 'gocron check-ins are turned off', 403);
    await assertRejected(() => postJson({ ...p, frequency: 60 }), 'turned off', 403);
    await assertRejected(() => checkin({ ...p, cronname: unique('new') }), 'turned off', 403);
    const { rows } = await db.pool.query<{ uuid: string }>(
      `SELECT c.uuid FROM checks c JOIN accounts a ON a.id = c.account_id WHERE a.name = $1`,
      [p.account],
    );
    const ping = await request(app).get(`/ping/${rows[0]!.uuid}`);
    assert.equal(ping.status, 200);
    // Back to open: check-ins work again.
    await setGocronMode(db.pool, p.account!, 'open', 'unused');
    assertCreated(await checkin(p));
  });

  test('GOCRON_CREATE_ACCOUNTS=false: an unknown account is 404 and nothing is written', async () => {
    now = T0;
    const closed = createApp(
      frontDeps(db.pool, { env: { GOCRON_CREATE_ACCOUNTS: 'false' }, clock: () => now }),
    );
    const p = valid();
    await assertRejected(() => checkin(p, closed), `no account "${p.account}"`, 404);
    await assertRejected(() => postJson({ ...p, frequency: 60 }, closed), 'no account', 404);
    assert.equal(
      (await db.pool.query(`SELECT 1 FROM accounts WHERE name = $1`, [p.account])).rowCount,
      0,
    );
    // An existing account still gets new jobs by check-in.
    const acct = await apiAccount();
    assertCreated(await checkin({ ...p, account: acct.name }, closed));
    assert.equal((await settingsOf(acct.name, p.cronname!)).gocron_origin, true);
  });

  test('the key of a check-in is not written to the request log', () => {
    assert.equal(
      redactUrl('/?cronname=a&key=s3cr%2Bet&account=b'),
      '/?cronname=a&key=[redacted]&account=b',
    );
    assert.equal(redactUrl('/?key=s3cret'), '/?key=[redacted]');
    assert.equal(redactUrl('/?monkey=banana'), '/?monkey=banana');
  });
});

describe('issue 17 item 18: names near the header limit, through the real server', () => {
  async function served<T>(fn: (port: number) => Promise<T>): Promise<T> {
    const deps = frontDeps(db.pool, { env: { PORT: '0', HOST: '127.0.0.1' } });
    const server = await listen(createApp(deps), deps.config, deps.logger);
    try {
      return await fn(server.port);
    } finally {
      await server.close();
    }
  }
  const get = (port: number, path: string) =>
    rawRequest({ host: '127.0.0.1', port, path }, (req) => req.end());

  test('a URL just under the limit reaches the check-in (400 naming cronname); just over is 431 with a reason', async () => {
    const before = await counts();
    const p = valid();
    const pathFor = (length: number) => {
      const rest = qs(without(p, 'cronname')).slice(2);
      const path = `/?${rest}&cronname=`;
      return path + 'n'.repeat(length - path.length);
    };
    await served(async (port) => {
      const under = await get(port, pathFor(MAX_HEADER_BYTES - 300));
      assert.ok('status' in under, JSON.stringify(under));
      assert.equal(under.status, 400);
      assert.match(under.text, /^cronname must be 1-200 characters long \(got \d+\)\n$/);

      for (const length of [MAX_HEADER_BYTES + 1, 100 * 1024, 1024 * 1024]) {
        const over = await get(port, pathFor(length));
        assert.deepEqual(
          over,
          {
            status: 431,
            text: `request line and headers are larger than ${MAX_HEADER_BYTES} bytes\n`,
          },
          `URL of ${length} bytes`,
        );
      }
      // The same rule for every route, and the server goes on answering.
      const ping = await get(port, `/ping/${'p'.repeat(MAX_HEADER_BYTES)}`);
      assert.deepEqual(ping, {
        status: 431,
        text: `request line and headers are larger than ${MAX_HEADER_BYTES} bytes\n`,
      });
      const health = await get(port, '/healthcheck');
      assert.ok('status' in health && health.status === 200, JSON.stringify(health));
    });
    assert.deepEqual(await counts(), before);
  });

  test('a malformed request gets 400 with a reason, not an empty answer', async () => {
    await served(async (port) => {
      const text = await new Promise<string>((resolve, reject) => {
        const socket = net.connect(port, '127.0.0.1', () => socket.end('GARBAGE\r\n\r\n'));
        let data = '';
        socket.setEncoding('utf8');
        socket.on('data', (chunk: string) => (data += chunk));
        socket.on('end', () => resolve(data));
        socket.on('error', reject);
      });
      assert.match(text, /^HTTP\/1\.1 400 Bad Request\r\n/);
      assert.match(text, /Content-Type: text\/plain; charset=utf-8\r\n/);
      assert.match(text, /\r\n\r\nmalformed HTTP request\n$/);
    });
  });
});
