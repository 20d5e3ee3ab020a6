// Root with the project in a directory the postgres user cannot enter (root's home, mode
// 700): `npm start` and `npm test` failed with `spawn …/initdb EACCES` (issue 17, item 1).
// The server's binaries are then run from a copy it can reach, and the cluster kept in a
// place it can reach. Only meaningful as root (otherwise the server runs as ourselves).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { clusterBase, canReach, reachableBinaries } from '../../src/db/embedded-reach.js';
import { binaries, runAs } from '../../src/db/embedded-server.js';
import { freePort, outputOf, request, spawnCli, waitForHealthy } from '../helpers/process.js';

const root = process.getuid?.() === 0;
const skip = root ? false : 'only root runs the server as another user';

async function closedDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cronwatch-closed-'));
  await chmod(dir, 0o700);
  after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('binaries the postgres user cannot reach are run from a copy it can', { skip }, async () => {
  const owner = (await runAs())!;
  const bin = await binaries();
  const native = path.dirname(path.dirname(bin.postgres));
  const closed = await closedDir();
  await cp(native, path.join(closed, 'native'), { recursive: true, verbatimSymlinks: true });
  const hidden = {
    initdb: path.join(closed, 'native', 'bin', 'initdb'),
    postgres: path.join(closed, 'native', 'bin', 'postgres'),
  };
  assert.equal(canReach(owner, hidden.postgres), false, 'the setup hides the binaries');
  const shared = await mkdtemp(path.join(os.tmpdir(), 'cronwatch-shared-'));
  after(() => rm(shared, { recursive: true, force: true }));
  const usable = await reachableBinaries(hidden, owner, shared);
  assert.ok(usable.postgres.startsWith(shared + path.sep), usable.postgres);
  for (const file of [usable.initdb, usable.postgres]) {
    const run = spawnSync(file, ['--version'], { uid: owner.uid, gid: owner.gid });
    assert.equal(run.status, 0, `${file}: ${String(run.stderr)}`);
    assert.match(String(run.stdout), /PostgreSQL/);
  }
  // A second process finds the copy made and makes no other.
  assert.deepEqual(await reachableBinaries(hidden, owner, shared), usable);
});

test(
  'cronwatch start with its data directory where the postgres user cannot enter',
  { skip },
  async () => {
    const closed = await closedDir();
    const dataDir = path.join(closed, 'data');
    const owner = (await runAs())!;
    const shared = await clusterBase(dataDir, owner);
    after(() => rm(shared, { recursive: true, force: true }));
    assert.notEqual(shared, dataDir, 'the cluster goes to a place the postgres user can reach');
    const port = await freePort();
    const cli = spawnCli(['start'], {
      CRONWATCH_DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
    });
    await waitForHealthy(cli, port);
    const res = await request(port, {
      path: '/?cronname=job&account=acme&email=ops@example.com&frequency=60',
    });
    assert.equal(res.status, 201, res.body);
    await cli.waitForOutput(/kept outside/);
    assert.ok(existsSync(path.join(shared, 'pg', 'PG_VERSION')), 'the cluster is where it said');
    const exit = await cli.stop();
    assert.deepEqual(exit, { code: 0, signal: null }, outputOf(cli));
    assert.equal(existsSync(path.join(shared, 'pg', 'postmaster.pid')), false, 'server stopped');
  },
);
