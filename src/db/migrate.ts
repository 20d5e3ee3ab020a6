// Numbered, forward-only SQL files applied in order, each in its own transaction, under an
// advisory lock: two processes starting together wait for each other instead of both
// applying 0001 and one failing half-way.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { clientFor } from './pool.js';

export const migrationsDir = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'migrations',
);

// An arbitrary constant shared by every cronwatch process: the advisory lock's key.
const LOCK_KEY = 72_616_001;

interface Migration {
  version: number;
  name: string;
  file: string;
}

async function list(dir: string): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f)).sort();
  return files.map((file) => ({
    version: Number(file.slice(0, 4)),
    name: file.slice(5, -4),
    file: path.join(dir, file),
  }));
}

async function applied(client: pg.ClientBase): Promise<Set<number>> {
  const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
  return new Set(rows.map((r) => r.version));
}

/** Applies the pending migrations; returns the names it applied. Throws on any failure. */
export async function migrate(url: string, dir = migrationsDir): Promise<string[]> {
  // clientFor: a multi-host URL migrates the writable server of a failover formation.
  const client = new (clientFor(url))({ application_name: 'cronwatch-migrate' });
  await client.connect();
  const done: string[] = [];
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const have = await applied(client);
    for (const m of await list(dir)) {
      if (have.has(m.version)) continue;
      const sql = await readFile(m.file, 'utf8');
      await client.query('BEGIN');
      try {
        // The ledger row first: a second migrator that somehow got past the lock collides
        // on the primary key instead of applying the file twice.
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
          m.version,
          m.name,
        ]);
        await client.query(sql);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw new Error(`migration ${path.basename(m.file)} failed: ${(err as Error).message}`, {
          cause: err,
        });
      }
      done.push(path.basename(m.file));
    }
    return done;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => undefined);
    await client.end().catch(() => undefined);
  }
}

/** Migrations on disk that the database has not applied yet. */
export async function pending(url: string, dir = migrationsDir): Promise<string[]> {
  const client = new (clientFor(url))();
  await client.connect();
  try {
    const exists = await client.query(`SELECT to_regclass('schema_migrations') IS NOT NULL AS ok`);
    const have = exists.rows[0].ok ? await applied(client) : new Set<number>();
    return (await list(dir)).filter((m) => !have.has(m.version)).map((m) => path.basename(m.file));
  } finally {
    await client.end().catch(() => undefined);
  }
}
