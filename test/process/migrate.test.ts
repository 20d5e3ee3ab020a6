// `cronwatch migrate` as a real process: repeated, concurrent (on DATABASE_URL and on a
// brand-new embedded data directory), and a failing migration file that leaves no trace.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';
import { migrate, migrationsDir } from '../../src/db/migrate.js';
import { testDatabase } from '../helpers/db.js';
import { outputOf, runCli, spawnCli, tempDataDir, type Cli } from '../helpers/process.js';

async function migrationFiles(): Promise<string[]> {
  return (await readdir(migrationsDir)).filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f)).sort();
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Every column of every table in the public schema, in a stable order. */
async function schemaOf(url: string): Promise<string[]> {
  return withClient(url, async (c) => {
    const { rows } = await c.query<{ col: string }>(
      `SELECT table_name || '.' || column_name || ' ' || data_type AS col
         FROM information_schema.columns WHERE table_schema = 'public'
        ORDER BY table_name, ordinal_position`,
    );
    return rows.map((r) => r.col);
  });
}

async function ledger(url: string): Promise<{ version: number; name: string }[]> {
  return withClient(url, async (c) => {
    const { rows } = await c.query<{ version: number; name: string }>(
      'SELECT version, name FROM schema_migrations ORDER BY version',
    );
    return rows;
  });
}

function ledgerOf(files: string[]): { version: number; name: string }[] {
  return files.map((f) => ({ version: Number(f.slice(0, 4)), name: f.slice(5, -4) }));
}

test('migrate applies everything on an empty database, then says it is up to date', async () => {
  const db = await testDatabase({ migrated: false });
  const files = await migrationFiles();

  const first = await runCli(['migrate'], { DATABASE_URL: db.url });
  assert.equal(first.code, 0, first.stderr);
  assert.equal(first.stdout, `applied ${files.join(', ')}\n`);

  const second = await runCli(['migrate'], { DATABASE_URL: db.url });
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, /up to date/);

  assert.deepEqual(await ledger(db.url), ledgerOf(files));
  // The same schema as the template test/run.ts migrated in-process.
  const reference = await testDatabase();
  assert.deepEqual(await schemaOf(db.url), await schemaOf(reference.url));
});

// The advisory lock key of src/db/migrate.ts. Should it change, the test below fails
// waiting for the two processes to queue on this lock.
const MIGRATE_LOCK_KEY = 72_616_001;

test('two migrate processes at once: one applies, the other waits and finds nothing to do', async () => {
  const db = await testDatabase({ migrated: false });
  const files = await migrationFiles();
  // Hold the migrators' lock until both processes queue on it, so that they really run at
  // once rather than one after the other (each takes a second to start).
  const holder = new pg.Client({ connectionString: db.url });
  await holder.connect();
  let clis: Cli[];
  try {
    await holder.query('SELECT pg_advisory_lock($1)', [MIGRATE_LOCK_KEY]);
    clis = [
      spawnCli(['migrate'], { DATABASE_URL: db.url }),
      spawnCli(['migrate'], { DATABASE_URL: db.url }),
    ];
    const deadline = Date.now() + 30_000;
    for (;;) {
      const { rows } = await holder.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_locks
          WHERE locktype = 'advisory' AND NOT granted AND objid = $1
            AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
        [MIGRATE_LOCK_KEY],
      );
      if (rows[0]?.n === 2) break;
      if (Date.now() > deadline || clis.some((c) => c.child.exitCode !== null)) {
        assert.fail(
          `the two migrate processes did not both wait for the lock\n${clis.map(outputOf).join('\n')}`,
        );
      }
      await delay(50);
    }
    await holder.query('SELECT pg_advisory_unlock($1)', [MIGRATE_LOCK_KEY]);
  } finally {
    await holder.end();
  }
  const exits = await Promise.all(clis.map((c) => c.exited));
  const report = clis.map(outputOf).join('\n');
  assert.deepEqual(
    exits,
    [
      { code: 0, signal: null },
      { code: 0, signal: null },
    ],
    report,
  );
  assert.deepEqual(
    clis.map((c) => (c.stdout().startsWith('applied') ? 'applied' : c.stdout().trim())).sort(),
    ['applied', 'database schema is up to date'],
    report,
  );
  assert.deepEqual(await ledger(db.url), ledgerOf(files));
  const reference = await testDatabase();
  assert.deepEqual(await schemaOf(db.url), await schemaOf(reference.url));
});

test('two migrate processes at once on a brand-new embedded data directory', async () => {
  const dataDir = await tempDataDir();
  const clis = [
    spawnCli(['migrate'], { CRONWATCH_DATA_DIR: dataDir }),
    spawnCli(['migrate'], { CRONWATCH_DATA_DIR: dataDir }),
  ];
  const exits = await Promise.all(clis.map((c) => c.exited));
  const report = clis.map(outputOf).join('\n');
  assert.deepEqual(
    exits,
    [
      { code: 0, signal: null },
      { code: 0, signal: null },
    ],
    report,
  );
  assert.deepEqual(
    clis.map((c) => (c.stdout().startsWith('applied') ? 'applied' : c.stdout().trim())).sort(),
    ['applied', 'database schema is up to date'],
    report,
  );
  // The last one out stopped the server: nothing runs for this directory any more, and
  // nothing of the race is left behind (a second initdb's directory, a password draft).
  assert.equal(existsSync(path.join(dataDir, 'pg', 'postmaster.pid')), false, report);
  assert.deepEqual((await readdir(dataDir)).sort(), ['password', 'pg']);
});

test('a failing migration throws and leaves neither its ledger row nor half its changes', async () => {
  const db = await testDatabase({ migrated: false });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cronwatch-migrations-'));
  try {
    await writeFile(path.join(dir, '0001_good.sql'), 'CREATE TABLE good (id int);\n');
    await writeFile(
      path.join(dir, '0002_bad.sql'),
      'CREATE TABLE half (id int);\nINSERT INTO good VALUES (1);\nSELECT * FROM no_such_table;\n',
    );
    await assert.rejects(migrate(db.url, dir), /0002_bad\.sql.*no_such_table/);
    assert.deepEqual(await ledger(db.url), [{ version: 1, name: 'good' }]);
    await withClient(db.url, async (c) => {
      const { rows } = await c.query(`SELECT to_regclass('half') IS NULL AS gone`);
      assert.deepEqual(rows, [{ gone: true }], 'the failed file created a table');
      assert.deepEqual((await c.query('SELECT count(*)::int AS n FROM good')).rows, [{ n: 0 }]);
    });
    // Fixed, it applies on the next run, from where the failure stopped.
    await writeFile(path.join(dir, '0002_bad.sql'), 'CREATE TABLE half (id int);\n');
    assert.deepEqual(await migrate(db.url, dir), ['0002_bad.sql']);
    assert.deepEqual(await ledger(db.url), [
      { version: 1, name: 'good' },
      { version: 2, name: 'bad' },
    ]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
