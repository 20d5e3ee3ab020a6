// The benchmarks' database: an embedded PostgreSQL of its own in a temporary directory,
// migrated, and removed again by stop().
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { openEmbedded } from '../src/db/embedded.js';
import { migrate } from '../src/db/migrate.js';
import { createPool } from '../src/db/pool.js';

async function sql(url: string, text: string): Promise<void> {
  const pool = createPool(url, 1, () => undefined);
  try {
    await pool.query(text);
  } finally {
    await pool.end();
  }
}

/** The statements that took the most time since the last reset (pg_stat_statements). */
export async function topStatements(url: string, n = 12): Promise<string[]> {
  const pool = createPool(url, 1, () => undefined);
  try {
    const { rows } = await pool.query<{
      ms: number;
      mean: number;
      calls: number;
      rows: number;
      q: string;
    }>(
      `SELECT round(total_exec_time)::int AS ms, round(mean_exec_time::numeric, 3)::float AS mean,
              calls::int, rows::int,
              left(regexp_replace(query, '\\s+', ' ', 'g'), 110) AS q
         FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT $1`,
      [n],
    );
    await pool.query('SELECT pg_stat_statements_reset()');
    return rows.map(
      (r) =>
        `${String(r.ms).padStart(7)} ms ${String(r.calls).padStart(6)} calls ${r.mean.toFixed(3).padStart(8)} ms each ${String(r.rows).padStart(7)} rows  ${r.q}`,
    );
  } finally {
    await pool.end();
  }
}

/**
 * The benchmarks' checks: account `bench` (ping key `benchkey`) with `n` up checks named and
 * slugged check-1 … check-n. Made as a gocron check-in makes them (email, gocron_origin), so
 * a gocron check-in upserts the same values and every form does the same work. Their uuids.
 */
export async function benchChecks(client: pg.ClientBase, n: number): Promise<string[]> {
  const { rows } = await client.query<{ uuid: string }>(
    `WITH a AS (INSERT INTO accounts (name, ping_key) VALUES ('bench', 'benchkey') RETURNING id)
     INSERT INTO checks (account_id, name, slug, period, grace, status, email, gocron_origin)
     SELECT a.id, 'check-' || i, 'check-' || i, 3600, 360, 'up', 'ops@example.com', true
       FROM a, generate_series(1, $1) i ORDER BY i RETURNING uuid`,
    [n],
  );
  return rows.map((r) => r.uuid);
}

export interface BenchDatabase {
  url: string;
  /** The temporary directory (scratch files may go here: stop() removes it all). */
  dir: string;
  stop(): Promise<void>;
}

/**
 * `profile`: the server is restarted with pg_stat_statements loaded (and the extension
 * created), so a benchmark can print where PostgreSQL spent its time (topStatements).
 */
export async function openBenchDatabase(name: string, profile = false): Promise<BenchDatabase> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `cronwatch-bench-${name}-`));
  const remove = () => rm(dir, { recursive: true, force: true });
  try {
    // As root the server runs as the postgres user, which must reach the directory.
    await chmod(dir, 0o755);
    let server = await openEmbedded(dir);
    try {
      await migrate(server.url);
      if (profile) {
        await sql(server.url, `ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'`);
        await server.stop();
        server = await openEmbedded(dir);
        await sql(server.url, 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
      }
    } catch (err) {
      await server.stop();
      throw err;
    }
    return {
      url: server.url,
      dir,
      async stop() {
        await server.stop();
        await remove();
      },
    };
  } catch (err) {
    await remove();
    throw err;
  }
}
