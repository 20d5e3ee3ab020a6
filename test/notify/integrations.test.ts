// The twelve integrations of issue 16 against real HTTP receivers on 127.0.0.1: each request
// as the provider documents it (method, path, auth header, exact body), permanent errors
// (a bad token) with the provider's own message, and each kind created and tested by the API.
import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import request from 'supertest';
import type { BackDeps } from '../../src/back/deps.js';
import { dispatchOnce } from '../../src/back/dispatch.js';
import { sweepOnce } from '../../src/back/sweep.js';
import { loadConfig } from '../../src/config.js';
import type { AlertEvent } from '../../src/domain/alert.js';
import { createApp } from '../../src/front/app.js';
import { DeliveryError, type Delivery } from '../../src/notify/transport.js';
import { createTransports } from '../../src/notify/transports.js';
import { newAccount, newKey } from '../helpers/api.js';
import { frontDeps } from '../helpers/app.js';
import { backDeps } from '../helpers/back.js';
import { testDatabase } from '../helpers/db.js';
import { startHttpReceiver, type Received } from '../helpers/receivers.js';

const hook = await startHttpReceiver();
const config = loadConfig(
  { LOG_LEVEL: 'silent', OUTBOUND_ALLOW_PRIVATE: '1', SHELL_CHANNELS: '1', PATH: '/usr/bin:/bin' },
  false,
);
const transports = createTransports(config);
after(() => Object.values(transports).forEach((t) => t.close?.()));

const UUID = '00000000-0000-4000-8000-000000000007';
const down: AlertEvent = {
  kind: 'down',
  check: { id: 7, uuid: UUID, name: 'backup', account: 'acme' },
  flipId: 3,
  at: '2026-06-01T00:00:00.000Z',
  lastPingAt: '2026-05-31T23:00:00.000Z',
  expectedAt: '2026-06-01T00:00:00.000Z',
  exitStatus: 2,
};
const up: AlertEvent = { ...down, kind: 'up', flipId: 4 };
const text = {
  subject: 'backup: acme failed',
  body: 'The cronjob backup for account acme reported a failure (exit status 2)',
  url: 'https://cron.example.com/dashboard/checks/' + UUID,
};
const base = (p: string) => `${hook.url}/${p}`;

function delivery(kind: string, target: Record<string, unknown>, event = down): Delivery {
  return { id: `n-${kind}-${event.kind}`, target, event, text };
}

/** Sends through the real transport and returns what the receiver got. */
async function sent(
  kind: string,
  target: Record<string, unknown>,
  event = down,
): Promise<Received[]> {
  const from = hook.requests.length;
  await transports[kind as keyof typeof transports].send(delivery(kind, target, event), 2000);
  return hook.requests.slice(from);
}

function one(got: Received[]): Received {
  assert.equal(got.length, 1, 'one request');
  return got[0]!;
}

const plain = `${text.subject}\n\n${text.body}`;

describe('each request is the one the provider documents', () => {
  test('Discord: POST to the webhook URL, {content}, mentions disabled', async () => {
    const r = one(await sent('discord', { url: base('api/webhooks/1/tok') }));
    assert.equal(r.method, 'POST');
    assert.equal(r.path, '/api/webhooks/1/tok');
    assert.equal(r.headers['content-type'], 'application/json');
    assert.deepEqual(r.json, {
      content: plain,
      username: 'cronwatch',
      allowed_mentions: { parse: [] },
    });
  });

  test('Discord: content cut to its 2000-character limit', async () => {
    const long = { ...text, body: 'x'.repeat(5000) };
    const from = hook.requests.length;
    await transports.discord.send(
      { id: 'l', target: { url: base('d') }, event: down, text: long },
      2000,
    );
    const content = (hook.requests[from]!.json as { content: string }).content;
    assert.equal(Array.from(content).length, 2000);
    assert.ok(content.endsWith('…'));
  });

  test('Teams (workflow webhook): a message with one Adaptive Card attachment', async () => {
    const r = one(await sent('teams', { url: base('workflows/abc') }));
    assert.equal(r.path, '/workflows/abc');
    assert.deepEqual(r.json, {
      type: 'message',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          contentUrl: null,
          content: {
            $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
            type: 'AdaptiveCard',
            version: '1.4',
            body: [
              {
                type: 'TextBlock',
                text: text.subject,
                weight: 'Bolder',
                size: 'Medium',
                wrap: true,
              },
              { type: 'TextBlock', text: text.body, wrap: true },
            ],
            actions: [{ type: 'Action.OpenUrl', title: 'Open in cronwatch', url: text.url }],
          },
        },
      ],
    });
  });

  test('Telegram: POST /bot<token>/sendMessage {chat_id, text}', async () => {
    const token = '123456:ABCdefGhIJKlmnoPQRstuVWxyz012345';
    const r = one(await sent('telegram', { token, chat_id: '-1001234', base_url: base('tg') }));
    assert.equal(r.method, 'POST');
    assert.equal(r.path, `/tg/bot${token}/sendMessage`);
    assert.deepEqual(r.json, {
      chat_id: '-1001234',
      text: plain,
      link_preview_options: { is_disabled: true },
    });
  });

  test('ntfy: JSON publish to the root URL with the topic, Bearer token', async () => {
    const r = one(
      await sent('ntfy', { topic: 'ops-alerts', token: 'tk_abc', base_url: base('ntfy') }),
    );
    assert.equal(r.path, '/ntfy/');
    assert.equal(r.headers.authorization, 'Bearer tk_abc');
    assert.deepEqual(r.json, {
      topic: 'ops-alerts',
      title: text.subject,
      message: text.body,
      priority: 5,
      tags: ['rotating_light'],
      click: text.url,
    });
    const again = one(await sent('ntfy', { topic: 'ops-alerts', base_url: base('ntfy') }, up));
    assert.equal(again.headers.authorization, undefined);
    assert.equal((again.json as { priority: number }).priority, 3);
  });

  test('PagerDuty Events v2: trigger, then resolve with the same dedup_key', async () => {
    const routing_key = 'R'.repeat(32);
    const target = { routing_key, base_url: base('pd') };
    const t = one(await sent('pagerduty', target));
    assert.equal(t.path, '/pd/v2/enqueue');
    assert.deepEqual(t.json, {
      routing_key,
      event_action: 'trigger',
      dedup_key: UUID,
      payload: {
        summary: text.subject,
        source: 'cronwatch/acme',
        severity: 'critical',
        timestamp: down.at,
        component: 'backup',
        custom_details: { text: text.body },
      },
      client: 'cronwatch',
      client_url: text.url,
      links: [{ href: text.url, text: 'backup' }],
    });
    const r = one(await sent('pagerduty', target, up));
    assert.deepEqual(r.json, { routing_key, event_action: 'resolve', dedup_key: UUID });
  });

  test('Opsgenie: create with alias = check uuid, close by alias', async () => {
    const target = { genie_key: 'eb243592-faa2-4ba2-a551q-1afdf565c889', base_url: base('og') };
    const c = one(await sent('opsgenie', target));
    assert.equal(c.path, '/og/v2/alerts');
    assert.equal(c.headers.authorization, `GenieKey ${target.genie_key}`);
    assert.deepEqual(c.json, {
      message: text.subject,
      alias: UUID,
      description: text.body,
      source: 'cronwatch',
      tags: ['cronwatch'],
      priority: 'P1',
      entity: 'backup',
      details: { account: 'acme' },
    });
    const close = one(await sent('opsgenie', target, up));
    assert.equal(close.path, `/og/v2/alerts/${UUID}/close?identifierType=alias`);
    assert.deepEqual(close.json, { source: 'cronwatch', note: text.subject });
  });

  test('Pushover: form-encoded POST /1/messages.json', async () => {
    const token = 'a'.repeat(30);
    const user = 'u'.repeat(30);
    const r = one(await sent('pushover', { token, user, base_url: base('po') }));
    assert.equal(r.path, '/po/1/messages.json');
    assert.equal(r.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.deepEqual(Object.fromEntries(new URLSearchParams(r.body)), {
      token,
      user,
      title: text.subject,
      message: text.body,
      priority: '1',
      url: text.url,
      url_title: 'Open in cronwatch',
    });
  });

  test('Mattermost: incoming webhook {text, username, channel}', async () => {
    const r = one(await sent('mattermost', { url: base('hooks/xyz'), channel: 'ops' }));
    assert.equal(r.path, '/hooks/xyz');
    assert.deepEqual(r.json, { text: plain, username: 'cronwatch', channel: 'ops' });
  });

  test('Matrix: PUT m.room.message with the notification id as transaction id', async () => {
    const target = { base_url: base('mx'), room_id: '!room:example.org', token: 'syt_tok' };
    const r = one(await sent('matrix', target));
    assert.equal(r.method, 'PUT');
    assert.equal(
      r.path,
      `/mx/_matrix/client/v3/rooms/${encodeURIComponent('!room:example.org')}/send/m.room.message/n-matrix-down`,
    );
    assert.equal(r.headers.authorization, 'Bearer syt_tok');
    assert.deepEqual(r.json, { msgtype: 'm.text', body: plain });
  });

  test('Gotify: POST /message with X-Gotify-Key', async () => {
    const r = one(await sent('gotify', { base_url: base('gt'), token: 'AbC.123' }));
    assert.equal(r.path, '/gt/message');
    assert.equal(r.headers['x-gotify-key'], 'AbC.123');
    assert.deepEqual(r.json, {
      title: text.subject,
      message: text.body,
      priority: 8,
      extras: { 'client::notification': { click: { url: text.url } } },
    });
  });

  test('Zulip: form POST /api/v1/messages, type=stream, basic auth', async () => {
    const target = { base_url: base('zl'), bot_email: 'bot@z.io', bot_key: 'K3y', stream: 'ops' };
    const r = one(await sent('zulip', target));
    assert.equal(r.path, '/zl/api/v1/messages');
    assert.equal(
      r.headers.authorization,
      `Basic ${Buffer.from('bot@z.io:K3y').toString('base64')}`,
    );
    assert.deepEqual(Object.fromEntries(new URLSearchParams(r.body)), {
      type: 'stream',
      to: 'ops',
      topic: 'cronwatch',
      content: plain,
    });
  });

  test('shell: the command runs with the alert in its environment and nothing else', async (t) => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cronwatch-shell-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const out = path.join(dir, 'env');
    await transports.shell.send(delivery('shell', { command: `env > ${out}` }), 5000);
    const env = Object.fromEntries(
      (await readFile(out, 'utf8'))
        .trim()
        .split('\n')
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    assert.equal(env.CRONWATCH_EVENT, 'down');
    assert.equal(env.CRONWATCH_CHECK_NAME, 'backup');
    assert.equal(env.CRONWATCH_CHECK_UUID, UUID);
    assert.equal(env.CRONWATCH_EXIT_STATUS, '2');
    assert.equal(env.CRONWATCH_SUBJECT, text.subject);
    assert.equal(env.DATABASE_URL, undefined);
    const script = path.join(dir, 'fail.sh');
    await writeFile(script, '#!/bin/sh\necho "disk full" >&2\nexit 3\n');
    await chmod(script, 0o755);
    const failed = await transports.shell
      .send(delivery('shell', { command: script }), 5000)
      .catch((e: unknown) => e);
    assert.ok(failed instanceof DeliveryError);
    assert.equal(failed.message, 'shell: the command exited with 3: disk full');
    assert.equal(failed.permanent, false);
    const missing = await transports.shell
      .send(delivery('shell', { command: '/nonexistent/cmd' }), 5000)
      .catch((e: unknown) => e);
    assert.ok(missing instanceof DeliveryError && missing.permanent);
  });
});

describe('errors: a bad token is dead with the provider’s message; 429 and 5xx are retried', () => {
  const cases: [string, Record<string, unknown>, number, unknown, RegExp][] = [
    [
      'discord',
      { url: base('d') },
      401,
      { message: '401: Unauthorized', code: 0 },
      /^Discord answered 401: 401: Unauthorized$/,
    ],
    ['teams', { url: base('t') }, 400, 'Bad payload', /^Teams answered 400: Bad payload$/],
    [
      'telegram',
      { token: '1:AAAAAAAAAAAAAAAAAAAAAAAAA', chat_id: '1', base_url: base('tg') },
      401,
      { ok: false, error_code: 401, description: 'Unauthorized' },
      /^Telegram answered 401: Unauthorized$/,
    ],
    [
      'ntfy',
      { topic: 't', base_url: base('n') },
      403,
      { code: 40301, http: 403, error: 'forbidden' },
      /^ntfy answered 403: forbidden$/,
    ],
    [
      'pagerduty',
      { routing_key: 'x'.repeat(32), base_url: base('p') },
      400,
      {
        status: 'invalid event',
        message: 'Event object is invalid',
        errors: ['Length of routing_key is incorrect'],
      },
      /^PagerDuty answered 400: Event object is invalid: Length of routing_key is incorrect$/,
    ],
    [
      'opsgenie',
      { genie_key: 'bad-key-1', base_url: base('o') },
      422,
      { message: 'Key format is not valid!' },
      /^Opsgenie answered 422: Key format is not valid!$/,
    ],
    [
      'pushover',
      { token: 'a'.repeat(30), user: 'b'.repeat(30), base_url: base('po') },
      400,
      { user: 'invalid', errors: ['user identifier is invalid'], status: 0 },
      /^Pushover answered 400: user identifier is invalid$/,
    ],
    [
      'mattermost',
      { url: base('m') },
      400,
      { message: 'Unable to parse incoming data' },
      /^Mattermost answered 400: Unable to parse incoming data$/,
    ],
    [
      'matrix',
      { base_url: base('mx'), room_id: '!r:x.io', token: 't' },
      403,
      { errcode: 'M_FORBIDDEN', error: 'User not in room' },
      /^Matrix answered 403: User not in room$/,
    ],
    [
      'gotify',
      { base_url: base('g'), token: 't' },
      401,
      {
        error: 'Unauthorized',
        errorCode: 401,
        errorDescription: 'you need to provide a valid access token',
      },
      /^Gotify answered 401: you need to provide a valid access token$/,
    ],
    [
      'zulip',
      { base_url: base('z'), bot_email: 'b@z.io', bot_key: 'k', stream: 's' },
      401,
      { result: 'error', msg: 'Invalid API key', code: 'INVALID_API_KEY' },
      /^Zulip answered 401: Invalid API key$/,
    ],
  ];
  for (const [kind, target, status, body, message] of cases) {
    test(`${kind}: ${status} is permanent, 429 and 503 are not`, async () => {
      try {
        hook.respond = () => ({
          status,
          body: typeof body === 'string' ? body : JSON.stringify(body),
        });
        const err = await sent(kind, target).catch((e: unknown) => e);
        assert.ok(err instanceof DeliveryError, String(err));
        assert.match(err.message, message);
        assert.equal(err.permanent, true);
        for (const retried of [429, 503]) {
          hook.respond = () => retried;
          const e = await sent(kind, target).catch((x: unknown) => x);
          assert.ok(e instanceof DeliveryError && !e.permanent, `${kind} ${retried}`);
        }
      } finally {
        hook.respond = () => 200;
      }
    });
  }

  test('a metadata address is refused before any connection, and is permanent', async () => {
    const err = await transports.gotify
      .send(delivery('gotify', { base_url: 'http://169.254.169.254', token: 't' }), 2000)
      .catch((e: unknown) => e);
    assert.ok(err instanceof DeliveryError && err.permanent, String(err));
    assert.match(err.message, /^Gotify: 169\.254\.169\.254 is a link-local/);
  });
});

describe('created, shown and tested by the API', async () => {
  const db = await testDatabase();
  const env = { OUTBOUND_ALLOW_PRIVATE: '1', SHELL_CHANNELS: '1', DISPATCH_TIMEOUT_SECONDS: '2' };
  const app = createApp(frontDeps(db.pool, { env }));
  const key = await newKey(db.pool, await newAccount(db.pool, 'int'), 'write');
  const post = (p: string, body?: object) => request(app).post(p).set('X-Api-Key', key).send(body);

  const bodies: Record<string, Record<string, string>> = {
    discord: { url: base('api/webhooks/9/secret') },
    teams: { url: base('workflows/9') },
    telegram: {
      token: '123:ABCDEFGHIJKLMNOPQRSTUVWXYZ',
      chat_id: '@opschannel',
      base_url: base('tg'),
    },
    ntfy: { topic: 'ops', token: 'tk_1', base_url: base('ntfy') },
    pagerduty: { routing_key: 'a'.repeat(32), base_url: base('pd') },
    opsgenie: { genie_key: 'abc-123-def', base_url: base('og') },
    pushover: { token: 'a'.repeat(30), user: 'b'.repeat(30), priority: '0', base_url: base('po') },
    mattermost: { url: base('hooks/m'), channel: 'town-square' },
    matrix: { base_url: base('mx'), room_id: '!abc:matrix.org', token: 'syt_x' },
    gotify: { base_url: base('gt'), token: 'Atok' },
    zulip: {
      base_url: base('zl'),
      bot_email: 'b@z.io',
      bot_key: 'k',
      stream: 'ops',
      topic: 'cron',
    },
  };
  const paths: Record<string, RegExp> = {
    discord: /^\/api\/webhooks\/9\/secret$/,
    teams: /^\/workflows\/9$/,
    telegram: /^\/tg\/bot123:ABCDEFGHIJKLMNOPQRSTUVWXYZ\/sendMessage$/,
    ntfy: /^\/ntfy\/$/,
    pagerduty: /^\/pd\/v2\/enqueue$/,
    opsgenie: /^\/og\/v2\/alerts$/,
    pushover: /^\/po\/1\/messages\.json$/,
    mattermost: /^\/hooks\/m$/,
    matrix:
      /^\/mx\/_matrix\/client\/v3\/rooms\/!abc%3Amatrix\.org\/send\/m\.room\.message\/[0-9a-f-]{36}$/,
    gotify: /^\/gt\/message$/,
    zulip: /^\/zl\/api\/v1\/messages$/,
  };
  for (const [kind, body] of Object.entries(bodies)) {
    test(`${kind}: 201 without its credentials shown, then a test send reaches the receiver`, async () => {
      const created = await post('/api/v3/channels/', { kind, ...body });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const shown = JSON.stringify(created.body);
      for (const secret of [
        'secret',
        'tk_1',
        'syt_x',
        'Atok',
        'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
        'a'.repeat(30),
        'abc-123-def',
      ])
        assert.ok(!shown.includes(secret), `${kind} shows ${secret}: ${shown}`);
      const from = hook.requests.length;
      const tested = await post(`/api/v3/channels/${created.body.id}/test`);
      assert.equal(tested.status, 200, JSON.stringify(tested.body));
      const got = hook.requests.slice(from);
      assert.equal(got.length, 1);
      assert.match(got[0]!.path, paths[kind]!);
      assert.match(decodeURIComponent(got[0]!.body.replace(/\+/g, ' ')), /test notification/);
    });
  }

  test('each kind: a missing or malformed setting is a 400 naming the field, nothing written', async () => {
    const count = async () =>
      (await db.pool.query('SELECT count(*)::int AS n FROM channels')).rows[0].n;
    const before = await count();
    for (const [body, error] of [
      [{ kind: 'telegram', chat_id: '1' }, /^token is required for telegram channels$/],
      [{ kind: 'telegram', token: 'nope', chat_id: '1' }, /^token must be a bot token/],
      [
        { kind: 'telegram', token: '1:AAAAAAAAAAAAAAAAAAAAAAAA', chat_id: 'x y' },
        /^chat_id must be/,
      ],
      [{ kind: 'discord' }, /^url is required for discord channels$/],
      [{ kind: 'discord', url: 'ftp://x.io/' }, /^url must be an http or https URL$/],
      [{ kind: 'ntfy', topic: 'a b' }, /^topic must be a topic name$/],
      [{ kind: 'pagerduty', routing_key: 'short' }, /^routing_key must be the 32-character/],
      [{ kind: 'opsgenie', genie_key: 'k k' }, /^genie_key must be/],
      [
        { kind: 'pushover', token: 'a'.repeat(30), user: 'b'.repeat(30), priority: '2' },
        /^priority must be -2, -1, 0 or 1$/,
      ],
      [
        { kind: 'matrix', base_url: 'https://m.io', room_id: '#alias:m.io', token: 't' },
        /^room_id must be a room id/,
      ],
      [{ kind: 'gotify', token: 't' }, /^base_url is required for gotify channels$/],
      [
        { kind: 'zulip', base_url: 'https://z.io', bot_email: 'b@z.io', bot_key: 'k' },
        /^stream is required/,
      ],
      [
        { kind: 'mattermost', url: 'https://m.io/h', token: 'x' },
        /^token is not a field of mattermost channels$/,
      ],
      [{ kind: 'shell' }, /^command is required for shell channels$/],
      [{ kind: 'gotify', base_url: 'https://g.io', token: 7 }, /^token must be a string$/],
    ] as const) {
      const res = await post('/api/v3/channels/', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.match(res.body.error, error, JSON.stringify(body));
    }
    assert.equal(await count(), before);
  });

  test('shell channels are refused unless SHELL_CHANNELS=1', async () => {
    const off = createApp(frontDeps(db.pool, { env: { OUTBOUND_ALLOW_PRIVATE: '1' } }));
    const res = await request(off)
      .post('/api/v3/channels/')
      .set('X-Api-Key', key)
      .send({ kind: 'shell', command: 'true' });
    assert.equal(res.status, 400);
    assert.match(res.body.error, /SHELL_CHANNELS=1/);
    const on = await post('/api/v3/channels/', { kind: 'shell', command: 'true' });
    assert.equal(on.status, 201);
    // A shell channel made while allowed cannot be changed once SHELL_CHANNELS is off.
    const edit = await request(off)
      .post(`/api/v3/channels/${on.body.id}`)
      .set('X-Api-Key', key)
      .send({ command: 'rm -rf /tmp/x' });
    assert.equal(edit.status, 400);
    assert.match(edit.body.error, /SHELL_CHANNELS=1/);
    assert.deepEqual(on.body, {
      id: on.body.id,
      name: 'shell command',
      kind: 'shell',
      command: 'true',
    });
  });
});

describe('refused when saved: the outbound policy at create and update, before any connection', async () => {
  const db = await testDatabase();
  const strict = createApp(frontDeps(db.pool, { env: {} }));
  const open = createApp(frontDeps(db.pool, { env: { OUTBOUND_ALLOW_PRIVATE: '1' } }));
  const key = await newKey(db.pool, await newAccount(db.pool, 'save'), 'write');
  const post = (app: typeof strict, p: string, body: object) =>
    request(app).post(p).set('X-Api-Key', key).send(body);
  const rows = async () =>
    JSON.stringify((await db.pool.query('SELECT * FROM channels ORDER BY id')).rows);

  test('loopback (by address or by a name that resolves to it) without OUTBOUND_ALLOW_PRIVATE', async () => {
    const port = new URL(hook.url).port;
    const before = await rows();
    const connections = hook.connections;
    for (const [body, error] of [
      [
        { kind: 'webhook', url: `${hook.url}/x` },
        /^url: 127\.0\.0\.1 is a loopback or private address: set OUTBOUND_ALLOW_PRIVATE=1/,
      ],
      [
        { kind: 'gotify', base_url: `http://localhost:${port}`, token: 't' },
        /^base_url: localhost: .* is a loopback or private address/,
      ],
      [
        { kind: 'discord', url: `http://[::1]:${port}/api/webhooks/1/x` },
        /^url: \[::1\]: ::1 is a loopback/,
      ],
      [
        {
          kind: 'telegram',
          token: '1:AAAAAAAAAAAAAAAAAAAAAAAA',
          chat_id: '1',
          base_url: 'http://10.1.2.3',
        },
        /^base_url: 10\.1\.2\.3 is a loopback or private/,
      ],
    ] as const) {
      const res = await post(strict, '/api/v3/channels/', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.match(res.body.error, error);
    }
    assert.equal(await rows(), before, 'no row written');
    assert.equal(hook.connections, connections, 'no connection was opened to the receiver');
  });

  test('link-local and metadata addresses, even with OUTBOUND_ALLOW_PRIVATE=1; on update too', async () => {
    const ok = await post(open, '/api/v3/channels/', {
      kind: 'ntfy',
      topic: 'x',
      base_url: hook.url,
    });
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    const before = await rows();
    const connections = hook.connections;
    for (const [p, body] of [
      ['/api/v3/channels/', { kind: 'webhook', url: 'http://169.254.169.254/latest/meta-data/' }],
      [
        '/api/v3/channels/',
        { kind: 'matrix', base_url: 'http://[fe80::1]', room_id: '!r:x.io', token: 't' },
      ],
      [`/api/v3/channels/${ok.body.id}`, { base_url: 'http://169.254.169.254' }],
    ] as const) {
      const res = await post(open, p, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.match(res.body.error, /^(url|base_url): .* is a link-local or cloud metadata address/);
    }
    assert.equal(await rows(), before);
    assert.equal(hook.connections, connections);
  });
});

describe('through the outbox: retries, dead with the provider message, PagerDuty resolve', async () => {
  const db = await testDatabase();
  const env = { OUTBOUND_ALLOW_PRIVATE: '1', DISPATCH_TIMEOUT_SECONDS: '2' };
  const app = createApp(frontDeps(db.pool, { env }));
  const key = await newKey(db.pool, await newAccount(db.pool, 'outbox'), 'write');
  const post = (p: string, body: object) => request(app).post(p).set('X-Api-Key', key).send(body);

  /** A check linked to a new channel of `body`, missed and swept; returns its uuid. */
  async function missed(name: string, body: object, back: BackDeps, now: Date): Promise<string> {
    const ch = await post('/api/v3/channels/', body);
    assert.equal(ch.status, 201, JSON.stringify(ch.body));
    const c = await post('/api/v3/checks/', { name, timeout: 60, grace: 60, channels: ch.body.id });
    assert.equal((await request(app).get(`/ping/${c.body.uuid}`)).status, 200);
    await db.pool.query(`UPDATE checks SET next_deadline = $2 WHERE uuid = $1`, [
      c.body.uuid,
      new Date(now.getTime() - 1000),
    ]);
    assert.equal((await sweepOnce(back, now)).down, 1);
    return c.body.uuid as string;
  }

  async function notification(uuid: string) {
    const { rows } = await db.pool.query(
      `SELECT n.state, n.last_error, n.attempts FROM notifications n JOIN flips f ON f.id = n.flip_id
         JOIN checks c ON c.id = f.check_id WHERE c.uuid = $1 ORDER BY n.created_at DESC LIMIT 1`,
      [uuid],
    );
    return rows[0] as { state: string; last_error: string | null; attempts: number };
  }

  test('Telegram 429 is retried, then 401 is dead with "Unauthorized"', async () => {
    const now = new Date(Date.now() + 1000);
    const back = backDeps(db.pool, env);
    const uuid = await missed(
      'tg-job',
      {
        kind: 'telegram',
        token: '9:ABCDEFGHIJKLMNOPQRSTUVWX',
        chat_id: '5',
        base_url: base('tgo'),
      },
      back,
      now,
    );
    try {
      hook.respond = () => ({
        status: 429,
        body: '{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 5"}',
      });
      await dispatchOnce(back, now);
      assert.deepEqual(await notification(uuid), {
        state: 'pending',
        last_error: 'Telegram answered 429: Too Many Requests: retry after 5',
        attempts: 1,
      });
      hook.respond = () => ({
        status: 401,
        body: '{"ok":false,"error_code":401,"description":"Unauthorized"}',
      });
      await dispatchOnce(back, new Date(now.getTime() + 3_600_000));
      assert.deepEqual(await notification(uuid), {
        state: 'dead',
        last_error: 'Telegram answered 401: Unauthorized',
        attempts: 2,
      });
    } finally {
      hook.respond = () => 200;
    }
  });

  test('PagerDuty: the miss triggers, the recovery resolves the same dedup_key', async () => {
    const now = new Date(Date.now() + 1000);
    const back = backDeps(db.pool, env);
    const from = hook.requests.length;
    const uuid = await missed(
      'pd-job',
      { kind: 'pagerduty', routing_key: 'P'.repeat(32), base_url: base('pdo') },
      back,
      now,
    );
    await dispatchOnce(back, now);
    assert.equal((await request(app).get(`/ping/${uuid}`)).status, 200);
    await dispatchOnce(back, new Date());
    const events = hook.requests
      .slice(from)
      .filter((r) => r.path === '/pdo/v2/enqueue')
      .map((r) => r.json as Record<string, unknown>);
    assert.deepEqual(
      events.map((e) => [e.event_action, e.dedup_key]),
      [
        ['trigger', uuid],
        ['resolve', uuid],
      ],
    );
  });
});
