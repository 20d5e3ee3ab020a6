// Usage mistakes exit 2 ("called wrongly, nothing done", as README says), never commander's
// default 1, which reads as "it ran and failed"; help and version exit 0.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../helpers/process.js';

test('an unknown command, subcommand or option, or a missing argument, is exit 2', async () => {
  const runs = await Promise.all(
    [
      ['frobnicate'],
      ['check', 'frob'],
      ['check', 'add', 'acme', 'x', '--bogus'],
      ['check', 'add', 'acme'],
    ].map(async (args) => ({
      args,
      run: await runCli(args, { DATABASE_URL: 'postgres://127.0.0.1:1/none' }),
    })),
  );
  for (const { args, run } of runs) {
    assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, /error: /, args.join(' '));
  }
  for (const args of [['--help'], ['check', '--help'], ['--version']])
    assert.equal((await runCli(args)).code, 0, args.join(' '));
});
