// PostgreSQL killed (SIGKILL of the postmaster) during a ping flood, repeatedly, for an
// external server (restarted by us after CHAOS_DOWN_MS, as an operator or systemd would) and
// for the embedded one under `cronwatch start` (which must heal it by itself). While it is
// down the front answers 503 with Retry-After (never a hang, never a crash); afterwards it
// recovers unaided, no acknowledged ping is lost, and the back sends the alerts that fell due
// meanwhile, once each.
//   npx tsx scripts/chaos/pg-kill.ts     CHAOS_RUNS=5 per kind, CHAOS_DOWN_MS=5000
import { setTimeout as delay } from 'node:timers/promises';
import { startPgServer } from '../../test/helpers/pg-server.js';
import {
  embeddedUrl,
  freePort,
  isAlive,
  postgresPid,
  spawnCli,
  tempDataDir,
  waitForHealthy,
  type Cli,
} from '../../test/helpers/process.js';
import { startHttpReceiver } from '../../test/helpers/receivers.js';
import {
  alive,
  foundPings,
  knob,
  migrated,
  pingFlood,
  ROLE_ENV,
  scenario,
  seedChecks,
  seedDue,
  tallyAlerts,
  until,
} from './lib.js';

interface Target {
  kind: string;
  url(): Promise<string>;
  /** The processes under test, started on the database. */
  start(): Promise<{ processes: Cli[]; port: number }>;
  kill(): Promise<void>;
  /** Brings the database back after CHAOS_DOWN_MS; absent when cronwatch must do it itself. */
  revive?(): Promise<void>;
}

async function external(): Promise<Target> {
  const server = await startPgServer();
  await migrated(server.url);
  return {
    kind: 'external',
    url: async () => server.url,
    async start() {
      const port = await freePort();
      const env = { ...ROLE_ENV, DATABASE_URL: server.url };
      const back = spawnCli(['back'], env);
      const front = spawnCli(['front'], { ...env, PORT: String(port), HOST: '127.0.0.1' });
      return { processes: [front, back], port };
    },
    kill: () => server.stop('kill'),
    revive: () => server.start(),
  };
}

async function embedded(): Promise<Target> {
  const dataDir = await tempDataDir();
  return {
    kind: 'embedded',
    url: () => embeddedUrl(dataDir),
    async start() {
      const port = await freePort();
      const env = { ...ROLE_ENV, CRONWATCH_DATA_DIR: dataDir };
      const cli = spawnCli(['start'], { ...env, PORT: String(port), HOST: '127.0.0.1' });
      // It runs a back too, so /healthz turns 200 once everything is up and migrated.
      await waitForHealthy(cli, port, 120_000);
      return { processes: [cli], port };
    },
    async kill() {
      const pid = await postgresPid(dataDir);
      if (!pid) throw new Error('no embedded postmaster');
      process.kill(pid, 'SIGKILL');
      while (isAlive(pid)) await delay(20);
    },
  };
}

interface Figures {
  acked: number;
  found: number;
  answered503: number;
  faults: string[];
  slowestMs: number;
  recoverS: number[];
  alertsDue: number;
  tally: Awaited<ReturnType<typeof tallyAlerts>>;
  crashed: boolean;
}

async function outages(target: Target, runs: number, downMs: number): Promise<Figures> {
  const webhook = await startHttpReceiver();
  const { processes, port } = await target.start();
  const uuids = await seedChecks(await target.url(), 10);
  const flood = pingFlood([port], uuids, 4, target.kind);
  if (!(await flood.okAfter(0, 120_000))) throw new Error(`${target.kind}: no 2xx`);
  const recoverS: number[] = [];
  for (let run = 0; run < runs; run++) {
    // Falls due while the database is away.
    const hook = `${webhook.url}/hook`;
    await seedDue(await target.url(), {
      n: 20,
      dueInMs: 1500,
      webhookUrl: hook,
      prefix: `r${run}`,
    });
    await delay(500);
    const killAt = Date.now();
    await target.kill();
    if (target.revive) {
      await delay(downMs);
      await target.revive();
    }
    // Not okAfter: backends of a killed postmaster may still answer for a moment.
    if (!(await flood.recovered(killAt, 120_000))) throw new Error('no recovery');
    recoverS.push(((flood.recoveredAfter(killAt) ?? flood.lastOk()) - killAt) / 1000);
    await delay(1000);
  }
  const alertsDue = runs * 20;
  const url = await target.url();
  await until(async () => {
    const t = await tallyAlerts(url, webhook.requests);
    return t.notifications >= alertsDue && t.sent === t.notifications;
  }, 60_000);
  await delay(1000);
  await flood.stop();
  const crashed = processes.some((p) => !alive(p));
  // Counted before the processes stop: `cronwatch start` stops its embedded server with it.
  const result: Figures = {
    acked: flood.acked.size,
    found: await foundPings(url, flood.acked),
    answered503: flood.statuses.get(503) ?? 0,
    faults: flood.faults,
    slowestMs: flood.slowestMs,
    recoverS,
    alertsDue,
    tally: await tallyAlerts(url, webhook.requests),
    crashed,
  };
  for (const p of processes) await p.stop();
  await webhook.close();
  return result;
}

await scenario('pg-kill', async () => {
  const runs = knob('CHAOS_RUNS', 5);
  const downMs = knob('CHAOS_DOWN_MS', 5000);
  const lines: string[] = [];
  let ok = true;
  const details: string[] = [];
  for (const make of [external, embedded]) {
    const target = await make();
    const f = await outages(target, runs, downMs);
    const lostAlerts = f.tally.lost.length + Math.max(0, f.alertsDue - f.tally.notifications);
    const good =
      f.acked === f.found &&
      f.faults.length === 0 &&
      !f.crashed &&
      f.answered503 > 0 &&
      f.slowestMs < 10_000 &&
      lostAlerts === 0 &&
      f.tally.duplicated.length === 0;
    ok &&= good;
    lines.push(
      `${target.kind}: runs=${runs} acked=${f.acked} found=${f.found} lost=${f.acked - f.found} ` +
        `503s=${f.answered503} faults=${f.faults.length} slowest_ms=${f.slowestMs} ` +
        `recover_s=${f.recoverS.map((s) => s.toFixed(1)).join('/')} alerts_due=${f.alertsDue} ` +
        `sent=${f.tally.received} lost=${lostAlerts} duplicated=${f.tally.duplicated.length}` +
        (f.crashed ? ' CRASHED' : ''),
    );
    details.push(...f.faults.slice(0, 5), ...f.tally.duplicated.map((id) => `duplicate ${id}`));
  }
  return { figures: lines.join(' | '), ok, details };
});
