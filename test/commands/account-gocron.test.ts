// `cronwatch account gocron <account> [open|key|off]`: the operator's switch for how an
// account takes gocron check-ins, as a real process against a real database and front.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import request from 'supertest';
import { createApp } from '../../src/front/app.js';
import { frontDeps } from '../helpers/app.js';
import { testDatabase } from '../helpers/db.js';
import { runCli } from '../helpers/process.js';

const db = await testDatabase();
const app = createApp(frontDeps(db.pool));

function cli(args: string[]) {
  return runCli(args, { DATABASE_URL: db.url, LOG_LEVEL: 'warn' });
}

const checkin = (key?: string) =>
  request(app).get(
    `/?cronname=backup&account=acme&email=ops@acme.io&frequency=60` +
      (key === undefined ? '' : `&key=${encodeURIComponent(key)}`),
  );

test('account gocron shows the mode, sets key (making a ping key), off and open', async () => {
  assert.equal((await checkin()).status, 201, 'the account is made by a check-in: no ping key');

  let r = await cli(['account', 'gocron', 'acme', '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { account: 'acme', gocron_checkins: 'open' });

  r = await cli(['account', 'gocron', 'acme', 'key', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const keyed = JSON.parse(r.stdout);
  assert.equal(keyed.gocron_checkins, 'key');
  assert.match(keyed.ping_key, /^[A-Za-z0-9_-]{22}$/);
  const { rows } = await db.pool.query(`SELECT ping_key FROM accounts WHERE name = 'acme'`);
  assert.equal(rows[0].ping_key, keyed.ping_key);
  assert.equal((await checkin()).status, 401);
  assert.equal((await checkin('nope')).status, 403);
  assert.equal((await checkin(keyed.ping_key)).status, 201);

  // Setting key mode again keeps the key (crontab lines already carry it).
  r = await cli(['account', 'gocron', 'acme', 'key']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^acme: gocron check-ins key: .*&key=<ping key>/);
  assert.match(r.stdout, new RegExp(`ping key: ${keyed.ping_key}\\n$`));

  r = await cli(['account', 'gocron', 'acme', 'off']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'acme: gocron check-ins off: gocron check-ins are refused\n');
  assert.equal((await checkin(keyed.ping_key)).status, 403);

  r = await cli(['account', 'gocron', 'acme', 'open']);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stdout, /ping key:/, 'the key is printed only in key mode');
  assert.equal((await checkin()).status, 201);
});

test('account gocron: an unknown mode or account is exit 2 and changes nothing', async () => {
  const before = await db.pool.query(`SELECT name, gocron_checkins, ping_key FROM accounts`);
  let r = await cli(['account', 'gocron', 'acme', 'closed']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /mode must be one of open, key, off \(got "closed"\)/);
  r = await cli(['account', 'gocron', 'nosuch', 'key']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /no account "nosuch"/);
  r = await cli(['account', 'gocron', 'nosuch']);
  assert.equal(r.code, 2);
  const after = await db.pool.query(`SELECT name, gocron_checkins, ping_key FROM accounts`);
  assert.deepEqual(after.rows, before.rows);
});
