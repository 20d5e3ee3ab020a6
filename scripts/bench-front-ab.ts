// Two fronts, A and B (two checkouts, e.g. a worktree of main and your branch), on one
// database, with wrk alternating between them round by round: a change to the front shows
// as a difference of a few per cent that separate bench-ping runs cannot tell from the
// machine's swings. Also prints what V8's young-generation collections cost each front.
//
//   npx tsx scripts/bench-front-ab.ts --a /work/wt/base [--b .] [--rounds 4] [--seconds 4]
//
// Builds each checkout's dist/ (tsc) first. 10,000 up checks; uuid pings on one hot check
// and spread over all, 64 keep-alive connections. Per run: pings/s, p99, front CPU per ping.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import pg from 'pg';
import { cpuMs } from './bench-back.js';
import { benchChecks, openBenchDatabase } from './bench-db.js';
import { pingScripts, wrk } from './bench-wrk.js';

const run = promisify(execFile);
const { values: args } = parseArgs({
  options: {
    a: { type: 'string' },
    b: { type: 'string', default: '.' },
    rounds: { type: 'string', default: '4' },
    seconds: { type: 'string', default: '4' },
  },
});
if (!args.a) throw new Error('--a <checkout> is required (the front to compare against)');
const ROUNDS = Number(args.rounds);

interface Front {
  name: string;
  port: number;
  child: ChildProcess;
  gcLog: string;
  runs: Record<string, string[]>;
}

async function startFront(name: string, dir: string, url: string, tmp: string): Promise<Front> {
  const root = path.resolve(dir);
  await run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], {
    cwd: root,
  });
  const port = 40000 + Math.floor(Math.random() * 20000);
  const gcLog = path.join(tmp, `gc-${name}.log`);
  const out = createWriteStream(gcLog);
  await new Promise((r) => out.once('open', r));
  const child = spawn(process.execPath, ['--trace-gc-nvp', 'dist/cli.js', 'front'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: url, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', out, 'inherit'],
  });
  return { name, port, child, gcLog, runs: { hot: [], spread: [] } };
}

/** Mean pause and bytes promoted of the last `n` scavenges in a --trace-gc-nvp log. */
async function scavenges(log: string, n = 40): Promise<string> {
  const lines = (await readFile(log, 'utf8')).split('\n').filter((l) => l.includes('gc=s '));
  const last = lines.slice(-n);
  const field = (l: string, k: string) => Number(new RegExp(`\\b${k}=([\\d.]+)`).exec(l)?.[1]);
  const mean = (k: string) => last.reduce((s, l) => s + field(l, k), 0) / last.length;
  return `${lines.length} scavenges, the last ${last.length}: ${mean('pause').toFixed(2)} ms each, ${(mean('promoted') / 1024).toFixed(0)} KB promoted each`;
}

async function main() {
  const db = await openBenchDatabase('front-ab');
  const fronts: Front[] = [];
  try {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const uuids = await benchChecks(client, 10000);
    await client.end();
    const scripts = await pingScripts(db.dir, uuids, 'uuid');
    fronts.push(await startFront('A', args.a!, db.url, db.dir));
    fronts.push(await startFront('B', args.b!, db.url, db.dir));
    await new Promise((r) => setTimeout(r, 5000));
    const url = (f: Front) => `http://127.0.0.1:${f.port}/`;
    for (const f of fronts)
      for (const s of Object.values(scripts)) await wrk(url(f), 64, false, s, 2);
    for (let round = 0; round < ROUNDS; round++)
      for (const [target, script] of Object.entries(scripts))
        // A/B, then B/A: neither side always runs on the caches the other warmed.
        for (const f of round % 2 ? [...fronts].reverse() : fronts) {
          const before = await cpuMs(f.child.pid);
          const r = await wrk(url(f), 64, false, script, Number(args.seconds));
          const used = (await cpuMs(f.child.pid)) - before;
          f.runs[target]!.push(
            `${r.rps.toFixed(0)}/s p99 ${r.p99} ${((1000 * used) / r.ok).toFixed(0)} µs`,
          );
        }
    console.log(
      `command: npx tsx scripts/bench-front-ab.ts --a ${args.a} --b ${args.b} --rounds ${ROUNDS} --seconds ${args.seconds}`,
    );
    for (const f of fronts) {
      for (const [target, runs] of Object.entries(f.runs))
        console.log(`${f.name} ${target.padEnd(6)} ${runs.join(' | ')}`);
      console.log(`${f.name} gc     ${await scavenges(f.gcLog)}`);
    }
  } finally {
    for (const f of fronts) f.child.kill('SIGTERM');
    await Promise.all(
      fronts.map(
        (f) => new Promise((r) => (f.child.exitCode !== null ? r(null) : f.child.once('exit', r))),
      ),
    );
    await db.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
