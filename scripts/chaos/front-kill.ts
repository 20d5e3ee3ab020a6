// Front SIGKILL during a ping flood, again and again (invariant 1): every ping that got a
// 2xx is in the database. Pings that got no answer may or may not be there.
//   npx tsx scripts/chaos/front-kill.ts          (CHAOS_RUNS=20 by default)
import { setTimeout as delay } from 'node:timers/promises';
import { startPgServer } from '../../test/helpers/pg-server.js';
import { freePort, spawnCli } from '../../test/helpers/process.js';
import { foundPings, knob, migrated, pingFlood, scenario, seedChecks } from './lib.js';

await scenario('front-kill', async () => {
  const runs = knob('CHAOS_RUNS', 20);
  const server = await startPgServer();
  await migrated(server.url);
  const uuids = await seedChecks(server.url, 20);
  const acked = new Set<string>();
  const faults: string[] = [];
  for (let run = 0; run < runs; run++) {
    const port = await freePort();
    const front = spawnCli(['front'], {
      DATABASE_URL: server.url,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
    });
    // No back runs here, so /healthz stays 503: the first acknowledged ping says it is up.
    const flood = pingFlood([port], uuids, 16, `r${run}`);
    if (!(await flood.okAfter(0, 60_000))) throw new Error(`front ${run} never answered 2xx`);
    // Somewhere in the middle of group-commit batches.
    await delay(200 + Math.random() * 1300);
    process.kill(front.pid, 'SIGKILL');
    await front.exited;
    await flood.stop();
    for (const body of flood.acked) acked.add(body);
    faults.push(...flood.faults);
  }
  const found = await foundPings(server.url, acked);
  const lost = acked.size - found;
  return {
    figures: `runs=${runs} acked=${acked.size} found=${found} lost=${lost} faults=${faults.length}`,
    ok: lost === 0 && faults.length === 0 && acked.size > 0,
    details: faults.slice(0, 5),
  };
});
