// The check-in statement alone, A against B, interleaved flush by flush: a change to the
// fast statement or to the schema shows here as a difference of a few per cent, which
// bench-ping cannot tell from the machine's swings (its runs move by a third).
//
//   npx tsx scripts/bench-checkin-sql.ts [--batch 30] [--hot] [--flushes 1500]
//       [--a checkin-fast] [--b checkin-fast-uuid|<file with a statement>]
//       [--sql-a '<SQL>'] [--sql-b '<SQL>']
//
// Two databases on one embedded PostgreSQL, migrated alike, 10,000 up checks each; then
// flushes of --batch uuid check-ins (random checks, or one with --hot), each sent to A and to
// B in turn, on one connection each (generic plans, as the front). --sql-a/--sql-b change
// one database first (e.g. --sql-b 'ALTER TABLE pings DROP CONSTRAINT pings_pkey'). Commits
// are not waited for (synchronous_commit off): the WAL flush is the same on both sides and
// only adds noise. Prints wall time per flush, which is mostly PostgreSQL's CPU.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { migrate } from '../src/db/migrate.js';
import type { PingRequest } from '../src/db/ping.js';
import { encodeBatch, FAST_STATEMENTS } from '../src/db/ping-fast.js';
import { benchChecks, openBenchDatabase } from './bench-db.js';

const { values: args } = parseArgs({
  options: {
    batch: { type: 'string', default: '30' },
    hot: { type: 'boolean', default: false },
    flushes: { type: 'string', default: '1500' },
    checks: { type: 'string', default: '10000' },
    a: { type: 'string', default: 'checkin-fast' },
    b: { type: 'string', default: 'checkin-fast-uuid' },
    'sql-a': { type: 'string', multiple: true, default: [] },
    'sql-b': { type: 'string', multiple: true, default: [] },
  },
});
const BATCH = Number(args.batch);
const FLUSHES = Number(args.flushes);
const CHECKS = Number(args.checks);
const WARMUP = 100;

/** A statement by its name in FAST_STATEMENTS, or the text of a file. */
async function statement(which: string): Promise<string> {
  if (which in FAST_STATEMENTS) return FAST_STATEMENTS[which as keyof typeof FAST_STATEMENTS];
  return readFile(which, 'utf8');
}

interface Side {
  name: string;
  client: pg.Client;
  text: string;
  uuids: string[];
  ms: number[];
}

async function side(name: string, url: string, which: string, sql: string[]): Promise<Side> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  for (const q of sql) await client.query(q);
  await client.query('SET plan_cache_mode = force_generic_plan');
  await client.query('SET synchronous_commit = off');
  return {
    name,
    client,
    text: await statement(which),
    uuids: await benchChecks(client, CHECKS),
    ms: [],
  };
}

function ping(uuid: string): PingRequest {
  return {
    target: { uuid },
    kind: 'success',
    exitStatus: null,
    rid: null,
    now: new Date(),
    address: '127.0.0.1',
    method: 'GET',
    userAgent: 'wrk/4.1.0',
    body: null,
    bodySize: null,
    globalSlack: false,
  };
}

async function main() {
  const db = await openBenchDatabase('checkin-sql');
  const sides: Side[] = [];
  try {
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    await admin.query('CREATE DATABASE cronwatch_b');
    await admin.end();
    const urlB = new URL(db.url);
    urlB.pathname = '/cronwatch_b';
    await migrate(urlB.href);
    sides.push(await side('A', db.url, args.a!, args['sql-a']!));
    sides.push(await side('B', urlB.href, args.b!, args['sql-b']!));
    for (let i = 0; i < WARMUP + FLUSHES; i++) {
      const picks = Array.from({ length: BATCH }, () =>
        args.hot ? 0 : Math.floor(Math.random() * CHECKS),
      );
      // Alternate which side goes first: the second one finds the caches the first warmed.
      for (const s of i % 2 ? sides : [...sides].reverse()) {
        const started = performance.now();
        const { rows } = await s.client.query({
          name: 'fast',
          text: s.text,
          values: [encodeBatch(picks.map((k) => ping(s.uuids[k]!)))],
        });
        const ms = performance.now() - started;
        if (rows.length !== BATCH) throw new Error(`${s.name} wrote ${rows.length} of ${BATCH}`);
        if (i >= WARMUP) s.ms.push(ms);
      }
    }
    console.log(
      `command: npx tsx scripts/bench-checkin-sql.ts --batch ${BATCH}${args.hot ? ' --hot' : ''} --flushes ${FLUSHES} --a ${args.a} --b ${args.b}` +
        args['sql-a']!.map((q) => ` --sql-a '${q}'`).join('') +
        args['sql-b']!.map((q) => ` --sql-b '${q}'`).join(''),
    );
    for (const s of sides) {
      const sorted = [...s.ms].sort((x, y) => x - y);
      const at = (p: number) => sorted[Math.floor(p * (sorted.length - 1))]!.toFixed(3);
      const mean = sorted.reduce((x, y) => x + y, 0) / sorted.length;
      console.log(
        `${s.name}: ms per flush of ${BATCH}: p25 ${at(0.25)}  p50 ${at(0.5)}  p75 ${at(0.75)}  mean ${mean.toFixed(3)}`,
      );
    }
  } finally {
    for (const s of sides) await s.client.end().catch(() => undefined);
    await db.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
