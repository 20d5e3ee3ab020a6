// The CLI's edges as a real process: configuration errors, --version and --help, and a role
// that refuses a schema it does not know.
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { testDatabase } from '../helpers/db.js';
import { freePort, root, runCli, tempDataDir } from '../helpers/process.js';

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
  // It never listened.
  assert.doesNotMatch(res.stdout, /"msg":"listening"/);
});
