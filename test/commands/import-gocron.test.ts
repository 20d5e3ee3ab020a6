import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sweepOnce } from '../../src/back/sweep.js';
import { backDeps } from '../helpers/back.js';
import { testDatabase } from '../helpers/db.js';
import { cliOn } from '../helpers/cli.js';

const target = await testDatabase();
const source = await testDatabase({ migrated: false });

const cli = cliOn(target.url);

const now = Math.floor(Date.now() / 1000);
// gocron's own DDL, from its README (COMPAT 17).
await source.pool
  .query(`CREATE TABLE gocron(cronName varchar, account varchar, email varchar, ipaddress varchar,
  frequency integer, lastruntime integer, alerted boolean, site boolean, PRIMARY KEY(cronname, account))`);
await source.pool.query(
  `INSERT INTO gocron VALUES
    ('backup', 'acme', 'ops@acme.io', '10.1.2.3', 3600, $1, false, false),
    ('late', 'acme', 'ops@acme.io', '10.1.2.3', 60, $2, false, false),
    ('broken', 'acme', 'ops@acme.io', '10.1.2.3', 60, $2, true, false),
    ('gateway', 'acme', 'ops@acme.io', '10.1.2.3', 300, $3, false, true),
    ('v6', 'beta', 'not an email', '[', 600, $1, false, false),
    ('zero', 'beta', 'ops@beta.io', '10.0.0.1', 0, $1, false, false)`,
  [now - 600, now - 7200, now - 100],
);

test('import-gocron copies jobs with their last check-in and alert state', async () => {
  const r = await cli(['import-gocron', source.url]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    r.stdout,
    'imported 6 gocron jobs: 5 created, 0 updated, 0 unchanged, 1 skipped; 1 invalid email dropped\n',
  );
  assert.match(r.stderr, /skipped beta\/zero: frequency 0 is not 1-31536000 seconds/);
  assert.match(r.stderr, /beta\/v6: email "not an email" is not valid: the job has no email/);

  const { rows } = await target.pool.query(
    `SELECT a.name AS account, c.name, c.status, c.period, c.grace, c.email, c.site, c.last_address,
            extract(epoch FROM c.last_ping_at)::int AS last, extract(epoch FROM c.next_deadline)::int AS deadline
       FROM checks c JOIN accounts a ON a.id = c.account_id ORDER BY a.name, c.name`,
  );
  assert.deepEqual(rows, [
    {
      account: 'acme',
      name: 'backup',
      status: 'up',
      period: 3600,
      grace: 360,
      email: 'ops@acme.io',
      site: false,
      last_address: '10.1.2.3',
      last: now - 600,
      deadline: now - 600 + 3960,
    },
    {
      account: 'acme',
      name: 'broken',
      status: 'down',
      period: 60,
      grace: 60,
      email: 'ops@acme.io',
      site: false,
      last_address: '10.1.2.3',
      last: now - 7200,
      deadline: null,
    },
    {
      account: 'acme',
      name: 'gateway',
      status: 'up',
      period: 300,
      grace: 60,
      email: 'ops@acme.io',
      site: true,
      last_address: '10.1.2.3',
      last: now - 100,
      deadline: now - 100 + 360,
    },
    {
      account: 'acme',
      name: 'late',
      status: 'up',
      period: 60,
      grace: 60,
      email: 'ops@acme.io',
      site: false,
      last_address: '10.1.2.3',
      last: now - 7200,
      deadline: now - 7200 + 120,
    },
    {
      account: 'beta',
      name: 'v6',
      status: 'up',
      period: 600,
      grace: 60,
      email: null,
      site: false,
      last_address: null,
      last: now - 600,
      deadline: now + 60,
    },
  ]);
});

test('after the import, the already-alerted job does not alert again; the overdue one alerts once', async () => {
  const back = backDeps(target.pool);
  const result = await sweepOnce(back, new Date());
  assert.equal(result.down, 1);
  const { rows } = await target.pool.query(
    `SELECT c.name, f.reason FROM flips f JOIN checks c ON c.id = f.check_id ORDER BY c.name`,
  );
  assert.deepEqual(rows, [
    { name: 'broken', reason: 'imported from gocron' },
    { name: 'late', reason: 'no check-in before the deadline' },
  ]);
  const n = await target.pool.query(
    `SELECT DISTINCT payload->'check'->>'name' AS name FROM notifications`,
  );
  assert.deepEqual(n.rows, [{ name: 'late' }]);
});

test('import-gocron is idempotent and never rolls back newer cronwatch check-ins', async () => {
  await target.pool.query(
    `UPDATE checks SET last_ping_at = now(), status = 'up' WHERE name = 'backup'`,
  );
  const before = await target.pool.query(`SELECT * FROM checks ORDER BY id`);
  const r = await cli(['import-gocron', source.url]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    r.stdout,
    'imported 6 gocron jobs: 0 created, 0 updated, 5 unchanged, 1 skipped; 1 invalid email dropped\n',
  );
  const after = await target.pool.query(`SELECT * FROM checks ORDER BY id`);
  assert.deepEqual(after.rows, before.rows);
  assert.equal((await target.pool.query(`SELECT count(*)::int AS n FROM flips`)).rows[0].n, 2);

  // A newer gocron check-in (gocron still running during the switch) is taken over.
  await source.pool.query(`UPDATE gocron SET lastruntime = $1 WHERE cronname = 'late'`, [now + 30]);
  const again = await cli(['import-gocron', source.url]);
  assert.equal(
    again.stdout,
    'imported 6 gocron jobs: 0 created, 1 updated, 4 unchanged, 1 skipped; 1 invalid email dropped\n',
  );
});

test('import-gocron with an unreachable source exits non-zero, naming it without its password', async () => {
  const r = await cli(['import-gocron', 'postgres://gocron:secret@127.0.0.1:9/gocron']);
  assert.notEqual(r.code, 0);
  assert.match(
    r.stderr,
    /cannot read the gocron table at postgres:\/\/gocron:\*\*\*@127\.0\.0\.1:9\/gocron/,
  );
  assert.doesNotMatch(r.stderr, /secret/);
});

test('import-gocron with an argument that is not a PostgreSQL URL is a usage error (exit 2)', async () => {
  for (const arg of ['notaurl', 'http://db:5432/gocron', 'mysql://u:secret@db/gocron']) {
    const r = await cli(['import-gocron', arg]);
    assert.equal(r.code, 2, `${arg}: ${r.stderr}`);
    assert.match(r.stderr, /is not a PostgreSQL URL: give gocron's database as postgres:\/\//);
    assert.doesNotMatch(r.stderr, /ENOTFOUND|secret/);
  }
});
