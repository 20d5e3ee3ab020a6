// The pool's idle clients losing their server (PostgreSQL ending every session: a stop, a
// restart, the Ctrl-C that reached it too): one warning line without a stack for a burst,
// and only debug lines while cronwatch itself is stopping (each was a warning with a full
// pg stack trace, a screenful on every Ctrl-C).
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import { pino } from 'pino';
import { idleErrorLog } from '../../src/commands/idle-errors.js';
import { createPool } from '../../src/db/pool.js';
import { testDatabase } from '../helpers/db.js';

const db = await testDatabase();

interface Line {
  level: number;
  msg: string;
  code?: string;
  reason?: string;
  err?: unknown;
  stack?: unknown;
}

/** Opens `n` idle clients, ends their sessions from the server, waits for the n errors. */
async function loseIdleClients(n: number, stopping: boolean): Promise<Line[]> {
  const lines: Line[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l) as Line);
      done();
    },
  });
  const logger = pino({ level: 'debug' }, sink);
  let errors = 0;
  const log = idleErrorLog(logger, () => stopping);
  const pool = createPool(db.url, n, (err) => {
    errors++;
    log(err);
  });
  try {
    const clients = await Promise.all(Array.from({ length: n }, () => pool.connect()));
    const pids: number[] = [];
    for (const c of clients) pids.push((await c.query('SELECT pg_backend_pid() AS p')).rows[0].p);
    for (const c of clients) c.release();
    await db.pool.query('SELECT pg_terminate_backend(p) FROM unnest($1::int[]) AS p', [pids]);
    const until = Date.now() + 5000;
    while (errors < n && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    assert.equal(errors, n, 'every idle client reported its loss');
    return lines;
  } finally {
    await pool.end();
  }
}

describe('idle database connections lost', () => {
  test('while running: one warning for the burst, one line, no stack', async () => {
    const lines = await loseIdleClients(3, false);
    const warnings = lines.filter((l) => l.level === 40);
    assert.equal(warnings.length, 1, JSON.stringify(lines));
    assert.equal(warnings[0]!.code, '57P01');
    assert.match(warnings[0]!.reason!, /terminating connection/);
    assert.equal(warnings[0]!.err, undefined);
    assert.ok(!JSON.stringify(lines).includes('    at '), 'no stack trace');
    assert.equal(lines.filter((l) => l.level === 20).length, 2);
  });

  test('while stopping: debug only', async () => {
    const lines = await loseIdleClients(3, true);
    assert.equal(lines.length, 3);
    assert.ok(lines.every((l) => l.level === 20 && /while stopping/.test(l.msg)));
  });
});
