// `cronwatch exec`: the real CLI from source, pinging a real HTTP receiver on 127.0.0.1 (and,
// at the end, the real front on a test database).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { createApp } from '../../src/front/app.js';
import { frontDeps } from '../helpers/app.js';
import { testDatabase } from '../helpers/db.js';
import { freePort, isAlive, runCli, spawnCli } from '../helpers/process.js';
import { startHttpReceiver, type HttpReceiver, type Received } from '../helpers/receivers.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const tmp = await mkdtemp(path.join(os.tmpdir(), 'cronwatch-exec-'));
after(() => rm(tmp, { recursive: true, force: true }));

/** A receiver standing in for cronwatch, and the ping URL of one check on it. */
async function server(): Promise<{ receiver: HttpReceiver; uuid: string; url: string }> {
  const receiver = await startHttpReceiver();
  const uuid = randomUUID();
  return { receiver, uuid, url: `${receiver.url}/ping/${uuid}` };
}

function exec(args: string[]) {
  return runCli(['exec', ...args], {}, 60_000);
}

/** A request's path without its query, and its rid. */
function parts(r: Received): { path: string; rid: string | null } {
  const u = new URL(r.path, 'http://x');
  return { path: u.pathname, rid: u.searchParams.get('rid') };
}

/** Asserts the start then finish pair with one fresh rid; returns the finishing request. */
function assertRun(receiver: HttpReceiver, uuid: string, status: number): Received {
  const seen = receiver.requests.map((r) => `${r.method} ${parts(r).path}`);
  assert.deepEqual(seen, [`POST /ping/${uuid}/start`, `POST /ping/${uuid}/${status}`]);
  const [start, finish] = receiver.requests.map(parts);
  assert.match(start!.rid ?? '', UUID);
  assert.equal(finish!.rid, start!.rid);
  return receiver.requests[1]!;
}

test('a command that succeeds: start, then /0 with its output, passed through live', async () => {
  const { receiver, uuid, url } = await server();
  const r = await exec(['--url', url, '--', 'sh', '-c', 'echo to-out; echo to-err >&2']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'to-out\n');
  assert.equal(r.stderr, 'to-err\n');
  const finish = assertRun(receiver, uuid, 0);
  assert.match(finish.body, /to-out\n/);
  assert.match(finish.body, /to-err\n/);
  assert.match(finish.headers['user-agent'] ?? '', /cronwatch/);
});

test('each run has a rid of its own', async () => {
  const { receiver, url } = await server();
  assert.equal((await exec(['--url', url, 'true'])).code, 0);
  assert.equal((await exec(['--url', url, 'true'])).code, 0);
  const rids = receiver.requests.map((r) => parts(r).rid);
  assert.equal(rids.length, 4);
  assert.equal(rids[0], rids[1]);
  assert.equal(rids[2], rids[3]);
  assert.notEqual(rids[0], rids[2]);
});

test('a failing command: its exit code is reported and returned; its options are its own', async () => {
  const { receiver, uuid, url } = await server();
  // No `--`: everything from the command on is the command's, --url included.
  const r = await exec(['--url', url, 'sh', '-c', 'echo "$@"; exit 1', 'sh', '--url', '-x']);
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stdout, '--url -x\n');
  assertRun(receiver, uuid, 1);
});

test('a command killed by a signal is 128 + its number (SIGKILL → 137)', async () => {
  const { receiver, uuid, url } = await server();
  const r = await exec(['--url', url, '--', 'sh', '-c', 'echo before; kill -9 $$']);
  assert.equal(r.code, 137, r.stderr);
  const finish = assertRun(receiver, uuid, 137);
  assert.equal(finish.body, 'before\n');
});

test('a command that does not exist: a clear message, 127 reported and returned', async () => {
  const { receiver, uuid, url } = await server();
  const r = await exec(['--url', url, '--', 'cronwatch-no-such-command', '--flag']);
  assert.equal(r.code, 127);
  assert.match(r.stderr, /cannot run cronwatch-no-such-command: command not found/);
  assertRun(receiver, uuid, 127);
});

test('a file that is not executable: 126', async () => {
  const { receiver, uuid, url } = await server();
  const script = path.join(tmp, 'not-executable.sh');
  await writeFile(script, '#!/bin/sh\necho ran\n', { mode: 0o644 });
  const r = await exec(['--url', url, '--', script]);
  assert.equal(r.code, 126);
  assert.match(r.stderr, /permission denied/);
  assert.equal(r.stdout, '');
  assertRun(receiver, uuid, 126);
});

test('the body is the last Ping-Body-Limit bytes of the output', async () => {
  const { receiver, uuid, url } = await server();
  receiver.headers = { 'Ping-Body-Limit': '1000' };
  const r = await exec([
    '--url',
    url,
    '--',
    'sh',
    '-c',
    'i=0; while [ $i -lt 500 ]; do echo line-$i; i=$((i+1)); done',
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^line-0\n[^]*line-499\n$/);
  const finish = assertRun(receiver, uuid, 0);
  assert.equal(finish.body, r.stdout.slice(-1000));
});

test('without a Ping-Body-Limit header, the last 100000 bytes', async () => {
  const { receiver, uuid, url } = await server();
  const r = await exec([
    '--url',
    url,
    '--',
    'sh',
    '-c',
    "head -c 150000 /dev/zero | tr '\\0' a; printf END",
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.length, 150_003);
  const finish = assertRun(receiver, uuid, 0);
  assert.equal(finish.body.length, 100_000);
  assert.ok(finish.body.endsWith('aaaEND'));
});

test('cronwatch down: the job still runs, its status is returned, stderr says why', async () => {
  const port = await freePort();
  const uuid = randomUUID();
  const marker = path.join(tmp, 'ran-while-down');
  const r = await exec([
    '--url',
    `http://127.0.0.1:${port}/ping/${uuid}`,
    '--',
    'sh',
    '-c',
    `touch ${marker}; echo job output; exit 4`,
  ]);
  assert.equal(r.code, 4, r.stderr);
  assert.ok(existsSync(marker), 'the job ran');
  assert.equal(r.stdout, 'job output\n');
  const base = `cronwatch exec: could not reach http://127.0.0.1:${port}/ping/${uuid}`;
  assert.ok(r.stderr.includes(`${base}/start: ECONNREFUSED`), r.stderr);
  assert.ok(r.stderr.includes(`${base}/4: ECONNREFUSED`), r.stderr);
});

test('a 503 is retried with the same rid, and the retry gets through', async () => {
  const { receiver, uuid, url } = await server();
  receiver.respond = () => (receiver.requests.length === 1 ? 503 : 200);
  const r = await exec(['--url', url, '--', 'sh', '-c', 'exit 0']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  const seen = receiver.requests.map((q) => parts(q));
  assert.deepEqual(
    seen.map((s) => s.path),
    [`/ping/${uuid}/start`, `/ping/${uuid}/start`, `/ping/${uuid}/0`],
  );
  assert.equal(new Set(seen.map((s) => s.rid)).size, 1);
});

test('a 4xx is an answer, not retried; the job runs anyway', async () => {
  const { receiver, uuid, url } = await server();
  receiver.respond = () => 404;
  const r = await exec(['--url', url, '--', 'sh', '-c', 'echo ran; exit 3']);
  assert.equal(r.code, 3);
  assert.equal(r.stdout, 'ran\n');
  assert.match(r.stderr, new RegExp(`/ping/${uuid}/start answered 404`));
  assert.match(r.stderr, new RegExp(`/ping/${uuid}/3 answered 404`));
  assert.equal(receiver.requests.length, 2);
});

test('SIGTERM to cronwatch exec reaches the command, and its status is reported', async () => {
  const { receiver, uuid, url } = await server();
  const cli = spawnCli([
    'exec',
    '--url',
    url,
    '--',
    'sh',
    '-c',
    "trap 'kill $!; echo got-term; exit 7' TERM; sleep 300 & echo ready; wait",
  ]);
  // Were the signal not passed on, the command would outlive cronwatch: end it with the group.
  after(() => {
    try {
      process.kill(-cli.pid, 'SIGKILL');
    } catch {
      // nothing left
    }
  });
  await cli.waitForOutput(/ready/);
  // Only cronwatch, not its process group: the command hears of it through cronwatch.
  process.kill(cli.pid, 'SIGTERM');
  const exit = await cli.exited;
  assert.equal(exit.code, 7, cli.stderr());
  assert.match(cli.stdout(), /got-term/);
  const finish = assertRun(receiver, uuid, 7);
  assert.match(finish.body, /got-term/);
});

test('a command that leaves a daemon holding its output still gets its finish ping', async () => {
  const { receiver, uuid, url } = await server();
  // The background sleep keeps the command's stdout open long after the command exited.
  const r = await runCli(
    ['exec', '--url', url, '--', 'sh', '-c', 'sleep 300 & echo $!; exit 5'],
    {},
    20_000,
  );
  const daemon = Number(r.stdout.trim());
  try {
    assert.equal(r.code, 5, r.stderr);
    assertRun(receiver, uuid, 5);
  } finally {
    if (daemon && isAlive(daemon)) process.kill(daemon, 'SIGKILL');
  }
});

test('--uuid and --slug build the ping URL under --base-url (with its path)', async () => {
  const receiver = await startHttpReceiver();
  const uuid = randomUUID();
  const byUuid = await exec(['--uuid', uuid, '--base-url', `${receiver.url}/cw/`, 'true']);
  assert.equal(byUuid.code, 0, byUuid.stderr);
  const bySlug = await exec([
    '--slug',
    'nightly-backup',
    '--ping-key',
    'pk_Ab-1',
    '--base-url',
    receiver.url,
    '--',
    'sh',
    '-c',
    'exit 2',
  ]);
  assert.equal(bySlug.code, 2, bySlug.stderr);
  assert.deepEqual(
    receiver.requests.map((r) => parts(r).path),
    [
      `/cw/ping/${uuid}/start`,
      `/cw/ping/${uuid}/0`,
      '/ping/pk_Ab-1/nightly-backup/start',
      '/ping/pk_Ab-1/nightly-backup/2',
    ],
  );
});

test('a query on --url is kept (slug URLs with ?create=1), a trailing slash is not', async () => {
  const receiver = await startHttpReceiver();
  const r = await exec(['--url', `${receiver.url}/ping/pk/new-job/?create=1`, 'true']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(
    receiver.requests.map((q) => parts(q).path),
    ['/ping/pk/new-job/start', '/ping/pk/new-job/0'],
  );
  const queries = receiver.requests.map((q) => new URL(q.path, 'http://x').searchParams);
  assert.deepEqual(
    queries.map((q) => q.get('create')),
    ['1', '1'],
  );
  assert.match(queries[0]!.get('rid') ?? '', UUID);
});

test('credentials in the URL are sent as Basic auth and never printed', async () => {
  const receiver = await startHttpReceiver();
  receiver.respond = () => 404;
  const uuid = randomUUID();
  const url = receiver.url.replace('http://', 'http://ops:s%3Acret@') + `/ping/${uuid}`;
  const r = await exec(['--url', url, 'true']);
  assert.equal(r.code, 0);
  assert.equal(
    receiver.requests[0]!.headers.authorization,
    `Basic ${Buffer.from('ops:s:cret').toString('base64')}`,
  );
  assert.match(r.stderr, /answered 404/);
  assert.doesNotMatch(r.stderr, /cret/);
});

test('bad usage exits 2 with a message and runs nothing', async () => {
  const receiver = await startHttpReceiver();
  const marker = path.join(tmp, 'must-not-exist');
  const touch = ['--', 'touch', marker];
  const url = `${receiver.url}/ping/${randomUUID()}`;
  const cases: [string[], RegExp][] = [
    [['--url', url], /no command to run/],
    [['--url', url, '--'], /no command to run/],
    [touch, /which check\?/],
    [['--url', url, '--uuid', randomUUID(), ...touch], /only one of --url, --uuid and --slug/],
    [['--url', 'not a url', ...touch], /--url "not a url" is not a URL/],
    [['--url', 'ftp://host/ping/x', ...touch], /not an http:\/\/ or https:\/\/ URL/],
    [['--uuid', randomUUID(), ...touch], /--uuid needs --base-url/],
    [['--uuid', 'nope', '--base-url', receiver.url, ...touch], /"nope" is not a UUID/],
    [['--slug', 'job', '--base-url', receiver.url, ...touch], /--slug needs --ping-key/],
    [
      ['--slug', 'Bad Slug', '--ping-key', 'k', '--base-url', receiver.url, ...touch],
      /--slug "Bad Slug" must be/,
    ],
    [['--no-such-option', ...touch], /unknown option '--no-such-option'/],
    [['--url'], /argument missing/],
  ];
  const results = await Promise.all(cases.map(([args]) => exec(args)));
  cases.forEach(([args, message], i) => {
    assert.equal(results[i]!.code, 2, `${args.join(' ')}: ${results[i]!.stderr}`);
    assert.match(results[i]!.stderr, message, args.join(' '));
  });
  assert.equal(existsSync(marker), false);
  assert.equal(receiver.requests.length, 0);
});

test('end to end: the real front records the run, its exit status and output', async () => {
  const db = await testDatabase();
  const {
    rows: [account],
  } = await db.pool.query<{ id: string }>(
    `INSERT INTO accounts (name) VALUES ('acme') RETURNING id`,
  );
  const {
    rows: [check],
  } = await db.pool.query<{ uuid: string }>(
    `INSERT INTO checks (account_id, name, period, grace) VALUES ($1, 'backup', 3600, 60) RETURNING uuid`,
    [account!.id],
  );
  const front = http.createServer(createApp(frontDeps(db.pool)));
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  after(
    () =>
      new Promise<void>((resolve) => {
        front.closeAllConnections();
        front.close(() => resolve());
      }),
  );
  const port = (front.address() as AddressInfo).port;

  const r = await exec([
    '--url',
    `http://127.0.0.1:${port}/ping/${check!.uuid}`,
    '--',
    'sh',
    '-c',
    'echo hello; exit 3',
  ]);
  assert.equal(r.code, 3, r.stderr);
  assert.equal(r.stderr, '');
  assert.equal(r.stdout, 'hello\n');

  const { rows: pings } = await db.pool.query(
    `SELECT kind, exit_status, run_id, body, duration, method FROM pings ORDER BY id`,
  );
  assert.equal(pings.length, 2);
  const [start, finish] = pings;
  assert.equal(start.kind, 'start');
  assert.equal(finish.kind, 'exitcode');
  assert.equal(finish.exit_status, 3);
  assert.match(start.run_id, UUID);
  assert.equal(finish.run_id, start.run_id);
  assert.equal(finish.method, 'POST');
  assert.match(finish.body, /hello/);
  assert.notEqual(finish.duration, null);
  const { rows: status } = await db.pool.query(`SELECT status FROM checks WHERE uuid = $1`, [
    check!.uuid,
  ]);
  assert.equal(status[0].status, 'down');
});

test('CRONWATCH_URL and CRONWATCH_PING_KEY give the defaults of --base-url and --ping-key; other bad settings do not matter', async () => {
  const { receiver, uuid } = await server();
  const byUuid = await runCli(['exec', '--uuid', uuid, '--', 'true'], {
    CRONWATCH_URL: receiver.url,
    PORT: 'not-a-port',
  });
  assert.equal(byUuid.code, 0, byUuid.stderr);
  assertRun(receiver, uuid, 0);
  receiver.requests.length = 0;
  const bySlug = await runCli(['exec', '--slug', 'nightly', '--', 'false'], {
    CRONWATCH_URL: receiver.url,
    CRONWATCH_PING_KEY: 'k3y',
  });
  assert.equal(bySlug.code, 1, bySlug.stderr);
  assert.deepEqual(
    receiver.requests.map((r) => parts(r).path),
    ['/ping/k3y/nightly/start', '/ping/k3y/nightly/1'],
  );
});
