// triggerOnce on real PostgreSQL against a real receiver on 127.0.0.1 (issue 12, semantics
// 1-3, 6, 7 and the run policy).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { dispatchOnce } from '../../src/back/dispatch.js';
import { claimTicks, runClaimed, triggerOnce } from '../../src/back/trigger.js';
import { redriveTick, runJobNow } from '../../src/db/job-write.js';
import { transaction } from '../../src/db/pool.js';
import { newAccount } from '../helpers/api.js';
import { testDatabase } from '../helpers/db.js';
import { addJob, jobValues, makeDue, only, ticksOf, triggerDeps } from '../helpers/jobs.js';
import { startHttpReceiver } from '../helpers/receivers.js';

const db = await testDatabase();
const deps = triggerDeps(db.pool);
const receiver = await startHttpReceiver();
const account = await newAccount(db.pool, 'jobs');

async function pings(checkId: number | null): Promise<{ kind: string; run_id: string }[]> {
  const { rows } = await db.pool.query(
    'SELECT kind, run_id FROM pings WHERE check_id = $1 ORDER BY id',
    [checkId],
  );
  return rows;
}

/** Runs rounds until nothing is claimed (retries are due at once: random is pinned to 0). */
async function drain(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) if ((await triggerOnce(deps)).taken === 0) return;
}

describe('chain', { timeout: 30_000 }, () => {
  test('a due tick runs, the next is inserted from scheduled_for, the check gets start and success', async () => {
    receiver.requests.length = 0;
    receiver.respond = () => 200;
    const job = await addJob(
      db.pool,
      account,
      jobValues(`${receiver.url}/chain`, { name: 'chain' }),
    );
    await only(db.pool, job.id);
    const due = await makeDue(db.pool, job.id, 7000);
    const r = await triggerOnce(deps);
    assert.deepEqual(r.results, ['succeeded']);
    const ticks = await ticksOf(db.pool, job.id);
    assert.deepEqual(
      ticks.map((t) => [t.state, t.scheduled_for.getTime() - due.getTime()]),
      [
        ['succeeded', 0],
        ['pending', 60_000],
      ],
    );
    const req = receiver.requests.find((x) => x.path === '/chain')!;
    assert.equal(req.headers['cronwatch-run-id'], ticks[0]!.run_id);
    assert.equal(req.headers['cronwatch-attempt'], '1');
    assert.equal(req.headers['cronwatch-scheduled-for'], due.toISOString());
    assert.deepEqual(
      (await pings(job.checkId)).map((p) => [p.kind, p.run_id]),
      [
        ['start', ticks[0]!.run_id],
        ['success', ticks[0]!.run_id],
      ],
    );
    const check = await db.pool.query('SELECT status, last_duration FROM checks WHERE id = $1', [
      job.checkId,
    ]);
    assert.equal(check.rows[0].status, 'up');
  });

  test('a claim that never finishes: after its lease another attempt runs with the same Run-Id, no second next tick', async () => {
    receiver.requests.length = 0;
    const job = await addJob(
      db.pool,
      account,
      jobValues(`${receiver.url}/lease`, { name: 'lease' }),
    );
    await only(db.pool, job.id);
    await makeDue(db.pool, job.id);
    const {
      attempts: [lost],
    } = await claimTicks(deps, 10);
    assert.ok(lost);
    // The back that claimed it died: nothing is sent; until the lease ends nobody takes it.
    assert.equal((await triggerOnce(deps)).taken, 0);
    await db.pool.query(
      `UPDATE ticks SET lease_until = now() - interval '1 ms', due_at = now() - interval '1 ms' WHERE job_id = $1 AND state = 'running'`,
      [job.id],
    );
    assert.deepEqual((await triggerOnce(deps)).results, ['succeeded']);
    const ticks = await ticksOf(db.pool, job.id);
    assert.equal(ticks.length, 2);
    assert.equal(ticks[0]!.attempts, 2);
    const req = receiver.requests.find((x) => x.path === '/lease')!;
    assert.equal(req.headers['cronwatch-run-id'], lost.runId);
    assert.equal(req.headers['cronwatch-attempt'], '2');
    // The first attempt's late result is dropped: the tick keeps one final state.
    assert.equal(await runClaimed(deps, lost), undefined);
    assert.equal((await ticksOf(db.pool, job.id))[0]!.state, 'succeeded');
  });

  test('several triggerOnce callers on one backlog: every tick delivered once, no duplicate claim', async () => {
    receiver.requests.length = 0;
    receiver.respond = () => 200;
    const jobs = [];
    for (let i = 0; i < 200; i++)
      jobs.push(
        await addJob(db.pool, account, jobValues(`${receiver.url}/many`, { name: `many-${i}` })),
      );
    await db.pool.query(
      `UPDATE ticks SET scheduled_for = now() - interval '1 s', due_at = now() - interval '1 s'
        WHERE job_id = ANY($1) AND state = 'pending'`,
      [jobs.map((j) => j.id)],
    );
    await db.pool.query(`UPDATE jobs SET status = 'paused' WHERE NOT (id = ANY($1))`, [
      jobs.map((j) => j.id),
    ]);
    const callers = Array.from({ length: 6 }, async () => {
      let n = 0;
      for (;;) {
        const r = await triggerOnce(deps, 17);
        if (r.taken === 0) return n;
        n += r.taken;
      }
    });
    const counts = await Promise.all(callers);
    assert.equal(
      counts.reduce((a, b) => a + b, 0),
      200,
    );
    const ids = receiver.requests
      .filter((r) => r.path === '/many')
      .map((r) => r.headers['cronwatch-run-id']);
    assert.equal(ids.length, 200);
    assert.equal(new Set(ids).size, 200);
    const { rows } = await db.pool.query(
      `SELECT state, count(*)::int AS n FROM ticks WHERE job_id = ANY($1) GROUP BY state ORDER BY state`,
      [jobs.map((j) => j.id)],
    );
    assert.deepEqual(rows, [
      { state: 'pending', n: 200 },
      { state: 'succeeded', n: 200 },
    ]);
  });
});

describe('retries', { timeout: 30_000 }, () => {
  test('5xx retried with the same Run-Id until the attempts run out, then dead with its last error; redrive runs it again', async () => {
    receiver.requests.length = 0;
    receiver.respond = () => 503;
    const job = await addJob(
      db.pool,
      account,
      jobValues(`${receiver.url}/flaky`, { name: 'flaky', maxAttempts: 3 }),
    );
    await only(db.pool, job.id);
    await makeDue(db.pool, job.id);
    await drain();
    const sent = receiver.requests.filter((r) => r.path === '/flaky');
    assert.deepEqual(
      sent.map((r) => r.headers['cronwatch-attempt']),
      ['1', '2', '3'],
    );
    assert.equal(new Set(sent.map((r) => r.headers['cronwatch-run-id'])).size, 1);
    const [dead] = await ticksOf(db.pool, job.id);
    assert.equal(dead!.state, 'dead');
    assert.equal(dead!.outcome?.status, 503);
    const check = await db.pool.query('SELECT status FROM checks WHERE id = $1', [job.checkId]);
    assert.equal(check.rows[0].status, 'down');

    receiver.respond = () => 200;
    assert.equal(await transaction(db.pool, (c) => redriveTick(c, job, dead!.run_id)), 'ok');
    await drain();
    const [again] = await ticksOf(db.pool, job.id);
    assert.equal(again!.state, 'succeeded');
    assert.equal(receiver.requests.at(-1)!.headers['cronwatch-run-id'], dead!.run_id);
    assert.equal(await transaction(db.pool, (c) => redriveTick(c, job, dead!.run_id)), 'not dead');
  });

  test('Retry-After sets the retry time; a 404 is dead at once', async () => {
    receiver.respond = () => ({ status: 429, headers: { 'Retry-After': '120' } });
    const job = await addJob(db.pool, account, jobValues(`${receiver.url}/busy`, { name: 'busy' }));
    await only(db.pool, job.id);
    await makeDue(db.pool, job.id);
    assert.deepEqual((await triggerOnce(deps)).results, ['retry']);
    const [t] = await ticksOf(db.pool, job.id);
    const wait = t!.due_at.getTime() - Date.now();
    assert.ok(wait > 110_000 && wait <= 120_000, `retry in ${wait} ms`);

    receiver.respond = () => 404;
    const gone = await addJob(
      db.pool,
      account,
      jobValues(`${receiver.url}/gone`, { name: 'gone' }),
    );
    await only(db.pool, gone.id);
    await makeDue(db.pool, gone.id);
    assert.deepEqual((await triggerOnce(deps)).results, ['dead']);
    receiver.respond = () => 200;
  });
});

describe('overlap', { timeout: 30_000 }, () => {
  async function twoDue(overlap: 'skip' | 'allow' | 'queue') {
    receiver.requests.length = 0;
    const job = await addJob(
      db.pool,
      account,
      jobValues(`${receiver.url}/slow-${overlap}`, { name: `slow-${overlap}`, overlap }),
    );
    await only(db.pool, job.id);
    await makeDue(db.pool, job.id);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    receiver.respond = async () => {
      await gate;
      return 200;
    };
    const firstRound = triggerOnce(deps, 1);
    while (receiver.requests.length === 0) await new Promise((r) => setTimeout(r, 10));
    // The first tick is running (its lease live) when the next one comes due.
    await makeDue(db.pool, job.id);
    const secondRound = triggerOnce(deps, 10).then((r) => r.results);
    // skip and queue decide without sending; allow sends while the first is in flight.
    if (overlap === 'allow')
      while (receiver.requests.length < 2) await new Promise((r) => setTimeout(r, 10));
    else await secondRound;
    const inFlight = receiver.requests.length;
    release();
    const second = await secondRound;
    await firstRound;
    receiver.respond = () => 200;
    return { job, second, inFlight };
  }

  test('skip: a tick due while the previous runs is skipped', async () => {
    const { job, second } = await twoDue('skip');
    assert.deepEqual(second, []);
    const states = (await ticksOf(db.pool, job.id)).map((t) => t.state);
    assert.deepEqual(states.slice(0, 2), ['succeeded', 'skipped']);
  });

  test('allow: both run at once', async () => {
    const { job, second, inFlight } = await twoDue('allow');
    assert.deepEqual(second, ['succeeded']);
    assert.equal(inFlight, 2);
    assert.deepEqual((await ticksOf(db.pool, job.id)).map((t) => t.state).slice(0, 2), [
      'succeeded',
      'succeeded',
    ]);
  });

  test('queue: it waits for the previous to end, then runs', async () => {
    const { job, second } = await twoDue('queue');
    assert.deepEqual(second, []);
    assert.equal((await ticksOf(db.pool, job.id))[1]!.state, 'pending');
    const r = await triggerOnce(deps, 1);
    assert.deepEqual(r.results, ['succeeded']);
    assert.deepEqual((await ticksOf(db.pool, job.id)).map((t) => t.state).slice(0, 2), [
      'succeeded',
      'succeeded',
    ]);
  });
});

describe('catch-up', { timeout: 30_000 }, () => {
  test('latest: after 5.5 minutes down the older ticks are missed and only the newest runs', async () => {
    receiver.requests.length = 0;
    const job = await addJob(
      db.pool,
      account,
      jobValues(`${receiver.url}/latest`, { name: 'latest' }),
    );
    await only(db.pool, job.id);
    await makeDue(db.pool, job.id, 330_000);
    await drain();
    const ticks = await ticksOf(db.pool, job.id);
    assert.deepEqual(
      ticks.map((t) => t.state),
      ['missed', 'missed', 'missed', 'missed', 'missed', 'succeeded', 'pending'],
    );
    assert.equal(receiver.requests.filter((r) => r.path === '/latest').length, 1);
    assert.match(ticks[0]!.outcome?.error ?? '', /missed/);
    // A missed tick is a failure of the job's check; the run after it a recovery.
    assert.deepEqual(
      (await pings(job.checkId)).map((p) => p.kind),
      ['fail', 'start', 'success'],
    );
  });

  test('none: nothing late runs; the chain resumes after now', async () => {
    receiver.requests.length = 0;
    const job = await addJob(
      db.pool,
      account,
      jobValues(`${receiver.url}/none`, { name: 'none', catchUp: 'none' }),
    );
    await only(db.pool, job.id);
    await makeDue(db.pool, job.id, 330_000);
    await drain();
    const ticks = await ticksOf(db.pool, job.id);
    assert.equal(receiver.requests.filter((r) => r.path === '/none').length, 0);
    assert.deepEqual(
      ticks.map((t) => t.state),
      ['missed', 'missed', 'missed', 'missed', 'missed', 'missed', 'pending'],
    );
    assert.ok(ticks.at(-1)!.scheduled_for.getTime() > Date.now());
  });

  test('all: every missed time within the deadline runs', async () => {
    receiver.requests.length = 0;
    const job = await addJob(
      db.pool,
      account,
      jobValues(`${receiver.url}/all`, { name: 'all', catchUp: 'all', overlap: 'allow' }),
    );
    await only(db.pool, job.id);
    await makeDue(db.pool, job.id, 330_000);
    // Each run catches up the next missed time a second later, not at once.
    for (let run = 1; run <= 6; run++) {
      const before = Date.now();
      assert.deepEqual((await triggerOnce(deps)).results, ['succeeded']);
      const next = (await ticksOf(db.pool, job.id)).at(-1)!;
      assert.equal(next.state, 'pending');
      if (run < 6) {
        assert.ok(next.scheduled_for.getTime() < before, 'a missed time is caught up');
        const spread = next.due_at.getTime() - before;
        assert.ok(spread > 500 && spread < 5000, `next catch-up run due in ${spread} ms`);
        assert.equal((await triggerOnce(deps)).taken, 0, 'not due yet');
        await db.pool.query(
          `UPDATE ticks SET due_at = now() WHERE id = (
          SELECT id FROM ticks WHERE job_id = $1 AND state = 'pending')`,
          [job.id],
        );
      }
    }
    const ticks = await ticksOf(db.pool, job.id);
    assert.deepEqual(
      ticks.map((t) => t.state),
      [...Array(6).fill('succeeded'), 'pending'],
    );
    assert.equal(receiver.requests.filter((r) => r.path === '/all').length, 6);
  });
});

describe('run now and one-offs', { timeout: 30_000 }, () => {
  test('run now is a tick outside the chain; a one-off job has one tick and no check', async () => {
    receiver.requests.length = 0;
    const job = await addJob(db.pool, account, jobValues(`${receiver.url}/now`, { name: 'now' }));
    await only(db.pool, job.id);
    const { runId } = await transaction(db.pool, (c) => runJobNow(c, job));
    assert.deepEqual((await triggerOnce(deps)).results, ['succeeded']);
    const ticks = await ticksOf(db.pool, job.id);
    assert.deepEqual(
      ticks.map((t) => [t.state, t.manual]),
      [
        ['succeeded', true],
        ['pending', false],
      ],
    );
    assert.equal(receiver.requests[0]!.headers['cronwatch-run-id'], runId);

    const once = await addJob(
      db.pool,
      account,
      jobValues(`${receiver.url}/once`, {
        name: 'once',
        schedule: { kind: 'once', at: new Date(Date.now() + 60_000) },
      }),
    );

    await only(db.pool, once.id);
    assert.equal(once.checkId, null);
    await makeDue(db.pool, once.id);
    assert.deepEqual((await triggerOnce(deps)).results, ['succeeded']);
    assert.deepEqual(
      (await ticksOf(db.pool, once.id)).map((t) => t.state),
      ['succeeded'],
    );
  });
});

describe('the check of a recurring job', () => {
  test('no back runs the job: the check goes down at its first tick plus grace, as any job that stopped', async () => {
    const { sweepOnce } = await import('../../src/back/sweep.js');
    const job = await addJob(
      db.pool,
      account,
      jobValues(`${receiver.url}/orphan`, { name: 'orphan' }),
    );
    await only(db.pool, job.id);
    const { rows } = await db.pool.query(
      `SELECT c.status, c.next_deadline, c.grace, t.scheduled_for FROM checks c, ticks t
        WHERE c.id = $1 AND t.job_id = $2`,
      [job.checkId, job.id],
    );
    const { next_deadline: deadline, grace, scheduled_for: first } = rows[0];
    assert.equal(deadline.getTime(), first.getTime() + grace * 1000);
    await sweepOnce(deps, new Date(deadline.getTime() + 1000));
    const after = await db.pool.query('SELECT status FROM checks WHERE id = $1', [job.checkId]);
    assert.equal(after.rows[0].status, 'down');
  });
});

describe('a one-off job that dies', { timeout: 30_000 }, () => {
  test("alerts each channel of the account once, through the outbox; a recurring job's dead tick does not", async () => {
    const hooks = await startHttpReceiver();
    const owner = await newAccount(db.pool, 'oneoff-owner');
    for (const path of ['/a', '/b'])
      await db.pool.query(
        `INSERT INTO channels (account_id, kind, config) VALUES ($1, 'webhook', jsonb_build_object('url', $2::text))`,
        [owner, `${hooks.url}${path}`],
      );
    receiver.respond = () => 404;
    const at = new Date(Date.now() + 60_000);
    const once = await addJob(
      db.pool,
      owner,
      jobValues(`${receiver.url}/dead-once`, { name: 'dead-once', schedule: { kind: 'once', at } }),
    );
    const recurring = await addJob(
      db.pool,
      owner,
      jobValues(`${receiver.url}/dead-every`, { name: 'dead-every' }),
    );
    await db.pool.query(`UPDATE jobs SET status = 'paused' WHERE NOT (id = ANY($1))`, [
      [once.id, recurring.id],
    ]);
    await makeDue(db.pool, once.id);
    await makeDue(db.pool, recurring.id);
    assert.deepEqual((await triggerOnce(deps)).results, ['dead', 'dead']);
    receiver.respond = () => 200;
    const [tick] = await ticksOf(db.pool, once.id);
    const { rows } = await db.pool.query<{ channel_id: number; payload: { failure: string } }>(
      `SELECT channel_id, payload FROM notifications WHERE flip_id IS NULL ORDER BY channel_id`,
    );
    assert.equal(rows.length, 2, 'one notification per channel of the account');
    assert.equal(new Set(rows.map((r) => r.channel_id)).size, 2);
    for (const r of rows)
      assert.match(r.payload.failure, new RegExp(`${tick!.run_id}.*status 404`));
    // Delivered by the dispatcher as any alert; the other two are the recurring job's check
    // going down on its fail ping (its channels are the account's).
    assert.deepEqual(await dispatchOnce(deps, new Date()), { sent: 4, retry: 0, dead: 0 });
    const oneOff = hooks.requests.filter((r) => /job dead-once/.test(r.body));
    assert.deepEqual(oneOff.map((r) => r.path).sort(), ['/a', '/b']);
    for (const r of oneOff) assert.match(r.body, /oneoff-owner/);
  });
});
