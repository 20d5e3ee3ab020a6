// `npm test` stopped by a signal to its own process (a CI timeout, `kill <pid>`): the test
// files it started stop with it. Before, the runner stopped its PostgreSQL and exited, and
// its `node --test` child went on running file after file against a server that was gone.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';

const root = path.resolve(import.meta.dirname, '../..');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('a test run killed by SIGTERM stops the test files it started', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cronwatch-runner-'));
  after(() => rm(dir, { recursive: true, force: true }));
  const marker = path.join(dir, 'pid');
  const file = path.join(dir, 'sleeps.test.ts');
  await writeFile(
    file,
    `import { writeFileSync } from 'node:fs';
import { test } from 'node:test';
test('sleeps', async () => {
  writeFileSync(${JSON.stringify(marker)}, String(process.pid));
  await new Promise((r) => setTimeout(r, 120_000));
});
`,
  );
  // The server of this run (DATABASE_URL): the nested run makes and drops its own template.
  // Without NODE_TEST_CONTEXT, which would make the nested `node --test` report to this one.
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  const run = spawn(process.execPath, ['--import', 'tsx', 'test/run.ts', file], {
    cwd: root,
    env: { ...env, DATABASE_URL: process.env.CRONWATCH_TEST_ADMIN_URL },
    stdio: 'ignore',
  });
  after(() => {
    if (run.exitCode === null) run.kill('SIGKILL');
  });
  let pid = 0;
  for (let i = 0; i < 300 && !pid; i++) {
    pid = Number(await readFile(marker, 'utf8').catch(() => '0'));
    if (!pid) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(pid > 0, 'the test file started');
  try {
    run.kill('SIGTERM');
    await once(run, 'exit');
    for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(alive(pid), false, 'the test file was still running 10 s after the run stopped');
  } finally {
    if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
});
