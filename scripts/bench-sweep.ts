// The sweeper's claim (… WHERE sweep_at <= now … FOR UPDATE SKIP LOCKED over the partial
// index checks_sweep) at growing numbers of checks: its cost must follow the number of due
// checks, and of passed bounds it re-arms (migration 0020), not the number of checks
// (invariant 2).
//
//   npx tsx scripts/bench-sweep.ts [--sizes 10000,100000,1000000] [--due 0,1000] [--stale 0,500] [--runs 30]
//   npm run bench:sweep
//
// Starts its own embedded PostgreSQL in a temporary directory and removes it afterwards.
// Each measurement is a claim inside a transaction that is rolled back, so the same due
// checks are claimed every run; the median of the runs is printed.
import os from 'node:os';
import { parseArgs } from 'node:util';
import { claimDueChecks } from '../src/db/checks.js';
import { openBenchDatabase } from './bench-db.js';
import { createPool } from '../src/db/pool.js';

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,100000,1000000' },
    due: { type: 'string', default: '0,1000' },
    // Checks whose bound passed while their deadline is later: the claim moves their bound.
    stale: { type: 'string', default: '0,500' },
    runs: { type: 'string', default: '30' },
  },
});
const SIZES = args.sizes!.split(',').map(Number);
const DUES = args.due!.split(',').map(Number);
const STALES = args.stale!.split(',').map(Number);
const RUNS = Number(args.runs);

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function main() {
  const db = await openBenchDatabase('sweep');
  const pool = createPool(db.url, 2, () => undefined);
  try {
    const { rows } = await pool.query<{ id: number }>(
      `INSERT INTO accounts (name) VALUES ('bench') RETURNING id`,
    );
    const account = rows[0]!.id;
    console.log(
      `command:  npx tsx scripts/bench-sweep.ts --sizes ${SIZES.join(',')} --due ${DUES.join(',')} --stale ${STALES.join(',')} --runs ${RUNS}`,
    );
    console.log(
      `machine:  ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), node ${process.version}, embedded PostgreSQL`,
    );
    console.log('');
    console.log('checks      due  stale    claim (median)   per due or stale check');
    let have = 0;
    for (const size of SIZES) {
      // Not due: deadlines spread over the next day.
      await pool.query(
        `INSERT INTO checks (account_id, name, period, grace, status, next_deadline)
         SELECT $1, 'c' || i, 3600, 300, 'up', now() + interval '1 hour' + (i % 86400) * interval '1 second'
           FROM generate_series($2::int + 1, $3::int) i`,
        [account, have, size],
      );
      have = size;
      await pool.query('VACUUM ANALYZE checks');
      for (const due of DUES) {
        for (const stale of STALES) {
          const times: number[] = [];
          for (let r = 0; r < RUNS; r++) {
            const client = await pool.connect();
            try {
              await client.query('BEGIN');
              if (due > 0) {
                await client.query(
                  `UPDATE checks SET next_deadline = now() - interval '1 minute' WHERE id IN (SELECT id FROM checks ORDER BY id LIMIT $1)`,
                  [due],
                );
              }
              if (stale > 0) {
                await client.query(
                  `UPDATE checks SET sweep_at = now() - interval '1 minute'
                    WHERE id IN (SELECT id FROM checks ORDER BY id DESC LIMIT $1)`,
                  [stale],
                );
              }
              const t = performance.now();
              const claimed = await claimDueChecks(client, new Date(), Math.max(due, stale, 1));
              times.push(performance.now() - t);
              if (claimed.length !== due)
                throw new Error(`claimed ${claimed.length}, expected ${due}`);
              const { rows: left } = await client.query<{ n: number }>(
                `SELECT count(*)::int AS n FROM checks WHERE sweep_at <= now()`,
              );
              if (left[0]!.n !== due) throw new Error(`${left[0]!.n - due} bounds not re-armed`);
            } finally {
              await client.query('ROLLBACK');
              client.release();
            }
          }
          const ms = median(times);
          const per = due + stale ? `${((ms * 1000) / (due + stale)).toFixed(1)} µs` : '-';
          console.log(
            `${String(size).padStart(9)}  ${String(due).padStart(5)}  ${String(stale).padStart(5)}   ${ms.toFixed(2).padStart(8)} ms      ${per}`,
          );
        }
      }
    }
  } finally {
    await pool.end();
    await db.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
