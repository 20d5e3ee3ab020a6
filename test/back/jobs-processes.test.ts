// The jobs engine in real `cronwatch back` processes on one database (issue 12 "Tests"):
// - eight backs on a backlog of 5,000 due ticks: every tick delivered, none claimed twice;
// - three backs, one killed with SIGKILL every 2.5 s and restarted, 2,000 ticks due over
//   10 s: no tick lost, each with one final state; a duplicate delivery (a request in
//   flight at a kill, attempted again after its lease) carries the same Run-Id.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import type { Pool } from '../../src/db/pool.js';
import { testDatabase } from '../helpers/db.js';
import { outputOf, spawnCli, type Cli } from '../helpers/process.js';
import { startHttpReceiver, type HttpReceiver } from '../helpers/receivers.js';

/** `n` jobs with one pending tick each, due from `fromMs` to `toMs` from now (database time). */
async function seed(
  pool: Pool,
  n: number,
  url: string,
  fromMs: number,
  toMs: number,
  once: boolean,
  timeoutMs = 2000,
) {
  const { rows } = await pool.query<{ id: number }>(
    `INSERT INTO accounts (name) VALUES ('procs-' || gen_random_uuid()) RETURNING id`,
  );
  await pool.query(
    `WITH j AS (
       INSERT INTO jobs (account_id, name, schedule_kind, every_seconds, run_at, kind, settings, timeout_ms)
       SELECT $1, 'job-' || i, $5::text, CASE WHEN $5::text = 'every' THEN 3600 END,
              now() + ($3::float + ($4::float - $3::float) * i / $2::float) * interval '1 millisecond', 'http',
              jsonb_build_object('method', 'POST', 'url', $6::text, 'headers', '{}'::jsonb,
                                 'body', 'x', 'expectedStatuses', '[]'::jsonb), $7
         FROM generate_series(1, $2::int) AS i
       RETURNING id, coalesce(run_at, now() + ($3::float * interval '1 millisecond')) AS at)
     INSERT INTO ticks (job_id, scheduled_for, due_at) SELECT id, at, at FROM j`,
    [rows[0]!.id, n, fromMs, toMs, once ? 'once' : 'every', url, timeoutMs],
  );
}

function backs(n: number, url: string): Cli[] {
  return Array.from({ length: n }, () => spawnCli(['back'], env(url)));
}

function env(url: string): Record<string, string> {
  return { DATABASE_URL: url, LOG_LEVEL: 'warn', LOG_FORMAT: 'json', OUTBOUND_ALLOW_PRIVATE: '1' };
}

async function until(what: string, ms: number, done: () => Promise<boolean>, procs: Cli[] = []) {
  const deadline = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() > deadline)
      throw new Error(`no ${what} within ${ms} ms\n${procs.map(outputOf).join('\n')}`);
    await delay(100);
  }
}

async function states(pool: Pool): Promise<Record<string, number>> {
  const { rows } = await pool.query<{ state: string; n: number }>(
    `SELECT state, count(*)::int AS n FROM ticks GROUP BY state`,
  );
  return Object.fromEntries(rows.map((r) => [r.state, r.n]));
}

function deliveries(rx: HttpReceiver): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of rx.requests) {
    const id = String(r.headers['cronwatch-run-id']);
    m.set(id, (m.get(id) ?? 0) + 1);
  }
  return m;
}

test(
  'eight back processes on 5,000 due ticks: each delivered once, 0 duplicate claims',
  { timeout: 240_000 },
  async () => {
    const db = await testDatabase();
    const rx = await startHttpReceiver();
    // Run-Ids already answered 200. A second claim of a tick increments its attempt, so a
    // duplicate claim would not show as the same (Run-Id, Attempt) pair twice; but with a
    // 40 s lease, nothing may attempt a tick again after it was answered 200, but a
    // duplicate claim.
    const answered = new Set<string>();
    let afterSuccess = 0;
    rx.respond = (r) => {
      const id = String(r.headers['cronwatch-run-id']);
      if (answered.has(id)) afterSuccess++;
      answered.add(id);
      return 200;
    };
    const procs = backs(8, db.url);
    try {
      await seed(db.pool, 5000, `${rx.url}/t`, -1000, -1000, false, 30_000);
      const started = Date.now();
      await until(
        '5,000 ticks succeeded',
        180_000,
        async () => (await states(db.pool)).succeeded === 5000,
        procs,
      );
      const seconds = (Date.now() - started) / 1000;
      const seen = deliveries(rx);
      assert.equal(seen.size, 5000);
      // A duplicate claim would send the same attempt of a tick twice.
      const pairs = rx.requests.map(
        (r) => `${String(r.headers['cronwatch-run-id'])} ${String(r.headers['cronwatch-attempt'])}`,
      );
      assert.equal(new Set(pairs).size, pairs.length, 'an attempt was sent twice');
      assert.equal(afterSuccess, 0, 'a tick answered 200 was attempted again: a duplicate claim');
      // Attempts after the first are retries of failed ones (a connection refused or reset by
      // the loaded receiver), with the same Run-Id and the next Cronwatch-Attempt.
      const { rows } = await db.pool.query(
        `SELECT count(*)::int AS n FROM ticks WHERE attempts > 1 AND state = 'succeeded'`,
      );
      const retried = rows[0].n as number;
      // Every chain goes on: one pending next tick per job.
      assert.equal((await states(db.pool)).pending, 5000);
      console.log(
        `# 8 backs, 5,000 ticks: ${seconds.toFixed(1)} s, ${Math.round(5000 / seconds)} ticks/s, ${rx.requests.length} deliveries, 0 attempts sent twice, ${retried} ticks retried`,
      );
    } finally {
      await Promise.all(procs.map((p) => p.stop(30_000)));
    }
  },
);

test(
  'three backs, one killed with SIGKILL every 2.5 s: no tick lost, duplicates only with the same Run-Id',
  { timeout: 240_000 },
  async () => {
    const db = await testDatabase();
    const rx = await startHttpReceiver();
    // Each request takes a while, so kills land on requests in flight.
    rx.respond = async () => {
      await delay(200);
      return 200;
    };
    const procs = backs(3, db.url);
    let kills = 0;
    try {
      await seed(db.pool, 2000, `${rx.url}/k`, 2000, 12_000, true);
      for (let i = 0; i < 5; i++) {
        await delay(2500);
        const victim = procs[i % 3]!;
        process.kill(victim.pid, 'SIGKILL');
        await victim.exited;
        kills++;
        procs[i % 3] = spawnCli(['back'], env(db.url));
      }
      await until(
        '2,000 ticks final',
        120_000,
        async () => (await states(db.pool)).succeeded === 2000,
        procs,
      );
      const s = await states(db.pool);
      assert.deepEqual(s, { succeeded: 2000 });
      const seen = deliveries(rx);
      const { rows } = await db.pool.query<{ run_id: string }>('SELECT run_id FROM ticks');
      const runIds = new Set(rows.map((r) => r.run_id));
      // Every tick was delivered; nothing was delivered that is not a tick.
      assert.equal(seen.size, 2000);
      for (const id of seen.keys()) assert.ok(runIds.has(id), `delivery ${id} is no tick's Run-Id`);
      const duplicates = [...seen.values()].filter((n) => n > 1).length;
      const reattempted = (
        await db.pool.query(`SELECT count(*)::int AS n FROM ticks WHERE attempts > 1`)
      ).rows[0].n;
      // A duplicate is a re-attempt after a lost lease, never a second claim.
      assert.ok(
        duplicates <= reattempted,
        `${duplicates} duplicates, ${reattempted} re-attempted ticks`,
      );
      console.log(
        `# ${kills} kills, 2,000 ticks, ${rx.requests.length} deliveries, ${duplicates} duplicates (same Run-Id), ${reattempted} ticks re-attempted`,
      );
    } finally {
      await Promise.all(procs.map((p) => p.stop(30_000)));
    }
  },
);
