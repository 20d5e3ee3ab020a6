// How late does a down alert arrive after the deadline it is about?
//
//   npx tsx scripts/bench-alert-latency.ts [--checks 1000] [--spread 10] [--lead 5]
//   npm run bench:alert-latency -- --checks 5000
//
// Starts its own embedded PostgreSQL in a temporary directory, a webhook receiver on
// 127.0.0.1 and one `cronwatch back` (from source, default settings). N checks get deadlines
// spread evenly over `--spread` seconds, the first `--lead` seconds out so the back is up
// before any falls due. For each webhook alert the latency is its arrival time minus the
// deadline of its check (the body's expected_at). Prints p50 / p90 / p99 / max, split into
// the sweep's share (flip written) and the delivery's share; exits 1 when p99 > 500 ms.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { settings } from '../src/config.js';
import { openEmbedded, type EmbeddedServer } from '../src/db/embedded.js';
import { migrate } from '../src/db/migrate.js';

const TARGET_P99_MS = 500;
const root = path.resolve(import.meta.dirname, '..');

const { values: args } = parseArgs({
  options: {
    checks: { type: 'string', default: '1000' },
    spread: { type: 'string', default: '10' },
    lead: { type: 'string', default: '5' },
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

interface Arrival {
  checkId: number;
  deadline: number;
  arrived: number;
}

/** Percentile by nearest rank over sorted values. */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

function summary(values: number[]): string {
  const s = [...values].sort((a, b) => a - b);
  const f = (v: number) => `${Math.round(v)} ms`.padStart(8);
  return `p50 ${f(percentile(s, 50))}  p90 ${f(percentile(s, 90))}  p99 ${f(percentile(s, 99))}  max ${f(s[s.length - 1] ?? NaN)}`;
}

function startReceiver(onAlert: (a: Arrival) => void): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const arrived = Date.now();
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          check?: { id?: number };
          expected_at?: string;
        };
        const deadline = Date.parse(body.expected_at ?? '');
        if (typeof body.check?.id === 'number' && Number.isFinite(deadline)) {
          onAlert({ checkId: body.check.id, deadline, arrived });
        }
      } catch {
        // not an alert: ignored
      }
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('ok');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** The back from source, with none of our shell's cronwatch settings. */
function spawnBack(databaseUrl: string): ChildProcess {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(settings)) delete env[name];
  return spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'back'], {
    cwd: root,
    env: { ...env, DATABASE_URL: databaseUrl, LOG_FORMAT: 'json', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function seed(db: pg.Client, webhookUrl: string): Promise<{ first: Date; last: Date }> {
  await db.query('BEGIN');
  const account = await db.query<{ id: string }>(
    `INSERT INTO accounts (name) VALUES ('bench') RETURNING id`,
  );
  const accountId = account.rows[0]!.id;
  const channel = await db.query<{ id: string }>(
    `INSERT INTO channels (account_id, kind, name, config) VALUES ($1, 'webhook', 'bench', $2)
     RETURNING id`,
    [accountId, JSON.stringify({ url: webhookUrl })],
  );
  // Check i falls due at lead + i × spread / N. It was last seen one period before.
  const { rows } = await db.query<{ first: Date; last: Date }>(
    `WITH c AS (
       INSERT INTO checks (account_id, name, kind, period, grace, status, last_ping_at, next_deadline)
       SELECT $1, 'bench-' || lpad(i::text, 6, '0'), 'simple', 60, 0, 'up',
              now() + make_interval(secs => ($3 + i * $4 / $2) / 1000.0) - interval '60 seconds',
              now() + make_interval(secs => ($3 + i * $4 / $2) / 1000.0)
         FROM generate_series(0, $2::int - 1) AS i
       RETURNING id, next_deadline
     ), l AS (
       INSERT INTO check_channels (check_id, channel_id) SELECT id, $5 FROM c
     )
     SELECT min(next_deadline) AS first, max(next_deadline) AS last FROM c`,
    [accountId, N, LEAD_MS, SPREAD_MS, channel.rows[0]!.id],
  );
  await db.query('COMMIT');
  return rows[0]!;
}

async function main(): Promise<number> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cronwatch-bench-'));
  // As root the server runs as the postgres user, which must reach the directory.
  await chmod(dir, 0o755);
  let embedded: EmbeddedServer | undefined;
  let receiver: http.Server | undefined;
  let back: ChildProcess | undefined;
  let db: pg.Client | undefined;
  let backOutput = '';
  const stopBack = async () => {
    if (!back || back.exitCode !== null || back.signalCode !== null) return;
    const exited = new Promise((resolve) => back!.once('exit', resolve));
    back.kill('SIGTERM');
    const timer = setTimeout(() => back?.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  };
  const onSignal = () => {
    back?.kill('SIGKILL');
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    embedded = await openEmbedded(dir);
    await migrate(embedded.url);
    db = new pg.Client({ connectionString: embedded.url });
    await db.connect();

    const arrivals = new Map<number, Arrival>();
    let duplicates = 0;
    let allArrived: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (allArrived = resolve));
    receiver = await startReceiver((a) => {
      if (arrivals.has(a.checkId)) duplicates++;
      else arrivals.set(a.checkId, a);
      if (arrivals.size === N) allArrived();
    });
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

    const seeded = Date.now();
    const { first, last } = await seed(db, url);
    back = spawnBack(embedded.url);
    back.stdout?.on('data', (c: Buffer) => (backOutput += c.toString()));
    back.stderr?.on('data', (c: Buffer) => (backOutput += c.toString()));
    const backExited = new Promise<never>((_, reject) =>
      back!.once('exit', (code, signal) =>
        reject(new Error(`cronwatch back exited (${code ?? signal})\n${backOutput}`)),
      ),
    );
    backExited.catch(() => undefined);

    // Up = its heartbeat row is written, right before its loops start.
    for (;;) {
      const { rowCount } = await db.query(`SELECT 1 FROM back_instances WHERE pid = $1`, [
        back.pid,
      ]);
      if (rowCount) break;
      await Promise.race([new Promise((r) => setTimeout(r, 20)), backExited]);
    }
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
        () => reject(new Error(`only ${arrivals.size} of ${N} alerts arrived`)),
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

    const cpus = os.cpus();
    const lines = [
      `command:   tsx ${path.relative(root, process.argv[1] ?? '')} ${process.argv.slice(2).join(' ')}`.trimEnd() +
        ` (effective: --checks ${N} --spread ${SPREAD_MS / 1000} --lead ${LEAD_MS / 1000}; node ${process.version})`,
      `machine:   ${os.availableParallelism()} cores (${cpus[0]?.model.trim() ?? 'unknown CPU'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}`,
      `setup:     1 cronwatch back (default settings), embedded PostgreSQL, webhook receiver on 127.0.0.1`,
      `checks:    ${N} deadlines over ${SPREAD_MS / 1000} s, first ${LEAD_MS / 1000} s out; back up after ${backReadyMs} ms`,
      `alerts:    ${arrivals.size} received${duplicates ? `, ${duplicates} duplicate(s) ignored` : ''}`,
      `latency (webhook arrival − deadline):`,
      `  total    ${summary(total)}`,
      `  sweep    ${summary(sweep)}   (flip written − deadline)`,
      `  deliver  ${summary(dispatch)}   (arrival − flip written)`,
      `target:    p99 ≤ ${TARGET_P99_MS} ms: ${p99 <= TARGET_P99_MS ? 'met' : 'NOT met'} (p99 ${Math.round(p99)} ms)`,
    ];
    process.stdout.write(lines.join('\n') + '\n');
    return p99 <= TARGET_P99_MS ? 0 : 1;
  } finally {
    await stopBack();
    if (back && back.exitCode !== 0 && backOutput) process.stderr.write(backOutput);
    await db?.end().catch(() => undefined);
    if (receiver) {
      receiver.closeAllConnections();
      await new Promise((resolve) => receiver!.close(resolve));
    }
    await embedded?.stop();
    await rm(dir, { recursive: true, force: true });
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
