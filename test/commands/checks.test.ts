import assert from 'node:assert/strict';
import { test } from 'node:test';
import request from 'supertest';
import { createApp } from '../../src/front/app.js';
import { frontDeps } from '../helpers/app.js';
import { testDatabase } from '../helpers/db.js';
import { cliOn } from '../helpers/cli.js';

const db = await testDatabase();

const cli = cliOn(db.url, { PUBLIC_URL: 'https://cron.example.com' });

test('check add creates a cron check in a time zone and prints its ping URL', async () => {
  const r = await cli([
    'check',
    'add',
    'acme',
    'report',
    '--cron',
    '30 9 * * 1-5',
    '--tz',
    'Europe/Berlin',
    '--grace',
    '600',
    '--slug',
    'report',
    '--json',
    '--create-account',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.kind, 'cron');
  assert.equal(out.cron, '30 9 * * 1-5');
  assert.equal(out.tz, 'Europe/Berlin');
  assert.equal(out.grace, 600);
  assert.equal(out.status, 'new');
  assert.equal(out.ping_url, `https://cron.example.com/ping/${out.uuid}`);
  const { rows } = await db.pool.query(
    `SELECT name, slug, kind, cron, tz, grace, next_deadline FROM checks WHERE uuid = $1`,
    [out.uuid],
  );
  assert.deepEqual(rows, [
    {
      name: 'report',
      slug: 'report',
      kind: 'cron',
      cron: '30 9 * * 1-5',
      tz: 'Europe/Berlin',
      grace: 600,
      next_deadline: null,
    },
  ]);
});

test('check add refuses an invalid cron expression or zone with a message (exit 2), writing nothing', async () => {
  for (const [args, message] of [
    [['--cron', '61 * * * *'], /not valid/],
    [['--cron', '* * * *'], /5 fields/],
    [['--cron', '0 9 * * *', '--tz', 'Mars/Base'], /not an IANA time zone/],
    [['--period', '59'], /period must be a whole number of seconds from 60/],
    [['--period', '3600', '--cron', '0 * * * *'], /either a period or a cron schedule/],
    [['--slug', 'Bad Slug'], /slug must be/],
  ] as const) {
    const r = await cli(['check', 'add', 'acme', 'bad', ...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
  assert.equal(
    (await db.pool.query(`SELECT count(*)::int AS n FROM checks WHERE name = 'bad'`)).rows[0].n,
    0,
  );
});

test('check schedule changes a schedule and recomputes the deadline of an up check', async () => {
  const add = await cli([
    'check',
    'add',
    'acme',
    'hourly',
    '--period',
    '3600',
    '--grace',
    '300',
    '--json',
  ]);
  assert.equal(add.code, 0, add.stderr);
  await db.pool.query(
    `UPDATE checks SET status = 'up', last_ping_at = '2026-06-01T10:17:00Z' WHERE name = 'hourly'`,
  );
  const r = await cli([
    'check',
    'schedule',
    'acme',
    'hourly',
    '--cron',
    '0 * * * *',
    '--grace',
    '120',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const { rows } = await db.pool.query(
    `SELECT kind, period, cron, grace, next_deadline FROM checks WHERE name = 'hourly'`,
  );
  assert.deepEqual(rows, [
    {
      kind: 'cron',
      period: null,
      cron: '0 * * * *',
      grace: 120,
      next_deadline: new Date('2026-06-01T11:02:00Z'),
    },
  ]);
  const missing = await cli(['check', 'schedule', 'acme', 'nope', '--period', '600']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no check "nope" in account "acme"/);
});

test('check list shows checks with their ping URLs; account ping-key prints a stable key', async () => {
  const list = await cli(['check', 'list', '--account', 'acme']);
  assert.equal(list.code, 0, list.stderr);
  assert.match(
    list.stdout,
    /^acme\/hourly {2}up {2}cron "0 \* \* \* \*" UTC, grace 120 s\n {2}ping URL: https:\/\/cron\.example\.com\/ping\/[0-9a-f-]{36}\n/m,
  );
  const k1 = await cli(['account', 'ping-key', 'acme']);
  const k2 = await cli(['account', 'ping-key', 'acme']);
  assert.equal(k1.code, 0, k1.stderr);
  assert.equal(k1.stdout, k2.stdout);
  assert.match(
    k1.stdout,
    /^[A-Za-z0-9_-]{22}\n {2}slug URLs: https:\/\/cron\.example\.com\/ping\/[A-Za-z0-9_-]{22}\/<slug>\n$/,
  );
  const none = await cli(['account', 'ping-key', 'nobody']);
  assert.equal(none.code, 2);
});

test('check pause, resume and rm act on a check by account and name', async () => {
  assert.equal((await cli(['check', 'add', 'acme', 'toggled', '--period', '600'])).code, 0);
  await db.pool.query(
    `UPDATE checks SET status = 'up', next_deadline = now() + interval '1 hour' WHERE name = 'toggled'`,
  );
  const state = async () =>
    (await db.pool.query(`SELECT status, next_deadline FROM checks WHERE name = 'toggled'`))
      .rows[0];

  const pause = await cli(['check', 'pause', 'acme', 'toggled']);
  assert.equal(pause.code, 0, pause.stderr);
  assert.deepEqual(await state(), { status: 'paused', next_deadline: null });

  const resume = await cli(['check', 'resume', 'acme', 'toggled']);
  assert.equal(resume.code, 0, resume.stderr);
  assert.deepEqual(await state(), { status: 'new', next_deadline: null });
  const again = await cli(['check', 'resume', 'acme', 'toggled']);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /is not paused/);

  const rm = await cli(['check', 'rm', 'acme', 'toggled']);
  assert.equal(rm.code, 0, rm.stderr);
  assert.equal(await state(), undefined);
  const missing = await cli(['check', 'rm', 'acme', 'toggled']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no check "toggled" in account "acme"/);
});

test('check pause/resume/rm --json print the outcome as JSON', async () => {
  assert.equal((await cli(['check', 'add', 'acme', 'json-toggled', '--period', '600'])).code, 0);
  const out = async (verb: string) => {
    const r = await cli(['check', verb, 'acme', 'json-toggled', '--json']);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout);
  };
  assert.deepEqual(await out('pause'), {
    account: 'acme',
    name: 'json-toggled',
    outcome: 'paused',
  });
  assert.deepEqual(await out('resume'), {
    account: 'acme',
    name: 'json-toggled',
    outcome: 'resumed',
  });
  assert.deepEqual(await out('rm'), { account: 'acme', name: 'json-toggled', outcome: 'deleted' });
});

test('check add with an unknown account is exit 2 naming the accounts; --create-account makes it', async () => {
  const accounts = async () =>
    (await db.pool.query(`SELECT name FROM accounts ORDER BY name`)).rows.map((r) => r.name);
  const typo = await cli(['check', 'add', 'acmee', 'backup']);
  assert.equal(typo.code, 2, typo.stderr);
  assert.match(typo.stderr, /no account "acmee" \(the accounts are "acme"\)/);
  assert.deepEqual(await accounts(), ['acme']);

  const list = await cli(['check', 'list', '--account', 'acmee']);
  assert.equal(list.code, 2);
  assert.match(list.stderr, /no account "acmee"/);
  const schedule = await cli(['check', 'schedule', 'acmee', 'backup', '--period', '600']);
  assert.equal(schedule.code, 2);
  assert.match(schedule.stderr, /no account "acmee"/);

  const made = await cli(['check', 'add', 'beta', 'backup', '--create-account']);
  assert.equal(made.code, 0, made.stderr);
  assert.deepEqual(await accounts(), ['acme', 'beta']);
});

test('without --grace, a check gets the gocron check-in grace: 10 % of its period, 60 s to 1 h', async () => {
  const app = createApp(frontDeps(db.pool));
  for (const [period, grace] of [
    [60, 60],
    [7200, 720],
    [86_400, 3600],
  ] as const) {
    const r = await cli([
      'check',
      'add',
      'acme',
      `every-${period}`,
      '--period',
      String(period),
      '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).grace, grace, `period ${period}`);
    // The same frequency through a gocron check-in gets the same grace: one rule.
    const checkin = await request(app).get(
      `/?cronname=gocron-${period}&account=acme&email=ops@acme.io&frequency=${period}`,
    );
    assert.equal(checkin.status, 201);
    const { rows } = await db.pool.query(`SELECT grace FROM checks WHERE name = $1`, [
      `gocron-${period}`,
    ]);
    assert.equal(rows[0].grace, grace, `gocron frequency ${period}`);
  }
  // A cron schedule: a share of the gap between its runs.
  const fiveMin = await cli([
    'check',
    'add',
    'acme',
    'five-min',
    '--cron',
    '*/5 * * * *',
    '--json',
  ]);
  assert.equal(JSON.parse(fiveMin.stdout).grace, 60, fiveMin.stderr);
  const sixHours = await cli(['check', 'add', 'acme', 'six-h', '--cron', '0 */6 * * *', '--json']);
  assert.equal(JSON.parse(sixHours.stdout).grace, 2160, sixHours.stderr);
  // GRACE_PERCENT is the service's setting, read here too.
  const tuned = await cli(['check', 'add', 'acme', 'tuned', '--period', '7200', '--json'], {
    GRACE_PERCENT: '20',
  });
  assert.equal(JSON.parse(tuned.stdout).grace, 1440, tuned.stderr);
});

test("check add accepts cron's @ forms (@daily, @hourly, …) and refuses @reboot", async () => {
  for (const [form, grace] of [
    ['@hourly', 360],
    ['@daily', 3600],
    ['@midnight', 3600],
    ['@weekly', 3600],
    ['@monthly', 3600],
    ['@yearly', 3600],
    ['@annually', 3600],
  ] as const) {
    const r = await cli(['check', 'add', 'acme', `at-${form.slice(1)}`, '--cron', form, '--json']);
    assert.equal(r.code, 0, `${form}: ${r.stderr}`);
    const out = JSON.parse(r.stdout);
    assert.deepEqual([out.kind, out.cron, out.grace], ['cron', form, grace]);
  }
  const reboot = await cli(['check', 'add', 'acme', 'at-reboot', '--cron', '@reboot']);
  assert.equal(reboot.code, 2);
  assert.match(reboot.stderr, /5 fields.*or one of @yearly/);
});
