import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { settings } from '../src/config.js';
import { runCli } from './helpers/process.js';

const readme = readFileSync(path.resolve(import.meta.dirname, '../README.md'), 'utf8');

test('the README documents every environment variable the config reads', () => {
  // A row of the configuration table starts with the variable's name (prettier pads the cells).
  const missing = Object.keys(settings).filter(
    (name) => !new RegExp(`^\\| \`${name}\` +\\|`, 'm').test(readme),
  );
  assert.deepEqual(missing, []);
});

test('the README shows the two quick-start commands', () => {
  assert.match(readme, /npm install && npm start/);
  assert.match(readme, /npm test/);
});

/** The subcommand names of a `--help` text's "Commands:" section (without `help`). */
function commandsOf(help: string): string[] {
  const section = help.split(/^Commands:\n/m)[1] ?? '';
  return [...section.matchAll(/^ {2}([a-z][a-z-]*)/gm)]
    .map((m) => m[1]!)
    .filter((name) => name !== 'help');
}

test('the README command table lists every command of the CLI', async () => {
  const top = await runCli(['--help']);
  assert.equal(top.code, 0, top.stderr);
  const rows = readme.split('\n').filter((l) => l.startsWith('| `cronwatch '));
  const listed = (words: string[]) =>
    // `cronwatch check pause\|resume\|rm …` lists three subcommands in one row.
    rows.some((row) => {
      const cell = row.slice(3, row.indexOf('`', 3)).split(' ');
      return (
        cell[0] === 'cronwatch' && words.every((w, i) => cell[i + 1]?.split('\\|').includes(w))
      );
    });
  const missing: string[] = [];
  for (const name of commandsOf(top.stdout)) {
    const sub = await runCli([name, '--help']);
    const subs = commandsOf(sub.stdout);
    for (const words of subs.length ? subs.map((s) => [name, s]) : [[name]])
      if (!listed(words)) missing.push(words.join(' '));
  }
  assert.ok(commandsOf(top.stdout).includes('check'), top.stdout);
  assert.deepEqual(missing, []);
});

test('the README says how to run the CLI from a checkout: npx cronwatch', () => {
  assert.match(readme, /`npx cronwatch <command>`/);
  assert.match(readme, /npx cronwatch account create acme/);
});
