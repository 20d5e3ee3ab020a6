// The per-destination rate limit (issue 16): 10 checks down at once, all alerting one
// Telegram chat whose limit is 6 a minute. 6 go out now, the other 4 are folded into one
// digest sent when the minute is over: nothing dropped, nothing sent twice.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import request from 'supertest';
import { dispatchOnce } from '../../src/back/dispatch.js';
import { sweepOnce } from '../../src/back/sweep.js';
import { takeSendSlot } from '../../src/db/send-limit.js';
import { createApp } from '../../src/front/app.js';
import { newAccount, newKey } from '../helpers/api.js';
import { frontDeps } from '../helpers/app.js';
import { backDeps } from '../helpers/back.js';
import { testDatabase } from '../helpers/db.js';
import { startHttpReceiver } from '../helpers/receivers.js';

const db = await testDatabase();
const tg = await startHttpReceiver();
const env = { OUTBOUND_ALLOW_PRIVATE: '1' };
const app = createApp(frontDeps(db.pool, { env }));
const TOKEN = '42:ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** `n` checks of a new account linked to one Telegram channel, all missed; returns their names. */
async function storm(n: number, chat: string): Promise<string[]> {
  const key = await newKey(db.pool, await newAccount(db.pool, 'storm'), 'write');
  const post = (p: string, body: object) => request(app).post(p).set('X-Api-Key', key).send(body);
  const channel = await post('/api/v3/channels/', {
    kind: 'telegram',
    token: TOKEN,
    chat_id: chat,
    base_url: tg.url,
  });
  assert.equal(channel.status, 201, JSON.stringify(channel.body));
  const names: string[] = [];
  for (let i = 0; i < n; i++) {
    const name = `job-${chat}-${i}`;
    const c = await post('/api/v3/checks/', {
      name,
      timeout: 60,
      grace: 60,
      channels: channel.body.id,
    });
    assert.equal(c.status, 201, JSON.stringify(c.body));
    assert.equal((await request(app).get(`/ping/${c.body.uuid}`)).status, 200);
    names.push(name);
  }
  await db.pool.query(
    `UPDATE checks SET next_deadline = now() - interval '1 s' WHERE name = ANY($1)`,
    [names],
  );
  return names;
}

function texts(chat: string): string[] {
  return tg.requests
    .map((r) => r.json as { chat_id: string; text: string })
    .filter((j) => j.chat_id === chat)
    .map((j) => j.text);
}

async function states(chat: string) {
  const { rows } = await db.pool.query<{ state: string; n: number }>(
    `SELECT state, count(*)::int AS n FROM notifications WHERE target->>'chat_id' = $1 GROUP BY state ORDER BY state`,
    [chat],
  );
  return Object.fromEntries(rows.map((r) => [r.state, r.n]));
}

test('over 6 a minute, alerts are folded into one digest sent when the window ends', async () => {
  const names = await storm(10, '-100');
  let now = new Date(Date.now() + 1000);
  const back = { ...backDeps(db.pool, env), clock: () => now };
  assert.equal((await sweepOnce(back, now)).down, 10);

  await dispatchOnce(back, now);
  assert.equal(texts('-100').length, 6, 'six messages in the first minute');
  assert.deepEqual(await states('-100'), { folded: 4, pending: 1, sent: 6 });
  const digests = await db.pool.query(
    `SELECT DISTINCT folded_into FROM notifications WHERE target->>'chat_id' = '-100' AND state = 'folded'`,
  );
  assert.equal(digests.rowCount, 1, 'the four are folded into one digest');

  // Before the window's end nothing more is sent (the digest is not due).
  now = new Date(now.getTime() + 30_000);
  await dispatchOnce(back, now);
  assert.equal(texts('-100').length, 6);

  now = new Date(now.getTime() + 31_000);
  await dispatchOnce(back, now);
  const all = texts('-100');
  assert.equal(all.length, 7, 'one digest');
  const digest = all[6]!;
  assert.match(digest, /^cronwatch: 4 down, 0 up \(alerts folded by the rate limit\)/);
  assert.match(
    digest,
    /4 alerts arrived while this channel was at its limit of 6 messages a minute/,
  );
  assert.deepEqual(await states('-100'), { folded: 4, sent: 7 });
  // Every check's alert reached the chat exactly once: six alone, four in the digest.
  for (const name of names) {
    const carrying = all.filter((t) => t.includes(`${name} `) || t.includes(`${name}:`));
    assert.equal(carrying.length, 1, name);
  }
});

test('NOTIFY_RATE_LIMIT=0 turns the limit off; other destinations have their own windows', async () => {
  await storm(8, '-200');
  await storm(3, '-300');
  const now = new Date(Date.now() + 1000);
  const back = { ...backDeps(db.pool, { ...env, NOTIFY_RATE_LIMIT: '0' }), clock: () => now };
  await sweepOnce(back, now);
  await dispatchOnce(back, now);
  assert.equal(texts('-200').length, 8);
  assert.equal(texts('-300').length, 3);
});

test('a digest over the limit waits for the next window, its claim not counted', async () => {
  await storm(3, '-400');
  const t0 = new Date(Date.now() + 1000);
  let now = t0;
  const back = { ...backDeps(db.pool, { ...env, NOTIFY_RATE_LIMIT: '1' }), clock: () => now };
  await sweepOnce(back, now);
  await dispatchOnce(back, now);
  assert.equal(texts('-400').length, 1);
  const { rows } = await db.pool.query(
    `SELECT id, transport, target FROM notifications
      WHERE target->>'chat_id' = '-400' AND payload @> '{"digest": true}'`,
  );
  assert.equal(rows.length, 1);
  // The next window is taken by another message before the digest's turn.
  now = new Date(t0.getTime() + 61_000);
  assert.deepEqual(await takeSendSlot(db.pool, rows[0], now, 1), { ok: true });
  await dispatchOnce(back, now);
  assert.equal(texts('-400').length, 1, 'the digest waits');
  const waiting = await db.pool.query(
    `SELECT state, attempts, next_attempt_at FROM notifications WHERE id = $1`,
    [rows[0].id],
  );
  assert.equal(waiting.rows[0].state, 'pending');
  assert.equal(waiting.rows[0].attempts, 0);
  assert.equal(waiting.rows[0].next_attempt_at.getTime(), now.getTime() + 60_000);
  now = new Date(now.getTime() + 60_000);
  await dispatchOnce(back, now);
  assert.equal(texts('-400').length, 2);
  assert.match(
    texts('-400')[1]!,
    /2 alerts arrived while this channel was at its limit of 1 message a minute/,
  );
});
