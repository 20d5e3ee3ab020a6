// Failover (issue 15): a pg_auto_failover formation (monitor + two nodes, synchronous
// replication), two fronts and two backs on the multi-host DATABASE_URL with
// target_session_attrs=read-write. The primary is killed with SIGKILL during a ping flood and
// an alert burst. Figures: acknowledged pings lost (goal 0: commits are synchronous), seconds
// without a writable database, seconds until both fronts answer 2xx again, alerts lost (goal
// 0) and duplicated (with their ids). The killed node is started again and rejoins as the
// standby, so runs alternate the primary.
//   npx tsx scripts/chaos/failover.ts    CHAOS_RUNS=2, CHAOS_KILL=node|postgres (default node)
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';
import { freePort, spawnCli, type Cli } from '../../test/helpers/process.js';
import { startHttpReceiver } from '../../test/helpers/receivers.js';
import {
  FORMATION_URL,
  formation,
  kill,
  nodeUrl,
  NODES,
  primary,
  restart,
  settled,
  stopFormation,
  type NodeName,
} from './formation.js';
import {
  alive,
  foundPings,
  knob,
  migrated,
  pingFlood,
  query,
  ROLE_ENV,
  scenario,
  seedChecks,
  seedDue,
  tallyAlerts,
  until,
} from './lib.js';

const BURST = knob('CHAOS_BURST', 1000);
const DUE_LATER = knob('CHAOS_DUE_LATER', 200);

/** One row that commits within 2 s (synchronously replicated while a standby is attached). */
async function writable(name: NodeName): Promise<boolean> {
  const client = new pg.Client({
    connectionString: nodeUrl(name),
    connectionTimeoutMillis: 1000,
    // Client-side: a COMMIT that waits for a synchronous standby that is gone counts as "not
    // writable" (a server-side statement_timeout would cancel the wait and report success).
    query_timeout: 2000,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    // A real row: pg_auto_failover keeps a promoted node read-only (default_transaction_read_only)
    // until the monitor confirms the promotion, and txid_current() would not notice.
    await client.query('INSERT INTO chaos_probe DEFAULT VALUES');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The node that takes writes now. */
async function writerNow(): Promise<NodeName> {
  for (const name of NODES) if (await writable(name)) return name;
  throw new Error('no writable node');
}

/** A fresh cronwatch schema on the formation, migrated through the multi-host URL. */
async function freshDatabase(writer: NodeName): Promise<void> {
  await query(nodeUrl(writer), 'DROP SCHEMA public CASCADE; CREATE SCHEMA public');
  await migrated(FORMATION_URL);
  await query(nodeUrl(writer), 'CREATE TABLE chaos_probe (at timestamptz DEFAULT now())');
}

function roles(): { fronts: Cli[]; backs: Cli[]; ports: Promise<number[]> } {
  const env = { ...ROLE_ENV, DATABASE_URL: FORMATION_URL };
  const backs = [spawnCli(['back'], env), spawnCli(['back'], env)];
  const fronts: Cli[] = [];
  const ports = (async () => {
    const list = [await freePort(), await freePort()];
    for (const port of list) {
      fronts.push(spawnCli(['front'], { ...env, PORT: String(port), HOST: '127.0.0.1' }));
    }
    return list;
  })();
  return { fronts, backs, ports };
}

interface Run {
  killed: NodeName;
  acked: number;
  found: number;
  unwritableS: number;
  frontsOkS: number;
  expected: number;
  tally: Awaited<ReturnType<typeof tallyAlerts>>;
  faults: string[];
  crashed: string[];
  answered503: number;
  slowestMs: number;
}

async function oneRun(what: 'node' | 'postgres'): Promise<Run> {
  const killed = await primary();
  await freshDatabase(killed);
  const webhook = await startHttpReceiver();
  const { fronts, backs, ports: portsReady } = roles();
  const ports = await portsReady;
  const uuids = await seedChecks(nodeUrl(killed), 20);
  const floods = ports.map((port) => pingFlood([port], uuids, 4, `f${port}`));
  for (const f of floods) {
    if (!(await f.okAfter(0, 90_000))) throw new Error('a front never answered 2xx');
  }
  // The burst: overdue now, and more falling due while the database is away.
  const hook = `${webhook.url}/hook`;
  await seedDue(nodeUrl(killed), { n: BURST, dueInMs: -60_000, webhookUrl: hook, prefix: 'burst' });
  await seedDue(nodeUrl(killed), {
    n: DUE_LATER,
    dueInMs: 8000,
    webhookUrl: hook,
    prefix: 'later',
  });
  await until(() => webhook.requests.length > 0, 30_000, 50);
  const killAt = Date.now();
  kill(killed, what);
  let writableAt = 0;
  const probe = (async () => {
    while (!writableAt && Date.now() - killAt < 300_000) {
      for (const name of NODES) if (!writableAt && (await writable(name))) writableAt = Date.now();
      if (!writableAt) await delay(250);
    }
  })();
  await probe;
  // Backends of a killed postmaster can still answer for a moment: wait past the outage.
  const frontsOk = await Promise.all(floods.map((f) => f.recovered(killAt, 300_000)));
  const frontsOkAt = Math.max(...floods.map((f) => f.recoveredAfter(killAt) ?? f.lastOk()));
  await Promise.all(floods.map((f) => f.stop()));
  const writer = await writerNow();
  const expected = BURST + DUE_LATER;
  await until(
    async () => {
      const t = await tallyAlerts(nodeUrl(writer), webhook.requests);
      return t.notifications >= expected && t.sent === t.notifications;
    },
    180_000,
    1000,
  );
  await delay(2000);
  const crashed = [...fronts, ...backs].filter((c) => !alive(c)).map((c) => `pid ${c.pid}`);
  await Promise.all([...fronts, ...backs].map((c) => c.stop()));
  const acked = new Set(floods.flatMap((f) => [...f.acked]));
  const run: Run = {
    killed,
    acked: acked.size,
    found: await foundPings(nodeUrl(writer), acked),
    unwritableS: writableAt ? (writableAt - killAt) / 1000 : Infinity,
    frontsOkS: frontsOk.every(Boolean) ? (frontsOkAt - killAt) / 1000 : Infinity,
    expected,
    tally: await tallyAlerts(nodeUrl(writer), webhook.requests),
    faults: floods.flatMap((f) => f.faults),
    crashed,
    answered503: floods.reduce((n, f) => n + (f.statuses.get(503) ?? 0), 0),
    slowestMs: Math.max(...floods.map((f) => f.slowestMs)),
  };
  await webhook.close();
  // The killed node comes back as the standby of the new primary.
  if (what === 'node') restart(killed);
  if (!(await settled(300_000))) throw new Error('the formation did not settle after the run');
  return run;
}

await scenario('failover', async () => {
  const runs = knob('CHAOS_RUNS', 2);
  const what = process.env.CHAOS_KILL === 'postgres' ? 'postgres' : 'node';
  await formation();
  const results: Run[] = [];
  try {
    for (let i = 0; i < runs; i++) results.push(await oneRun(what));
  } finally {
    if (process.env.CHAOS_PAF_KEEP !== '1') await stopFormation();
  }
  const sum = (f: (r: Run) => number) => results.reduce((a, r) => a + f(r), 0);
  const max = (f: (r: Run) => number) => Math.max(...results.map(f));
  const lostPings = sum((r) => r.acked - r.found);
  const lostAlerts = sum(
    (r) => r.tally.lost.length + Math.max(0, r.expected - r.tally.notifications),
  );
  const duplicated = results.flatMap((r) => r.tally.duplicated);
  const faults = results.flatMap((r) => r.faults);
  const crashed = results.flatMap((r) => r.crashed);
  const figures =
    `kill=${what} runs=${runs} acked=${sum((r) => r.acked)} found=${sum((r) => r.found)} ` +
    `lost=${lostPings} unwritable_s=${results.map((r) => r.unwritableS.toFixed(1)).join('/')} ` +
    `fronts_2xx_after_s=${results.map((r) => r.frontsOkS.toFixed(1)).join('/')} ` +
    `alerts=${sum((r) => r.expected)} sent=${sum((r) => r.tally.received)} lost=${lostAlerts} ` +
    `duplicated=${duplicated.length} ` +
    `503s=${sum((r) => r.answered503)} slowest_answer_ms=${max((r) => r.slowestMs)} ` +
    `faults=${faults.length} crashed=${crashed.length}`;
  return {
    figures,
    ok:
      lostPings === 0 &&
      lostAlerts === 0 &&
      faults.length === 0 &&
      crashed.length === 0 &&
      max((r) => r.frontsOkS) < Infinity,
    details: [...faults.slice(0, 5), ...crashed],
    notes: [
      `killed: ${results.map((r) => r.killed).join(', ')}`,
      ...(duplicated.length ? [`duplicated ids: ${duplicated.join(' ')}`] : []),
    ],
  };
});
