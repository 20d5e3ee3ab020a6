// The back keeps the newest JOB_RUNS_KEEP runs of each job: older finished ticks are
// deleted, pending and running ones never (a retry of an old tick, a lease in flight).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pruneOnce } from '../../src/back/prune.js';
import { backDeps } from '../helpers/back.js';
import { testDatabase } from '../helpers/db.js';
import { addJob, jobValues } from '../helpers/jobs.js';

const db = await testDatabase();
const { rows: acc } = await db.pool.query(
  `INSERT INTO accounts (name) VALUES ('prune-ticks') RETURNING id`,
);
const back = backDeps(db.pool, { JOB_RUNS_KEEP: '5' });
const url = 'http://127.0.0.1:9/';

/** Replaces the job's ticks by these: [minutes from now, state]. */
async function ticks(jobId: number, list: [number, string][]): Promise<void> {
  await db.pool.query(`DELETE FROM ticks WHERE job_id = $1`, [jobId]);
  await db.pool.query(
    `INSERT INTO ticks (job_id, scheduled_for, due_at, state)
     SELECT $1, now() + m * interval '1 minute', now() + m * interval '1 minute', s
       FROM unnest($2::int[], $3::text[]) AS u(m, s)`,
    [jobId, list.map((t) => t[0]), list.map((t) => t[1])],
  );
}

const left = async (jobId: number) =>
  (
    await db.pool.query(
      `SELECT round(extract(epoch FROM scheduled_for - now()) / 60)::int AS m, state
         FROM ticks WHERE job_id = $1 ORDER BY scheduled_for`,
      [jobId],
    )
  ).rows.map((r) => [r.m, r.state]);

test('the newest JOB_RUNS_KEEP runs of each job are kept; older finished ones go, pending never', async () => {
  const busy = await addJob(db.pool, acc[0].id, jobValues(url, { name: 'busy' }));
  const small = await addJob(db.pool, acc[0].id, jobValues(url, { name: 'small' }));
  const finished = ['succeeded', 'failed', 'dead', 'missed', 'skipped', 'cancelled'];
  await ticks(busy.id, [
    [-30, 'pending'], // an old tick waiting for its retry
    ...Array.from({ length: 10 }, (_, i): [number, string] => [-10 + i, finished[i % 6]!]),
    [1, 'pending'],
  ]);
  await ticks(small.id, [
    [-3, 'succeeded'],
    [-2, 'dead'],
    [1, 'pending'],
  ]);
  assert.ok((await pruneOnce(back)) >= 6);
  // The five newest: the next tick and the four latest runs; the old pending one stays.
  assert.deepEqual(await left(busy.id), [
    [-30, 'pending'],
    [-4, 'succeeded'],
    [-3, 'failed'],
    [-2, 'dead'],
    [-1, 'missed'],
    [1, 'pending'],
  ]);
  assert.deepEqual(await left(small.id), [
    [-3, 'succeeded'],
    [-2, 'dead'],
    [1, 'pending'],
  ]);
  // A second pass has nothing left to delete.
  await pruneOnce(back);
  assert.equal((await left(busy.id)).length, 6);
});

test('JOB_RUNS_KEEP is read and checked like every setting', async () => {
  assert.equal(backDeps(db.pool).config.jobRunsKeep, 1000);
  assert.throws(() => backDeps(db.pool, { JOB_RUNS_KEEP: '0' }), /JOB_RUNS_KEEP/);
});
