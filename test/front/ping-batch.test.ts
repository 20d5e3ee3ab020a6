// Group commit: a batch of uuid pings is one transaction whose outcome equals applying the
// pings one by one in arrival order; a ping that fails the batch fails alone.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { flushPings, type UuidPing } from '../../src/db/ping-batch.js';
import { createApp } from '../../src/front/app.js';
import { GroupCommit } from '../../src/front/group-commit.js';
import { createPool } from '../../src/db/pool.js';
import { frontDeps } from '../helpers/app.js';
import { testDatabase } from '../helpers/db.js';
import { pingRequest } from '../helpers/ping.js';

const db = await testDatabase();
const { rows: acc } = await db.pool.query(
  `INSERT INTO accounts (name) VALUES ('batch') RETURNING id`,
);
async function newCheck(name: string): Promise<string> {
  const { rows } = await db.pool.query(
    `INSERT INTO checks (account_id, name, period, grace, status) VALUES ($1, $2, 3600, 300, 'up') RETURNING uuid`,
    [acc[0].id, name],
  );
  return rows[0].uuid;
}
const T0 = Date.parse('2026-08-01T00:00:00Z');
function ping(
  uuid: string,
  s: number,
  kind: UuidPing['kind'] = 'success',
  extra: Partial<UuidPing> = {},
): UuidPing {
  return pingRequest({ uuid }, new Date(T0 + s * 1000), { kind, ...extra }) as UuidPing;
}

test('pings of one check in one batch apply in order: numbering, run pairing, flips', async () => {
  const a = await newCheck('a');
  const b = await newCheck('b');
  const rid = '11111111-1111-4111-8111-111111111111';
  const results = await flushPings(db.pool, [
    ping(a, 0, 'start', { rid }),
    ping(b, 1),
    ping('00000000-0000-4000-8000-000000000000', 2),
    ping(a, 5, 'success', { rid }),
    ping(a, 6, 'fail'),
    ping(a, 7, 'success'),
  ]);
  assert.deepEqual(
    results.map((r) => (r.ok ? r.value : 'error')),
    ['ok', 'ok', 'not found', 'ok', 'ok', 'ok'],
  );
  const { rows } = await db.pool.query(
    `SELECT p.n, p.kind, p.duration FROM pings p JOIN checks c ON c.id = p.check_id WHERE c.uuid = $1 ORDER BY p.n`,
    [a],
  );
  assert.deepEqual(rows, [
    { n: 1, kind: 'start', duration: null },
    { n: 2, kind: 'success', duration: 5 },
    { n: 3, kind: 'fail', duration: null },
    { n: 4, kind: 'success', duration: null },
  ]);
  const check = (
    await db.pool.query(
      `SELECT status, ping_count, last_duration, next_deadline FROM checks WHERE uuid = $1`,
      [a],
    )
  ).rows[0];
  assert.deepEqual(check, {
    status: 'up',
    ping_count: 4,
    last_duration: 5,
    next_deadline: new Date(T0 + 7000 + 3900_000),
  });
  const flips = await db.pool.query(
    `SELECT from_status, to_status FROM flips f JOIN checks c ON c.id = f.check_id WHERE c.uuid = $1 ORDER BY f.id`,
    [a],
  );
  assert.deepEqual(flips.rows, [
    { from_status: 'up', to_status: 'down' },
    { from_status: 'down', to_status: 'up' },
  ]);
});

test('a ping that breaks the batch fails alone; the others are committed', async () => {
  const good = await newCheck('good');
  const bad = await newCheck('bad');
  await db.pool.query(`CREATE FUNCTION fail_bad() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN IF NEW.check_id = (SELECT id FROM checks WHERE name = 'bad') THEN RAISE EXCEPTION 'broken'; END IF; RETURN NEW; END $$`);
  await db.pool.query(
    `CREATE TRIGGER fail_bad BEFORE INSERT ON pings FOR EACH ROW EXECUTE FUNCTION fail_bad()`,
  );
  try {
    const results = await flushPings(db.pool, [ping(good, 0), ping(bad, 1), ping(good, 2)]);
    assert.deepEqual(
      results.map((r) => r.ok),
      [true, false, true],
    );
    const n = await db.pool.query(
      `SELECT c.name, count(p.id)::int AS n FROM checks c LEFT JOIN pings p ON p.check_id = c.id WHERE c.name IN ('good', 'bad') GROUP BY c.name ORDER BY c.name`,
    );
    assert.deepEqual(n.rows, [
      { name: 'bad', n: 0 },
      { name: 'good', n: 2 },
    ]);
    assert.equal(
      (await db.pool.query(`SELECT ping_count FROM checks WHERE name = 'bad'`)).rows[0].ping_count,
      0,
    );
  } finally {
    await db.pool.query(`DROP TRIGGER fail_bad ON pings; DROP FUNCTION fail_bad()`);
  }
});

test('group commit: a lone item flushes at once; items that queue during a flush share the next', async () => {
  const batches: number[][] = [];
  let release: () => void = () => undefined;
  const gc = new GroupCommit<number, number>(async (items) => {
    batches.push(items);
    if (batches.length === 1) await new Promise<void>((r) => (release = r));
    return items.map((value) => ({ ok: true, value: value * 2 }));
  }, 3);
  const first = gc.submit(1);
  const rest = [2, 3, 4, 5, 6].map((i) => gc.submit(i));
  assert.deepEqual(batches, [[1]]);
  release();
  assert.deepEqual(await Promise.all([first, ...rest]), [2, 4, 6, 8, 10, 12]);
  assert.deepEqual(batches, [[1], [2, 3, 4], [5, 6]]);
});

test('the next flush goes to the database before the previous flush is answered, on the same connection', async () => {
  const a = await newCheck('next-flush-a');
  const b = await newCheck('next-flush-b');
  // What happened, in order: each statement sent on a checked-out connection, each answer.
  const events: string[] = [];
  const spied = new WeakSet<object>();
  let acquired = 0;
  const onAcquire = (client: { query: (...args: unknown[]) => unknown }) => {
    acquired++;
    if (spied.has(client)) return;
    spied.add(client);
    const query = client.query.bind(client);
    client.query = (...args: unknown[]) => {
      events.push('statement');
      return query(...args);
    };
  };
  db.pool.on('acquire', onAcquire);
  try {
    const gc = new GroupCommit((items: UuidPing[]) => flushPings(db.pool, items), 1000);
    const first = gc.submit(ping(a, 0)).then((r) => events.push(`answer a ${r}`));
    // Queued while the first flush is in flight: the second flush.
    const second = gc.submit(ping(b, 0)).then((r) => events.push(`answer b ${r}`));
    await Promise.all([first, second]);
    // Before: the second flush waited for pool.connect(), which resolves on nextTick, after
    // every answer of the first: ['statement', 'answer a ok', 'statement', 'answer b ok'].
    assert.deepEqual(events, ['statement', 'statement', 'answer a ok', 'answer b ok']);
    assert.equal(acquired, 1);
    // The kept connection goes back to the pool once no flush follows.
    const turn = () => new Promise((r) => setImmediate(r));
    await turn();
    assert.equal(db.pool.idleCount, db.pool.totalCount);
    // Flushes side by side (callers other than one group commit) keep one connection at most:
    // two that end in the same turn (empty ones, on connections set up by the first pair)
    // left one checked out for good.
    await Promise.all([flushPings(db.pool, [ping(a, 1)]), flushPings(db.pool, [ping(b, 1)])]);
    await turn();
    await Promise.all([flushPings(db.pool, []), flushPings(db.pool, [])]);
    await turn();
    assert.equal(db.pool.idleCount, db.pool.totalCount);
  } finally {
    db.pool.off('acquire', onAcquire);
  }
});

test('a flood of check-ins does not keep the only connection from the rest of the front', async () => {
  const uuid = await newCheck('flood-one-connection');
  // DATABASE_POOL_MAX=1: the flushes and an API read share one connection.
  const pool = createPool(db.url, 1, () => undefined);
  const gc = new GroupCommit((items: UuidPing[]) => flushPings(pool, items), 1000);
  let flooding = true;
  const answers: Promise<unknown>[] = [];
  const flood = (async () => {
    // A check-in every turn: one is always queued when a flush ends, as under load.
    for (let s = 0; flooding; s++) {
      answers.push(gc.submit(ping(uuid, s)));
      await new Promise((r) => setImmediate(r));
    }
  })();
  try {
    const read = pool.query('SELECT 1 AS one').then((r) => r.rows[0].one as number);
    const late = new Promise<string>((r) => setTimeout(() => r('still waiting after 3 s'), 3000));
    assert.equal(await Promise.race([read, late]), 1);
  } finally {
    flooding = false;
    await flood;
    await Promise.all(answers);
    await pool.end();
  }
});

test('every ping answered 200 during a concurrent burst is committed, numbered without gaps', async () => {
  const uuids = await Promise.all([1, 2, 3, 4].map((i) => newCheck(`burst-${i}`)));
  const app = createApp(frontDeps(db.pool));
  const server = (await import('node:http')).createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  try {
    const responses = await Promise.all(
      Array.from({ length: 400 }, (_, i) =>
        fetch(`http://127.0.0.1:${port}/ping/${uuids[i % 4]}`).then((r) => r.status),
      ),
    );
    assert.ok(responses.every((s) => s === 200));
    const { rows } = await db.pool.query(
      `SELECT c.name, c.ping_count, count(p.id)::int AS n, max(p.n) AS max_n
         FROM checks c JOIN pings p ON p.check_id = c.id WHERE c.name LIKE 'burst-%' GROUP BY c.id ORDER BY c.name`,
    );
    for (const r of rows) assert.deepEqual([r.ping_count, r.n, r.max_n], [100, 100, 100], r.name);
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

test('flips of many checks at one instant share one write; each check keeps its order, grace and alerts', async () => {
  const made = async (name: string, status: string, threshold = 1) =>
    (
      await db.pool.query(
        `INSERT INTO checks (account_id, name, period, grace, status, email, failure_threshold)
         VALUES ($1, $2, 3600, 300, $3, 'ops@example.com', $4) RETURNING uuid`,
        [acc[0].id, name, status, threshold],
      )
    ).rows[0].uuid as string;
  const [n1, n2, dwn, u1, thr] = [
    await made('f-new-1', 'new'),
    await made('f-new-2', 'new'),
    await made('f-down', 'down'),
    await made('f-up', 'up'),
    await made('f-threshold', 'new', 2),
  ];
  // Counts the statements that insert flips.
  await db.pool.query(`CREATE TABLE flip_writes (n int);
    CREATE FUNCTION count_flip_writes() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN INSERT INTO flip_writes VALUES (1); RETURN NULL; END $$;
    CREATE TRIGGER count_flip_writes AFTER INSERT ON flips
      FOR EACH STATEMENT EXECUTE FUNCTION count_flip_writes()`);
  try {
    const results = await flushPings(db.pool, [
      ping(n1, 0),
      ping(n2, 0),
      ping(dwn, 0),
      ping(u1, 0, 'fail', { body: 'disk full' }),
      ping(thr, 0),
      ping(n1, 0, 'fail'),
      ping(thr, 0, 'fail'),
    ]);
    assert.ok(results.every((r) => r.ok));
    // Seven flips, four writes: [n1, n2], the recovery alone (it settles its gateway),
    // [u1, thr, n1's second], then thr's second (a check's changes keep their order).
    const writes = await db.pool.query(`SELECT count(*)::int AS n FROM flip_writes`);
    assert.equal(writes.rows[0].n, 4);
  } finally {
    await db.pool.query(`DROP TRIGGER count_flip_writes ON flips;
      DROP FUNCTION count_flip_writes(); DROP TABLE flip_writes`);
  }
  const flips = await db.pool.query(
    `SELECT c.name, array_agg(f.from_status || '>' || f.to_status ORDER BY f.id) AS flips
       FROM flips f JOIN checks c ON c.id = f.check_id WHERE c.name LIKE 'f-%' GROUP BY c.name ORDER BY c.name`,
  );
  assert.deepEqual(flips.rows, [
    { name: 'f-down', flips: ['down>up'] },
    { name: 'f-new-1', flips: ['new>up', 'up>down'] },
    { name: 'f-new-2', flips: ['new>up'] },
    { name: 'f-threshold', flips: ['new>up', 'up>down'] },
    { name: 'f-up', flips: ['up>down'] },
  ]);
  const sent = await db.pool.query(
    `SELECT c.name, n.payload FROM notifications n JOIN flips f ON f.id = n.flip_id
       JOIN checks c ON c.id = f.check_id WHERE c.name LIKE 'f-%' ORDER BY c.name`,
  );
  // New -> up is not news, nor a failure below the threshold; the rest alert once each.
  assert.deepEqual(
    sent.rows.map((r) => [r.name, r.payload.kind]),
    [
      ['f-down', 'up'],
      ['f-new-1', 'down'],
      ['f-up', 'down'],
    ],
  );
  const recovery = sent.rows[0].payload;
  assert.equal(recovery.grace, 300);
  assert.equal(recovery.expectedAt, new Date(T0 + 3900_000).toISOString());
  assert.equal(sent.rows[2].payload.failure, 'failure reported');
  assert.equal(sent.rows[2].payload.output, 'disk full');
  // The threshold check's failure after its first success still counts (1 of 2): the up
  // flip before it in the batch does not end the streak the batch saved.
  const { rows } = await db.pool.query(`SELECT status, fail_streak FROM checks WHERE uuid = $1`, [
    thr,
  ]);
  assert.deepEqual(rows[0], { status: 'down', fail_streak: 1 });
});
