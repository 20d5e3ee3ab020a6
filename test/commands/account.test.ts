// `cronwatch account create` and `cronwatch key create|list|revoke`: keys are printed once,
// stored only as prefix + hash, and work (or stop working) against /api/v3.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import request from 'supertest';
import { ensureAccount } from '../../src/db/accounts.js';
import { createApp } from '../../src/front/app.js';
import { frontDeps } from '../helpers/app.js';
import { testDatabase } from '../helpers/db.js';
import { cliOn } from '../helpers/cli.js';

const db = await testDatabase();
const app = createApp(frontDeps(db.pool));

const cli = cliOn(db.url);

/** Every row of every table of the database, as text. */
async function everything(): Promise<string> {
  const { rows: tables } = await db.pool.query<{ name: string }>(
    `SELECT quote_ident(table_name) AS name FROM information_schema.tables
      WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
  );
  let all = '';
  for (const t of tables) {
    const { rows } = await db.pool.query<{ row: string }>(`SELECT t::text AS row FROM ${t.name} t`);
    all += rows.map((r) => r.row).join('\n');
  }
  return all;
}

test('account create --json prints the keys once; only prefix and hash are stored', async () => {
  const r = await cli(['account', 'create', 'acme', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(out).sort(), ['account', 'api_key', 'api_key_readonly', 'ping_key']);
  assert.equal(out.account, 'acme');
  assert.match(out.api_key, /^[A-Za-z0-9_-]{32}$/);
  assert.match(out.api_key_readonly, /^[A-Za-z0-9_-]{32}$/);
  assert.notEqual(out.api_key, out.api_key_readonly);

  const { rows } = await db.pool.query(
    `SELECT k.scope, k.prefix, k.hash, a.ping_key FROM api_keys k JOIN accounts a ON a.id = k.account_id
      WHERE a.name = 'acme' ORDER BY k.scope`,
  );
  const sha = (s: string) => createHash('sha256').update(s).digest('hex');
  assert.deepEqual(rows, [
    {
      scope: 'read',
      prefix: out.api_key_readonly.slice(0, 12),
      hash: sha(out.api_key_readonly),
      ping_key: out.ping_key,
    },
    {
      scope: 'write',
      prefix: out.api_key.slice(0, 12),
      hash: sha(out.api_key),
      ping_key: out.ping_key,
    },
  ]);
  // The raw keys (and their secret part) appear nowhere in the database.
  const dump = await everything();
  for (const key of [out.api_key, out.api_key_readonly]) {
    assert.ok(!dump.includes(key), 'raw key stored');
    assert.ok(!dump.includes(key.slice(12)), 'secret part of the key stored');
  }
  assert.ok(dump.includes(out.ping_key), 'the ping key is stored (it is in every slug URL)');

  // And they work: read-write sees uuids, read-only gets unique_keys.
  await request(app)
    .post('/ping/' + out.ping_key + '/nightly?create=1')
    .expect(201);
  const rw = await request(app).get('/api/v3/checks/').set('X-Api-Key', out.api_key).expect(200);
  assert.equal(rw.body.checks.length, 1);
  assert.ok(rw.body.checks[0].uuid);
  const ro = await request(app)
    .get('/api/v3/checks/')
    .set('X-Api-Key', out.api_key_readonly)
    .expect(200);
  assert.ok(ro.body.checks[0].unique_key);
  assert.equal(ro.body.checks[0].uuid, undefined);
});

test('account create in text prints both keys and the ping key; an existing name is exit 2', async () => {
  const r = await cli(['account', 'create', 'beta']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /API key \(read-write\): [A-Za-z0-9_-]{32}\n/);
  assert.match(r.stdout, /API key \(read-only\): +[A-Za-z0-9_-]{32}\n/);
  assert.match(r.stdout, /ping key: +\S+/);

  const again = await cli(['account', 'create', 'beta', '--json']);
  assert.equal(again.code, 2);
  assert.equal(again.stdout, '');
  assert.match(
    again.stderr,
    /account "beta" already exists: add keys to it with `cronwatch key create beta`/,
  );
  // An account made by a gocron check-in exists too.
  await ensureAccount(db.pool, 'gocron-made');
  const gocron = await cli(['account', 'create', 'gocron-made']);
  assert.equal(gocron.code, 2);
  assert.match(gocron.stderr, /already exists/);
  const { rows } = await db.pool.query(
    `SELECT count(*)::int AS n FROM api_keys k JOIN accounts a ON a.id = k.account_id WHERE a.name IN ('beta', 'gocron-made')`,
  );
  assert.equal(rows[0].n, 2, 'only the first create added keys');
});

test('key create, list and revoke on an account created by a gocron check-in', async () => {
  await request(app).get('/?cronname=job&account=legacy&email=a@b.io&frequency=60').expect(201);
  const made = await cli(['key', 'create', 'legacy', '--read-only', '--name', 'grafana', '--json']);
  assert.equal(made.code, 0, made.stderr);
  const key = JSON.parse(made.stdout);
  assert.deepEqual(
    { ...key, key: undefined },
    {
      account: 'legacy',
      key: undefined,
      prefix: key.key.slice(0, 12),
      scope: 'read',
      name: 'grafana',
    },
  );
  const rw = await cli(['key', 'create', 'legacy']);
  assert.equal(rw.code, 0, rw.stderr);
  const rwKey = /: ([A-Za-z0-9_-]{32})\n/.exec(rw.stdout)![1]!;

  await request(app).get('/api/v3/checks/').set('X-Api-Key', key.key).expect(200);
  const list = await cli(['key', 'list', 'legacy', '--json']);
  assert.equal(list.code, 0, list.stderr);
  const keys = list.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.deepEqual(
    keys.map((k) => [k.prefix, k.scope, k.name, k.revoked_at, Object.keys(k).sort()]),
    [
      [
        key.prefix,
        'read',
        'grafana',
        null,
        ['created_at', 'last_used_at', 'name', 'prefix', 'revoked_at', 'scope'],
      ],
      [
        rwKey.slice(0, 12),
        'write',
        '',
        null,
        ['created_at', 'last_used_at', 'name', 'prefix', 'revoked_at', 'scope'],
      ],
    ],
  );
  assert.ok(keys[0].last_used_at, 'the used key shows when');
  assert.equal(keys[1].last_used_at, null);
  const text = await cli(['key', 'list', 'legacy']);
  assert.equal(text.code, 0, text.stderr);
  assert.ok(!text.stdout.includes(key.key) && !text.stdout.includes(rwKey), 'never shows keys');
  assert.match(text.stdout, new RegExp(`${key.prefix}  read-only .*"grafana"`));

  const revoke = await cli(['key', 'revoke', 'legacy', key.prefix]);
  assert.equal(revoke.code, 0, revoke.stderr);
  assert.match(revoke.stdout, /revoked/);
  const denied = await request(app).get('/api/v3/checks/').set('X-Api-Key', key.key);
  assert.equal(denied.status, 401);
  assert.match(denied.body.error, /revoked/);
  await request(app).get('/api/v3/checks/').set('X-Api-Key', rwKey).expect(200);
  const again = await cli(['key', 'revoke', 'legacy', key.prefix]);
  assert.equal(again.code, 0);
  assert.match(again.stdout, /already revoked/);
  assert.match((await cli(['key', 'list', 'legacy'])).stdout, /REVOKED/);

  // Mistakes: exit 2 with a message, nothing done.
  for (const [args, message] of [
    [
      ['key', 'revoke', 'legacy', 'nosuchprefix'],
      /no API key with prefix "nosuchprefix" in legacy/,
    ],
    [['key', 'revoke', 'acme', rwKey.slice(0, 12)], /no API key with prefix/],
    [['key', 'create', 'nobody'], /no account "nobody"/],
    [['key', 'list', 'nobody'], /no account "nobody"/],
  ] as const) {
    const r = await cli([...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
  await request(app).get('/api/v3/checks/').set('X-Api-Key', rwKey).expect(200);
});

test('account list shows every account with its numbers of checks, channels and keys', async () => {
  const text = await cli(['account', 'list']);
  assert.equal(text.code, 0, text.stderr);
  assert.match(
    text.stdout,
    /^acme {2}\d+ check\(s\), 0 channel\(s\), 2 API key\(s\) {2}created \d{4}-/m,
  );
  const json = await cli(['account', 'list', '--json']);
  assert.equal(json.code, 0, json.stderr);
  const rows = json.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const { rows: names } = await db.pool.query(`SELECT name FROM accounts ORDER BY name`);
  assert.deepEqual(
    rows.map((r) => r.name),
    names.map((r) => r.name),
  );
  assert.deepEqual(Object.keys(rows[0]).sort(), [
    'api_keys',
    'channels',
    'checks',
    'created_at',
    'name',
  ]);
});

test('account rm refuses an account with checks unless --force; an unknown one is exit 2', async () => {
  await db.pool.query(`INSERT INTO accounts (name) VALUES ('doomed'), ('empty')`);
  const { rows: job } = await db.pool.query(
    `INSERT INTO checks (account_id, name, period, grace) SELECT id, 'job', 60, 60 FROM accounts WHERE name = 'doomed' RETURNING id`,
  );
  const exists = async (name: string) =>
    (await db.pool.query(`SELECT 1 FROM accounts WHERE name = $1`, [name])).rowCount === 1;

  const refused = await cli(['account', 'rm', 'doomed']);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /has 1 check\(s\).*--force/);
  assert.ok(await exists('doomed'));

  const forced = await cli(['account', 'rm', 'doomed', '--force', '--json']);
  assert.equal(forced.code, 0, forced.stderr);
  assert.deepEqual(JSON.parse(forced.stdout), { account: 'doomed', deleted: true, checks: 1 });
  assert.ok(!(await exists('doomed')));
  const left = await db.pool.query(`SELECT count(*)::int AS n FROM checks WHERE id = $1`, [
    job[0].id,
  ]);
  assert.equal(left.rows[0].n, 0);

  const empty = await cli(['account', 'rm', 'empty']);
  assert.equal(empty.code, 0, empty.stderr);
  assert.equal(empty.stdout, 'account empty deleted, with 0 check(s)\n');

  const unknown = await cli(['account', 'rm', 'nobody']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /no account "nobody" \(the accounts are "acme"/);
});

test('an unknown account lists at most 10 names, then points to account list', async () => {
  await db.pool.query(
    `INSERT INTO accounts (name) SELECT 'many-' || i FROM generate_series(1, 12) AS i`,
  );
  const r = await cli(['key', 'list', 'nobody']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /no account "nobody" \(`cronwatch account list` shows the accounts\)/);
});
