// The fast statement (issue 14): the common check-in of every form (a plain success on an
// up check with no open run and a period schedule) is written by one statement; every other
// case is left untouched for the locked path, which applies applyPing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PingRequest, Target } from '../../src/db/ping.js';
import { recordPlainSuccesses } from '../../src/db/ping-fast.js';
import { testDatabase } from '../helpers/db.js';
import { pingRequest } from '../helpers/ping.js';

const db = await testDatabase();
const { rows: acc } = await db.pool.query(
  `INSERT INTO accounts (name, ping_key) VALUES ('fast', 'fastkey'), ('keyed', 'keyedkey') RETURNING id`,
);
await db.pool.query(`UPDATE accounts SET gocron_checkins = 'key' WHERE name = 'keyed'`);
const T0 = new Date('2026-08-01T00:00:00Z');

let n = 0;
/** A check of account `fast` (or `keyed`) in the state `set` (SQL assignments). */
async function check(set = '', account = 0): Promise<{ uuid: string; name: string; id: number }> {
  const name = `c${++n}`;
  const { rows } = await db.pool.query(
    `INSERT INTO checks (account_id, name, slug, period, grace, status, email, gocron_origin, ping_count)
     VALUES ($1, $2, $2, 3600, 360, 'up', 'a@example.com', true, 5) RETURNING id, uuid, name`,
    [acc[account].id, name],
  );
  if (set) await db.pool.query(`UPDATE checks SET ${set} WHERE id = $1`, [rows[0].id]);
  return rows[0];
}

const FORMS: Record<string, (c: { uuid: string; name: string }, account?: string) => Target> = {
  uuid: (c) => ({ uuid: c.uuid }),
  slug: (c, a = 'fast') => ({ pingKey: `${a}key`, slug: c.name, create: false, createLimit: 10 }),
  gocron: (c, a = 'fast') => ({
    gocron: {
      account: a,
      name: c.name,
      email: 'b@example.com',
      period: 60,
      grace: 60,
      site: false,
      key: undefined,
      createAccounts: false,
    },
  }),
};

function ping(target: Target): PingRequest {
  return pingRequest(target, T0);
}

for (const [form, target] of Object.entries(FORMS)) {
  test(`${form}: a plain success on an up check is written by the fast statement`, async () => {
    const c = await check();
    const done = await recordPlainSuccesses(db.pool, [ping(target(c)), ping(target(c))]);
    assert.deepEqual([...done].sort(), [0, 1]);
    const { rows } = await db.pool.query(
      `SELECT status, next_deadline, last_ping_at, ping_count::int, period, email,
              (SELECT array_agg(n ORDER BY n)::int[] FROM pings WHERE check_id = c.id) AS ns
         FROM checks c WHERE id = $1`,
      [c.id],
    );
    const r = rows[0];
    // gocron upserts its settings (period 60 + grace 60) on a check gocron made.
    const period = form === 'gocron' ? 120 : 3960;
    assert.equal(r.status, 'up');
    assert.equal(
      r.next_deadline.toISOString(),
      new Date(T0.getTime() + period * 1000).toISOString(),
    );
    assert.equal(r.last_ping_at.toISOString(), T0.toISOString());
    assert.deepEqual([r.ping_count, r.ns], [7, [6, 7]]);
    assert.equal(r.email, form === 'gocron' ? 'b@example.com' : 'a@example.com');
  });

  for (const [name, set] of [
    ['a new check', `status = 'new'`],
    ['a down check', `status = 'down', next_deadline = NULL`],
    ['a paused manual_resume check', `status = 'paused', manual_resume = true`],
    ['a paused check', `status = 'paused'`],
    ['a check with an open run', `started_at = '2026-07-31T23:59:00Z'`],
    ['a cron check', `kind = 'cron', cron = '0 3 * * *', gocron_origin = false`],
  ] as const) {
    test(`${form}: ${name} is left to the locked path, untouched`, async () => {
      const c = await check(set);
      const before = await db.pool.query(`SELECT * FROM checks WHERE id = $1`, [c.id]);
      assert.deepEqual([...(await recordPlainSuccesses(db.pool, [ping(target(c))]))], []);
      const after = await db.pool.query(`SELECT * FROM checks WHERE id = $1`, [c.id]);
      assert.deepEqual(after.rows, before.rows);
      const pings = await db.pool.query(`SELECT 1 FROM pings WHERE check_id = $1`, [c.id]);
      assert.equal(pings.rowCount, 0);
    });
  }
}

test('unknown targets, an ambiguous slug and a key-mode gocron check-in are left to the locked path', async () => {
  const a = await check();
  const b = await check();
  await db.pool.query(`UPDATE checks SET slug = 'twice' WHERE id = ANY($1)`, [[a.id, b.id]]);
  const keyed = await check('', 1);
  const done = await recordPlainSuccesses(db.pool, [
    ping({ uuid: '00000000-0000-4000-8000-000000000000' }),
    ping(FORMS.slug!({ uuid: '', name: 'twice' })),
    ping(FORMS.slug!({ uuid: '', name: 'nothing' })),
    ping(FORMS.gocron!(keyed, 'keyed')),
    ping(FORMS.gocron!({ uuid: '', name: 'nothing' })),
    ping(FORMS.uuid!(keyed)),
  ]);
  assert.deepEqual([...done], [5]);
});

test('a flush of uuid pings alone (its own statement) writes the known ones, in order', async () => {
  const a = await check();
  const b = await check(`status = 'down', next_deadline = NULL`);
  const unknown = '00000000-0000-4000-8000-000000000001';
  const done = await recordPlainSuccesses(db.pool, [
    ping({ uuid: a.uuid }),
    ping({ uuid: unknown }),
    ping({ uuid: b.uuid }),
    ping({ uuid: a.uuid }),
  ]);
  // The unknown uuid and the down check are the locked path's.
  assert.deepEqual([...done].sort(), [0, 3]);
  const { rows } = await db.pool.query(
    `SELECT check_id::int AS id, array_agg(n ORDER BY n)::int[] AS ns FROM pings
      WHERE check_id = ANY($1) GROUP BY check_id`,
    [[a.id, b.id]],
  );
  assert.deepEqual(rows, [{ id: a.id, ns: [6, 7] }]);
  // Alone, the unknown one is answered by nobody here either.
  assert.deepEqual([...(await recordPlainSuccesses(db.pool, [ping({ uuid: unknown })]))], []);
});
