// `npm start` starts what `npm install` built, and builds only when dist/ is missing or
// older than the sources (issue 17, item 3: it compiled on every start, 7 s of 14).
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
// @ts-expect-error -- a plain JavaScript script (it runs before anything is compiled)
import { staleReason } from '../../scripts/build-if-stale.js';
import { root } from '../helpers/process.js';

const stale = staleReason as (root: string) => string | undefined;

async function tree(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cronwatch-build-'));
  after(() => rm(dir, { recursive: true, force: true }));
  await mkdir(path.join(dir, 'src', 'db'), { recursive: true });
  await writeFile(path.join(dir, 'tsconfig.json'), '{}');
  await writeFile(path.join(dir, 'src', 'db', 'pool.ts'), '');
  return dir;
}

async function touch(file: string, secondsAgo: number): Promise<void> {
  const at = new Date(Date.now() - secondsAgo * 1000);
  await utimes(file, at, at);
}

test('npm start runs the built CLI, building only when needed', async () => {
  const pkg = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  assert.equal(pkg.scripts.start, 'node scripts/build-if-stale.js && node dist/cli.js start');
  assert.match(pkg.scripts.prepare ?? '', /tsc/, 'npm install builds');
  assert.ok(pkg.scripts.dev, 'a development command that rebuilds on change');
});

test('dist/ is stale when missing or older than a source file, fresh otherwise', async () => {
  const dir = await tree();
  assert.equal(stale(dir), 'dist/ is missing');
  await mkdir(path.join(dir, 'dist', 'db'), { recursive: true });
  const built = path.join(dir, 'dist', 'db', 'pool.js');
  await writeFile(built, '');
  await touch(path.join(dir, 'src', 'db', 'pool.ts'), 60);
  await touch(path.join(dir, 'tsconfig.json'), 60);
  assert.equal(stale(dir), undefined, 'built after every source');
  await touch(path.join(dir, 'src', 'db', 'pool.ts'), 0);
  await touch(built, 30);
  assert.equal(stale(dir), 'a source file is newer than dist/');
  await touch(path.join(dir, 'src', 'db', 'pool.ts'), 60);
  await touch(path.join(dir, 'tsconfig.json'), 0);
  assert.equal(stale(dir), 'a source file is newer than dist/', 'tsconfig.json counts');
});
