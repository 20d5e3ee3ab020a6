import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dispatchOnce } from '../../src/back/dispatch.js';
import { sweepOnce } from '../../src/back/sweep.js';
import { backDeps } from '../helpers/back.js';
import { testDatabase } from '../helpers/db.js';
import { startHttpReceiver, startSmtp } from '../helpers/receivers.js';

const db = await testDatabase();
const smtp = await startSmtp();
const slack = await startHttpReceiver();
const hookA = await startHttpReceiver();
const hookB = await startHttpReceiver();
const back = backDeps(db.pool, {
  SMTP_URL: smtp.url,
  SLACK_WEBHOOK_URL: slack.url + '/slack',
  DISPATCH_TIMEOUT_SECONDS: '1',
  DISPATCH_MAX_ATTEMPTS: '3',
  RETRY_BASE_SECONDS: '30',
});
const { rows: accountRows } = await db.pool.query(
  `INSERT INTO accounts (name) VALUES ('acme') RETURNING id`,
);
const account = accountRows[0].id as number;

/** A check whose deadline passed at `deadline`, with the given email (or none). */
async function overdue(name: string, email: string | null, deadline: Date): Promise<number> {
  const { rows } = await db.pool.query(
    `INSERT INTO checks (account_id, name, period, grace, status, email, last_ping_at, next_deadline)
     VALUES ($1, $2, 60, 60, 'up', $3, $4::timestamptz - interval '2 minutes', $4) RETURNING id`,
    [account, name, email, deadline],
  );
  return rows[0].id;
}

async function link(checkId: number, url: string) {
  await db.pool.query(
    `WITH ch AS (INSERT INTO channels (account_id, kind, config) VALUES ($1, 'webhook', jsonb_build_object('url', $2::text)) RETURNING id)
     INSERT INTO check_channels (check_id, channel_id) SELECT $3, id FROM ch`,
    [account, url, checkId],
  );
}

async function states(): Promise<
  { transport: string; state: string; attempts: number; last_error: string | null }[]
> {
  const { rows } = await db.pool.query(
    `SELECT transport, state, attempts, last_error FROM notifications ORDER BY transport`,
  );
  return rows;
}

async function reset() {
  await db.pool.query(`DELETE FROM checks; DELETE FROM channels`);
  smtp.mails.length = 0;
  smtp.refuse = undefined;
  for (const r of [slack, hookA, hookB]) {
    r.requests.length = 0;
    r.respond = () => 200;
  }
}

test('an SMTP server that refuses (4xx) and then accepts: the alert arrives on the retry', async () => {
  await reset();
  const t0 = new Date('2026-03-01T00:00:00Z');
  await overdue('nightly', 'ops@acme.io', t0);
  await sweepOnce(back, t0);
  let refusals = 1;
  smtp.refuse = () => (refusals-- > 0 ? 451 : undefined);

  assert.deepEqual(await dispatchOnce(back, t0), { sent: 1, retry: 1, dead: 0 }); // Slack went out, email retries
  const [email] = (await states()).filter((s) => s.transport === 'email');
  assert.equal(email!.state, 'pending');
  assert.equal(email!.attempts, 1);
  assert.match(email!.last_error!, /451|try again later/);
  assert.equal(smtp.mails.length, 0);

  // Not due again at once: the retry waits its backoff.
  assert.deepEqual(await dispatchOnce(back, new Date()), { sent: 0, retry: 0, dead: 0 });
  const later = new Date(Date.now() + 60_000);
  assert.deepEqual(await dispatchOnce(back, later), { sent: 1, retry: 0, dead: 0 });
  assert.equal(smtp.mails.length, 1);
  assert.equal(smtp.mails[0]!.subject, 'nightly: acme failed to check in');
  assert.deepEqual(
    (await states()).map((s) => [s.transport, s.state, s.attempts, s.last_error]),
    [
      ['email', 'sent', 2, null],
      ['slack', 'sent', 1, null],
    ],
  );
});

test('an SMTP 550 (recipient rejected) is permanent: dead at once, error kept', async () => {
  await reset();
  const t0 = new Date('2026-03-02T00:00:00Z');
  await overdue('weekly', 'nobody@acme.io', t0);
  await sweepOnce(back, t0);
  smtp.refuse = () => 550;
  assert.deepEqual(await dispatchOnce(back, t0), { sent: 1, retry: 0, dead: 1 });
  const [email] = (await states()).filter((s) => s.transport === 'email');
  assert.equal(email!.state, 'dead');
  assert.match(email!.last_error!, /550|rejected/);
});

test('Slack answering 404 is dead, not retried for ever', async () => {
  await reset();
  const t0 = new Date('2026-03-03T00:00:00Z');
  await overdue('hourly', null, t0);
  await sweepOnce(back, t0);
  slack.respond = () => 404;
  assert.deepEqual(await dispatchOnce(back, t0), { sent: 0, retry: 0, dead: 1 });
  assert.deepEqual(
    (await states()).map((s) => [s.transport, s.state, s.attempts]),
    [['slack', 'dead', 1]],
  );
  assert.match((await states())[0]!.last_error!, /Slack answered 404/);
  // However far ahead we look, a dead notification is never claimed again.
  assert.deepEqual(await dispatchOnce(back, new Date('2027-01-01T00:00:00Z')), {
    sent: 0,
    retry: 0,
    dead: 0,
  });
  assert.equal(slack.requests.length, 1);
});

test('a receiver failing every time goes dead after DISPATCH_MAX_ATTEMPTS, with backoff between', async () => {
  await reset();
  const t0 = new Date('2026-03-04T00:00:00Z');
  await link(await overdue('flaky', null, t0), hookA.url + '/down');
  await sweepOnce(back, t0);
  slack.respond = () => 200;
  hookA.respond = () => 503;
  const outcomes = [];
  let now = t0;
  for (let i = 0; i < 3; i++) {
    outcomes.push(await dispatchOnce(back, now));
    const { rows } = await db.pool.query(
      `SELECT next_attempt_at FROM notifications WHERE transport = 'webhook'`,
    );
    now = new Date(Math.max(now.getTime(), (rows[0].next_attempt_at as Date).getTime()) + 1);
  }
  assert.deepEqual(outcomes, [
    { sent: 1, retry: 1, dead: 0 },
    { sent: 0, retry: 1, dead: 0 },
    { sent: 0, retry: 0, dead: 1 },
  ]);
  assert.equal(hookA.requests.length, 3);
  // The same stable id on every attempt.
  assert.equal(
    new Set(hookA.requests.map((r) => r.headers['x-cronwatch-notification-id'])).size,
    1,
  );
  const [hook] = (await states()).filter((s) => s.transport === 'webhook');
  assert.deepEqual([hook!.state, hook!.attempts], ['dead', 3]);
  assert.match(hook!.last_error!, /503/);
});

test('a receiver that hangs times out; the other alerts are still delivered', async () => {
  await reset();
  const t0 = new Date('2026-03-05T00:00:00Z');
  await link(await overdue('stuck', null, t0), hookA.url + '/hang');
  await link(await overdue('fine', null, t0), hookB.url + '/ok');
  await sweepOnce(back, t0);
  hookA.respond = () => 'hang';
  const result = await dispatchOnce(back, t0);
  assert.deepEqual(result, { sent: 3, retry: 1, dead: 0 }); // two Slack posts and hook B
  assert.equal(hookB.requests.length, 1);
  const { rows } = await db.pool.query(
    `SELECT state, last_error FROM notifications WHERE target->>'url' LIKE '%/hang'`,
  );
  assert.equal(rows[0].state, 'pending');
  assert.match(rows[0].last_error, /no answer within 1000 ms/);
});

test('a notification claimed by a back that died is delivered after its lease, by another', async () => {
  await reset();
  const t0 = new Date('2026-03-06T00:00:00Z');
  await overdue('orphan', null, t0);
  await sweepOnce(back, t0);
  // Claim as a back instance that then dies without recording anything.
  const { claim } = await import('../../src/back/dispatch.js');
  const claimed = await claim(back, t0, 10);
  assert.equal(claimed.length, 1);
  assert.deepEqual(await dispatchOnce(back, new Date(t0.getTime() + 30_000)), {
    sent: 0,
    retry: 0,
    dead: 0,
  });
  assert.deepEqual(await dispatchOnce(back, new Date(t0.getTime() + 61_000)), {
    sent: 1,
    retry: 0,
    dead: 0,
  });
  assert.equal(slack.requests.length, 1);
  assert.deepEqual(
    (await states()).map((s) => [s.state, s.attempts]),
    [['sent', 2]],
  );
});
