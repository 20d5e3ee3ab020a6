// manual_resume: a ping of a paused check with it set is recorded and changes nothing, on
// the single-ping path (slug URLs, src/db/ping.ts) and on the group-commit path (uuid URLs,
// src/db/ping-batch.ts). Without it, a ping resumes a paused check as before.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import request from 'supertest';
import { createApp } from '../../src/front/app.js';
import { frontDeps } from '../helpers/app.js';
import { testDatabase } from '../helpers/db.js';

const db = await testDatabase();
const app = createApp(frontDeps(db.pool));
const { rows } = await db.pool.query(
  `INSERT INTO accounts (name, ping_key) VALUES ('mr', 'pk_manual1') RETURNING id`,
);
const account = rows[0].id as number;

async function pausedCheck(slug: string, manualResume: boolean): Promise<string> {
  const { rows } = await db.pool.query(
    `INSERT INTO checks (account_id, name, slug, kind, period, grace, status, manual_resume,
                         last_ping_at, ping_count)
     VALUES ($1, $2, $2, 'simple', 3600, 600, 'paused', $3, '2026-01-01T00:00:00Z', 1)
     RETURNING uuid::text AS uuid`,
    [account, slug, manualResume],
  );
  return rows[0].uuid;
}

async function state(uuid: string) {
  const { rows } = await db.pool.query(
    `SELECT c.status, c.next_deadline, c.last_ping_at, c.started_at, c.ping_count::int AS n,
            (SELECT count(*)::int FROM pings p WHERE p.check_id = c.id) AS pings,
            (SELECT count(*)::int FROM flips f WHERE f.check_id = c.id) AS flips
       FROM checks c WHERE c.uuid = $1`,
    [uuid],
  );
  return rows[0];
}

for (const [path, url] of [
  ['slug (single)', (uuid: string, slug: string) => `/ping/pk_manual1/${slug}`],
  ['uuid (batched)', (uuid: string) => `/ping/${uuid}`],
] as const) {
  test(`${path}: a paused check with manual_resume stays paused; the ping is recorded`, async () => {
    const slug = `held-${path.split(' ')[0]}`;
    const uuid = await pausedCheck(slug, true);
    for (const suffix of ['', '/start', '/fail', '/0']) {
      const res = await request(app).get(url(uuid, slug) + suffix);
      assert.equal(res.status, 200, suffix);
    }
    const s = await state(uuid);
    assert.equal(s.status, 'paused');
    assert.equal(s.next_deadline, null);
    assert.equal(s.started_at, null);
    assert.equal(s.last_ping_at.toISOString(), '2026-01-01T00:00:00.000Z');
    assert.deepEqual([s.n, s.pings, s.flips], [5, 4, 0]);
  });

  test(`${path}: without manual_resume a ping resumes the check`, async () => {
    const slug = `free-${path.split(' ')[0]}`;
    const uuid = await pausedCheck(slug, false);
    assert.equal((await request(app).get(url(uuid, slug))).status, 200);
    const s = await state(uuid);
    assert.equal(s.status, 'up');
    assert.notEqual(s.next_deadline, null);
  });
}
