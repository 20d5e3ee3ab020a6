// How long the dashboard's pages take for an account with many checks (issue #8: "stays fast
// with 10,000 checks in an account"). Server time as seen over loopback: the request's round
// trip to a front in this process, on its own embedded PostgreSQL.
//
//   npx tsx scripts/bench-dashboard.ts [--checks 10000] [--runs 50] [--jobs 10000]
//   npm run bench:dashboard
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.js';
import { insertApiKey } from '../src/db/api-keys.js';
import { seedJobs } from './bench-dashboard-jobs.js';
import { openBenchDatabase } from './bench-db.js';
import { createPool } from '../src/db/pool.js';
import { hashKey, keyPrefix } from '../src/domain/api-key.js';
import { addressResolver } from '../src/front/address.js';
import { createApp } from '../src/front/app.js';
import { createLogger } from '../src/log.js';

const { values: args } = parseArgs({
  options: {
    checks: { type: 'string', default: '10000' },
    runs: { type: 'string', default: '50' },
    jobs: { type: 'string', default: '10000' },
  },
});
const CHECKS = Number(args.checks);
const RUNS = Number(args.runs);

function quantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * q))]!;
}

async function main() {
  const db = await openBenchDatabase('dashboard');
  const pool = createPool(db.url, 10, () => undefined);
  let server: http.Server | undefined;
  try {
    const { rows } = await pool.query<{ id: number }>(
      `INSERT INTO accounts (name) VALUES ('bench') RETURNING id`,
    );
    const account = rows[0]!.id;
    // A tenth down, a few late, the rest up; seven tags; a 90-day flip history on each
    // down check; 20 pings on the first check.
    await pool.query(
      `INSERT INTO checks (account_id, name, kind, period, grace, status, next_deadline, tags, last_ping_at,
                           created_at, ping_count, last_duration)
       SELECT $1, 'job-' || lpad(i::text, 6, '0'), 'simple', 3600, 600,
              CASE WHEN i % 10 = 0 THEN 'down' ELSE 'up' END,
              CASE WHEN i % 10 = 0 THEN NULL WHEN i % 25 = 1 THEN now() + interval '5 minutes'
                   ELSE now() + interval '50 minutes' END,
              ARRAY['team-' || (i % 7), 'env-' || (i % 3)], now() - interval '20 minutes',
              now() - interval '120 days', 20, 1.5
         FROM generate_series(1, $2::int) i`,
      [account, CHECKS],
    );
    await pool.query(
      `INSERT INTO flips (check_id, created_at, from_status, to_status, reason)
       SELECT c.id, now() - (d || ' days')::interval, CASE WHEN d % 2 = 0 THEN 'up' ELSE 'down' END,
              CASE WHEN d % 2 = 0 THEN 'down' ELSE 'up' END, ''
         FROM checks c, generate_series(1, 89, 8) d WHERE c.status = 'down'`,
    );
    await pool.query(
      `INSERT INTO pings (check_id, n, created_at, kind, address, method, user_agent, body)
       SELECT (SELECT min(id) FROM checks), n, now() - n * interval '1 hour', 'success', '10.0.0.1', 'GET', 'curl/8', 'ok'
         FROM generate_series(1, 20) n`,
    );
    await pool.query(
      `INSERT INTO status_pages (account_id, slug, tag) VALUES ($1, 'bench', 'team-3')`,
      [account],
    );
    const jobPages = await seedJobs(pool, account, Number(args.jobs));
    await pool.query('VACUUM ANALYZE');
    const key = randomBytes(24).toString('base64url');
    await insertApiKey(pool, {
      accountId: account,
      scope: 'write',
      prefix: keyPrefix(key),
      hash: hashKey(key),
      name: 'bench',
    });
    const config = loadConfig({ LOG_LEVEL: 'silent', DATABASE_URL: db.url }, false);
    const app = createApp({
      pool,
      config,
      logger: createLogger(config),
      clock: () => new Date(),
      addressOf: addressResolver([]),
    });
    server = http.createServer(app);
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const form = await fetch(`${base}/login`);
    const loginCookie = /cw_login=[^;]+/.exec(form.headers.get('set-cookie') ?? '')![0];
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!;
    const signed = await fetch(`${base}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: loginCookie },
      body: new URLSearchParams({ _csrf: csrf, key }).toString(),
    });
    const session = /cw_session=[^;]+/.exec(signed.headers.get('set-cookie') ?? '')![0];
    const { rows: first } = await pool.query<{ uuid: string }>(
      `SELECT uuid::text FROM checks WHERE account_id = $1 ORDER BY name LIMIT 1`,
      [account],
    );

    console.log(
      `command:  npx tsx scripts/bench-dashboard.ts --checks ${CHECKS} --runs ${RUNS} --jobs ${args.jobs}`,
    );
    console.log(
      `machine:  ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), node ${process.version}, embedded PostgreSQL`,
    );
    console.log(
      `account:  ${CHECKS} checks, one request at a time, ${RUNS} runs each after 5 warm-up runs`,
    );
    console.log('');
    console.log('page                                    bytes      p50       p95');
    const pages = [
      '/dashboard',
      '/dashboard?page=100',
      '/dashboard?status=down&page=10',
      '/dashboard?tag=team-3',
      '/dashboard?q=job-0042',
      '/dashboard?q=team-3',
      '/dashboard?sort=status',
      '/dashboard?sort=last&page=100',
      '/dashboard/status.json',
      `/dashboard/checks/${first[0]!.uuid}`,
      `/dashboard/checks/${first[0]!.uuid}/edit`,
      '/dashboard/checks/new',
      '/dashboard/channels',
      '/dashboard/keys',
      '/status/bench',
      ...jobPages,
    ];
    for (const page of pages) {
      const times: number[] = [];
      let bytes = 0;
      for (let r = 0; r < RUNS + 5; r++) {
        const t = performance.now();
        const res = await fetch(base + page, { headers: { cookie: session } });
        const text = await res.text();
        const ms = performance.now() - t;
        if (res.status !== 200) throw new Error(`${page}: ${res.status} ${text.slice(0, 200)}`);
        bytes = Buffer.byteLength(text);
        if (r >= 5) times.push(ms);
      }
      console.log(
        `${page.slice(0, 38).padEnd(38)} ${String(bytes).padStart(7)} ${quantile(times, 0.5).toFixed(1).padStart(7)} ms ${quantile(times, 0.95).toFixed(1).padStart(6)} ms`,
      );
    }
  } finally {
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    await pool.end();
    await db.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
