// Alerts of one check reach one destination in the order of its flips (issue 15,
// scripts/chaos/notify-outage.ts): after a webhook outage, the "up" of a check whose "down"
// was still waiting out its retry backoff was claimed first, and 35 of 60 checks got their
// "up" before their "down". Now a notification is not claimed while an older one of the same
// check to the same destination is pending.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { claimNotifications, nextNotificationDue } from '../../src/db/notifications.js';
import { testDatabase } from '../helpers/db.js';

const db = await testDatabase();

async function check(name: string): Promise<number> {
  const { rows } = await db.pool.query<{ id: number }>(
    `WITH a AS (INSERT INTO accounts (name) VALUES ($1) RETURNING id)
     INSERT INTO checks (account_id, name, period, grace) SELECT id, 'job', 60, 60 FROM a
     RETURNING id`,
    [name],
  );
  return rows[0]!.id;
}

/** A flip of the check and its webhook notification, next tried at `next`. */
async function alert(checkId: number, to: string, url: string, next: Date): Promise<string> {
  const { rows } = await db.pool.query<{ id: string }>(
    `WITH f AS (INSERT INTO flips (check_id, created_at, from_status, to_status)
                VALUES ($1, now(), 'up', $2) RETURNING id)
     INSERT INTO notifications (flip_id, transport, target, next_attempt_at, created_at)
     SELECT id, 'webhook', jsonb_build_object('url', $3::text), $4, now() FROM f RETURNING id`,
    [checkId, to, url, next],
  );
  return rows[0]!.id;
}

test('a newer alert of a check waits for the older one to the same destination', async () => {
  const now = new Date();
  const later = new Date(now.getTime() + 60_000);
  const job = await check('acme');
  const other = await check('other');
  // The "down" failed and waits out its backoff; the "up" is due now.
  const down = await alert(job, 'down', 'http://127.0.0.1:9/a', later);
  const up = await alert(job, 'up', 'http://127.0.0.1:9/a', now);
  // Another destination of the same check, and another check: not held back.
  const elsewhere = await alert(job, 'up', 'http://127.0.0.1:9/b', now);
  const unrelated = await alert(other, 'down', 'http://127.0.0.1:9/a', now);

  // The dispatcher sleeps until the next claimable one: not "now" for the held-back "up"
  // (it would claim nothing and ask again at once, for the whole backoff of the "down").
  assert.deepEqual(await nextNotificationDue(db.pool), now);
  const first = await claimNotifications(db.pool, now, 100, 120_000);
  assert.deepEqual(await nextNotificationDue(db.pool), later);
  assert.deepEqual(first.map((c) => c.id).sort(), [elsewhere, unrelated].sort());

  // Once the older one is out of the way (sent, or dead), the newer one goes.
  await db.pool.query(`UPDATE notifications SET state = 'sent' WHERE id = $1`, [down]);
  const second = await claimNotifications(db.pool, now, 100, 10_000);
  assert.deepEqual(
    second.map((c) => c.id),
    [up],
  );
});
