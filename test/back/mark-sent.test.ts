import assert from 'node:assert/strict';
import { test } from 'node:test';
import { claim, dispatchOnce } from '../../src/back/dispatch.js';
import { SentMarker } from '../../src/back/mark-sent.js';
import { sweepOnce } from '../../src/back/sweep.js';
import { finishSent } from '../../src/db/notifications.js';
import type { Pool } from '../../src/db/pool.js';
import { backDeps } from '../helpers/back.js';
import { testDatabase } from '../helpers/db.js';
import { startHttpReceiver } from '../helpers/receivers.js';

const db = await testDatabase();
const hook = await startHttpReceiver();
const back = backDeps(db.pool, { DISPATCH_CONCURRENCY: '100' });
const { rows: accountRows } = await db.pool.query(
  `INSERT INTO accounts (name) VALUES ('acme') RETURNING id`,
);
const account = accountRows[0].id as number;

/** n checks past their deadline `t`, each linked to one webhook channel: n notifications. */
async function missed(n: number, t: Date): Promise<void> {
  await db.pool.query(`DELETE FROM checks; DELETE FROM channels`);
  await db.pool.query(
    `WITH ch AS (INSERT INTO channels (account_id, kind, config)
                 VALUES ($1, 'webhook', jsonb_build_object('url', $3::text)) RETURNING id),
          c AS (INSERT INTO checks (account_id, name, period, grace, status, last_ping_at, next_deadline)
                SELECT $1, 'job-' || i, 60, 60, 'up', $4::timestamptz - interval '2 minutes', $4
                  FROM generate_series(1, $2::int) AS i RETURNING id)
     INSERT INTO check_channels (check_id, channel_id) SELECT c.id, ch.id FROM c, ch`,
    [account, n, hook.url + '/hook', t],
  );
  await sweepOnce(back, t);
  hook.requests.length = 0;
}

/** The pool, counting the UPDATEs that mark notifications sent. */
function counting(pool: Pool): { pool: Pool; updates: () => number } {
  let updates = 0;
  const query = ((...args: Parameters<Pool['query']>) => {
    if (String(args[0]).includes(`SET state = 'sent'`)) updates++;
    return (pool.query as (...a: unknown[]) => unknown)(...args);
  }) as Pool['query'];
  return { pool: Object.assign(Object.create(pool) as Pool, { query }), updates: () => updates };
}

test('deliveries that end together are marked sent in one or two statements, not one each', async () => {
  const t0 = new Date('2026-05-01T00:00:00Z');
  await missed(40, t0);
  const claimed = await claim(back, t0, 100);
  assert.equal(claimed.length, 40);
  const { pool, updates } = counting(db.pool);
  const marker = new SentMarker(pool);
  // The first is flushed at once; the 39 that come during its flush share the next.
  await Promise.all(
    claimed.map((c) => marker.mark({ id: c.id, attempts: c.attempts, at: t0 }, 60_000)),
  );
  assert.equal(updates(), 2);
  const { rows } = await db.pool.query(
    `SELECT count(*)::int AS n FROM notifications WHERE state = 'sent' AND sent_at = $1`,
    [t0],
  );
  assert.equal(rows[0].n, 40);
});

test('a batch marks only the rows whose claim is still current (the attempt is the fence)', async () => {
  const t0 = new Date('2026-05-02T00:00:00Z');
  await missed(3, t0);
  const first = await claim(back, t0, 10);
  assert.equal(first.length, 3);
  // The lease of one of them ran out (as if its back hung): another instance claimed it again.
  await db.pool.query(`UPDATE notifications SET next_attempt_at = $2 WHERE id = $1`, [
    first[0]!.id,
    t0,
  ]);
  const later = new Date(t0.getTime() + 1000);
  const again = await claim(back, later, 10);
  assert.deepEqual(
    again.map((c) => [c.id, c.attempts]),
    [[first[0]!.id, 2]],
  );
  // The first instance, slow, reports all three as sent in one batch.
  await finishSent(
    db.pool,
    first.map((c) => ({ id: c.id, attempts: c.attempts, at: t0 })),
  );
  const { rows } = await db.pool.query(
    `SELECT id, state, attempts FROM notifications ORDER BY state, id`,
  );
  const state = new Map(rows.map((r) => [r.id as string, r.state as string]));
  assert.equal(state.get(first[0]!.id), 'pending', 'the stale claim does not settle it');
  assert.equal(state.get(first[1]!.id), 'sent');
  assert.equal(state.get(first[2]!.id), 'sent');
});

test('dispatchOnce reports a burst as sent only once the database says so', async () => {
  const t0 = new Date('2026-05-03T00:00:00Z');
  await missed(60, t0);
  assert.deepEqual(await dispatchOnce(back, t0), { sent: 60, retry: 0, dead: 0 });
  assert.equal(hook.requests.length, 60);
  const { rows } = await db.pool.query(
    `SELECT state, count(*)::int AS n, min(attempts) AS a FROM notifications GROUP BY state`,
  );
  assert.deepEqual(rows, [{ state: 'sent', n: 60, a: 1 }]);
});

test('a failed flush fails its batch: the deliveries are retried after their lease', async () => {
  const t0 = new Date('2026-05-04T00:00:00Z');
  await missed(2, t0);
  const claimed = await claim(back, t0, 10);
  const broken = Object.assign(Object.create(db.pool) as Pool, {
    query: () => Promise.reject(new Error('connection terminated')),
  });
  const marker = new SentMarker(broken);
  // Given 300 ms to come back (tried again every 500 ms): the database never does.
  const results = await Promise.allSettled(
    claimed.map((c) => marker.mark({ id: c.id, attempts: c.attempts, at: t0 }, 300)),
  );
  assert.deepEqual(
    results.map((r) => r.status),
    ['rejected', 'rejected'],
  );
  const { rows } = await db.pool.query(`SELECT DISTINCT state FROM notifications`);
  assert.deepEqual(rows, [{ state: 'pending' }]);
});

test('a mark that meets a database outage is tried again: the alert is not delivered twice', async () => {
  const t0 = new Date('2026-05-05T00:00:00Z');
  await missed(3, t0);
  const claimed = await claim(back, t0, 10);
  // The first two tries meet a restarting server (as node-postgres reports a dropped
  // connection); then it is back.
  let failures = 2;
  const restarting = Object.assign(Object.create(db.pool) as Pool, {
    query: (...args: unknown[]) =>
      failures-- > 0
        ? Promise.reject(Object.assign(new Error('terminating connection'), { code: '57P01' }))
        : (db.pool.query as (...a: unknown[]) => unknown)(...args),
  });
  const marker = new SentMarker(restarting);
  await Promise.all(
    claimed.map((c) => marker.mark({ id: c.id, attempts: c.attempts, at: t0 }, 60_000)),
  );
  assert.equal(failures, -1);
  const { rows } = await db.pool.query(
    `SELECT state, count(*)::int AS n, max(attempts) AS a FROM notifications GROUP BY state`,
  );
  // Sent, on the first attempt: no second claim, so no second delivery.
  assert.deepEqual(rows, [{ state: 'sent', n: 3, a: 1 }]);
});
