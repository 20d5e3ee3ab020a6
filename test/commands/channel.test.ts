// `cronwatch channel add|list|rm|test|link|unlink`: the API's channel rules from the command
// line, run as the real CLI against the test database and real receivers.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { testDatabase } from '../helpers/db.js';
import { cliOn } from '../helpers/cli.js';
import { startHttpReceiver, startSmtp } from '../helpers/receivers.js';

const db = await testDatabase();
const smtp = await startSmtp();
const hook = await startHttpReceiver();

const cli = cliOn(db.url, {
  SMTP_URL: smtp.url,
  DISPATCH_TIMEOUT_SECONDS: '2',
});

await db.pool.query(`INSERT INTO accounts (name) VALUES ('acme'), ('other')`);

async function channels(account: string) {
  const { rows } = await db.pool.query(
    `SELECT ch.uuid::text AS uuid, ch.kind, ch.name, ch.config
       FROM channels ch JOIN accounts a ON a.id = ch.account_id
      WHERE a.name = $1 ORDER BY ch.id`,
    [account],
  );
  return rows as { uuid: string; kind: string; name: string; config: Record<string, unknown> }[];
}

async function links(checkName: string): Promise<string[]> {
  const { rows } = await db.pool.query(
    `SELECT ch.uuid::text AS uuid FROM check_channels cc
       JOIN checks c ON c.id = cc.check_id JOIN channels ch ON ch.id = cc.channel_id
      WHERE c.name = $1 ORDER BY ch.id`,
    [checkName],
  );
  return rows.map((r) => r.uuid as string);
}

test('channel add (each kind), list, link, unlink, test and rm', async () => {
  const wh = await cli([
    'channel',
    'add',
    'acme',
    'webhook',
    '--url',
    `${hook.url}/cli`,
    '--secret',
    'hush',
    '--name',
    'ops-hook',
    '--json',
  ]);
  assert.equal(wh.code, 0, wh.stderr);
  const hookJson = JSON.parse(wh.stdout);
  assert.deepEqual(hookJson, {
    id: hookJson.id,
    name: 'ops-hook',
    kind: 'webhook',
    url: `${hook.url}/cli`,
    secret: true,
  });
  const mail = await cli(['channel', 'add', 'acme', 'email', '--to', 'a@b.io,c@d.io']);
  assert.equal(mail.code, 0, mail.stderr);
  assert.match(mail.stdout, /^created email channel [0-9a-f-]{36} of acme/);
  const slack = await cli([
    'channel',
    'add',
    'acme',
    'slack',
    '--url',
    'https://hooks.slack.com/services/T/B/SECRET',
    '--channel',
    '#ops',
  ]);
  assert.equal(slack.code, 0, slack.stderr);
  assert.ok(!slack.stdout.includes('SECRET'));

  const stored = await channels('acme');
  assert.deepEqual(
    stored.map((c) => [c.kind, c.name, c.config]),
    [
      ['webhook', 'ops-hook', { url: `${hook.url}/cli`, secret: 'hush' }],
      ['email', 'a@b.io,c@d.io', { to: 'a@b.io,c@d.io' }],
      ['slack', '#ops', { url: 'https://hooks.slack.com/services/T/B/SECRET', channel: '#ops' }],
    ],
  );

  // link by name and by id; a check of the account is needed.
  const check = await cli(['check', 'add', 'acme', 'backup', '--period', '3600']);
  assert.equal(check.code, 0, check.stderr);
  const l1 = await cli(['channel', 'link', 'acme', 'backup', 'ops-hook']);
  assert.equal(l1.code, 0, l1.stderr);
  assert.match(l1.stdout, /^linked acme\/backup and channel "ops-hook"/);
  const l2 = await cli(['channel', 'link', 'acme', 'backup', stored[1]!.uuid]);
  assert.equal(l2.code, 0, l2.stderr);
  assert.deepEqual(await links('backup'), [stored[0]!.uuid, stored[1]!.uuid]);
  const again = await cli(['channel', 'link', 'acme', 'backup', 'ops-hook']);
  assert.equal(again.code, 0);
  assert.match(again.stdout, /already linked/);

  const list = await cli(['channel', 'list', 'acme', '--json']);
  assert.equal(list.code, 0, list.stderr);
  const listed = list.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.deepEqual(
    listed.map((c) => [c.id, c.kind, c.checks]),
    [
      [stored[0]!.uuid, 'webhook', 1],
      [stored[1]!.uuid, 'email', 1],
      [stored[2]!.uuid, 'slack', 0],
    ],
  );
  assert.ok(!list.stdout.includes('hush') && !list.stdout.includes('SECRET'));
  const text = await cli(['channel', 'list', 'acme']);
  assert.equal(text.code, 0);
  assert.match(text.stdout, /webhook.*"ops-hook".*secret true; 1 check\(s\)/);

  const un = await cli(['channel', 'unlink', 'acme', 'backup', stored[1]!.uuid]);
  assert.equal(un.code, 0, un.stderr);
  assert.deepEqual(await links('backup'), [stored[0]!.uuid]);

  // test: a webhook to the receiver, an email over SMTP; a failure is exit 1 with the reason.
  const from = hook.requests.length;
  const t = await cli(['channel', 'test', 'acme', 'ops-hook']);
  assert.equal(t.code, 0, t.stderr);
  assert.match(t.stdout, /test notification sent/);
  const got = hook.requests.slice(from);
  assert.equal(got.length, 1);
  assert.equal((got[0]!.json as { event: string }).event, 'test');
  assert.ok(got[0]!.headers['x-cronwatch-signature']);
  const mailsBefore = smtp.mails.length;
  const tm = await cli(['channel', 'test', 'acme', stored[1]!.uuid]);
  assert.equal(tm.code, 0, tm.stderr);
  assert.equal(smtp.mails.length, mailsBefore + 1);
  hook.respond = () => 503;
  try {
    const failed = await cli(['channel', 'test', 'acme', 'ops-hook']);
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /test notification failed: webhook answered 503/);
  } finally {
    hook.respond = () => 200;
  }

  const okJson = await cli(['channel', 'test', 'acme', 'ops-hook', '--json']);
  assert.equal(okJson.code, 0, okJson.stderr);
  assert.equal(JSON.parse(okJson.stdout).ok, true);

  // rm unlinks it from its checks.
  const rm = await cli(['channel', 'rm', 'acme', 'ops-hook', '--json']);
  assert.equal(rm.code, 0, rm.stderr);
  assert.deepEqual(
    { ...JSON.parse(rm.stdout), id: 'x' },
    { id: 'x', name: 'ops-hook', deleted: true },
  );
  assert.deepEqual(await links('backup'), []);
  assert.equal((await channels('acme')).length, 2);
});

test('mistakes are exit 2 with a message, and change nothing', async () => {
  await cli(['channel', 'add', 'acme', 'email', '--to', 'dup@b.io', '--name', 'dup']);
  await cli(['channel', 'add', 'acme', 'email', '--to', 'dup2@b.io', '--name', 'dup']);
  await cli(['channel', 'add', 'other', 'email', '--to', 'o@b.io', '--name', 'theirs']);
  const theirs = (await channels('other'))[0]!.uuid;
  const before = JSON.stringify([await channels('acme'), await channels('other')]);
  for (const [args, message] of [
    [
      ['channel', 'add', 'acme', 'sms', '--to', 'a@b.io'],
      /kind must be email, slack, webhook, discord, .* or shell/,
    ],
    [['channel', 'add', 'acme', 'email'], /--to is required/],
    [['channel', 'add', 'acme', 'email', '--to', 'nope'], /--to has an invalid address/],
    [['channel', 'add', 'acme', 'slack', '--url', 'http://x.io/'], /--url must be an https URL/],
    [
      ['channel', 'add', 'acme', 'webhook', '--url', 'https://x.io', '--to', 'a@b.io'],
      /--to is not a field/,
    ],
    [['channel', 'add', 'nobody', 'email', '--to', 'a@b.io'], /no account "nobody"/],
    [['channel', 'rm', 'acme', 'dup'], /several channels of acme are named "dup"/],
    [['channel', 'rm', 'acme', theirs], /no channel/],
    [['channel', 'test', 'acme', theirs], /no channel/],
    [['channel', 'link', 'acme', 'nocheck', 'dup'], /no check "nocheck"/],
    [['channel', 'list', 'nobody'], /no account/],
    // Refused when saved, before any connection: a metadata address, whatever the settings.
    [
      [
        'channel',
        'add',
        'acme',
        'gotify',
        '--set',
        'base_url=http://169.254.169.254',
        '--set',
        'token=t',
      ],
      /base_url: 169\.254\.169\.254 is a link-local or cloud metadata address/,
    ],
    [['channel', 'add', 'acme', 'telegram', '--set', 'chat_id=1'], /--set token is required/],
  ] as const) {
    const r = await cli([...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message, args.join(' '));
  }
  assert.equal(JSON.stringify([await channels('acme'), await channels('other')]), before);
});

test("channel test says which SMTP settings it used, and reads the service's with --settings", async () => {
  // No SMTP_URL in this CLI's environment, as in an admin's shell beside a systemd service.
  const bare = cliOn(db.url);
  const add = await cli([
    'channel',
    'add',
    'acme',
    'email',
    '--to',
    'ops@acme.io',
    '--name',
    'env-mail',
  ]);
  assert.equal(add.code, 0, add.stderr);

  const unset = await bare(['channel', 'test', 'acme', 'env-mail']);
  assert.equal(unset.code, 1);
  assert.match(unset.stderr, /SMTP_URL is not set for this command/);
  assert.match(unset.stderr, /cronwatch --settings <file> channel test/);

  const dir = await mkdtemp(path.join(os.tmpdir(), 'cronwatch-env-'));
  after(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'cronwatch.env');
  await writeFile(file, `# the service's settings\nSMTP_URL=${smtp.url}\n`);
  const mails = smtp.mails.length;
  const withFile = await bare(['--settings', file, 'channel', 'test', 'acme', 'env-mail']);
  assert.equal(withFile.code, 0, withFile.stderr);
  assert.equal(smtp.mails.length, mails + 1);
  assert.ok(withFile.stdout.includes(`from ${file})`), withFile.stdout);

  const fromEnv = await cli(['channel', 'test', 'acme', 'env-mail']);
  assert.equal(fromEnv.code, 0, fromEnv.stderr);
  assert.match(fromEnv.stdout, /\(SMTP_URL smtp:\/\/\S+ from the environment\)/);

  const missing = await bare(['--settings', path.join(dir, 'nope.env'), 'channel', 'list', 'acme']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /cannot read --settings/);
});

test('an integration by --set: created without its token shown, then tested for real', async () => {
  const token = '77:ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const add = await cli([
    'channel',
    'add',
    'acme',
    'telegram',
    '--set',
    `token=${token}`,
    '--set',
    'chat_id=-1009',
    '--set',
    `base_url=${hook.url}/tgcli`,
    '--json',
  ]);
  assert.equal(add.code, 0, add.stderr);
  const json = JSON.parse(add.stdout);
  assert.deepEqual(json, {
    id: json.id,
    name: 'telegram -1009',
    kind: 'telegram',
    token: true,
    chat_id: '-1009',
    base_url: `${hook.url}/tgcli`,
  });
  const from = hook.requests.length;
  const tested = await cli(['channel', 'test', 'acme', json.id]);
  assert.equal(tested.code, 0, tested.stderr);
  const got = hook.requests.slice(from);
  assert.equal(got.length, 1);
  assert.equal(got[0]!.path, `/tgcli/bot${token}/sendMessage`);
  assert.equal((got[0]!.json as { chat_id: string }).chat_id, '-1009');
});
