// A database of its own for each test file, cloned from the template that test/run.ts
// migrated once.
import { randomBytes } from 'node:crypto';
import { after } from 'node:test';
import pg from 'pg';
import { createPool, type Pool } from '../../src/db/pool.js';

export interface TestDatabase {
  url: string;
  pool: Pool;
}

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests with \`npm test\``);
  return value;
}

export function databaseUrl(database: string): string {
  const u = new URL(env('CRONWATCH_TEST_ADMIN_URL'));
  u.pathname = '/' + database;
  return u.toString();
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: env('CRONWATCH_TEST_ADMIN_URL') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A fresh, migrated database, dropped after the file's tests. */
export async function testDatabase(opts: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const template = env('CRONWATCH_TEST_TEMPLATE');
  // The run's pid in the name lets test/run.ts drop what a crashed file left behind.
  const runPid = template.split('_').pop();
  const name = `cw_t${runPid}_${randomBytes(5).toString('hex')}`;
  await admin((c) =>
    c.query(
      opts.migrated === false
        ? `CREATE DATABASE ${name}`
        : `CREATE DATABASE ${name} TEMPLATE ${template}`,
    ),
  );
  const url = databaseUrl(name);
  const pool = createPool(url, 20, () => undefined);
  after(async () => {
    await pool.end();
    await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  });
  return { url, pool };
}
