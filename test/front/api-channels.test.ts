// cronwatch's channel endpoints under /api/v3/channels/: create, get, update, delete and
// test of email / Slack / webhook channels; every endpoint × every kind of key; validation
// with "no row changed" after every refused request; a test send through real receivers;
// and a channel made by the API receiving a real down alert of a check it is assigned to.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import request from 'supertest';
import { dispatchOnce } from '../../src/back/dispatch.js';
import { sweepOnce } from '../../src/back/sweep.js';
import { createApp } from '../../src/front/app.js';
import { newAccount, newKey } from '../helpers/api.js';
import { frontDeps } from '../helpers/app.js';
import { backDeps } from '../helpers/back.js';
import { testDatabase } from '../helpers/db.js';
import { startHttpReceiver, startSmtp } from '../helpers/receivers.js';

const db = await testDatabase();
const smtp = await startSmtp();
const hook = await startHttpReceiver();
const env = {
  BODY_LIMIT_BYTES: '4096',
  SMTP_URL: smtp.url,
  DISPATCH_TIMEOUT_SECONDS: '1',
  // The webhook receivers are on loopback, which the outbound policy refuses unless allowed.
  OUTBOUND_ALLOW_PRIVATE: '1',
};
const app = createApp(frontDeps(db.pool, { env }));

const A = await newAccount(db.pool, 'ch');
const B = await newAccount(db.pool, 'ch');
const keys = {
  rw: await newKey(db.pool, A, 'write'),
  ro: await newKey(db.pool, A, 'read'),
  other: await newKey(db.pool, B, 'write'),
};

type Json = Record<string, unknown>;

function call(method: 'get' | 'post' | 'delete', path: string, key?: string, body?: unknown) {
  const r = request(app)[method](path);
  if (key) r.set('X-Api-Key', key);
  return body === undefined ? r : r.send(body as object);
}

async function create(body: Json): Promise<Json & { id: string }> {
  const res = await call('post', '/api/v3/channels/', keys.rw, body);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body as Json & { id: string };
}

/** Every row a channel write could touch. */
async function snapshot(): Promise<string> {
  const channels = await db.pool.query(`SELECT * FROM channels ORDER BY id`);
  const links = await db.pool.query(`SELECT * FROM check_channels ORDER BY check_id, channel_id`);
  return JSON.stringify([channels.rows, links.rows]);
}

async function stored(uuid: string) {
  const { rows } = await db.pool.query(
    `SELECT account_id, kind, name, config FROM channels WHERE uuid = $1`,
    [uuid],
  );
  return rows[0] as { account_id: number; kind: string; name: string; config: Json } | undefined;
}

describe('create and read', () => {
  test('email, slack and webhook channels: 201 and the channel, secrets never shown', async () => {
    const mail = await create({ kind: 'email', name: 'ops mail', to: 'a@b.io, c@d.io' });
    assert.deepEqual(Object.keys(mail).sort(), ['id', 'kind', 'name', 'to']);
    assert.match(mail.id, /^[0-9a-f-]{36}$/);
    assert.equal(mail.to, 'a@b.io,c@d.io');
    assert.deepEqual(await stored(mail.id), {
      account_id: A,
      kind: 'email',
      name: 'ops mail',
      config: { to: 'a@b.io,c@d.io' },
    });

    const url = 'https://hooks.slack.com/services/T000/B000/XXXXSECRET';
    const slack = await create({ kind: 'slack', url, channel: '#ops' });
    assert.deepEqual(slack, {
      id: slack.id,
      name: '#ops',
      kind: 'slack',
      url: 'https://hooks.slack.com/…',
      channel: '#ops',
    });
    assert.ok(!JSON.stringify(slack).includes('SECRET'));
    assert.deepEqual((await stored(slack.id))?.config, { url, channel: '#ops' });

    const wh = await create({
      kind: 'webhook',
      name: 'hook',
      url: 'http://192.0.2.1/x',
      secret: 's3cr3t',
    });
    assert.deepEqual(wh, {
      id: wh.id,
      name: 'hook',
      kind: 'webhook',
      url: 'http://192.0.2.1/x',
      secret: true,
    });
    assert.deepEqual((await stored(wh.id))?.config, {
      url: 'http://192.0.2.1/x',
      secret: 's3cr3t',
    });
    const plain = await create({ kind: 'webhook', url: 'https://example.com/hook' });
    assert.equal(plain.secret, false);
    assert.equal(plain.name, 'webhook example.com');

    // GET one: the same shape; GET the list: healthchecks' documented fields only.
    const one = await call('get', `/api/v3/channels/${wh.id}`, keys.rw);
    assert.equal(one.status, 200);
    assert.deepEqual(one.body, wh);
    const list = await call('get', '/api/v3/channels/', keys.rw);
    assert.equal(list.status, 200);
    const listed = (list.body.channels as Json[]).filter((c) =>
      [mail.id, slack.id, wh.id].includes(c.id as string),
    );
    assert.deepEqual(listed, [
      { id: mail.id, name: 'ops mail', kind: 'email' },
      { id: slack.id, name: '#ops', kind: 'slack' },
      { id: wh.id, name: 'hook', kind: 'webhook' },
    ]);
    assert.ok(!JSON.stringify(list.body).includes('s3cr3t'));
  });

  test('api_key in the body works as for checks', async () => {
    const res = await call('post', '/api/v3/channels/', undefined, {
      api_key: keys.rw,
      kind: 'email',
      to: 'x@y.io',
    });
    assert.equal(res.status, 201);
  });
});

describe('keys: every channel endpoint × read-write, read-only, none, another account', () => {
  test('only the account’s read-write key reads or writes its channels', async () => {
    const target = await create({ kind: 'webhook', name: 'auth-target', url: hook.url });
    const id = target.id;
    const endpoints: ['get' | 'post' | 'delete', string, unknown][] = [
      ['get', '/api/v3/channels/', undefined],
      ['post', '/api/v3/channels/', { kind: 'email', to: 'n@e.io' }],
      ['get', `/api/v3/channels/${id}`, undefined],
      ['post', `/api/v3/channels/${id}`, { name: 'changed' }],
      ['post', `/api/v3/channels/${id}/test`, undefined],
      ['delete', `/api/v3/channels/${id}`, undefined],
    ];
    for (const [method, path, body] of endpoints) {
      for (const [key, status] of [
        [keys.ro, 401],
        [undefined, 401],
        ['not-a-key', 401],
      ] as const) {
        const before = await snapshot();
        const res = await call(method, path, key, body);
        assert.equal(res.status, status, `${method} ${path} key ${String(key)}`);
        assert.ok(res.body.error);
        assert.equal(await snapshot(), before);
      }
    }
    // Another account's key: its own list (without A's channels), A's channel is a 404.
    const list = await call('get', '/api/v3/channels/', keys.other);
    assert.equal(list.status, 200);
    assert.ok(!JSON.stringify(list.body).includes(id));
    const sent = hook.requests.length;
    for (const [method, path, body] of endpoints.slice(2)) {
      const before = await snapshot();
      const res = await call(method, path, keys.other, body);
      assert.equal(res.status, 404, `${method} ${path} other account`);
      assert.equal(await snapshot(), before);
    }
    assert.equal(hook.requests.length, sent, 'no test was sent for another account');
    // Unknown and malformed ids are 404 too.
    for (const path of [
      '/api/v3/channels/00000000-0000-0000-0000-000000000000',
      '/api/v3/channels/auth-target',
    ]) {
      assert.equal((await call('get', path, keys.rw)).status, 404);
      assert.equal((await call('post', path, keys.rw, { name: 'x' })).status, 404);
      assert.equal((await call('delete', path, keys.rw)).status, 404);
    }
    // The read-write key of A does all of them.
    for (const [method, path, body] of endpoints) {
      const res = await call(method, path, keys.rw, body);
      assert.ok([200, 201].includes(res.status), `${method} ${path}: ${res.status}`);
    }
  });

  test('a wrong method is 405 with Allow', async () => {
    const res = await call('delete', '/api/v3/channels/', keys.rw);
    assert.equal(res.status, 405);
    assert.equal(res.headers.allow, 'GET, HEAD, POST');
  });
});

describe('validation: 400 naming the field, nothing written', () => {
  test('bad create bodies', async () => {
    const cases: [unknown, RegExp][] = [
      [{}, /^kind is required/],
      [
        { kind: 'sms', to: 'a@b.io' },
        /^kind must be email, slack, webhook, discord, .* or shell \(got "sms"\)$/,
      ],
      [{ kind: 5 }, /^kind must be a string/],
      [{ kind: 'email' }, /^to is required/],
      [{ kind: 'email', to: 'not-an-address' }, /^to has an invalid address/],
      [{ kind: 'email', to: 'a@b.io,' }, /^to has an empty address/],
      [{ kind: 'email', to: 'a@b.io\n' }, /^to must not contain control/],
      [{ kind: 'email', to: ['a@b.io'] }, /^to must be a string/],
      [{ kind: 'email', to: 'a@b.io', url: 'https://x.io' }, /^url is not a field of email/],
      [{ kind: 'slack' }, /^url is required/],
      [{ kind: 'slack', url: 'http://hooks.slack.com/x' }, /^url must be an https URL/],
      [{ kind: 'slack', url: 'https://h.io/x', channel: '#a b' }, /^channel must not/],
      [{ kind: 'slack', url: 'https://h.io/x', secret: 'x' }, /^secret is not a field of slack/],
      [{ kind: 'webhook', url: 'ftp://x.io/' }, /^url must be an http or https URL/],
      [{ kind: 'webhook', url: 'not a url' }, /^url must not contain spaces/],
      [{ kind: 'webhook', url: 'nope' }, /^url is not a URL/],
      [{ kind: 'webhook', url: 'https://x.io/', to: 'a@b.io' }, /^to is not a field of webhook/],
      [{ kind: 'webhook', url: 'https://x.io/', secret: 'x'.repeat(501) }, /^secret /],
      [{ kind: 'webhook', url: 'https://x.io/', name: '' }, /^name /],
      [{ kind: 'webhook', url: 'https://x.io/', name: 'x'.repeat(201) }, /^name /],
      [{ kind: 'webhook', url: 'https://x.io/', name: 'a\u0007b' }, /^name /],
      [{ kind: 'webhook', url: 'https://x.io/', colour: 'red' }, /unknown field\(s\): colour/],
      [{ kind: 'webhook', url: 'https://x.io/', api_key: 7 }, /./],
      [[1, 2], /JSON object/],
    ];
    for (const [body, error] of cases) {
      const before = await snapshot();
      const res = await call('post', '/api/v3/channels/', keys.rw, body);
      // api_key: 7 is not a key at all (the header one is used): still a 400.
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.match(res.body.error, error, JSON.stringify(body));
      assert.equal(await snapshot(), before, JSON.stringify(body));
    }
  });

  test('malformed JSON is 400, an oversized body 413, neither writes', async () => {
    const c = await create({ kind: 'email', to: 'm@e.io' });
    const before = await snapshot();
    for (const path of ['/api/v3/channels/', `/api/v3/channels/${c.id}`]) {
      const res = await request(app)
        .post(path)
        .set('X-Api-Key', keys.rw)
        .set('Content-Type', 'application/json')
        .send('{"kind": "email",');
      assert.equal(res.status, 400, path);
      const big = await call('post', path, keys.rw, {
        kind: 'email',
        to: 'a@b.io',
        name: 'x'.repeat(5000),
      });
      assert.equal(big.status, 413, path);
    }
    assert.equal(await snapshot(), before);
  });
});

describe('update and delete', () => {
  test('update changes only the fields given', async () => {
    const c = await create({ kind: 'webhook', name: 'upd', url: 'https://a.io/', secret: 'k1' });
    const renamed = await call('post', `/api/v3/channels/${c.id}`, keys.rw, { name: 'upd2' });
    assert.equal(renamed.status, 200);
    assert.deepEqual(renamed.body, { ...c, name: 'upd2' });
    assert.deepEqual((await stored(c.id))?.config, { url: 'https://a.io/', secret: 'k1' });

    const moved = await call('post', `/api/v3/channels/${c.id}`, keys.rw, {
      url: 'https://b.io/',
      kind: 'webhook',
    });
    assert.equal(moved.status, 200);
    assert.equal(moved.body.url, 'https://b.io/');
    assert.equal(moved.body.secret, true);
    const cleared = await call('post', `/api/v3/channels/${c.id}`, keys.rw, { secret: '' });
    assert.equal(cleared.body.secret, false);
    assert.deepEqual(await stored(c.id), {
      account_id: A,
      kind: 'webhook',
      name: 'upd2',
      config: { url: 'https://b.io/' },
    });
    const empty = await call('post', `/api/v3/channels/${c.id}`, keys.rw);
    assert.equal(empty.status, 200);

    const before = await snapshot();
    for (const [body, error] of [
      [{ kind: 'email' }, /^kind cannot be changed/],
      [{ to: 'a@b.io' }, /^to is not a field of webhook/],
      [{ url: 'ftp://x/' }, /^url /],
      [{ name: '' }, /^name /],
      [{ bogus: 1 }, /unknown field/],
    ] as const) {
      const res = await call('post', `/api/v3/channels/${c.id}`, keys.rw, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.match(res.body.error, error);
    }
    assert.equal(await snapshot(), before);

    const mail = await create({ kind: 'email', to: 'a@b.io' });
    const to = await call('post', `/api/v3/channels/${mail.id}`, keys.rw, { to: 'c@d.io,e@f.io' });
    assert.equal(to.body.to, 'c@d.io,e@f.io');
    const slack = await create({ kind: 'slack', url: 'https://h.io/1', channel: '#a' });
    const noChannel = await call('post', `/api/v3/channels/${slack.id}`, keys.rw, { channel: '' });
    assert.equal(noChannel.body.channel, null);
    assert.deepEqual((await stored(slack.id))?.config, { url: 'https://h.io/1' });
  });

  test('delete answers the channel and unlinks it from its checks', async () => {
    const c = await create({ kind: 'email', name: 'doomed', to: 'd@e.io' });
    const keep = await create({ kind: 'email', name: 'kept', to: 'k@e.io' });
    const check = await call('post', '/api/v3/checks/', keys.rw, {
      name: 'linked-check',
      channels: `${c.id},${keep.id}`,
    });
    assert.equal(check.status, 201);
    const res = await call('delete', `/api/v3/channels/${c.id}`, keys.rw);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, c);
    assert.equal(await stored(c.id), undefined);
    const after = await call('get', `/api/v3/checks/${check.body.uuid}`, keys.rw);
    assert.equal(after.body.channels, keep.id);
    assert.equal((await call('delete', `/api/v3/channels/${c.id}`, keys.rw)).status, 404);
  });
});

describe('test: a notification now, through the real transport', () => {
  test('webhook: 200 {"ok": true}, signed, event "test"; a failing receiver is a 502', async () => {
    const c = await create({ kind: 'webhook', name: 'tested', url: `${hook.url}/t`, secret: 'k' });
    const from = hook.requests.length;
    const ok = await call('post', `/api/v3/channels/${c.id}/test`, keys.rw);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.deepEqual(ok.body, { ok: true });
    const got = hook.requests.slice(from);
    assert.equal(got.length, 1);
    const r = got[0]!;
    assert.equal(r.path, '/t');
    const body = r.json as Json;
    assert.equal(body.event, 'test');
    assert.match(String(body.text), /test notification/);
    assert.match(String(body.text), /"tested"/);
    assert.equal(r.headers['x-cronwatch-notification-id'], body.id);
    assert.equal(
      r.headers['x-cronwatch-signature'],
      'sha256=' + createHmac('sha256', 'k').update(r.body).digest('hex'),
    );

    hook.respond = () => 500;
    try {
      const failed = await call('post', `/api/v3/channels/${c.id}/test`, keys.rw);
      assert.equal(failed.status, 502);
      assert.match(failed.body.error, /^webhook answered 500/);
      hook.respond = () => 'hang';
      const started = Date.now();
      const hung = await call('post', `/api/v3/channels/${c.id}/test`, keys.rw);
      assert.equal(hung.status, 502);
      assert.match(hung.body.error, /no answer within 1000 ms/);
      assert.ok(Date.now() - started < 5000);
    } finally {
      hook.respond = () => 200;
    }
    const extra = await call('post', `/api/v3/channels/${c.id}/test`, keys.rw, { to: 'x@y.io' });
    assert.equal(extra.status, 400);
  });

  test('email goes out over SMTP; Slack that does not answer is a 502', async () => {
    const mail = await create({ kind: 'email', name: 'mailtest', to: 'ops@example.com' });
    const from = smtp.mails.length;
    const ok = await call('post', `/api/v3/channels/${mail.id}/test`, keys.rw);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    const mails = smtp.mails.slice(from);
    assert.equal(mails.length, 1);
    assert.deepEqual(mails[0]!.to, ['ops@example.com']);
    assert.match(mails[0]!.subject, /test notification for mailtest/);

    smtp.refuse = () => 550;
    try {
      const refused = await call('post', `/api/v3/channels/${mail.id}/test`, keys.rw);
      assert.equal(refused.status, 502);
      assert.match(refused.body.error, /^SMTP: /);
    } finally {
      smtp.refuse = undefined;
    }

    const slack = await create({ kind: 'slack', url: 'https://127.0.0.1:1/hook' });
    const res = await call('post', `/api/v3/channels/${slack.id}/test`, keys.rw);
    assert.equal(res.status, 502);
    assert.match(res.body.error, /^Slack/);
  });
});

describe('a channel made by the API gets the down alert of a check it is assigned to', () => {
  test('create webhook channel → assign to a check → miss → sweep → dispatch → received', async () => {
    const c = await create({
      kind: 'webhook',
      name: 'alerts',
      url: `${hook.url}/alerts`,
      secret: 'z',
    });
    const check = await call('post', '/api/v3/checks/', keys.rw, {
      name: 'nightly',
      timeout: 60,
      grace: 60,
      channels: c.id,
    });
    assert.equal(check.status, 201, JSON.stringify(check.body));
    assert.equal(check.body.channels, c.id);
    const uuid = check.body.uuid as string;
    assert.equal((await request(app).get(`/ping/${uuid}`)).status, 200);
    const now = new Date();
    await db.pool.query(`UPDATE checks SET next_deadline = $2 WHERE uuid = $1`, [
      uuid,
      new Date(now.getTime() - 1000),
    ]);
    const deps = backDeps(db.pool, env);
    const swept = await sweepOnce(deps, now);
    assert.equal(swept.down, 1);
    const from = hook.requests.length;
    const sent = await dispatchOnce(deps, now);
    assert.equal(sent.sent, 1, JSON.stringify(sent));
    const got = hook.requests.slice(from).filter((r) => r.path === '/alerts');
    assert.equal(got.length, 1);
    const body = got[0]!.json as Json;
    assert.equal(body.event, 'down');
    assert.equal((body.check as Json).uuid, uuid);
    assert.match(String(body.subject), /^nightly: .* failed to check in$/);
    assert.equal(
      got[0]!.headers['x-cronwatch-signature'],
      'sha256=' + createHmac('sha256', 'z').update(got[0]!.body).digest('hex'),
    );
  });
});
