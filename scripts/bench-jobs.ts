// The jobs engine (issue 12 "Benchmarks"), in one process with the back's trigger loop:
//
//   npx tsx scripts/bench-jobs.ts [--accuracy 1000] [--throughput 5000]
//
// - accuracy: N one-off jobs due in the same second, a receiver on 127.0.0.1; lateness is
//   the first attempt's start (ticks.first_started_at, database time) minus scheduled_for,
//   and the request's arrival at the receiver minus scheduled_for;
// - throughput: N recurring jobs (each with its check: a start and a success ping per run)
//   all due at once: end to end (claim, POST to the receiver, record the run and its pings,
//   insert the next tick), then the database side alone (the same with an action answering
//   at once, no HTTP).
// Starts its own embedded PostgreSQL in a temporary directory and removes it afterwards.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { startTrigger } from '../src/back/trigger-loop.js';
import type { TriggerDeps } from '../src/back/trigger.js';
import { loadConfig } from '../src/config.js';
import { createJob } from '../src/db/job-write.js';
import type { JobValues } from '../src/db/jobs.js';
import { createPool, transaction, type Pool } from '../src/db/pool.js';
import { createLogger } from '../src/log.js';
import { createTransports } from '../src/notify/transports.js';
import { outboundClient, type OutboundClient } from '../src/outbound/client.js';
import { openBenchDatabase } from './bench-db.js';

const { values: args } = parseArgs({
  options: {
    accuracy: { type: 'string', default: '1000' },
    throughput: { type: 'string', default: '5000' },
  },
});

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
const fmt = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return `p50 ${pct(s, 50)} ms, p99 ${pct(s, 99)} ms, max ${s.at(-1)} ms`;
};

function receiver(): Promise<{ url: string; arrivals: Map<string, number>; close(): void }> {
  const arrivals = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const at = Date.now();
    req.resume();
    req.on('end', () => {
      arrivals.set(
        String(req.headers['cronwatch-run-id']),
        at - Date.parse(String(req.headers['cronwatch-scheduled-for'])),
      );
      res.end('ok');
    });
  });
  server.keepAliveTimeout = 10_000;
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
        arrivals,
        close: () => {
          server.closeAllConnections();
          server.close();
        },
      }),
    ),
  );
}

function deps(pool: Pool, outbound: OutboundClient): TriggerDeps {
  const config = loadConfig(
    { LOG_LEVEL: 'warn', LOG_FORMAT: 'json', OUTBOUND_ALLOW_PRIVATE: '1' },
    false,
  );
  return {
    pool,
    config,
    logger: createLogger(config),
    transports: createTransports(config),
    clock: () => new Date(),
    random: Math.random,
    actions: { outbound },
  };
}

async function addJobs(pool: Pool, n: number, make: (i: number) => JobValues): Promise<number[]> {
  const { rows } = await pool.query<{ id: number }>(
    `INSERT INTO accounts (name) VALUES ('bench-' || gen_random_uuid()) RETURNING id`,
  );
  const account = rows[0]!.id;
  const grace = { percent: 10, minSeconds: 60, maxSeconds: 3600 };
  const ids: number[] = [];
  for (let i = 0; i < n; i += 16)
    await Promise.all(
      Array.from({ length: Math.min(16, n - i) }, (_, k) =>
        transaction(pool, (c) => createJob(c, account, make(i + k), new Date(), grace)).then((j) =>
          ids.push(j!.id),
        ),
      ),
    );
  return ids;
}

const values = (name: string, url: string, extra: Partial<JobValues>): JobValues => ({
  name,
  tags: [],
  schedule: { kind: 'every', seconds: 3600 },
  start: null,
  end: null,
  kind: 'http',
  settings: { method: 'POST', url, headers: {}, body: '{}', expectedStatuses: [] },
  timeoutMs: 10_000,
  maxAttempts: 5,
  overlap: 'skip',
  catchUp: 'latest',
  startingDeadline: null,
  secret: null,
  ...extra,
});

async function waitFor(pool: Pool, ids: number[], states: string, n: number): Promise<void> {
  for (;;) {
    const { rows } = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ticks WHERE job_id = ANY($1) AND state = ANY($2)`,
      [ids, states.split(',')],
    );
    if (rows[0]!.n >= n) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function accuracy(pool: Pool, n: number): Promise<void> {
  const rx = await receiver();
  const outbound = outboundClient({ allowPrivate: true });
  const at = new Date(Math.ceil(Date.now() / 1000) * 1000 + 15_000);
  const ids = await addJobs(pool, n, (i) =>
    values(`once-${i}`, rx.url, { schedule: { kind: 'once', at } }),
  );
  const trigger = startTrigger(deps(pool, outbound));
  await waitFor(pool, ids, 'succeeded', n);
  await trigger.stop();
  outbound.close();
  rx.close();
  const { rows } = await pool.query<{ ms: number }>(
    `SELECT round(extract(epoch FROM first_started_at - scheduled_for) * 1000)::int AS ms FROM ticks WHERE job_id = ANY($1)`,
    [ids],
  );
  console.log(`accuracy, ${n} one-off jobs due in the same second:`);
  console.log(`  first attempt start - scheduled_for: ${fmt(rows.map((r) => r.ms))}`);
  console.log(`  request received    - scheduled_for: ${fmt([...rx.arrivals.values()])}`);
}

async function throughput(pool: Pool, n: number, http: boolean): Promise<void> {
  const rx = await receiver();
  const real = outboundClient({ allowPrivate: true });
  // The database side alone: an outbound client that answers 200 at once.
  const instant: OutboundClient = {
    request: async () => ({ status: 200, headers: {}, body: 'ok', url: rx.url }),
    refusal: async () => undefined,
    close: () => undefined,
  };
  const ids = await addJobs(pool, n, (i) => values(`rec-${i}-${http}`, rx.url, {}));
  await pool.query(
    `UPDATE ticks SET scheduled_for = now(), due_at = now() WHERE job_id = ANY($1)`,
    [ids],
  );
  const started = performance.now();
  const trigger = startTrigger(deps(pool, http ? real : instant));
  await waitFor(pool, ids, 'succeeded', n);
  const seconds = (performance.now() - started) / 1000;
  await trigger.stop();
  real.close();
  rx.close();
  const { rows } = await pool.query<{ n: number }>(
    `SELECT (SELECT count(*)::int FROM ticks WHERE job_id = ANY($1) AND state = 'pending') AS n`,
    [ids],
  );
  console.log(
    `throughput ${http ? 'end to end (POST to 127.0.0.1)' : 'database side (no HTTP)'}, ${n} recurring jobs due at once: ` +
      `${seconds.toFixed(2)} s, ${Math.round(n / seconds)} ticks/s; next ticks inserted: ${rows[0]!.n}`,
  );
}

async function main() {
  const db = await openBenchDatabase('jobs');
  const pool = createPool(db.url, 20, () => undefined);
  try {
    console.log(
      `command:  npx tsx scripts/bench-jobs.ts --accuracy ${args.accuracy} --throughput ${args.throughput}`,
    );
    console.log(
      `machine:  ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), node ${process.version}, embedded PostgreSQL, JOBS_CONCURRENCY 256`,
    );
    await accuracy(pool, Number(args.accuracy));
    await throughput(pool, Number(args.throughput), true);
    await throughput(pool, Number(args.throughput), false);
  } finally {
    await pool.end();
    await db.stop();
  }
}

await main();
