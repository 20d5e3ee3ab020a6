// Every back stopped for minutes with 500 recurring jobs (issue 12 "Tests"): meanwhile the
// jobs' checks go down (the sweep, run here in this process as by a back whose trigger is
// off: with every back stopped nothing would sweep); on restart each job catches up at most
// one run (`latest`), the older scheduled times are recorded as missed, and every chain goes
// on. Jobs run every 10 s with a 20 s minimum grace, so a 90 s stop is several periods and
// past every check's deadline.
//   npx tsx scripts/chaos/jobs-stopped.ts    CHAOS_JOBS=500 CHAOS_STOP_SECONDS=90
import { setTimeout as delay } from 'node:timers/promises';
import { sweepOnce } from '../../src/back/sweep.js';
import { loadConfig } from '../../src/config.js';
import { createJob } from '../../src/db/job-write.js';
import { createPool, transaction } from '../../src/db/pool.js';
import { createLogger } from '../../src/log.js';
import { createTransports } from '../../src/notify/transports.js';
import { startPgServer } from '../../test/helpers/pg-server.js';
import { spawnCli, type Cli } from '../../test/helpers/process.js';
import { startHttpReceiver } from '../../test/helpers/receivers.js';
import { deliveriesByRunId } from './jobs-lib.js';
import { knob, migrated, query, ROLE_ENV, scenario } from './lib.js';

const PERIOD_S = 10;

await scenario('jobs-stopped', async () => {
  const n = knob('CHAOS_JOBS', 500);
  const stopSeconds = knob('CHAOS_STOP_SECONDS', 90);
  const server = await startPgServer();
  await migrated(server.url);
  const rx = await startHttpReceiver();
  const config = loadConfig({ ...ROLE_ENV, DATABASE_URL: server.url, LOG_LEVEL: 'silent' }, false);
  const pool = createPool(server.url, 4, () => undefined);
  const deps = {
    pool,
    config,
    logger: createLogger(config),
    transports: createTransports(config),
    clock: () => new Date(),
    random: Math.random,
  };
  try {
    const [account] = await query<{ id: number }>(
      server.url,
      `INSERT INTO accounts (name) VALUES ('chaos-stopped') RETURNING id`,
    );
    const grace = { percent: 10, minSeconds: 20, maxSeconds: 3600 };
    for (let i = 0; i < n; i++)
      await transaction(pool, (c) =>
        createJob(
          c,
          account!.id,
          {
            name: `every-${i}`,
            tags: [],
            schedule: { kind: 'every', seconds: PERIOD_S },
            start: null,
            end: null,
            kind: 'http',
            settings: {
              method: 'POST',
              url: `${rx.url}/s`,
              headers: {},
              body: 'x',
              expectedStatuses: [],
            },
            timeoutMs: 2000,
            maxAttempts: 5,
            overlap: 'skip',
            catchUp: 'latest',
            startingDeadline: null,
            secret: null,
          },
          new Date(),
          grace,
        ),
      );
    const env = { ...ROLE_ENV, DATABASE_URL: server.url };
    let backs: Cli[] = [spawnCli(['back'], env), spawnCli(['back'], env)];
    await delay(25_000);
    await Promise.all(backs.map((b) => b.stop()));
    const stoppedAt = new Date();
    // Meanwhile: the sweep alone.
    while (Date.now() < stoppedAt.getTime() + stopSeconds * 1000) {
      await sweepOnce(deps, new Date());
      await delay(1000);
    }
    const [down] = await query<{ n: number }>(
      server.url,
      `SELECT count(DISTINCT f.check_id)::int AS n FROM flips f JOIN jobs j ON j.check_id = f.check_id
        WHERE f.to_status = 'down' AND f.created_at >= $1`,
      [stoppedAt],
    );
    const restartedAt = new Date();
    const deliveredBefore = rx.requests.length;
    backs = [spawnCli(['back'], env), spawnCli(['back'], env)];
    await delay(15_000);
    await Promise.all(backs.map((b) => b.stop()));
    // Per job: the scheduled times during the stop that ran (catch-up) or were missed.
    const perJob = await query<{ ran: number; missed: number; pending: number; up: boolean }>(
      server.url,
      `SELECT count(*) FILTER (WHERE t.scheduled_for BETWEEN $1 AND $2 AND t.first_started_at IS NOT NULL)::int AS ran,
              count(*) FILTER (WHERE t.scheduled_for BETWEEN $1 AND $2 AND t.state = 'missed')::int AS missed,
              count(*) FILTER (WHERE t.state = 'pending')::int AS pending,
              bool_and(c.status = 'up') AS up
         FROM jobs j JOIN ticks t ON t.job_id = j.id JOIN checks c ON c.id = j.check_id
        GROUP BY j.id`,
      [stoppedAt, restartedAt],
    );
    const most = Math.max(...perJob.map((j) => j.ran));
    const once = perJob.filter((j) => j.ran === 1).length;
    const missed = perJob.reduce((a, j) => a + j.missed, 0);
    const broken = perJob.filter((j) => j.pending !== 1).length;
    const recovered = perJob.filter((j) => j.up).length;
    const dup = [...deliveriesByRunId(rx).values()].filter((at) => at.length > 1).length;
    return {
      figures:
        `jobs=${n} stop=${stopSeconds}s checks_down_meanwhile=${down!.n} catch_up_runs_max=${most} ` +
        `jobs_with_one_catch_up=${once} missed=${missed} chains_broken=${broken} checks_up_after=${recovered} ` +
        `deliveries=${deliveredBefore}+${rx.requests.length - deliveredBefore} duplicates=${dup}`,
      ok:
        perJob.length === n &&
        down!.n === n &&
        most <= 1 &&
        missed >= n * (Math.floor(stopSeconds / PERIOD_S) - 2) &&
        broken === 0 &&
        dup === 0,
    };
  } finally {
    await pool.end();
  }
});
