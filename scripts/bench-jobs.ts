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
import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
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
import { openBenchDatabase, topStatements } from './bench-db.js';
import { jobValues } from '../test/helpers/jobs.js';

const { values: args } = parseArgs({
  options: {
    accuracy: { type: 'string', default: '1000' },
    throughput: { type: 'string', default: '5000' },
    // Which parts to run: accuracy, e2e (end to end), db (database side alone).
    only: { type: 'string', default: 'accuracy,e2e,db' },
    // Print PostgreSQL's most expensive statements after each part (pg_stat_statements).
    profile: { type: 'boolean', default: false },
    // A CPU profile of this process (the trigger loop) over each measured round alone, not
    // the jobs' creation: <dir>/<part>-<round>.cpuprofile (Chrome DevTools, speedscope).
    'cpu-profile': { type: 'string' },
  },
});

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
const fmt = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return `p50 ${pct(s, 50)} ms, p99 ${pct(s, 99)} ms, max ${s.at(-1)} ms`;
};

interface Receiver {
  url: string;
  /** Each request's arrival minus its Cronwatch-Scheduled-For, by Run-Id (ms). */
  arrivals(): Promise<Map<string, number>>;
  close(): void;
}

// The receiver's code: an HTTP server on 127.0.0.1 that answers "ok" and notes each request's
// arrival minus its Cronwatch-Scheduled-For; its port and notes go to the parent over IPC.
const RECEIVER = `
const http = require('node:http');
const arrivals = {};
const server = http.createServer((req, res) => {
  const at = Date.now();
  req.resume();
  req.on('end', () => {
    arrivals[String(req.headers['cronwatch-run-id'])] =
      at - Date.parse(String(req.headers['cronwatch-scheduled-for']));
    res.end('ok');
  });
});
server.keepAliveTimeout = 10000;
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('message', (m) => {
  if (m === 'arrivals') process.send({ arrivals });
});
process.on('disconnect', () => process.exit(0));
`;

/**
 * The job calls' receiver, in a process of its own, as a service a job calls runs apart from
 * the back. In the bench's process (before a93447b) its work was charged to the trigger:
 * 20-40 % of the node CPU per tick end to end, and part of the first calls' lateness.
 */
async function receiver(): Promise<Receiver> {
  const child = spawn(process.execPath, ['-e', RECEIVER], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve(m.port));
    child.once('exit', (code) => reject(new Error(`the receiver exited (${code})`)));
  });
  return {
    url: `http://127.0.0.1:${port}/`,
    arrivals: () =>
      new Promise((resolve) => {
        child.once('message', (m: { arrivals: Record<string, number> }) =>
          resolve(new Map(Object.entries(m.arrivals))),
        );
        child.send('arrivals');
      }),
    close: () => child.kill(),
  };
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

// The tests' job (test/helpers/jobs.ts), hourly, with a JSON body and a 10 s timeout.
const values = (name: string, url: string, extra: Partial<JobValues>): JobValues =>
  jobValues(url, {
    name,
    schedule: { kind: 'every', seconds: 3600 },
    settings: { method: 'POST', url, headers: {}, body: '{}', expectedStatuses: [] },
    timeoutMs: 10_000,
    ...extra,
  });

/**
 * CPU time (ms) used so far by this process and by the PostgreSQL server (the postmaster and
 * its children, read from /proc): the cost per tick, which the other sessions sharing the
 * machine do not distort as they do the wall-clock rate.
 */
async function cpu(pool: Pool): Promise<{ node: number; pg: number }> {
  const { rows } = await pool.query<{ dir: string }>(
    `SELECT current_setting('data_directory') AS dir`,
  );
  const postmaster = Number(
    (await readFile(`${rows[0]!.dir}/postmaster.pid`, 'utf8')).split('\n')[0],
  );
  let ticks = 0;
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[1] is the parent pid; utime and stime are fields 14 and 15 of stat (11, 12
    // here), and the postmaster's cutime and cstime (13, 14) count its children that exited.
    if (Number(entry) === postmaster)
      ticks += fields.slice(11, 15).reduce((a, f) => a + Number(f), 0);
    else if (Number(fields[1]) === postmaster) ticks += Number(fields[11]) + Number(fields[12]);
  }
  const u = process.cpuUsage();
  return { node: (u.user + u.system) / 1000, pg: ticks * 10 };
}

/**
 * Until no tick of the benchmark's jobs is to run within 10 minutes (pending or running:
 * a running tick is due at its lease's end), then checks that `n` of `ids` succeeded. The
 * look goes through the claim's partial index: counting the jobs' ticks every 20 ms cost
 * PostgreSQL more than the claims it measured.
 */
async function waitFor(pool: Pool, ids: number[], n: number): Promise<void> {
  for (;;) {
    const { rows } = await pool.query<{ busy: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM ticks WHERE state IN ('pending', 'running')
                        AND due_at < now() + interval '10 minutes') AS busy`,
    );
    if (!rows[0]!.busy) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const { rows } = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ticks WHERE job_id = ANY($1) AND state = 'succeeded'`,
    [ids],
  );
  if (rows[0]!.n !== n) throw new Error(`${rows[0]!.n} ticks succeeded, not ${n}`);
}

async function accuracy(pool: Pool, n: number): Promise<void> {
  const rx = await receiver();
  const outbound = outboundClient({ allowPrivate: true });
  const at = new Date(Math.ceil(Date.now() / 1000) * 1000 + 15_000);
  const ids = await addJobs(pool, n, (i) =>
    values(`once-${i}`, rx.url, { schedule: { kind: 'once', at } }),
  );
  const trigger = startTrigger(deps(pool, outbound));
  await waitFor(pool, ids, n);
  await trigger.stop();
  outbound.close();
  const arrivals = await rx.arrivals();
  rx.close();
  const { rows } = await pool.query<{ ms: number }>(
    `SELECT round(extract(epoch FROM first_started_at - scheduled_for) * 1000)::int AS ms FROM ticks WHERE job_id = ANY($1)`,
    [ids],
  );
  console.log(`accuracy, ${n} one-off jobs due in the same second:`);
  console.log(`  first attempt start - scheduled_for: ${fmt(rows.map((r) => r.ms))}`);
  console.log(`  request received    - scheduled_for: ${fmt([...arrivals.values()])}`);
}

/** The PostgreSQL URL when --profile: each measured round prints its top statements. */
let profiled: string | undefined;

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
  const what = http ? 'end to end (POST to 127.0.0.1)' : 'database side (no HTTP)';
  console.log(`throughput ${what}, ${n} recurring jobs due at once:`);
  // The first run of each job also flips its new check to up (a flip row each); the second
  // is the steady state of a scheduler.
  for (const round of [1, 2]) {
    await pool.query(
      `UPDATE ticks SET scheduled_for = now(), due_at = now() WHERE job_id = ANY($1) AND state = 'pending'`,
      [ids],
    );
    if (profiled) await topStatements(profiled);
    const session = args['cpu-profile'] ? new Session() : undefined;
    if (session) {
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
    }
    const before = await cpu(pool);
    const started = performance.now();
    const trigger = startTrigger(deps(pool, http ? real : instant));
    await waitFor(pool, ids, n * round);
    const seconds = (performance.now() - started) / 1000;
    const after = await cpu(pool);
    if (session) {
      const { profile } = await session.post('Profiler.stop');
      const file = path.join(args['cpu-profile']!, `${http ? 'e2e' : 'db'}-${round}.cpuprofile`);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, JSON.stringify(profile));
      session.disconnect();
    }
    await trigger.stop();
    const { rows } = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ticks WHERE job_id = ANY($1) AND state = 'pending'`,
      [ids],
    );
    const per = (ms: number) => Math.round((ms * 1000) / n);
    const [node, pg] = [after.node - before.node, after.pg - before.pg];
    console.log(
      `  ${round === 1 ? 'first runs (checks new -> up)' : 'second runs (steady state) '}: ${seconds.toFixed(2)} s, ` +
        `${Math.round(n / seconds)} ticks/s; next ticks inserted: ${rows[0]!.n}; CPU per tick: node ${per(node)} µs, ` +
        `PostgreSQL ${per(pg)} µs (${Math.round((2 * n * 1000) / (node + pg))} ticks/s if they had the 2 cores)`,
    );
    if (profiled) for (const line of await topStatements(profiled)) console.log(`      ${line}`);
  }
  real.close();
  rx.close();
}

async function main() {
  const db = await openBenchDatabase('jobs', args.profile);
  const pool = createPool(db.url, 20, () => undefined);
  const parts = new Set(args.only.split(','));
  const part = async (name: string, run: () => Promise<void>) => {
    if (!parts.has(name)) return;
    await run();
    console.log(
      `  load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
  };
  if (args.profile) profiled = db.url;
  try {
    console.log(
      `command:  npx tsx scripts/bench-jobs.ts --accuracy ${args.accuracy} --throughput ${args.throughput} --only ${args.only}${args.profile ? ' --profile' : ''}`,
    );
    console.log(
      `machine:  ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), node ${process.version}, embedded PostgreSQL, JOBS_CONCURRENCY 256`,
    );
    await part('accuracy', () => accuracy(pool, Number(args.accuracy)));
    await part('e2e', () => throughput(pool, Number(args.throughput), true));
    await part('db', () => throughput(pool, Number(args.throughput), false));
  } finally {
    await pool.end();
    await db.stop();
  }
}

await main();
