// How late does a down alert arrive after the deadline it is about?
//
//   npx tsx scripts/bench-alert-latency.ts [--checks 1000] [--due N] [--spread 10] [--lead 5]
//   npm run bench:alert-latency -- --checks 5000
//
// Starts its own embedded PostgreSQL in a temporary directory, a webhook receiver on
// 127.0.0.1 and one `cronwatch back` (from source, default settings). N checks get deadlines
// spread evenly over `--spread` seconds, the first `--lead` seconds out so the back is up
// before any falls due. For each webhook alert the latency is its arrival time minus the
// deadline of its check (the body's expected_at). With --due, only that many of the checks
// fall due (spread the same way) and the others' deadlines are a day away. Prints p50 / p90 / p99 / max, split into
// the sweep's share (flip written) and the delivery's share; exits 1 when p99 > 500 ms.
import { type ChildProcess } from 'node:child_process';
import type http from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import {
  backUp,
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

const TARGET_P99_MS = 500;

const { values: args } = parseArgs({
  options: {
    checks: { type: 'string', default: '1000' },
    spread: { type: 'string', default: '10' },
    lead: { type: 'string', default: '5' },
    // How many of the checks fall due (default: all); the others wait a day, so a large
    // --checks measures a big table at a realistic rate of misses.
    due: { type: 'string' },
  },
});

function positive(name: string, raw: string | undefined): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number`);
  return n;
}

const N = Math.round(positive('checks', args.checks));
const SPREAD_MS = positive('spread', args.spread) * 1000;
const LEAD_MS = positive('lead', args.lead) * 1000;
const DUE = Math.min(N, Math.round(positive('due', args.due ?? String(N))));

function summary(values: number[]): string {
  const s = [...values].sort((a, b) => a - b);
  const f = (v: number) => `${Math.round(v)} ms`.padStart(8);
  return `p50 ${f(percentile(s, 50))}  p90 ${f(percentile(s, 90))}  p99 ${f(percentile(s, 99))}  max ${f(s[s.length - 1] ?? NaN)}`;
}

async function main(): Promise<number> {
  let embedded: BenchDatabase | undefined;
  let receiver: http.Server | undefined;
  let back: ChildProcess | undefined;
  let db: pg.Client | undefined;
  let backOutput = '';
  const onSignal = () => {
    back?.kill('SIGKILL');
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    embedded = await openBenchDatabase('alert-latency');
    db = new pg.Client({ connectionString: embedded.url });
    await db.connect();

    const collected = await collectAlerts(DUE);
    receiver = collected.receiver;
    const { url, arrivals, done } = collected;

    const seeded = Date.now();
    // Check i ≤ DUE falls due at lead + (i - 1) × spread / DUE; the rest a day later.
    const { first } = await seedChecks(
      db,
      url,
      N,
      `CASE WHEN i <= $6 THEN now() + make_interval(secs => ($4 + (i - 1) * $5 / $6) / 1000.0)
            ELSE now() + interval '1 day' END`,
      [LEAD_MS, SPREAD_MS, DUE],
    );
    const last = new Date(first.getTime() + SPREAD_MS);
    back = spawnBack(embedded.url);
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
    const backReadyMs = upAt - seeded;
    if (upAt > first.getTime()) {
      process.stderr.write(
        `warning: the back came up ${upAt - first.getTime()} ms after the first deadline; ` +
          `raise --lead\n`,
      );
    }

    const waitMs = last.getTime() - Date.now() + 60_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`only ${arrivals.size} of ${DUE} alerts arrived`)),
        waitMs,
      );
    });
    try {
      await Promise.race([done, timedOut, backExited]);
    } finally {
      clearTimeout(timer);
    }

    // Where the time went: flip written (the sweep) vs. the webhook arriving (the dispatch).
    const { rows: flips } = await db.query<{ check_id: string; created_at: Date }>(
      `SELECT check_id, created_at FROM flips`,
    );
    const flipAt = new Map(flips.map((f) => [Number(f.check_id), f.created_at.getTime()]));
    const all = [...arrivals.values()];
    const total = all.map((a) => a.arrived - a.deadline);
    const sweep = all.map((a) => (flipAt.get(a.checkId) ?? NaN) - a.deadline);
    const dispatch = all.map((a) => a.arrived - (flipAt.get(a.checkId) ?? NaN));
    const p99 = percentile(
      [...total].sort((a, b) => a - b),
      99,
    );

    const lines = [
      `command:   tsx ${path.relative(root, process.argv[1] ?? '')} ${process.argv.slice(2).join(' ')}`.trimEnd() +
        ` (effective: --checks ${N} --due ${DUE} --spread ${SPREAD_MS / 1000} --lead ${LEAD_MS / 1000}; node ${process.version})`,
      `machine:   ${machine()}`,
      `setup:     1 cronwatch back (default settings), embedded PostgreSQL, webhook receiver on 127.0.0.1`,
      `checks:    ${N}, of which ${DUE} fall due over ${SPREAD_MS / 1000} s, the first ${LEAD_MS / 1000} s out; back up after ${backReadyMs} ms`,
      `alerts:    ${arrivals.size} received${collected.duplicates() ? `, ${collected.duplicates()} duplicate(s) ignored` : ''}`,
      `latency (webhook arrival − deadline):`,
      `  total    ${summary(total)}`,
      `  sweep    ${summary(sweep)}   (flip written − deadline)`,
      `  deliver  ${summary(dispatch)}   (arrival − flip written)`,
      `target:    p99 ≤ ${TARGET_P99_MS} ms: ${p99 <= TARGET_P99_MS ? 'met' : 'NOT met'} (p99 ${Math.round(p99)} ms)`,
    ];
    process.stdout.write(lines.join('\n') + '\n');
    return p99 <= TARGET_P99_MS ? 0 : 1;
  } finally {
    await stopChild(back);
    if (back && back.exitCode !== 0 && backOutput) process.stderr.write(backOutput);
    await db?.end().catch(() => undefined);
    await stopReceiver(receiver);
    await embedded?.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
