// One UUID pattern and one slug pattern (src/domain/patterns.ts): a second copy drifts, and a
// slug the API accepts but the ping route refuses is a check no one can ping.
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { SLUG, UUID } from '../../src/domain/patterns.js';

const src = path.resolve(import.meta.dirname, '../../src');

test('the UUID and slug patterns are declared once, in src/domain/patterns.ts', async () => {
  const files = (await readdir(src, { recursive: true })).filter((f) => f.endsWith('.ts'));
  const copies: string[] = [];
  for (const file of files) {
    if (file === path.join('domain', 'patterns.ts')) continue;
    const text = await readFile(path.join(src, file), 'utf8');
    for (const pattern of [UUID.source, SLUG.source])
      if (text.includes(pattern)) copies.push(`${file}: ${pattern}`);
  }
  assert.deepEqual(copies, []);
});

test('the patterns accept what the ping routes take', () => {
  assert.ok(UUID.test('0F0E0D0C-0B0A-4908-8706-050403020100'));
  assert.ok(!UUID.test('0f0e0d0c0b0a49088706050403020100'));
  assert.ok(SLUG.test('db-backup_2'));
  assert.ok(!SLUG.test('DB'));
  assert.ok(!SLUG.test('a'.repeat(201)));
});
