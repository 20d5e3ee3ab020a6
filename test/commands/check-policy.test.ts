// `cronwatch check policy|ack` and `cronwatch maintenance add|list|rm` (issue 16), through
// the real CLI process on PostgreSQL.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cliOn } from '../helpers/cli.js';
import { testDatabase } from '../helpers/db.js';

const db = await testDatabase();
const cli = cliOn(db.url);

const { rows: acc } = await db.pool.query(
  `INSERT INTO accounts (name) VALUES ('acme') RETURNING id`,
);
await db.pool.query(
  `INSERT INTO checks (account_id, name, period, grace, tags) VALUES ($1, 'db', 3600, 300, '{nightly}'),
          ($1, 'backup', 3600, 300, '{}')`,
  [acc[0].id],
);

test('check policy sets, shows and clears settings; bad values exit 2 naming the field', async () => {
  const r = await cli([
    'check',
    'policy',
    'acme',
    'backup',
    '--failure-threshold',
    '3',
    '--max-runtime',
    '259200',
    '--repeat-every',
    '3600',
    '--depends-on',
    'db',
    '--repeat-limit',
    'none',
    '--json',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.failure_threshold, 3);
  assert.equal(out.max_runtime, 259200);
  assert.equal(out.repeat_every, 3600);
  assert.equal(out.repeat_limit, null, '"none" clears a setting');
  const deps = await db.pool.query(
    `SELECT p.name FROM check_dependencies d JOIN checks c ON c.id = d.check_id
       JOIN checks p ON p.id = d.parent_id WHERE c.name = 'backup'`,
  );
  assert.deepEqual(deps.rows, [{ name: 'db' }]);
  const bad = await cli(['check', 'policy', 'acme', 'backup', '--failure-threshold', '0']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /failure_threshold must be a whole number from 1/);
  const cycle = await cli(['check', 'policy', 'acme', 'db', '--depends-on', 'backup']);
  assert.equal(cycle.code, 2);
  assert.match(cycle.stderr, /depends_on: this would make a cycle/);
});

test('check ack: refused while nothing is down, stops repeats of a down check', async () => {
  const up = await cli(['check', 'ack', 'acme', 'db']);
  assert.equal(up.code, 2);
  assert.match(up.stderr, /not down with an alert out/);
  await db.pool.query(`UPDATE checks SET status = 'down', policy_due_at = now() WHERE name = 'db'`);
  const r = await cli(['check', 'ack', 'acme', 'db']);
  assert.equal(r.code, 0, r.stderr);
  const { rows } = await db.pool.query(
    `SELECT acked_at IS NOT NULL AS acked, policy_due_at FROM checks WHERE name = 'db'`,
  );
  assert.deepEqual(rows, [{ acked: true, policy_due_at: null }]);
});

test('maintenance add (tag, recurring; check, one-off), list and rm', async () => {
  const a = await cli([
    'maintenance',
    'add',
    'acme',
    '--tag',
    'nightly',
    '--cron',
    '0 2 * * 0',
    '--duration',
    '7200',
    '--tz',
    'Europe/Berlin',
  ]);
  assert.equal(a.code, 0, a.stderr);
  const w = JSON.parse(a.stdout);
  assert.deepEqual(
    { tag: w.tag, cron: w.cron, duration: w.duration, tz: w.tz },
    { tag: 'nightly', cron: '0 2 * * 0', duration: 7200, tz: 'Europe/Berlin' },
  );
  const b = await cli([
    'maintenance',
    'add',
    'acme',
    '--check',
    'backup',
    '--from',
    '2026-05-01T00:00:00Z',
    '--to',
    '2026-05-01T02:00:00Z',
  ]);
  assert.equal(b.code, 0, b.stderr);
  const bad = await cli(['maintenance', 'add', 'acme', '--tag', 'x', '--cron', '0 2 * * 0']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /duration must be a whole number/);
  const list = await cli(['maintenance', 'list', 'acme']);
  assert.equal(list.stdout.trim().split('\n').length, 2);
  const rm = await cli(['maintenance', 'rm', 'acme', w.uuid]);
  assert.equal(rm.code, 0, rm.stderr);
  assert.equal((await db.pool.query(`SELECT 1 FROM maintenance_windows`)).rowCount, 1);
});
