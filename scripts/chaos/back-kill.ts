// A back killed with SIGKILL again and again during a burst of alerts (scaled up from
// test/back/processes.test.ts): one down flip per check, every alert delivered, and a
// duplicate (the price of at-least-once delivery) carries the id of the alert it repeats.
//   npx tsx scripts/chaos/back-kill.ts    CHAOS_BURST=10000 alerts, CHAOS_KILLS=20
import { setTimeout as delay } from 'node:timers/promises';
import { startPgServer } from '../../test/helpers/pg-server.js';
import { spawnCli, type Cli } from '../../test/helpers/process.js';
import { startHttpReceiver } from '../../test/helpers/receivers.js';
import {
  alive,
  knob,
  migrated,
  query,
  ROLE_ENV,
  scenario,
  seedDue,
  tallyAlerts,
  until,
} from './lib.js';

async function registered(url: string, back: Cli): Promise<boolean> {
  const rows = await query(url, `SELECT 1 FROM back_instances WHERE pid = $1`, [back.pid]);
  return rows.length === 1 || !alive(back);
}

await scenario('back-kill', async () => {
  const burst = knob('CHAOS_BURST', 10_000);
  const kills = knob('CHAOS_KILLS', 20);
  const server = await startPgServer();
  await migrated(server.url);
  const hook = await startHttpReceiver();
  hook.respond = async () => {
    await delay(Math.random() * 20);
    return 200;
  };
  await seedDue(server.url, { n: burst, dueInMs: -60_000, webhookUrl: hook.url, prefix: 'job' });
  const env = {
    ...ROLE_ENV,
    DATABASE_URL: server.url,
    SWEEP_BATCH_SIZE: '200',
    DISPATCH_TIMEOUT_SECONDS: '2',
    DISPATCH_LEASE_SECONDS: '4',
    RETRY_BASE_SECONDS: '1',
  };
  const started = Date.now();
  let midWork = 0;
  for (let i = 0; i < kills; i++) {
    const back = spawnCli(['back'], env);
    await until(() => registered(server.url, back), 60_000, 20);
    await delay(Math.random() * 2000);
    if (!alive(back)) throw new Error(`back ${back.pid} exited on its own`);
    process.kill(back.pid, 'SIGKILL');
    await back.exited;
    const [p] = await query<{ pending: number; unswept: number }>(
      server.url,
      `SELECT (SELECT count(*)::int FROM notifications WHERE state = 'pending') AS pending,
              (SELECT count(*)::int FROM checks WHERE status <> 'down') AS unswept`,
    );
    if (p!.pending + p!.unswept > 0) midWork++;
  }
  const last = spawnCli(['back'], env);
  const done = await until(
    async () => {
      const t = await tallyAlerts(server.url, hook.requests);
      return t.notifications === burst && t.sent === burst;
    },
    600_000,
    1000,
  );
  const seconds = (Date.now() - started) / 1000;
  await delay(1000);
  await last.stop();
  const tally = await tallyAlerts(server.url, hook.requests);
  const [flips] = await query<{ n: number; checks: number }>(
    server.url,
    `SELECT count(*)::int AS n, count(DISTINCT check_id)::int AS checks FROM flips`,
  );
  return {
    figures:
      `kills=${kills} mid_work=${midWork} alerts=${burst} notifications=${tally.notifications} ` +
      `sent=${tally.received} lost=${tally.lost.length} duplicated=${tally.duplicated.length} ` +
      `deliveries=${hook.requests.length} flips=${flips!.n}/${flips!.checks} checks seconds=${seconds.toFixed(0)}`,
    ok:
      done &&
      tally.lost.length === 0 &&
      flips!.n === burst &&
      flips!.checks === burst &&
      tally.strangers === 0 &&
      midWork > 0,
    notes: tally.duplicated.length ? [`duplicated ids: ${tally.duplicated.join(' ')}`] : [],
  };
});
