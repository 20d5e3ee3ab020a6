// The jobs engine with backs killed (issue 12 "Tests"): 3 back processes, 10,000 one-off
// ticks due over 60 s, one back SIGKILLed every 10 s and restarted. No tick is lost, each
// ends in one final state; a duplicate delivery is a request in flight (or ended but not
// yet recorded) at a kill, attempted again after its lease with the same Run-Id.
//   npx tsx scripts/chaos/jobs-kill.ts    CHAOS_JOB_TICKS=10000 CHAOS_JOB_SECONDS=60 CHAOS_KILL_EVERY=10
import { setTimeout as delay } from 'node:timers/promises';
import { startPgServer } from '../../test/helpers/pg-server.js';
import { spawnCli, type Cli } from '../../test/helpers/process.js';
import { startHttpReceiver } from '../../test/helpers/receivers.js';
import { deliveriesByRunId, seedOneOffs } from './jobs-lib.js';
import { knob, migrated, query, ROLE_ENV, scenario, until } from './lib.js';

/** The job's time limit: its lease is this plus the 10 s margin. */
const TIMEOUT_MS = 2000;

await scenario('jobs-kill', async () => {
  const ticks = knob('CHAOS_JOB_TICKS', 10_000);
  const seconds = knob('CHAOS_JOB_SECONDS', 60);
  const every = knob('CHAOS_KILL_EVERY', 10);
  const server = await startPgServer();
  await migrated(server.url);
  const rx = await startHttpReceiver();
  // Answers take up to 100 ms, so every kill lands on requests in flight.
  rx.respond = async () => {
    await delay(Math.random() * 100);
    return 200;
  };
  const env = { ...ROLE_ENV, DATABASE_URL: server.url };
  const backs: Cli[] = [0, 1, 2].map(() => spawnCli(['back'], env));
  await seedOneOffs(server.url, ticks, `${rx.url}/k`, 1000, seconds * 1000, TIMEOUT_MS);
  const started = Date.now();
  const kills: number[] = [];
  for (let t = every; t < seconds; t += every) {
    await delay(started + t * 1000 - Date.now());
    const i = kills.length % backs.length;
    process.kill(backs[i]!.pid, 'SIGKILL');
    kills.push(Date.now());
    await backs[i]!.exited;
    backs[i] = spawnCli(['back'], env);
  }
  const done = await until(
    async () => {
      const [r] = await query<{ n: number }>(
        server.url,
        `SELECT count(*)::int AS n FROM ticks WHERE state IN ('pending', 'running')`,
      );
      return r!.n === 0;
    },
    seconds * 1000 + 120_000,
    500,
  );
  const took = (Date.now() - started) / 1000;
  await Promise.all(backs.map((b) => b.stop()));
  const rows = await query<{ run_id: string; state: string; attempts: number }>(
    server.url,
    'SELECT run_id, state, attempts FROM ticks',
  );
  const byState = new Map<string, number>();
  for (const r of rows) byState.set(r.state, (byState.get(r.state) ?? 0) + 1);
  const runIds = new Set(rows.map((r) => r.run_id));
  const seen = deliveriesByRunId(rx);
  const duplicates = [...seen].filter(([, at]) => at.length > 1);
  const strangers = [...seen.keys()].filter((id) => !runIds.has(id)).length;
  const undelivered = rows.filter((r) => !seen.has(r.run_id)).length;
  // In flight at a kill: its first delivery came before a kill, within a time limit of it
  // (plus the time a record takes under load).
  const atKill = (first: number) => kills.some((k) => first <= k && k - first < TIMEOUT_MS + 5000);
  const unexplained = duplicates.filter(([, at]) => !atKill(at[0]!)).map(([id]) => id);
  const reattempted = rows.filter((r) => r.attempts > 1).length;
  return {
    figures:
      `ticks=${rows.length} succeeded=${byState.get('succeeded') ?? 0} kills=${kills.length} ` +
      `deliveries=${rx.requests.length} duplicates=${duplicates.length} re-attempted=${reattempted} ` +
      `undelivered=${undelivered} strangers=${strangers} not_at_a_kill=${unexplained.length} seconds=${took.toFixed(0)}`,
    ok:
      done &&
      rows.length === ticks &&
      byState.get('succeeded') === ticks &&
      undelivered === 0 &&
      strangers === 0 &&
      unexplained.length === 0 &&
      duplicates.length <= reattempted,
    notes: duplicates.length
      ? [
          `duplicate Run-Ids (deliveries): ${duplicates
            .map(([id, at]) => `${id} (${at.length})`)
            .join(' ')}`,
        ]
      : [],
    details: unexplained.length ? [`duplicates not at a kill: ${unexplained.join(' ')}`] : [],
  };
});
