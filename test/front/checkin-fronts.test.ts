// Several fronts on one database (issue 14): their flushes lock overlapping checks, by every
// form, mixing the fast statement and the locked path. Rows are locked in id order in both,
// so no flush waits on another in a cycle: no deadlock (it would surface as a 500), and every
// answered ping is stored once, numbered without gaps.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { createPool } from '../../src/db/pool.js';
import { createApp } from '../../src/front/app.js';
import { frontDeps } from '../helpers/app.js';
import { testDatabase } from '../helpers/db.js';

const db = await testDatabase();
// Each front has its own pool, as separate processes would; createPool ignores the errors of
// idle sessions ended when the test database is dropped.
const pools = [
  db.pool,
  createPool(db.url, 4, () => undefined),
  createPool(db.url, 4, () => undefined),
];
const servers = await Promise.all(
  pools.map(async (pool) => {
    const server = http.createServer(createApp(frontDeps(pool)));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return server;
  }),
);
after(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    s.close();
  }
  await Promise.all(pools.slice(1).map((p) => p.end()));
});

test('three fronts flooding overlapping checks by every form: no deadlock, every ping stored once', async () => {
  const { rows: checks } = await db.pool.query<{ uuid: string; name: string }>(
    `WITH a AS (INSERT INTO accounts (name, ping_key) VALUES ('fronts', 'frontskey') RETURNING id)
     INSERT INTO checks (account_id, name, slug, period, grace, status, email, gocron_origin)
     SELECT a.id, 'f' || i, 'f' || i, 3600, 360, 'up', 'ops@example.com', true
       FROM a, generate_series(1, 8) i ORDER BY i DESC RETURNING uuid, name`,
  );
  // Mostly plain successes (the fast statement), with starts and failures (the locked path).
  const paths = (c: { uuid: string; name: string }, i: number) => {
    const suffix = ['', '', '', '/start', '', '/fail'][i % 6];
    if (i % 3 === 0) return `/ping/${c.uuid}${suffix}`;
    if (i % 3 === 1) return `/ping/frontskey/${c.name}${suffix}`;
    return `/?cronname=${c.name}&account=fronts&email=ops%40example.com&frequency=3600`;
  };
  const agent = new http.Agent({ keepAlive: true, maxSockets: 48 });
  const statuses = await Promise.all(
    Array.from({ length: 900 }, (_, i) => {
      const port = (servers[i % servers.length]!.address() as AddressInfo).port;
      const path = paths(checks[(i * 7) % checks.length]!, Math.floor(i / 3));
      return new Promise<number>((resolve, reject) =>
        http
          .get({ host: '127.0.0.1', port, path, agent }, (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          })
          .on('error', reject),
      );
    }),
  );
  agent.destroy();
  assert.deepEqual(
    statuses.filter((s) => s !== 200 && s !== 201),
    [],
  );
  const { rows } = await db.pool.query(
    `SELECT c.ping_count::int AS count, count(p.id)::int AS n, max(p.n)::int AS max_n
       FROM checks c JOIN pings p ON p.check_id = c.id WHERE c.name LIKE 'f%' GROUP BY c.id`,
  );
  assert.equal(
    rows.reduce((a, r) => a + r.n, 0),
    900,
  );
  for (const r of rows) assert.deepEqual([r.count, r.max_n], [r.n, r.n]);
});
