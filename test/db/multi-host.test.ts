// A multi-host DATABASE_URL with target_session_attrs=read-write (issue 15, failover): the
// URL a pg_auto_failover formation hands out. node-postgres 8.23 rejects it ("Invalid URL"),
// and so did our config; now the pool and LISTEN connect to the first host that answers and,
// with read-write, whose sessions are writable (the standby, or a demoted primary, is not).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { ConfigError, loadConfig } from '../../src/config.js';
import { isDatabaseUnavailable } from '../../src/db/errors.js';
import { migrate } from '../../src/db/migrate.js';
import { createPool } from '../../src/db/pool.js';
import { startPgServer, type PgServer } from '../helpers/pg-server.js';
import { freePort } from '../helpers/process.js';

function hostList(servers: (PgServer | number)[], attrs?: string): string {
  const [first] = servers.filter((s): s is PgServer => typeof s !== 'number');
  const url = new URL(first!.url);
  const hosts = servers.map((s) => `127.0.0.1:${typeof s === 'number' ? s : s.port}`);
  const query = attrs ? `?target_session_attrs=${attrs}` : '';
  return `postgres://${url.username}:${url.password}@${hosts.join(',')}${url.pathname}${query}`;
}

async function serverPort(url: string): Promise<number> {
  const pool = createPool(url, 1, () => undefined);
  try {
    const { rows } = await pool.query<{ port: number }>('SELECT inet_server_port() AS port');
    return rows[0]!.port;
  } finally {
    await pool.end();
  }
}

test('a host list: the first host that answers, or with read-write the first writable one', async () => {
  const standby = await startPgServer();
  const primary = await startPgServer();
  // Sessions on this one are read-only, as on a hot standby.
  const admin = new pg.Client({ connectionString: standby.url });
  await admin.connect();
  await admin.query('ALTER DATABASE cronwatch SET default_transaction_read_only = on');
  await admin.end();
  const down = await freePort();

  assert.equal(await serverPort(hostList([down, standby, primary])), standby.port);
  const readWrite = hostList([down, standby, primary], 'read-write');
  assert.equal(await serverPort(readWrite), primary.port);
  assert.deepEqual(await migrate(readWrite).then((names) => names.length > 0), true);
  assert.equal(loadConfig({ DATABASE_URL: readWrite }, false).databaseUrl, readWrite);

  // No writable host: the error is "unavailable" (503 and retry), not a bug.
  await primary.stop('kill');
  const err = await serverPort(readWrite).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(err, 'no host is writable');
  assert.ok(isDatabaseUnavailable(err), String(err));
});

test('DATABASE_URL: a host list is accepted, an unknown target_session_attrs is named', () => {
  const url = 'postgres://u:p@10.0.0.1:5432,10.0.0.2:5432/cw?target_session_attrs=read-write';
  assert.equal(loadConfig({ DATABASE_URL: url }, false).databaseUrl, url);
  assert.throws(
    () => loadConfig({ DATABASE_URL: url.replace('read-write', 'standby') }, false),
    (err: unknown) =>
      err instanceof ConfigError && /target_session_attrs: expected one of/.test(err.message),
  );
  assert.throws(() => loadConfig({ DATABASE_URL: 'postgres://u:p@h1,,h2/cw' }, false), ConfigError);
});
