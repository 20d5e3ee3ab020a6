import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import request from 'supertest';
import { dispatchOnce } from '../../src/back/dispatch.js';
import { sweepOnce } from '../../src/back/sweep.js';
import { createApp } from '../../src/front/app.js';
import { frontDeps } from '../helpers/app.js';
import { backDeps } from '../helpers/back.js';
import { testDatabase } from '../helpers/db.js';
import { startHttpReceiver, startSmtp } from '../helpers/receivers.js';

const db = await testDatabase();
const smtp = await startSmtp();
const slack = await startHttpReceiver();
const hooks = await startHttpReceiver();
const env = {
  SMTP_URL: smtp.url,
  SMTP_FROM: 'cronwatch@test.local',
  SLACK_WEBHOOK_URL: slack.url + '/slack',
  SLACK_CHANNEL: '#ops',
};
const back = backDeps(db.pool, env);

let clock = new Date('2026-01-05T10:00:00Z');
const app = createApp(frontDeps(db.pool, { env, clock: () => clock }));
const at = (iso: string) => (clock = new Date(iso));

async function checkIn(name: string, account = 'acme', frequency = 600) {
  const res = await request(app).get(
    `/?cronname=${name}&account=${account}&email=ops@acme.io&frequency=${frequency}`,
  );
  assert.equal(res.status, 201, res.text);
}

async function linkWebhook(name: string, url: string) {
  await db.pool.query(
    `WITH ch AS (INSERT INTO channels (account_id, kind, config)
                 SELECT account_id, 'webhook', jsonb_build_object('url', $2::text, 'secret', 's3cret') FROM checks WHERE name = $1
                 RETURNING id, account_id)
     INSERT INTO check_channels (check_id, channel_id) SELECT c.id, ch.id FROM checks c, ch WHERE c.name = $1`,
    [name, url],
  );
}

function receivedFor(name: string) {
  return {
    mails: smtp.mails.filter((m) => m.subject.startsWith(`${name}:`)),
    slack: slack.requests.filter((r) =>
      (r.json as { text: string }).text.includes(`cronjob ${name} `),
    ),
    hooks: hooks.requests.filter(
      (r) => (r.json as { check: { name: string } }).check.name === name,
    ),
  };
}

describe('a miss sends one alert per channel, a check-in one recovery', () => {
  test('miss → exactly one email, one Slack post and one webhook, with gocron texts', async () => {
    at('2026-01-05T10:00:00Z');
    await checkIn('backup');
    await linkWebhook('backup', hooks.url + '/hook');
    // frequency 600 s + grace max(60, 10 %) = 660 s: at 10:10:59 nothing is due yet.
    assert.deepEqual(await sweepOnce(back, new Date('2026-01-05T10:10:59Z')), {
      claimed: 0,
      down: 0,
      skipped: 0,
    });
    assert.deepEqual(await sweepOnce(back, new Date('2026-01-05T10:11:01Z')), {
      claimed: 1,
      down: 1,
      skipped: 0,
    });
    assert.deepEqual(await dispatchOnce(back, new Date('2026-01-05T10:11:01Z')), {
      sent: 3,
      retry: 0,
      dead: 0,
    });

    const got = receivedFor('backup');
    assert.equal(got.mails.length, 1);
    assert.equal(got.mails[0]!.subject, 'backup: acme failed to check in');
    assert.deepEqual(got.mails[0]!.to, ['ops@acme.io']);
    assert.match(
      got.mails[0]!.text,
      /^The cronjob backup for account acme has not checked in on time\n/,
    );
    assert.match(got.mails[0]!.text, /Last check-in: 2026-01-05T10:00:00.000Z/);
    assert.match(got.mails[0]!.text, /Expected at: +2026-01-05T10:10:00.000Z/);
    assert.match(got.mails[0]!.text, /Deadline: +2026-01-05T10:11:00.000Z/);
    assert.equal(got.slack.length, 1);
    assert.equal((got.slack[0]!.json as { channel: string }).channel, '#ops');
    assert.match(
      (got.slack[0]!.json as { text: string }).text,
      /^The cronjob backup for account acme has not checked in on time/,
    );
    assert.equal(got.hooks.length, 1);
    const hook = got.hooks[0]!;
    assert.equal((hook.json as { event: string }).event, 'down');

    // Every delivery carries the notification's stable id.
    const ids = (
      await db.pool.query<{ id: string; transport: string }>(
        `SELECT id, transport FROM notifications ORDER BY transport`,
      )
    ).rows;
    assert.equal(ids.length, 3);
    assert.equal(
      got.mails[0]!.messageId,
      `<${ids.find((r) => r.transport === 'email')!.id}@cronwatch>`,
    );
    assert.equal(
      hook.headers['x-cronwatch-notification-id'],
      ids.find((r) => r.transport === 'webhook')!.id,
    );
    // HMAC-SHA256 of the body with the channel's secret.
    const { createHmac } = await import('node:crypto');
    assert.equal(
      hook.headers['x-cronwatch-signature'],
      'sha256=' + createHmac('sha256', 's3cret').update(hook.body).digest('hex'),
    );
  });

  test('further sweeps while the job stays missed send nothing', async () => {
    for (const t of ['2026-01-05T10:12:00Z', '2026-01-05T11:00:00Z', '2026-01-06T10:00:00Z']) {
      assert.equal((await sweepOnce(back, new Date(t))).claimed, 0);
      assert.deepEqual(await dispatchOnce(back, new Date(t)), { sent: 0, retry: 0, dead: 0 });
    }
    const got = receivedFor('backup');
    assert.deepEqual([got.mails.length, got.slack.length, got.hooks.length], [1, 1, 1]);
    const { rows } = await db.pool.query(
      `SELECT status, next_deadline FROM checks WHERE name = 'backup'`,
    );
    assert.deepEqual(rows, [{ status: 'down', next_deadline: null }]);
  });

  test('the next check-in sends one "back online" alert on each channel', async () => {
    at('2026-01-06T10:30:00Z');
    await checkIn('backup');
    assert.deepEqual(await dispatchOnce(back, new Date('2026-01-06T10:30:00Z')), {
      sent: 3,
      retry: 0,
      dead: 0,
    });
    const got = receivedFor('backup');
    assert.deepEqual([got.mails.length, got.slack.length, got.hooks.length], [2, 2, 2]);
    assert.equal(got.mails[1]!.subject, 'backup: acme is back online');
    assert.match(got.mails[1]!.text, /^The cronjob backup for account acme is back online\n/);
    assert.match(
      (got.slack[1]!.json as { text: string }).text,
      /^The cronjob backup for account acme is back online/,
    );
    assert.equal((got.hooks[1]!.json as { event: string }).event, 'up');
    const flips = await db.pool.query(`SELECT from_status, to_status FROM flips ORDER BY id`);
    // The first check-in's new → up (issue 17 item 20) is recorded but was never alerted.
    assert.deepEqual(flips.rows, [
      { from_status: 'new', to_status: 'up' },
      { from_status: 'up', to_status: 'down' },
      { from_status: 'down', to_status: 'up' },
    ]);
  });

  test('a check-in while up only moves the deadline: no flip, no alert', async () => {
    at('2026-01-06T10:35:00Z');
    await checkIn('backup');
    assert.equal((await db.pool.query(`SELECT count(*)::int AS n FROM flips`)).rows[0].n, 3);
    const { rows } = await db.pool.query(`SELECT next_deadline FROM checks WHERE name = 'backup'`);
    assert.deepEqual(rows[0].next_deadline, new Date('2026-01-06T10:46:00Z'));
  });

  // COMPAT item 11: gocron did not reset its "alerted" flag on check-in, so a job that
  // recovered and missed again between two scans got neither alert.
  test('gocron bug: a job that recovers and then misses again is alerted again', async () => {
    assert.equal((await sweepOnce(back, new Date('2026-01-06T10:46:01Z'))).down, 1);
    await dispatchOnce(back, new Date('2026-01-06T10:46:01Z'));
    at('2026-01-06T10:50:00Z');
    await checkIn('backup');
    await dispatchOnce(back, new Date('2026-01-06T10:50:00Z'));
    assert.equal((await sweepOnce(back, new Date('2026-01-06T11:01:01Z'))).down, 1);
    await dispatchOnce(back, new Date('2026-01-06T11:01:01Z'));
    const subjects = receivedFor('backup').mails.map((m) => m.subject);
    assert.deepEqual(subjects, [
      'backup: acme failed to check in',
      'backup: acme is back online',
      'backup: acme failed to check in',
      'backup: acme is back online',
      'backup: acme failed to check in',
    ]);
  });
});

describe('the sweeper', () => {
  test('reads due checks through the partial index on sweep_at', async () => {
    await db.pool.query(
      `INSERT INTO checks (account_id, name, period, grace, status, next_deadline)
       SELECT (SELECT id FROM accounts LIMIT 1), 'bulk-' || i, 60, 60, 'up', now() + interval '1 day'
         FROM generate_series(1, 20000) i`,
    );
    await db.pool.query('ANALYZE checks');
    const { rows } = await db.pool.query(
      `EXPLAIN (FORMAT JSON) SELECT c.id FROM checks c JOIN accounts a ON a.id = c.account_id
        WHERE c.sweep_at <= $1 AND c.next_deadline <= $1 ORDER BY c.sweep_at LIMIT 500
          FOR UPDATE OF c SKIP LOCKED`,
      [new Date()],
    );
    const scans: string[] = [];
    const walk = (node: {
      'Node Type': string;
      'Relation Name'?: string;
      'Index Name'?: string;
      Plans?: unknown[];
    }) => {
      if (node['Relation Name'] === 'checks')
        scans.push(`${node['Node Type']} ${node['Index Name'] ?? ''}`.trim());
      for (const child of node.Plans ?? []) walk(child as typeof node);
    };
    walk(rows[0]['QUERY PLAN'][0].Plan);
    assert.deepEqual(scans, ['Index Scan checks_sweep']);
    await db.pool.query(`DELETE FROM checks WHERE name LIKE 'bulk-%'`);
  });

  test('a check that cannot be evaluated is pushed an hour ahead; the others still alert', async () => {
    at('2026-02-01T00:00:00Z');
    await checkIn('good-1', 'beta', 60);
    await checkIn('broken', 'beta', 60);
    await checkIn('good-2', 'beta', 60);
    // Bad data stands in as a trigger that fails the flip insert for one check.
    await db.pool.query(`CREATE FUNCTION fail_broken() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.check_id = (SELECT id FROM checks WHERE name = 'broken') THEN RAISE EXCEPTION 'corrupt check'; END IF;
        RETURN NEW;
      END $$`);
    await db.pool.query(
      `CREATE TRIGGER fail_broken BEFORE INSERT ON flips FOR EACH ROW EXECUTE FUNCTION fail_broken()`,
    );
    try {
      const now = new Date('2026-02-01T00:02:01Z');
      assert.deepEqual(await sweepOnce(back, now), { claimed: 3, down: 2, skipped: 1 });
      const { rows } = await db.pool.query(
        `SELECT name, status, next_deadline FROM checks WHERE name IN ('good-1', 'broken', 'good-2') ORDER BY name`,
      );
      assert.deepEqual(rows, [
        { name: 'broken', status: 'up', next_deadline: new Date('2026-02-01T01:02:01Z') },
        { name: 'good-1', status: 'down', next_deadline: null },
        { name: 'good-2', status: 'down', next_deadline: null },
      ]);
      // The next sweep does not trip over it again.
      assert.deepEqual(await sweepOnce(back, new Date('2026-02-01T00:03:00Z')), {
        claimed: 0,
        down: 0,
        skipped: 0,
      });
    } finally {
      await db.pool.query(`DROP TRIGGER fail_broken ON flips; DROP FUNCTION fail_broken()`);
    }
  });
});
