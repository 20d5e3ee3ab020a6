// The SMTP server and the webhook receiver down for a while (real smtp-server and HTTP
// receiver on 127.0.0.1, closed, then opened again on the same ports) while checks go down
// and come back up: every alert is delivered after they return, once per notification id,
// and in order per check and transport (a "down" never arrives after the "up" that ended it).
// Time is scaled: RETRY_BASE_SECONDS=3 (default 30) and an outage of CHAOS_DOWN_S=60 s
// stand for a 10-minute outage under the default retry settings (same number of attempts).
//   npx tsx scripts/chaos/notify-outage.ts     CHAOS_CHECKS=50, CHAOS_DOWN_S=60
import { setTimeout as delay } from 'node:timers/promises';
import { startPgServer } from '../../test/helpers/pg-server.js';
import { freePort, request, spawnCli } from '../../test/helpers/process.js';
import {
  startHttpReceiver,
  startSmtp,
  type Received,
  type Mail,
} from '../../test/helpers/receivers.js';
import { countBy, knob, migrated, query, ROLE_ENV, scenario, seedDue, until } from './lib.js';

interface Delivery {
  id: string;
  transport: string;
}

await scenario('notify-outage', async () => {
  const checks = knob('CHAOS_CHECKS', 50);
  const downS = knob('CHAOS_DOWN_S', 60);
  const server = await startPgServer();
  await migrated(server.url);
  // Take two ports, then close: the back finds nobody there until they come back.
  const firstSmtp = await startSmtp();
  const firstHook = await startHttpReceiver();
  const smtpPort = Number(new URL(firstSmtp.url).port);
  const hookPort = Number(new URL(firstHook.url).port);
  await Promise.all([firstSmtp.close(), firstHook.close()]);
  const downAt = Date.now();

  const port = await freePort();
  const env = {
    ...ROLE_ENV,
    DATABASE_URL: server.url,
    SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
    RETRY_BASE_SECONDS: '3',
    RETRY_MAX_SECONDS: '360',
    DISPATCH_TIMEOUT_SECONDS: '2',
    DISPATCH_LEASE_SECONDS: '4',
  };
  spawnCli(['back'], env);
  spawnCli(['front'], { ...env, PORT: String(port), HOST: '127.0.0.1' });
  await seedDue(server.url, {
    n: checks,
    dueInMs: -60_000,
    webhookUrl: `http://127.0.0.1:${hookPort}/hook`,
    prefix: 'job',
    email: 'ops@example.com',
  });
  // An hour's period: pinged back up, a check must stay up while its alerts drain. With the
  // seeded 60 + 60 s it fell due again when the drain took 81 s (after a 60 s outage the
  // backoff may wait a minute or more before the next attempt): a third flip per check, and
  // 300 alerts where the scenario counts 200.
  await query(server.url, `UPDATE checks SET period = 3600`);
  // Every check goes down (2 alerts each), then is pinged back up (2 more) during the outage.
  await until(async () => {
    const [r] = await query<{ n: number }>(
      server.url,
      `SELECT count(*)::int AS n FROM checks WHERE status = 'down'`,
    );
    return r!.n === checks;
  }, 60_000);
  const uuids = await query<{ uuid: string }>(server.url, `SELECT uuid FROM checks`);
  await delay(2000);
  for (const { uuid } of uuids) {
    const res = await request(port, { path: `/ping/${uuid}` }).catch(() => undefined);
    if (res?.status !== 200) await delay(200);
  }
  await delay(Math.max(0, downS * 1000 - (Date.now() - downAt)));
  const smtp = await startSmtp(smtpPort);
  const hook = await startHttpReceiver(hookPort);
  const upAt = Date.now();
  const expected = 4 * checks;
  const done = await until(
    async () => {
      const [r] = await query<{ n: number; open: number }>(
        server.url,
        `SELECT count(*)::int AS n, (count(*) FILTER (WHERE state = 'pending'))::int AS open
         FROM notifications`,
      );
      return r!.n >= expected && r!.open === 0;
    },
    600_000,
    1000,
  );
  const drainS = (Date.now() - upAt) / 1000;
  await delay(2000);
  const deliveries: Delivery[] = [
    ...hook.requests.map((r: Received) => ({
      id: String(r.headers['x-cronwatch-notification-id']),
      transport: 'webhook',
    })),
    ...smtp.mails.map((m: Mail) => ({
      id: m.headers.get('x-cronwatch-notification-id') ?? '',
      transport: 'email',
    })),
  ];
  const rows = await query<{ id: string; check_id: number; flip_id: number; state: string }>(
    server.url,
    `SELECT n.id, f.check_id, f.id AS flip_id, n.state
       FROM notifications n JOIN flips f ON f.id = n.flip_id`,
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  const got = countBy(deliveries.map((d) => d.id));
  const lost = rows.filter((r) => !got.has(r.id));
  const duplicated = [...got].filter(([, n]) => n > 1).map(([id]) => id);
  const dead = rows.filter((r) => r.state === 'dead').length;
  // Per check and transport, the flips in the order their alerts arrived: must rise.
  const lastFlip = new Map<string, number>();
  const outOfOrder: string[] = [];
  for (const d of deliveries) {
    const row = byId.get(d.id);
    if (!row) continue;
    const key = `${row.check_id}/${d.transport}`;
    if ((lastFlip.get(key) ?? 0) > row.flip_id) outOfOrder.push(`${key} ${d.id}`);
    lastFlip.set(key, Math.max(lastFlip.get(key) ?? 0, row.flip_id));
  }
  return {
    figures:
      `down_s=${downS} alerts=${rows.length}/${expected} sent=${got.size} lost=${lost.length} ` +
      `dead=${dead} duplicated=${duplicated.length} out_of_order=${outOfOrder.length} ` +
      `drained_s=${drainS.toFixed(0)}`,
    ok:
      done &&
      rows.length === expected &&
      lost.length === 0 &&
      duplicated.length === 0 &&
      outOfOrder.length === 0,
    details: [...outOfOrder.slice(0, 10), ...duplicated.slice(0, 10).map((id) => `dup ${id}`)],
  };
});
