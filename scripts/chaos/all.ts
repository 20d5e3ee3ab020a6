// The fault suite: runs every scenario of scripts/chaos one after the other (each is a
// process of its own, so one that crashes cannot take the others down), passes their figure
// lines through, and exits non-zero when any failed. The failover scenario needs the Debian
// packages postgresql-15-auto-failover and pg-auto-failover-cli: without pg_autoctl it is
// skipped, and said so.
//   npm run chaos          (CHAOS_ONLY=front-kill,pg-kill to pick)
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';

const SCENARIOS = [
  'front-kill',
  'pg-kill',
  'notify-outage',
  'back-kill',
  'jobs-kill',
  'jobs-stopped',
  'failover',
];
const only = process.env.CHAOS_ONLY?.split(',').map((s) => s.trim());
const hasAutoctl = spawnSync('pg_autoctl', ['--version']).status === 0;

function run(name: string): Promise<number> {
  const file = path.join(import.meta.dirname, `${name}.ts`);
  const child = spawn(process.execPath, ['--import', 'tsx', file], { stdio: 'inherit' });
  return new Promise((resolve) => child.on('close', (code) => resolve(code ?? 1)));
}

const failed: string[] = [];
for (const name of SCENARIOS.filter((s) => !only || only.includes(s))) {
  if (name === 'failover' && !hasAutoctl) {
    console.log('failover: SKIP (pg_autoctl not installed; see docs/operations.md)');
    continue;
  }
  const started = Date.now();
  const code = await run(name);
  console.log(`  (${name}: ${((Date.now() - started) / 1000).toFixed(0)} s, exit ${code})`);
  if (code !== 0) failed.push(name);
}
console.log(failed.length ? `chaos: FAIL (${failed.join(', ')})` : 'chaos: PASS');
process.exit(failed.length ? 1 : 0);
