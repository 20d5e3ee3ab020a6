// What can be tested here of the deployment: the install script into a temporary root
// (idempotent, config kept and private, uninstall), and the systemd units with
// systemd-analyze verify (.ci/run installs Debian's systemd package for it).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';

const run = promisify(execFile);
const repo = path.resolve(import.meta.dirname, '../..');
const units = ['cronwatch-migrate.service', 'cronwatch-front.service', 'cronwatch-back.service'];
const root = await mkdtemp(path.join(os.tmpdir(), 'cronwatch-install-'));
after(() => rm(root, { recursive: true, force: true }));

function install(...args: string[]) {
  return run('bash', [path.join(repo, 'scripts/install.sh'), '--root', root, '--no-deps', ...args]);
}

test('systemd-analyze verify accepts the units', async () => {
  const { stderr } = await run('systemd-analyze', [
    'verify',
    ...units.map((u) => path.join(repo, 'systemd', u)),
  ]);
  assert.equal(stderr, '');
});

test('the units run unprivileged, restart on failure, read the env file, and migrate first', () => {
  for (const u of units) {
    const text = readFileSync(path.join(repo, 'systemd', u), 'utf8');
    assert.match(text, /^User=cronwatch$/m, u);
    assert.match(text, /^EnvironmentFile=\/etc\/cronwatch\/cronwatch\.env$/m, u);
    for (const h of ['NoNewPrivileges=yes', 'ProtectSystem=strict', 'PrivateTmp=yes'])
      assert.match(text, new RegExp(`^${h}$`, 'm'), u);
  }
  for (const u of ['cronwatch-front.service', 'cronwatch-back.service']) {
    const text = readFileSync(path.join(repo, 'systemd', u), 'utf8');
    assert.match(text, /^Restart=on-failure$/m);
    assert.match(text, /^Requires=cronwatch-migrate\.service$/m);
    assert.match(text, /^After=.*cronwatch-migrate\.service/m);
  }
  assert.match(
    readFileSync(path.join(repo, 'systemd/cronwatch-migrate.service'), 'utf8'),
    /^Type=oneshot$/m,
  );
});

test('install.sh installs into a root, keeps the config private, and is idempotent', async () => {
  await install();
  const env = path.join(root, 'etc/cronwatch/cronwatch.env');
  assert.equal(statSync(env).mode & 0o777, 0o600);
  for (const u of units) {
    assert.equal(
      readFileSync(path.join(root, 'etc/systemd/system', u), 'utf8'),
      readFileSync(path.join(repo, 'systemd', u), 'utf8'),
    );
  }
  for (const f of ['bin/cronwatch.js', 'package.json', 'migrations/0001_init.sql'])
    assert.ok(existsSync(path.join(root, 'opt/cronwatch', f)), f);

  // An operator's settings survive a second run (an upgrade).
  writeFileSync(env, 'DATABASE_URL=postgres://mine\n');
  await install();
  assert.equal(readFileSync(env, 'utf8'), 'DATABASE_URL=postgres://mine\n');
  assert.equal(statSync(env).mode & 0o777, 0o600);
});

test('install.sh --uninstall removes the program and units, keeps config and data', async () => {
  await install('--uninstall');
  assert.ok(!existsSync(path.join(root, 'opt/cronwatch')));
  for (const u of units) assert.ok(!existsSync(path.join(root, 'etc/systemd/system', u)));
  assert.ok(existsSync(path.join(root, 'etc/cronwatch/cronwatch.env')));
  assert.ok(existsSync(path.join(root, 'var/lib/cronwatch')));
});

test('install.sh rejects unknown options', async () => {
  await assert.rejects(install('--bogus'), (err: { code: number; stderr: string }) => {
    assert.equal(err.code, 2);
    assert.match(err.stderr, /unknown option --bogus/);
    return true;
  });
});
