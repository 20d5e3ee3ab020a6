// Migration 0014 dropped the pings foreign key (a per-row check on the hot path); deleting
// a check, or its account, still deletes its pings, through a statement trigger.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testDatabase } from '../helpers/db.js';

const db = await testDatabase();

async function accountWithPings(name: string): Promise<number[]> {
  const { rows } = await db.pool.query<{ id: number }>(
    `WITH a AS (INSERT INTO accounts (name) VALUES ($1) RETURNING id)
     INSERT INTO checks (account_id, name, period, grace) SELECT a.id, 'c' || i, 60, 60
       FROM a, generate_series(1, 3) i RETURNING id`,
    [name],
  );
  const ids = rows.map((r) => r.id);
  await db.pool.query(
    `INSERT INTO pings (check_id, n, created_at, kind) SELECT id, 1, now(), 'success' FROM unnest($1::bigint[]) id`,
    [ids],
  );
  return ids;
}

const pingsOf = async (ids: number[]) =>
  (await db.pool.query(`SELECT count(*)::int AS n FROM pings WHERE check_id = ANY($1)`, [ids]))
    .rows[0].n;

test('deleting checks deletes their pings, and only theirs', async () => {
  const ids = await accountWithPings('del-check');
  await db.pool.query(`DELETE FROM checks WHERE id = ANY($1)`, [ids.slice(0, 2)]);
  assert.equal(await pingsOf(ids.slice(0, 2)), 0);
  assert.equal(await pingsOf(ids.slice(2)), 1);
});

test('deleting an account deletes the pings of its checks', async () => {
  const ids = await accountWithPings('del-account');
  const other = await accountWithPings('kept-account');
  await db.pool.query(`DELETE FROM accounts WHERE name = 'del-account'`);
  assert.equal(await pingsOf(ids), 0);
  assert.equal(await pingsOf(other), 3);
});
