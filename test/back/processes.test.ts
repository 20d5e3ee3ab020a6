// Back instances as real OS processes on one database (invariants 3 and 4):
// - four `cronwatch back` side by side: every overdue check is flipped once and every
//   notification is delivered once per channel, with no duplicate;
// - `cronwatch back` killed with SIGKILL again and again in the middle of its work, then a
//   last one: no check is alerted twice, no alert is lost, and a duplicate delivery (the
//   price of at-least-once) carries the id of the notification it repeats.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import type { Pool } from '../../src/db/pool.js';
import { testDatabase } from '../helpers/db.js';
import { outputOf, spawnCli, type Cli } from '../helpers/process.js';
import { startHttpReceiver, type Received } from '../helpers/receivers.js';

const ACCOUNT = 'acme';

/**
 * One account, `n` checks named job-00001… that are up and were due a minute ago, and one
 * webhook channel linked to all of them, committed together. Returns the channel's id.
 */
async function seedOverdue(pool: Pool, n: number, webhookUrl: string): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const account = await client.query<{ id: number }>(
      `INSERT INTO accounts (name) VALUES ($1) RETURNING id`,
      [ACCOUNT],
    );
    const accountId = account.rows[0]!.id;
    await client.query(
      `INSERT INTO checks (account_id, name, kind, period, grace, status, last_ping_at, next_deadline)
       SELECT $1, 'job-' || lpad(i::text, 5, '0'), 'simple', 60, 60, 'up',
              now() - interval '3 minutes', now() - interval '1 minute'
         FROM generate_series(1, $2::int) AS i`,
      [accountId, n],
    );
    const channel = await client.query<{ id: number }>(
      `INSERT INTO channels (account_id, kind, name, config) VALUES ($1, 'webhook', 'hook', $2)
       RETURNING id`,
      [accountId, JSON.stringify({ url: webhookUrl })],
    );
    const channelId = channel.rows[0]!.id;
    await client.query(
      `INSERT INTO check_channels (check_id, channel_id) SELECT id, $2 FROM checks WHERE account_id = $1`,
      [accountId, channelId],
    );
    await client.query('COMMIT');
    return channelId;
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  } finally {
    client.release();
  }
}

interface Progress {
  /** Checks not yet down. */
  unswept: number;
  notifications: number;
  pending: number;
  sent: number;
  dead: number;
}

async function progress(pool: Pool): Promise<Progress> {
  const { rows } = await pool.query<Progress>(
    `SELECT (SELECT count(*)::int FROM checks WHERE status <> 'down') AS unswept,
            count(*)::int AS notifications,
            (count(*) FILTER (WHERE state = 'pending'))::int AS pending,
            (count(*) FILTER (WHERE state = 'sent'))::int AS sent,
            (count(*) FILTER (WHERE state = 'dead'))::int AS dead
       FROM notifications`,
  );
  return rows[0]!;
}

function running(cli: Cli): boolean {
  return cli.child.exitCode === null && cli.child.signalCode === null;
}

/**
 * Polls `probe` every 100 ms until it says done. Fails at the time limit with the last state
 * it reported, and at once when one of `processes` exits meanwhile.
 */
async function waitFor(
  what: string,
  timeoutMs: number,
  probe: () => Promise<{ done: boolean; state: unknown }>,
  processes: Cli[] = [],
  intervalMs = 100,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const cli of processes) {
      if (!running(cli)) {
        throw new Error(
          `back ${cli.pid} exited (${cli.child.exitCode ?? cli.child.signalCode}) while waiting for ${what}\n${outputOf(cli)}`,
        );
      }
    }
    const { done, state } = await probe();
    if (done) return;
    if (Date.now() > deadline) {
      throw new Error(
        `no ${what} after ${timeoutMs} ms; last state ${JSON.stringify(state)}\n` +
          processes.map(outputOf).join('\n'),
      );
    }
    await delay(intervalMs);
  }
}

/** Whether the back has written its heartbeat row (it does so just before its loops start). */
async function registered(pool: Pool, cli: Cli): Promise<{ done: boolean; state: unknown }> {
  const { rowCount } = await pool.query(`SELECT 1 FROM back_instances WHERE pid = $1`, [cli.pid]);
  return { done: rowCount === 1, state: { registered: rowCount } };
}

/** Stops a back with SIGTERM (the helper escalates to SIGKILL after its grace) and returns its exit. */
async function terminate(cli: Cli) {
  const exit = await cli.stop(30_000);
  return { pid: cli.pid, ...exit, output: exit.code === 0 ? '' : outputOf(cli) };
}

function webhookId(r: Received): string {
  const body = r.json as { id?: unknown };
  assert.equal(typeof body?.id, 'string', `webhook body without an id: ${r.body}`);
  assert.equal(r.headers['x-cronwatch-notification-id'], body.id, 'header and body ids differ');
  return body.id as string;
}

/** The check a Slack post is about: alertText's first line names it. */
function slackCheckName(r: Received): string {
  const text = (r.json as { text?: unknown })?.text;
  assert.equal(typeof text, 'string', `Slack body without text: ${r.body}`);
  const m = /^The cronjob (\S+) for account /.exec(text as string);
  assert.ok(m, `Slack text names no check: ${String(text)}`);
  return m[1]!;
}

function countBy<T>(items: T[]): Map<T, number> {
  const counts = new Map<T, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return counts;
}

test(
  'four back processes: 5,000 overdue checks flip once and 10,000 alerts arrive once each',
  {
    timeout: 240_000,
  },
  async () => {
    const CHECKS = 5_000;
    const db = await testDatabase();
    const hook = await startHttpReceiver();
    const slack = await startHttpReceiver();

    // The backs come up first and sit idle, so all four contend for the same checks the moment
    // they are committed instead of the first one to start sweeping everything alone.
    const backs: Cli[] = [];
    for (let i = 0; i < 4; i++) {
      backs.push(
        spawnCli(['back'], {
          DATABASE_URL: db.url,
          LOG_LEVEL: 'warn',
          LOG_FORMAT: 'json',
          SLACK_WEBHOOK_URL: slack.url + '/slack',
          SWEEP_BATCH_SIZE: '200',
        }),
      );
    }
    const pids = backs.map((b) => b.pid);
    await waitFor(
      'four back instances registered',
      60_000,
      async () => {
        const { rows } = await db.pool.query<{ n: number }>(
          `SELECT count(DISTINCT pid)::int AS n FROM back_instances WHERE pid = ANY($1::int[])`,
          [pids],
        );
        return { done: rows[0]!.n === 4, state: rows[0] };
      },
      backs,
    );

    const started = Date.now();
    await seedOverdue(db.pool, CHECKS, hook.url + '/hook');
    await waitFor(
      'all 10,000 alerts delivered',
      90_000,
      async () => {
        const p = await progress(db.pool);
        const received = hook.requests.length + slack.requests.length;
        return { done: received >= 2 * CHECKS && p.sent === 2 * CHECKS, state: { received, ...p } };
      },
      backs,
    );
    const elapsed = Date.now() - started;
    const timing = await db.pool.query<{ sweep: number; dispatch: number }>(
      `SELECT (extract(epoch FROM (SELECT max(created_at) - min(created_at) FROM flips)) * 1000)::int AS sweep,
            (extract(epoch FROM max(sent_at) - min(created_at)) * 1000)::int AS dispatch
       FROM notifications`,
    );

    // Stopping waits for deliveries in flight, so a late duplicate would be counted below.
    const exits = await Promise.all(backs.map(terminate));
    for (const e of exits)
      assert.deepEqual([e.code, e.signal], [0, null], `back ${e.pid}\n${e.output}`);

    const flips = await db.pool.query<{ n: number; checks: number; to: string[]; from: string[] }>(
      `SELECT count(*)::int AS n, count(DISTINCT check_id)::int AS checks,
            array_agg(DISTINCT to_status) AS to, array_agg(DISTINCT from_status) AS from
       FROM flips`,
    );
    assert.deepEqual(flips.rows[0], { n: CHECKS, checks: CHECKS, to: ['down'], from: ['up'] });
    const checks = await db.pool.query<{ status: string; deadline: Date | null; n: number }>(
      `SELECT status, next_deadline AS deadline, count(*)::int AS n FROM checks GROUP BY 1, 2`,
    );
    assert.deepEqual(checks.rows, [{ status: 'down', deadline: null, n: CHECKS }]);

    const notes = await db.pool.query<{
      id: string;
      transport: string;
      state: string;
      attempts: number;
    }>(`SELECT id, transport, state, attempts FROM notifications`);
    assert.equal(notes.rows.length, 2 * CHECKS);
    // One claim each (attempts = 1): no notification was ever handed to two instances.
    assert.deepEqual(
      Object.fromEntries(
        countBy(notes.rows.map((n) => `${n.transport} ${n.state} attempts=${n.attempts}`)),
      ),
      { 'webhook sent attempts=1': CHECKS, 'slack sent attempts=1': CHECKS },
    );

    // Webhook: each notification id exactly once, and nothing else.
    assert.ok(hook.requests.every((r) => r.path === '/hook'));
    const hookIds = countBy(hook.requests.map(webhookId));
    const webhookNotes = new Set(
      notes.rows.filter((n) => n.transport === 'webhook').map((n) => n.id),
    );
    assert.equal(hook.requests.length, CHECKS, 'webhook deliveries');
    assert.equal(hookIds.size, CHECKS, 'distinct webhook notification ids');
    assert.deepEqual(new Set(hookIds.keys()), webhookNotes);

    // Slack's body has no id: each check's name is in exactly one post.
    assert.ok(slack.requests.every((r) => r.path === '/slack'));
    const names = countBy(slack.requests.map(slackCheckName));
    assert.equal(slack.requests.length, CHECKS, 'Slack posts');
    assert.equal(names.size, CHECKS, 'checks named in Slack posts');
    const { rows: checkNames } = await db.pool.query<{ name: string }>(`SELECT name FROM checks`);
    assert.deepEqual(new Set(names.keys()), new Set(checkNames.map((c) => c.name)));

    console.log(
      `4 backs: ${CHECKS} checks swept, ${2 * CHECKS} alerts delivered in ${elapsed} ms ` +
        `(sweep batches from first to last ${timing.rows[0]!.sweep} ms, first flip to last send ` +
        `${timing.rows[0]!.dispatch} ms), no duplicate`,
    );
  },
);

test(
  'a back killed with SIGKILL mid-work, again and again: no double alert, no lost alert',
  {
    timeout: 300_000,
  },
  async () => {
    const CHECKS = 1_000;
    const KILLS = 20;
    const db = await testDatabase();
    const hook = await startHttpReceiver();
    hook.respond = async () => {
      await delay(Math.random() * 20);
      return 200;
    };
    await seedOverdue(db.pool, CHECKS, hook.url + '/hook');
    const env = {
      DATABASE_URL: db.url,
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      SWEEP_BATCH_SIZE: '50',
      DISPATCH_CONCURRENCY: '4',
      DISPATCH_TIMEOUT_SECONDS: '1',
      DISPATCH_LEASE_SECONDS: '3',
      RETRY_BASE_SECONDS: '1',
    };

    interface Kill {
      afterMs: number;
      state: Progress;
      received: number;
    }
    const kills: Kill[] = [];
    for (let i = 0; i < KILLS; i++) {
      const back = spawnCli(['back'], env);
      // Its heartbeat row is written right before its sweeper and dispatcher start.
      await waitFor('the back registered', 60_000, () => registered(db.pool, back), [back], 20);
      const afterMs = Math.round(Math.random() * 1_000);
      await delay(afterMs);
      assert.ok(running(back), `back ${back.pid} exited on its own\n${outputOf(back)}`);
      process.kill(back.pid, 'SIGKILL');
      const exit = await back.exited;
      assert.equal(exit.signal, 'SIGKILL');
      // Nothing works between two backs: the state now is the state at the kill.
      kills.push({ afterMs, state: await progress(db.pool), received: hook.requests.length });
    }

    const last = spawnCli(['back'], env);
    // Up before it is stopped, or the SIGTERM could come before its signal handlers exist.
    await waitFor('the last back registered', 60_000, () => registered(db.pool, last), [last]);
    await waitFor(
      'every check down and every alert sent',
      60_000,
      async () => {
        const p = await progress(db.pool);
        return {
          done: p.unswept === 0 && p.notifications === CHECKS && p.sent === CHECKS,
          state: p,
        };
      },
      [last],
    );
    const exit = await terminate(last);
    assert.deepEqual([exit.code, exit.signal], [0, null], exit.output);

    // Exactly one down flip per check: no check was alerted twice.
    const flips = await db.pool.query<{ n: number; checks: number; to: string[] }>(
      `SELECT count(*)::int AS n, count(DISTINCT check_id)::int AS checks, array_agg(DISTINCT to_status) AS to
       FROM flips`,
    );
    assert.deepEqual(flips.rows[0], { n: CHECKS, checks: CHECKS, to: ['down'] });
    const notes = await db.pool.query<{ id: string; state: string; attempts: number }>(
      `SELECT n.id, n.state, n.attempts FROM notifications n`,
    );
    assert.equal(notes.rows.length, CHECKS);
    const ids = new Set(notes.rows.map((n) => n.id));
    assert.equal(ids.size, CHECKS);
    assert.ok(notes.rows.every((n) => n.state === 'sent'));

    // Every alert arrived at least once; a repeat carries the id of a real notification.
    const received = countBy(hook.requests.map(webhookId));
    const lost = [...ids].filter((id) => !received.has(id));
    assert.deepEqual(lost, [], 'notifications never received');
    const strangers = [...received.keys()].filter((id) => !ids.has(id));
    assert.deepEqual(strangers, [], 'received ids that are no notification');
    const duplicates = hook.requests.length - received.size;
    const repeated = [...received.values()].filter((n) => n > 1).length;

    // The kills must have hit work in progress, or this test proves nothing.
    const midSweep = kills.filter((k) => k.state.unswept > 0).length;
    const midDispatch = kills.filter((k) => k.state.unswept === 0 && k.state.pending > 0).length;
    const idle = kills.length - midSweep - midDispatch;
    console.log(
      `${KILLS} SIGKILLs: ${midSweep} mid-sweep, ${midDispatch} mid-dispatch, ${idle} after the work; ` +
        `${hook.requests.length} webhook deliveries of ${CHECKS} alerts: ${duplicates} duplicate(s) ` +
        `of ${repeated} alert(s); attempts ${JSON.stringify(Object.fromEntries(countBy(notes.rows.map((n) => n.attempts))))}`,
    );
    console.log(
      'kills (ms after the heartbeat → unswept checks/pending alerts/received): ' +
        kills
          .map((k) => `${k.afterMs}→${k.state.unswept}/${k.state.pending}/${k.received}`)
          .join(' '),
    );
    assert.ok(
      kills.some((k) => k.state.pending > 0),
      'no kill landed while notifications were pending',
    );
  },
);
