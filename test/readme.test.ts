import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { settings } from '../src/config.js';

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
