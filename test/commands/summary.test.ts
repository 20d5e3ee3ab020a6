import assert from 'node:assert/strict';
import { test } from 'node:test';
import { weeklyReportOnce } from '../../src/back/summary.js';
import { backDeps } from '../helpers/back.js';
import { testDatabase } from '../helpers/db.js';
import { cliOn } from '../helpers/cli.js';
import { startHttpReceiver, startSmtp } from '../helpers/receivers.js';

const db = await testDatabase();
const slack = await startHttpReceiver();
const smtp = await startSmtp();

const cli = cliOn(db.url);

// Two accounts, three checks down (one missed since 2 h, two since 30 min), one up.
await db.pool.query(`
  INSERT INTO accounts (name) VALUES ('acme'), ('beta');
  INSERT INTO checks (account_id, name, period, grace, status, last_ping_at)
  SELECT a.id, c.name, c.period, 60, c.status, now() - c.ago
    FROM (VALUES ('acme', 'backup', 3600, 'down', interval '3 hours'),
                 ('acme', 'db dump', 600, 'down', interval '40 minutes'),
                 ('beta', 'sync', 60, 'down', interval '32 minutes'),
                 ('beta', 'fine', 60, 'up', interval '10 seconds')) AS c(account, name, period, status, ago)
    JOIN accounts a ON a.name = c.account;
  INSERT INTO flips (check_id, created_at, from_status, to_status)
  SELECT id, now() - CASE name WHEN 'backup' THEN interval '2 hours' ELSE interval '30 minutes' END, 'up', 'down'
    FROM checks WHERE status = 'down';
`);
// When the fixtures were written: the weekly report is computed at this time, so its
// downtimes do not grow with how long the tests before it took (under load a run took over
// 30 s and "down 30 min" became "down 31 min").
const FIXTURES_AT: Date = (await db.pool.query('SELECT now() AS t')).rows[0].t;

test("summary --format gocron prints gocron's text byte for byte", async () => {
  const r = await cli(['summary', '--format', 'gocron']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    r.stdout,
    'gocron summary - missed jobs:\nName: backup| Account: acme\nName: db dump| Account: acme\nName: sync| Account: beta\n\n',
  );
});

test("gocron's own crontab shape works: --summary at the top level", async () => {
  const r = await cli(['--summary', '--format', 'gocron', '--account', 'beta']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'gocron summary - missed jobs:\nName: sync| Account: beta\n\n');
});

test('summary --json parses and carries the fields', async () => {
  const r = await cli(['summary', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.count, 3);
  assert.deepEqual(
    out.missed.map((m: { name: string; account: string; period: number }) => [
      m.name,
      m.account,
      m.period,
    ]),
    [
      ['backup', 'acme', 3600],
      ['db dump', 'acme', 600],
      ['sync', 'beta', 60],
    ],
  );
  assert.ok(Date.parse(out.missed[0].missed_since) < Date.parse(out.missed[1].missed_since));
});

test('summary prints a table without colours when not on a terminal; --account filters', async () => {
  const r = await cli(['summary', '--account', 'acme']);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(!r.stdout.includes('\u001b['), 'no ANSI colour codes off a terminal');
  const lines = r.stdout.trimEnd().split('\n');
  assert.match(lines[0]!, /^NAME +ACCOUNT +MISSED SINCE +LAST CHECK-IN +EXPECTED EVERY$/);
  assert.match(lines[1]!, /^backup +acme +\S+ \S+ \(2 h ago\) +\S+ \S+ \(3 h ago\) +60 min$/);
  assert.match(lines[2]!, /^db dump +acme .*\(30 min ago\).*\(40 min ago\) +10 min$/);
  assert.equal(lines.at(-1), '2 missed jobs');
});

test('summary --send posts to Slack and SUMMARY_EMAIL; --verbose is the same', async () => {
  const env = {
    SLACK_WEBHOOK_URL: slack.url + '/s',
    SLACK_CHANNEL: '#cron',
    SMTP_URL: smtp.url,
    SUMMARY_EMAIL: 'boss@acme.io',
  };
  const r = await cli(['summary', '--format', 'gocron', '--send'], env);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(slack.requests.length, 1);
  assert.deepEqual(slack.requests[0]!.json, { channel: '#cron', text: r.stdout });
  assert.equal(smtp.mails.length, 1);
  assert.deepEqual(smtp.mails[0]!.to, ['boss@acme.io']);
  assert.equal(smtp.mails[0]!.subject, 'cronwatch summary: 3 missed jobs');
  const v = await cli(['summary', '--verbose'], env);
  assert.equal(v.code, 0, v.stderr);
  assert.equal(slack.requests.length, 2);
});

test("gocron's --summary --verbose with no Slack or summary email prints the table, warns, exits 0", async () => {
  // gocron's crontab line would mail an error every week if this were a failure.
  const r = await cli(['--summary', '--verbose']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /backup/);
  assert.match(
    r.stderr,
    /warning: the summary was not sent: no channel is configured \(set SLACK_WEBHOOK_URL and\/or SUMMARY_EMAIL\)/,
  );
});

test('summary --account with an account that does not exist says so (exit 2)', async () => {
  const r = await cli(['summary', '--account', 'nosuch']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /no account "nosuch" \(the accounts are "acme", "beta"\)/);
  assert.equal(r.stdout, '');
});

test('summary exits non-zero with a message when the database cannot be reached', async () => {
  const r = await cli(['summary'], { DATABASE_URL: 'postgres://x:y@127.0.0.1:9/none' });
  assert.notEqual(r.code, 0);
  assert.match(
    r.stderr,
    /cannot read from the database \(postgres:\/\/x:\*\*\*@127\.0\.0\.1:9\/none\)/,
  );
  assert.doesNotMatch(r.stderr, /x:y@/);
});

test('the weekly report is sent once however many back instances fire; it gives misses and downtime', async () => {
  const back = backDeps(db.pool, { SLACK_WEBHOOK_URL: slack.url + '/weekly' });
  const now = FIXTURES_AT;
  const outcomes = await Promise.all(
    [1, 2, 3, 4].map((i) => weeklyReportOnce(back, now, `instance-${i}`)),
  );
  assert.deepEqual(outcomes.sort(), ['sent', 'skipped', 'skipped', 'skipped']);
  const posts = slack.requests.filter((r) => r.path === '/weekly');
  assert.equal(posts.length, 1);
  const text = (posts[0]!.json as { text: string }).text;
  assert.match(
    text,
    /^cronwatch weekly report, \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d\n\nMissed now: 3\n/,
  );
  assert.match(text, / {2}backup \(acme\): 1 miss, down 2 h/);
  assert.match(text, / {2}sync \(beta\): 1 miss, down 30 min/);
  assert.doesNotMatch(text, /fine/);
});
