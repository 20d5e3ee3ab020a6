// The sweep's bound (migration 0020): check-ins leave sweep_at alone while it is between the
// check-in and the new deadline, so their updates of the check are HOT; the
// sweep still alerts a miss at its deadline, and any writer that moves the deadline before
// the bound (or clears it) gets the bound moved with it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import request from 'supertest';
import { sweepOnce } from '../../src/back/sweep.js';
import { earliestDeadline } from '../../src/db/checks.js';
import { createPool } from '../../src/db/pool.js';
import { createApp } from '../../src/front/app.js';
import { frontDeps } from '../helpers/app.js';
import { backDeps } from '../helpers/back.js';
import { testDatabase } from '../helpers/db.js';

const db = await testDatabase();
const back = backDeps(db.pool, {});
let clock = new Date('2026-03-01T00:00:00Z');
const app = createApp(frontDeps(db.pool, { clock: () => clock }));
const t0 = clock.getTime();
const at = (s: number) => (clock = new Date(t0 + s * 1000));
const iso = (s: number) => new Date(t0 + s * 1000).toISOString();

async function bounds(name: string) {
  const { rows } = await db.pool.query<{
    sweep_at: Date | null;
    next_deadline: Date | null;
    status: string;
  }>('SELECT sweep_at, next_deadline, status FROM checks WHERE name = $1', [name]);
  const r = rows[0]!;
  return {
    status: r.status,
    sweep: r.sweep_at?.toISOString() ?? null,
    deadline: r.next_deadline?.toISOString() ?? null,
  };
}

// gocron: frequency 600 s, grace max(60, 10 %) = 60 s, so a deadline 660 s after a check-in.
async function gocron(name: string, s: number, form: 'gocron' | 'uuid' = 'gocron') {
  at(s);
  if (form === 'gocron') {
    const res = await request(app).get(
      `/?cronname=${name}&account=bound&email=o@x.io&frequency=600`,
    );
    assert.ok(res.status === 200 || res.status === 201, res.text);
  } else {
    const { rows } = await db.pool.query('SELECT uuid FROM checks WHERE name = $1', [name]);
    const res = await request(app).get(`/ping/${rows[0].uuid}`);
    assert.equal(res.status, 200, res.text);
  }
}

describe('the sweep bound', () => {
  test('check-ins keep it while it is ahead of them and not after the deadline, every form', async () => {
    await gocron('busy', 0);
    assert.deepEqual(await bounds('busy'), { status: 'up', sweep: iso(660), deadline: iso(660) });
    await gocron('busy', 10);
    assert.deepEqual(await bounds('busy'), { status: 'up', sweep: iso(660), deadline: iso(670) });
    await gocron('busy', 600, 'uuid');
    // The usual cron job, pinged once a period: the bound stays at the previous deadline.
    assert.deepEqual(await bounds('busy'), { status: 'up', sweep: iso(660), deadline: iso(1260) });
    await gocron('busy', 700, 'uuid');
    // The bound passed (the sweep had not come by yet): it moves to the deadline.
    assert.deepEqual(await bounds('busy'), { status: 'up', sweep: iso(1360), deadline: iso(1360) });
  });

  test("a run's start and its end keep the bound too (the locked path, as a job's pings)", async () => {
    await gocron('run', 0);
    const { rows } = await db.pool.query(`SELECT uuid FROM checks WHERE name = 'run'`);
    const rid = '6b0f3c43-6d2f-4f0e-9a39-3c3f0a4d1e01';
    at(600);
    assert.equal((await request(app).get(`/ping/${rows[0].uuid}/start?rid=${rid}`)).status, 200);
    // Running: due back within the grace (60 s), which is where the bound already was.
    assert.deepEqual(await bounds('run'), { status: 'up', sweep: iso(660), deadline: iso(660) });
    at(610);
    assert.equal((await request(app).get(`/ping/${rows[0].uuid}?rid=${rid}`)).status, 200);
    assert.deepEqual(await bounds('run'), { status: 'up', sweep: iso(660), deadline: iso(1270) });
    assert.equal((await sweepOnce(back, new Date(t0 + 661_000))).down, 0);
    assert.deepEqual(await bounds('run'), { status: 'up', sweep: iso(1270), deadline: iso(1270) });
  });

  test('a check that stops is alerted at its deadline; at its bound it is only re-armed', async () => {
    await gocron('stops', 0);
    await gocron('stops', 100);
    assert.deepEqual(await bounds('stops'), { status: 'up', sweep: iso(660), deadline: iso(760) });
    assert.equal((await earliestDeadline(db.pool))?.toISOString(), iso(660));
    // The bound passed, the deadline did not: nothing is claimed, the bound moves.
    const early = await sweepOnce(back, new Date(t0 + 700_000));
    assert.equal(early.down, 0);
    assert.deepEqual(await bounds('stops'), { status: 'up', sweep: iso(760), deadline: iso(760) });
    const due = await sweepOnce(back, new Date(t0 + 761_000));
    assert.ok(due.down >= 1);
    assert.deepEqual(await bounds('stops'), { status: 'down', sweep: null, deadline: null });
  });

  test('a writer that moves the deadline before the bound, or clears it, moves the bound too', async () => {
    await gocron('edited', 0);
    await gocron('edited', 10);
    assert.deepEqual(await bounds('edited'), { status: 'up', sweep: iso(660), deadline: iso(670) });
    await db.pool.query(`UPDATE checks SET next_deadline = $2 WHERE name = $1`, [
      'edited',
      iso(300),
    ]);
    assert.deepEqual(await bounds('edited'), { status: 'up', sweep: iso(300), deadline: iso(300) });
    // Later than the bound: the bound stays (the sweep re-arms it when it passes).
    await db.pool.query(`UPDATE checks SET next_deadline = $2 WHERE name = $1`, [
      'edited',
      iso(900),
    ]);
    assert.deepEqual(await bounds('edited'), { status: 'up', sweep: iso(300), deadline: iso(900) });
    await db.pool.query(
      `UPDATE checks SET next_deadline = NULL, status = 'paused' WHERE name = $1`,
      ['edited'],
    );
    assert.deepEqual(await bounds('edited'), { status: 'paused', sweep: null, deadline: null });
    const { rows } = await db.pool.query(
      `INSERT INTO checks (account_id, name, period, grace, status, next_deadline)
       SELECT account_id, 'inserted', 60, 60, 'up', $1 FROM checks WHERE name = 'edited'
       RETURNING sweep_at`,
      [iso(42)],
    );
    assert.equal(rows[0].sweep_at.toISOString(), iso(42));
  });

  test('plain check-ins of every form update their check in place (HOT)', async () => {
    // One connection: the check-ins' flushes and the statistics reads share a backend, so
    // pg_stat_force_next_flush() puts its counts in pg_stat_user_tables at once.
    const pool = createPool(db.url, 1, () => undefined);
    const one = createApp(frontDeps(pool, { clock: () => clock }));
    const updates = async () => {
      await pool.query('SELECT pg_stat_force_next_flush()');
      const { rows } = await pool.query<{ all: string; hot: string }>(
        `SELECT n_tup_upd AS all, n_tup_hot_upd AS hot FROM pg_stat_user_tables WHERE relname = 'checks'`,
      );
      return { all: Number(rows[0]!.all), hot: Number(rows[0]!.hot) };
    };
    try {
      at(0);
      const gocron = '/?cronname=inplace&account=bound&email=o@x.io&frequency=600';
      assert.equal((await request(one).get(gocron)).status, 201);
      await db.pool.query(
        `UPDATE accounts SET ping_key = 'inplace-key' WHERE name = 'bound';
         UPDATE checks SET slug = 'inplace' WHERE name = 'inplace'`,
      );
      const { rows } = await db.pool.query(`SELECT uuid FROM checks WHERE name = 'inplace'`);
      const before = await updates();
      for (let i = 1; i <= 30; i++) {
        at(i);
        const path = [gocron, `/ping/${rows[0].uuid}`, '/ping/inplace-key/inplace'][i % 3]!;
        const res = await request(one).get(path);
        // gocron answers every check-in 201 (COMPAT-gocron), the ping routes 200.
        assert.equal(res.status, path === gocron ? 201 : 200, `${path}: ${res.text}`);
      }
      const after = await updates();
      assert.equal(after.all - before.all, 30);
      assert.equal(after.hot - before.hot, 30, 'every check-in a HOT update');
      assert.deepEqual(await bounds('inplace'), {
        status: 'up',
        sweep: iso(660),
        deadline: iso(690),
      });
    } finally {
      await pool.end();
    }
  });
});
