// Durable pings per second through the real front, against the ceiling of a bare node:http
// server measured in the same run.
//
//   npx tsx scripts/bench-ping.ts [--seconds 5] [--connections 16,64,256] [--checks 10000]
//   npm run bench:ping
//
// Needs wrk (Debian: apt-get install wrk). Starts its own embedded PostgreSQL in a temporary
// directory, N checks, one `cronwatch front` (from source, LOG_LEVEL=warn) and a bare
// node:http "OK" server, all on 127.0.0.1, and stops them afterwards. Every run is checked
// for durability: the pings rows written must equal the 2xx answers wrk counted.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import pg from 'pg';
import { settings } from '../src/config.js';
import { openBenchDatabase } from './bench-db.js';
import { cpuMs, pgCpu, pgCpuBetween } from './bench-back.js';

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
    // A setting of the front for this run, e.g. --set DATABASE_POOL_MAX=20 (repeatable).
    set: { type: 'string', multiple: true, default: [] },
    // SQL run after the migrations, for schema experiments (e.g. --sql 'DROP INDEX checks_due'
    // to see what HOT updates of checks would give; the back would no longer work).
    sql: { type: 'string', multiple: true, default: [] },
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

interface Result {
  rps: number;
  p50: string;
  p99: string;
  ok: number;
  errors: number;
}

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

async function wrk(
  url: string,
  connections: number,
  close: boolean,
  script: string,
): Promise<Result> {
  const argv = ['-t2', `-c${connections}`, `-d${SECONDS}s`, '--latency', '-s', script];
  if (close) argv.push('-H', 'Connection: close');
  const { stdout } = await run('wrk', [...argv, url], { maxBuffer: 1 << 20 });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1] ?? NaN);
  const total = Number(/(\d+) requests in/.exec(stdout)?.[1] ?? 0);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1] ?? 0);
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
  const socketErrors = sock ? sock.slice(1).reduce((a, b) => a + Number(b), 0) : 0;
  return {
    rps,
    p50: /^\s+50%\s+(\S+)/m.exec(stdout)?.[1] ?? '?',
    p99: /^\s+99%\s+(\S+)/m.exec(stdout)?.[1] ?? '?',
    ok: total - non2xx,
    errors: non2xx + socketErrors,
  };
}

function rssMb(pid: number): Promise<number> {
  return readFile(`/proc/${pid}/status`, 'utf8').then(
    (s) => Number(/VmRSS:\s+(\d+)/.exec(s)?.[1] ?? 0) / 1024,
  );
}

async function main() {
  const children: ChildProcess[] = [];
  const db = await openBenchDatabase('ping');
  const tmp = db.dir;
  try {
    for (const statement of args.sql!) {
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      await c.query(statement);
      await c.end();
    }
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const { rows } = await client.query<{ uuid: string }>(
      `WITH a AS (INSERT INTO accounts (name) VALUES ('bench') RETURNING id)
       INSERT INTO checks (account_id, name, period, grace, status)
       SELECT a.id, 'check-' || i, 3600, 300, 'up' FROM a, generate_series(1, $1) i RETURNING uuid`,
      [CHECKS],
    );
    const uuidsFile = path.join(tmp, 'uuids.txt');
    await writeFile(uuidsFile, rows.map((r) => r.uuid).join('\n') + '\n');
    const spread = path.join(tmp, 'spread.lua');
    await writeFile(
      spread,
      `local uuids = {}\nfor line in io.lines("${uuidsFile}") do uuids[#uuids + 1] = line end\n` +
        `request = function() return wrk.format("GET", "/ping/" .. uuids[math.random(#uuids)]) end\n`,
    );
    const hot = path.join(tmp, 'hot.lua');
    await writeFile(
      hot,
      `request = function() return wrk.format("GET", "/ping/${rows[0]!.uuid}") end\n`,
    );
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
    await waitFor(`http://127.0.0.1:${frontPort}/healthcheck`);
    await waitFor(`http://127.0.0.1:${barePort}/`);

    const count = async () =>
      Number((await client.query('SELECT count(*) AS n FROM pings')).rows[0].n);
    let maxRss = 0;
    const sampler = setInterval(
      () => void rssMb(front.pid!).then((mb) => (maxRss = Math.max(maxRss, mb))),
      200,
    );

    console.log(
      `command:  npx tsx scripts/bench-ping.ts --seconds ${SECONDS} --connections ${CONNECTIONS.join(',')} --checks ${CHECKS} --modes ${MODES.join(',')}${args['spread-only'] ? ' --spread-only' : ''}${args.set!.map((kv) => ` --set ${kv}`).join('')}${args.sql!.map((q) => ` --sql '${q}'`).join('')}`,
    );
    console.log(
      `machine:  ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), node ${process.version}; wrk -t2, front, PostgreSQL on the same box`,
    );
    console.log('');
    console.log(
      'target            conns  conn   pings/s   p50       p99       2xx      errors  durable  % of bare  CPU front / PostgreSQL',
    );
    for (const close of [false, true].filter((c) => MODES.includes(c ? 'close' : 'keep'))) {
      for (const c of CONNECTIONS) {
        const ceiling = await wrk(`http://127.0.0.1:${barePort}`, c, close, plain);
        const targets = [
          [`${CHECKS} checks`, spread],
          ['one hot check', hot],
        ] as const;
        for (const [name, script] of args['spread-only'] ? targets.slice(0, 1) : targets) {
          const before = await count();
          const [frontCpu, dbCpu] = [await cpuMs(front.pid), await pgCpu(client)];
          const r = await wrk(`http://127.0.0.1:${frontPort}`, c, close, script);
          const cpu = `${((await cpuMs(front.pid)) - frontCpu) / 1000} / ${pgCpuBetween(dbCpu, await pgCpu(client)) / 1000} s`;
          const written = (await count()) - before;
          // Rows may exceed wrk's count (answers still in flight when wrk stopped), never fall short.
          const durable = written >= r.ok ? 'yes' : `NO (${written} rows)`;
          console.log(
            `${name.padEnd(16)}  ${String(c).padStart(5)}  ${(close ? 'close' : 'keep').padEnd(5)}  ${r.rps.toFixed(0).padStart(7)}   ${r.p50.padEnd(8)}  ${r.p99.padEnd(8)}  ${String(r.ok).padStart(7)}  ${String(r.errors).padStart(6)}  ${durable.padEnd(7)}  ${`${((100 * r.rps) / ceiling.rps).toFixed(0)} %`.padEnd(9)}  ${cpu}`,
          );
        }
        console.log(
          `${'bare node:http'.padEnd(16)}  ${String(c).padStart(5)}  ${(close ? 'close' : 'keep').padEnd(5)}  ${ceiling.rps.toFixed(0).padStart(7)}   ${ceiling.p50.padEnd(8)}  ${ceiling.p99.padEnd(8)}`,
        );
      }
    }
    clearInterval(sampler);
    console.log('');
    console.log(`front RSS max during the runs: ${maxRss.toFixed(0)} MB`);
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
