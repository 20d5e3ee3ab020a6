// The rule for a check-in and a sweep on the same check at the same instant: both lock the
// check's row, so one of them goes first.
// - Sweep first: the check goes down (flip + alerts); the check-in then sees `down` and
//   writes the recovery (flip + alerts) in its own transaction.
// - Check-in first: it stores a deadline in the future; the sweep's claim re-checks the
//   row after the lock (or skips it while locked) and does not take it.
// Either way a committed check-in leaves the check up with a future deadline, and every
// down flip is followed by exactly one up flip. Never "down" after a check-in committed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import request from 'supertest';
import { sweepOnce } from '../../src/back/sweep.js';
import { createApp } from '../../src/front/app.js';
import { frontDeps } from '../helpers/app.js';
import { backDeps } from '../helpers/back.js';
import { testDatabase } from '../helpers/db.js';

const db = await testDatabase();
const env = { SLACK_WEBHOOK_URL: 'http://127.0.0.1:9/never-called' };
const back = backDeps(db.pool, env);
let clock = new Date();
const app = createApp(frontDeps(db.pool, { env, clock: () => clock }));

// Every check-in form takes the same path (issue 14): each races the sweep.
const FORMS: Record<string, (name: string, uuid: string) => [string, number]> = {
  gocron: (name) => [`/?cronname=${name}&account=acme&email=ops@acme.io&frequency=60`, 201],
  uuid: (_, uuid) => [`/ping/${uuid}`, 200],
  slug: (name) => [`/ping/acme_ping_key/${name}`, 200],
};

for (const [form, url] of Object.entries(FORMS))
  test(`${form} check-in and sweep racing on one check always end consistent`, () =>
    race(`race-${form}`, url));

async function race(name: string, url: (name: string, uuid: string) => [string, number]) {
  const first = await request(app).get(
    `/?cronname=${name}&account=acme&email=ops@acme.io&frequency=60`,
  );
  assert.equal(first.status, 201);
  const { rows: made } = await db.pool.query(
    `UPDATE checks SET slug = name WHERE name = $1 RETURNING uuid`,
    [name],
  );
  await db.pool.query(`UPDATE accounts SET ping_key = 'acme_ping_key' WHERE name = 'acme'`);
  const [path, ok] = url(name, made[0].uuid);
  const outcomes = { sweepFirst: 0, checkinFirst: 0 };
  for (let i = 0; i < 150; i++) {
    const now = new Date(Date.now() + i * 1000);
    clock = now;
    await db.pool.query(`UPDATE checks SET next_deadline = $1 WHERE name = $2`, [
      new Date(now.getTime() - 1),
      name,
    ]);
    const before = (await db.pool.query(`SELECT count(*)::int AS n FROM flips`)).rows[0]
      .n as number;

    const [swept, res] = await Promise.all([sweepOnce(back, now), request(app).get(path)]);
    assert.equal(res.status, ok);

    const check = (
      await db.pool.query(`SELECT status, next_deadline FROM checks WHERE name = $1`, [name])
    ).rows[0];
    assert.equal(
      check.status,
      'up',
      `iteration ${i}: a committed check-in must leave the check up`,
    );
    assert.ok(check.next_deadline > now, `iteration ${i}: the deadline must be in the future`);
    const flips = (
      await db.pool.query(
        `SELECT from_status, to_status, id FROM flips WHERE id > 0 ORDER BY id OFFSET $1`,
        [before],
      )
    ).rows;
    if (swept.down === 1) {
      outcomes.sweepFirst++;
      assert.deepEqual(
        flips.map((f) => `${f.from_status}->${f.to_status}`),
        ['up->down', 'down->up'],
        `iteration ${i}`,
      );
      // Each flip has one notification per channel (the job's email and the global Slack).
      const { rows } = await db.pool.query(
        `SELECT flip_id, count(*)::int AS n FROM notifications WHERE flip_id = ANY($1::bigint[]) GROUP BY flip_id`,
        [flips.map((f) => f.id)],
      );
      assert.deepEqual(
        rows.map((r) => r.n),
        [2, 2],
      );
    } else {
      outcomes.checkinFirst++;
      assert.equal(swept.claimed, 0);
      assert.deepEqual(flips, [], `iteration ${i}: no flip when the check-in went first`);
    }
  }
  // Both orders must actually have happened, or the test proved nothing about the race.
  assert.ok(outcomes.sweepFirst > 0 && outcomes.checkinFirst > 0, JSON.stringify(outcomes));
}
