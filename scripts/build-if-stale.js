#!/usr/bin/env node
// `npm start` runs what `npm install` built (its prepare script). Compiling on every start
// took about 7 s of a 14 s restart; this only builds when dist/ is missing or older than a
// source file (a `git pull` without `npm install`), and otherwise costs a few milliseconds.
// Plain JavaScript: it must run before anything is compiled.
import { spawnSync } from 'node:child_process';
import process from 'node:process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The newest modification time under `dir` (files only), or 0 when there is none. */
function newest(dir, filter) {
  let max = 0;
  let entries;
  try {
    entries = readdirSync(dir, { recursive: true, withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    if (!e.isFile() || !filter(e.name)) continue;
    max = Math.max(max, statSync(path.join(e.parentPath ?? e.path, e.name)).mtimeMs);
  }
  return max;
}

/** Why a build is needed, or undefined when dist/ is up to date. */
export function staleReason(root) {
  const built = newest(path.join(root, 'dist'), (n) => n.endsWith('.js'));
  if (built === 0) return 'dist/ is missing';
  const source = Math.max(
    newest(path.join(root, 'src'), (n) => n.endsWith('.ts')),
    newest(root, (n) => n === 'tsconfig.json'),
  );
  return source > built ? 'a source file is newer than dist/' : undefined;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const reason = staleReason(root);
  if (reason) {
    process.stderr.write(`cronwatch: building (${reason})\n`);
    const tsc = spawnSync(
      process.execPath,
      [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.json')],
      { stdio: 'inherit' },
    );
    process.exit(tsc.status ?? 1);
  }
}
