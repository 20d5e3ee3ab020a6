// Durable pings per second through the real front, against two ceilings measured in the
// same run: a bare node:http server, and the same server answering after a durable empty
// commit per flush (bench-limit-server.ts: the limit of any durable check-in here).
//
//   npx tsx scripts/bench-ping.ts [--seconds 5] [--connections 16,64,256] [--checks 10000]
//   npm run bench:ping
//
// Needs wrk (Debian: apt-get install wrk). Starts its own embedded PostgreSQL in a temporary
// directory, N checks, one `cronwatch front` (from source, LOG_LEVEL=warn) and the two
// ceiling servers, all on 127.0.0.1, and stops them afterwards. Every run is checked
// for durability: the pings rows written must equal the 2xx answers wrk counted.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import pg from 'pg';
import { settings } from '../src/config.js';
import { benchChecks, openBenchDatabase, topStatements } from './bench-db.js';
import { cpuMs, pgCpu, pgCpuBetween } from './bench-back.js';
import { pingScripts, wrk, type Form } from './bench-wrk.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..');
const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '16,64,256' },
    checks: { type: 'string', default: '10000' },
    // keep-alive and/or Connection: close (e.g. --modes keep while iterating).
    modes: { type: 'string', default: 'keep,close' },
    // Only the 10,000-checks target, not the one hot check.
    'spread-only': { type: 'boolean', default: false },
    // Only the one-hot-check target.
    'hot-only': { type: 'boolean', default: false },
    // Ping forms: /ping/<uuid>, /ping/<ping key>/<slug>, the gocron check-in (issue 14).
    forms: { type: 'string', default: 'uuid' },
    // Runs of (bare node:http, durable limit, front) per target, alternated: A/L/B/A/L/B with 2.
    rounds: { type: 'string', default: '1' },
    // Seconds of every target against the front before anything is measured: the first
    // target measured otherwise paid for V8's warm-up alone (uuid ran ~30 % slower first).
    warmup: { type: 'string', default: '2' },
    // A setting of the front for this run, e.g. --set DATABASE_POOL_MAX=20 (repeatable).
    set: { type: 'string', multiple: true, default: [] },
    // SQL run after the migrations, for schema experiments (e.g. --sql 'DROP INDEX checks_due'
    // to see what HOT updates of checks would give; the back would no longer work).
    sql: { type: 'string', multiple: true, default: [] },
    // Where PostgreSQL spent its time in each front run (pg_stat_statements, top statements).
    statements: { type: 'boolean', default: false },
  },
});
const MODES = args.modes!.split(',');
const SETTINGS = Object.fromEntries(
  args.set!.map((kv) => {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new Error(`--set wants NAME=VALUE, got ${kv}`);
    return [kv.slice(0, eq), kv.slice(eq + 1)];
  }),
);
const SECONDS = Number(args.seconds);
const CONNECTIONS = args.connections!.split(',').map(Number);
const CHECKS = Number(args.checks);
const FORMS = args.forms!.split(',') as Form[];
const ROUNDS = Number(args.rounds);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

async function waitFor(url: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(url)).status < 500) return;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not come up`);
}

/** Updates of checks rows so far, and how many of them were HOT (no new index entries). */
async function checkUpdates(client: pg.Client): Promise<{ all: number; hot: number }> {
  const { rows } = await client.query<{ all: string; hot: string }>(
    `SELECT n_tup_upd AS all, n_tup_hot_upd AS hot FROM pg_stat_user_tables WHERE relname = 'checks'`,
  );
  return { all: Number(rows[0]!.all), hot: Number(rows[0]!.hot) };
}

function rssMb(pid: number): Promise<number> {
  return readFile(`/proc/${pid}/status`, 'utf8').then(
    (s) => Number(/VmRSS:\s+(\d+)/.exec(s)?.[1] ?? 0) / 1024,
  );
}

async function main() {
  const children: ChildProcess[] = [];
  const db = await openBenchDatabase('ping', args.statements);
  const tmp = db.dir;
  try {
    for (const statement of args.sql!) {
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      await c.query(statement);
      await c.end();
    }
    const client = new pg.Client({ connectionString: db.url });
    // The database is stopped in `finally`: its goodbye must not hide the error that got there.
    client.on('error', () => undefined);
    await client.connect();
    const uuids = await benchChecks(client, CHECKS);
    const scripts: { name: string; form: Form; file: string }[] = [];
    for (const form of FORMS) {
      const { spread, hot } = await pingScripts(tmp, uuids, form);
      if (!args['hot-only']) scripts.push({ name: `${form} ${CHECKS} checks`, form, file: spread });
      if (!args['spread-only']) scripts.push({ name: `${form} one hot check`, form, file: hot });
    }
    const plain = path.join(tmp, 'plain.lua');
    await writeFile(plain, `request = function() return wrk.format("GET", "/") end\n`);

    const frontPort = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const name of Object.keys(settings)) delete env[name];
    // BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the front.
    const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
    // The compiled front, as `npm start` and the units run it: under tsx the front carried
    // ~37 MB of compiler in its RSS and a slower start.
    await run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], {
      cwd: root,
    });
    const front = spawn(process.execPath, [...nodeArgs, 'dist/cli.js', 'front'], {
      cwd: root,
      env: {
        ...env,
        DATABASE_URL: db.url,
        PORT: String(frontPort),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        LOG_FORMAT: 'json',
        ...SETTINGS,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(front);
    const barePort = await freePort();
    const bare = spawn(
      process.execPath,
      [
        '-e',
        `require('http').createServer((q, s) => { s.writeHead(200, {'Content-Type': 'text/plain'}); s.end('OK'); }).listen(${barePort}, '127.0.0.1')`,
      ],
      { stdio: 'ignore' },
    );
    children.push(bare);
    // The same answer after a durable empty commit per flush: what any durable check-in can
    // reach here. The front's distance to it is what the front and its SQL cost.
    const limitPort = await freePort();
    const limit = spawn(
      process.execPath,
      ['--import', 'tsx', 'scripts/bench-limit-server.ts', String(limitPort), db.url],
      { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
    );
    children.push(limit);
    await waitFor(`http://127.0.0.1:${frontPort}/healthcheck`);
    await waitFor(`http://127.0.0.1:${barePort}/`);
    await waitFor(`http://127.0.0.1:${limitPort}/`);

    const count = async () =>
      Number((await client.query('SELECT count(*) AS n FROM pings')).rows[0].n);
    let maxRss = 0;
    const sampler = setInterval(
      () => void rssMb(front.pid!).then((mb) => (maxRss = Math.max(maxRss, mb))),
      200,
    );

    for (const t of scripts)
      if (Number(args.warmup) > 0)
        await wrk(`http://127.0.0.1:${frontPort}`, 64, false, t.file, Number(args.warmup));
    console.log(
      `command:  npx tsx scripts/bench-ping.ts --seconds ${SECONDS} --connections ${CONNECTIONS.join(',')} --checks ${CHECKS} --modes ${MODES.join(',')} --forms ${FORMS.join(',')} --rounds ${ROUNDS} --warmup ${args.warmup}${args['spread-only'] ? ' --spread-only' : ''}${args['hot-only'] ? ' --hot-only' : ''}${args.set!.map((kv) => ` --set ${kv}`).join('')}${args.sql!.map((q) => ` --sql '${q}'`).join('')}`,
    );
    console.log(
      `machine:  ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), node ${process.version}; wrk -t2, front, PostgreSQL on the same box; load average before: ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    console.log('');
    console.log(
      'target                  conns  conn   pings/s   p50       p99       2xx      errors  durable  bare/s    of bare  limit/s   of limit  µs/ping front + PostgreSQL',
    );
    for (const close of [false, true].filter((c) => MODES.includes(c ? 'close' : 'keep'))) {
      for (const c of CONNECTIONS) {
        for (const t of scripts) {
          // A/B/A/B: the ceilings right before each run of the front, so a change in the
          // machine's load (other work on the box) hits both sides of the ratios alike.
          for (let round = 0; round < ROUNDS; round++) {
            const ceiling = await wrk(`http://127.0.0.1:${barePort}`, c, close, plain, SECONDS);
            const limitCpu = await cpuMs(limit.pid);
            const durableCeiling = await wrk(
              `http://127.0.0.1:${limitPort}`,
              c,
              close,
              plain,
              SECONDS,
            );
            // What answering after a group commit costs a node process by itself.
            const limitUs = (1000 * ((await cpuMs(limit.pid)) - limitCpu)) / durableCeiling.ok;
            if (args.statements) await topStatements(db.url, 0);
            const updatesBefore = args.statements ? await checkUpdates(client) : undefined;
            const before = await count();
            const [frontCpu, dbCpu] = [await cpuMs(front.pid), await pgCpu(client)];
            const r = await wrk(`http://127.0.0.1:${frontPort}`, c, close, t.file, SECONDS);
            const frontMs = (await cpuMs(front.pid)) - frontCpu;
            const dbMs = pgCpuBetween(dbCpu, await pgCpu(client));
            const written = (await count()) - before;
            // Rows may exceed wrk's count (answers still in flight when wrk stopped), never fall short.
            const durable = written >= r.ok ? 'yes' : `NO (${written} rows)`;
            const per = (ms: number) => ((1000 * ms) / Math.max(1, written)).toFixed(0);
            console.log(
              `${t.name.padEnd(22)}  ${String(c).padStart(5)}  ${(close ? 'close' : 'keep').padEnd(5)}  ${r.rps.toFixed(0).padStart(7)}   ${r.p50.padEnd(8)}  ${r.p99.padEnd(8)}  ${String(r.ok).padStart(7)}  ${String(r.errors).padStart(6)}  ${durable.padEnd(7)}  ${ceiling.rps.toFixed(0).padStart(7)}   ${(r.rps / ceiling.rps).toFixed(2).padEnd(7)}  ${durableCeiling.rps.toFixed(0).padStart(7)}   ${(r.rps / durableCeiling.rps).toFixed(2).padEnd(8)}  ${per(frontMs)} + ${per(dbMs)} (limit ${limitUs.toFixed(0)} + …)`,
            );
            if (args.statements) {
              // Statistics reach the shared counters within a second of a backend's commit.
              await new Promise((r) => setTimeout(r, 1500));
              const u = await checkUpdates(client);
              const [all, hot] = [u.all - updatesBefore!.all, u.hot - updatesBefore!.hot];
              console.log(
                `    checks updated ${all} times, ${((100 * hot) / Math.max(1, all)).toFixed(0)} % in place (HOT)`,
              );
              for (const line of await topStatements(db.url, 6)) console.log(`    ${line}`);
            }
          }
        }
      }
    }
    clearInterval(sampler);
    console.log('');
    console.log(`front RSS max during the runs: ${maxRss.toFixed(0)} MB`);
    console.log(
      `load average after: ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    await client.end();
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(
      children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))),
    );
    await db.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
