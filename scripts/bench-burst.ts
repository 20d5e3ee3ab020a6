// How long until every alert of a burst of misses is out? 10,000 checks whose deadlines fall
// in the same second (a crontab full of `0 * * * *` jobs that all stopped together).
//
//   npx tsx scripts/bench-burst.ts [--checks 10000] [--lead 5] [--runs 1] [--set NAME=VALUE] [--prof DIR] [--log FILE]
//   npm run bench:burst
//
// Starts its own embedded PostgreSQL in a temporary directory, a webhook receiver on
// 127.0.0.1 and one `cronwatch back` (from source, default settings). The N deadlines are
// spread evenly over one whole second S, `--lead` seconds out. Prints the time from the
// start of S until the last webhook arrives, and p50/p99 of the arrivals counted from S;
// exits 1 when the last one comes after 5 s. With --runs > 1 each run gets a fresh database;
// --set NAME=VALUE passes a setting to the back, --prof DIR has it write a CPU profile there,
// --log FILE keeps its log.
import { type ChildProcess } from 'node:child_process';
import { appendFile } from 'node:fs/promises';
import type http from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import {
  backUp,
  cpuMs,
  pgCpu,
  pgCpuBetween,
  machine,
  percentile,
  root,
  seedChecks,
  spawnBack,
  collectAlerts,
  stopChild,
  stopReceiver,
} from './bench-back.js';
import { openBenchDatabase, type BenchDatabase } from './bench-db.js';

const TARGET_MS = 5000;

const { values: args } = parseArgs({
  options: {
    checks: { type: 'string', default: '10000' },
    lead: { type: 'string', default: '5' },
    runs: { type: 'string', default: '1' },
    // A setting of the back for this run, e.g. --set DISPATCH_CONCURRENCY=64 (repeatable).
    set: { type: 'string', multiple: true, default: [] },
    // Write a CPU profile of the back into this directory.
    prof: { type: 'string' },
    // Append the back's log to this file (with --set LOG_LEVEL=info: one line per sweep batch).
    log: { type: 'string' },
  },
});

function positive(name: string, raw: string | undefined): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number`);
  return n;
}

const N = Math.round(positive('checks', args.checks));
const LEAD_MS = positive('lead', args.lead) * 1000;
const RUNS = Math.round(positive('runs', args.runs));
const SETTINGS = Object.fromEntries(
  args.set!.map((kv) => {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new Error(`--set wants NAME=VALUE, got ${kv}`);
    return [kv.slice(0, eq), kv.slice(eq + 1)];
  }),
);

interface Run {
  backReadyMs: number;
  last: number;
  p50: number;
  p99: number;
  duplicates: number;
  swept: number;
  /** CPU time the back used from up to the last arrival. */
  backCpu: number;
  /** CPU time PostgreSQL used in the same span. */
  pgCpu: number;
  /** CPU time of this script (the webhook receiver, mostly). */
  receiverCpu: number;
}

async function once(): Promise<Run> {
  let embedded: BenchDatabase | undefined;
  let receiver: http.Server | undefined;
  let back: ChildProcess | undefined;
  let db: pg.Client | undefined;
  let backOutput = '';
  const onSignal = () => back?.kill('SIGKILL');
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    embedded = await openBenchDatabase('burst');
    db = new pg.Client({ connectionString: embedded.url });
    await db.connect();

    const collected = await collectAlerts(N);
    receiver = collected.receiver;
    const { url, arrivals, done } = collected;

    // S = the whole second LEAD_MS from now; check i falls due (i - 1) / N of a second into it.
    const second = Math.ceil((Date.now() + LEAD_MS) / 1000) * 1000;
    const seeded = Date.now();
    await seedChecks(
      db,
      url,
      N,
      `to_timestamp(($4::double precision + (i - 1) * 1000.0 / $2) / 1000)`,
      [second],
    );
    back = spawnBack(embedded.url, SETTINGS, args.prof);
    back.stdout?.on('data', (c: Buffer) => (backOutput += c.toString()));
    back.stderr?.on('data', (c: Buffer) => (backOutput += c.toString()));
    const backExited = new Promise<never>((_, reject) =>
      back!.once('exit', (code, signal) =>
        reject(new Error(`cronwatch back exited (${code ?? signal})\n${backOutput}`)),
      ),
    );
    backExited.catch(() => undefined);
    await backUp(db, back, backExited);
    const upAt = Date.now();
    const cpuAtUp = await cpuMs(back.pid);
    const pgAtUp = await pgCpu(db);
    const selfAtUp = process.cpuUsage();
    if (upAt > second) {
      process.stderr.write(
        `warning: the back came up ${upAt - second} ms into the burst's second; raise --lead\n`,
      );
    }

    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`only ${arrivals.size} of ${N} alerts arrived`)),
        second - Date.now() + 120_000,
      );
    });
    try {
      await Promise.race([done, timedOut, backExited]);
    } finally {
      clearTimeout(timer);
    }
    const backCpu = (await cpuMs(back.pid)) - cpuAtUp;
    const pgCpuMs = pgCpuBetween(pgAtUp, await pgCpu(db));
    const self = process.cpuUsage(selfAtUp);
    // The sweep's share: the last flip's time (the start of the sweep batch that wrote it).
    const { rows } = await db.query<{ last: Date }>(`SELECT max(created_at) AS last FROM flips`);
    const fromSecond = [...arrivals.values()].map((a) => a.arrived - second).sort((a, b) => a - b);
    return {
      backReadyMs: upAt - seeded,
      last: fromSecond[fromSecond.length - 1]!,
      p50: percentile(fromSecond, 50),
      p99: percentile(fromSecond, 99),
      duplicates: collected.duplicates(),
      swept: rows[0]!.last.getTime() - second,
      backCpu,
      pgCpu: pgCpuMs,
      receiverCpu: Math.round((self.user + self.system) / 1000),
    };
  } finally {
    await stopChild(back);
    if (back && back.exitCode !== 0 && backOutput) process.stderr.write(backOutput);
    if (args.log) await appendFile(args.log, backOutput);
    await db?.end().catch(() => undefined);
    await stopReceiver(receiver);
    await embedded?.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

async function main(): Promise<number> {
  const ms = (v: number) => `${Math.round(v)} ms`.padStart(8);
  const lines = [
    `command:   tsx ${path.relative(root, process.argv[1] ?? '')} ${process.argv.slice(2).join(' ')}`.trimEnd() +
      ` (effective: --checks ${N} --lead ${LEAD_MS / 1000} --runs ${RUNS}; node ${process.version})`,
    `machine:   ${machine()}`,
    `setup:     1 cronwatch back (${args.set!.length ? args.set!.join(' ') : 'default settings'}), embedded PostgreSQL, webhook receiver on 127.0.0.1`,
    `checks:    ${N} deadlines spread over one second S; times below are counted from S`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
  let worst = 0;
  for (let r = 1; r <= RUNS; r++) {
    const run = await once();
    worst = Math.max(worst, run.last);
    process.stdout.write(
      `run ${r}:     last ${ms(run.last)}  p50 ${ms(run.p50)}  p99 ${ms(run.p99)}` +
        `  last flip ${ms(run.swept)}  (CPU: back ${run.backCpu} ms, PostgreSQL ${run.pgCpu} ms, receiver ${run.receiverCpu} ms; up after ${run.backReadyMs} ms${run.duplicates ? `, ${run.duplicates} duplicate(s) ignored` : ''})\n`,
    );
  }
  const met = worst <= TARGET_MS;
  process.stdout.write(
    `target:    all ${N} within ${TARGET_MS} ms of S: ${met ? 'met' : 'NOT met'} (slowest run ${Math.round(worst)} ms)\n`,
  );
  return met ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
