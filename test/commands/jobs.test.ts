// `cronwatch job …`, run as the real CLI against the test database: the API's rules from
// the command line, a run through the engine, its dead run redriven with its Run-Id.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { triggerOnce } from '../../src/back/trigger.js';
import { testDatabase } from '../helpers/db.js';
import { makeDue, only, triggerDeps } from '../helpers/jobs.js';
import { runCli } from '../helpers/process.js';
import { startHttpReceiver } from '../helpers/receivers.js';

const db = await testDatabase();
const receiver = await startHttpReceiver();
const back = triggerDeps(db.pool);

function cli(args: string[]) {
  return runCli(args, { DATABASE_URL: db.url, LOG_LEVEL: 'warn', OUTBOUND_ALLOW_PRIVATE: '1' });
}

await db.pool.query(`INSERT INTO accounts (name) VALUES ('acme'), ('other')`);

test('add, list, show, run, runs, redrive, pause, resume, rm, each with --json', async () => {
  const bad = await cli(['job', 'add', 'acme', 'x', '--every', '60', '--url', 'ftp://x/']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /url must be an http/);
  const added = await cli([
    'job',
    'add',
    'acme',
    'hook',
    '--every',
    '3600',
    '--url',
    `${receiver.url}/hook`,
    '--body',
    '{"a":1}',
    '--header',
    'Content-Type: application/json',
    '--attempts',
    '1',
    '--json',
  ]);
  assert.equal(added.code, 0, added.stderr);
  const job = JSON.parse(added.stdout);
  assert.equal(job.method, 'POST');
  assert.deepEqual(job.headers, { 'Content-Type': 'application/json' });
  assert.ok(job.check);

  const list = await cli(['job', 'list', 'acme', '--json']);
  assert.deepEqual(
    list.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).uuid),
    [job.uuid],
  );
  assert.equal((await cli(['job', 'list', 'other', '--json'])).stdout, '');
  assert.equal((await cli(['job', 'show', 'other', job.uuid])).code, 2);
  assert.match((await cli(['job', 'show', 'acme', job.uuid])).stdout, /hook +active +every 3600 s/);

  receiver.respond = () => 500;
  const run = JSON.parse((await cli(['job', 'run', 'acme', job.uuid, '--json'])).stdout);
  await triggerOnce(back);
  const runs = (await cli(['job', 'runs', 'acme', job.uuid, '--json'])).stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const dead = runs.find((r) => r.run_id === run.run_id);
  assert.equal(dead.state, 'dead');
  assert.equal(receiver.requests[0]!.body, '{"a":1}');

  receiver.respond = () => 200;
  const redrive = await cli(['job', 'redrive', 'acme', job.uuid, run.run_id, '--json']);
  assert.equal(redrive.code, 0, redrive.stderr);
  await triggerOnce(back);
  assert.equal(receiver.requests.at(-1)!.headers['cronwatch-run-id'], run.run_id);
  assert.equal((await cli(['job', 'redrive', 'acme', job.uuid, run.run_id])).code, 2);

  assert.equal(
    JSON.parse((await cli(['job', 'pause', 'acme', job.uuid, '--json'])).stdout).status,
    'paused',
  );
  assert.equal(
    JSON.parse((await cli(['job', 'resume', 'acme', job.uuid, '--json'])).stdout).status,
    'active',
  );
  assert.equal(
    JSON.parse((await cli(['job', 'rm', 'acme', job.uuid, '--json'])).stdout).status,
    'deleted',
  );
  assert.equal((await cli(['job', 'show', 'acme', job.uuid])).code, 2);
});

test('a one-off job whose run ended is finished in job list and job show', async () => {
  receiver.respond = () => 200;
  const at = new Date(Date.now() + 3_600_000).toISOString();
  const added = await cli([
    'job',
    'add',
    'acme',
    'once',
    '--at',
    at,
    '--url',
    `${receiver.url}/o`,
    '--json',
  ]);
  assert.equal(added.code, 0, added.stderr);
  const uuid = (JSON.parse(added.stdout) as { uuid: string }).uuid;
  const { rows } = await db.pool.query('SELECT id FROM jobs WHERE uuid = $1', [uuid]);
  await only(db.pool, rows[0].id as number);
  await makeDue(db.pool, rows[0].id as number);
  await triggerOnce(back);
  const list = await cli(['job', 'list', 'acme']);
  assert.match(list.stdout, new RegExp(`${uuid}  once  finished  at .*  next -`));
  const show = await cli(['job', 'show', 'acme', uuid, '--json']);
  assert.equal((JSON.parse(show.stdout) as { status: string }).status, 'finished');
});
