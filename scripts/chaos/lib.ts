// Shared parts of the fault scenarios (issue 15): a scenario wrapper that prints one figure
// line and sets the exit code, a ping flood that remembers which pings were acknowledged,
// and small SQL and polling helpers. Processes, PostgreSQL servers and receivers come from
// test/helpers, with their cleanups run here instead of by node:test.
import http from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';
import { manualCleanup, runCleanups } from '../../test/helpers/cleanup.js';
import { runCli, type Cli } from '../../test/helpers/process.js';

export interface Outcome {
  /** The figures, e.g. `runs=20 acked=… found=… lost=0`. */
  figures: string;
  ok: boolean;
  /** Details printed under the figure line when the scenario fails. */
  details?: string[];
  /** Lines printed under the figure line in any case (e.g. the ids of duplicates). */
  notes?: string[];
}

/** Runs a scenario, prints `<name>: <figures> PASS|FAIL`, cleans up, exits 0 or 1. */
export async function scenario(name: string, run: () => Promise<Outcome>): Promise<void> {
  manualCleanup();
  let outcome: Outcome;
  try {
    outcome = await run();
  } catch (err) {
    outcome = { figures: `error: ${(err as Error).stack ?? String(err)}`, ok: false };
  }
  await runCleanups();
  console.log(`${name}: ${outcome.figures} ${outcome.ok ? 'PASS' : 'FAIL'}`);
  for (const line of outcome.notes ?? []) console.log(`  ${line}`);
  if (!outcome.ok) for (const line of outcome.details ?? []) console.log(`  ${line}`);
  process.exit(outcome.ok ? 0 : 1);
}

/** A number from the environment (CHAOS_RUNS=5 npx tsx …), for shorter or longer runs. */
export function knob(name: string, fallback: number): number {
  const raw = process.env[name];
  return raw ? Number(raw) : fallback;
}

export async function query<T extends pg.QueryResultRow>(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function migrated(url: string): Promise<void> {
  const result = await runCli(['migrate'], { DATABASE_URL: url });
  if (result.code !== 0) throw new Error(`migrate failed: ${result.stderr}`);
}

/** Polls `probe` every `everyMs` until it returns true; false at the time limit. */
export async function until(
  probe: () => Promise<boolean> | boolean,
  timeoutMs: number,
  everyMs = 200,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (
      await Promise.resolve()
        .then(probe)
        .catch(() => false)
    )
      return true;
    if (Date.now() > deadline) return false;
    await delay(everyMs);
  }
}

export function alive(cli: Cli): boolean {
  return cli.child.exitCode === null && cli.child.signalCode === null;
}

export function countBy<T>(items: T[]): Map<T, number> {
  const counts = new Map<T, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return counts;
}

export interface Flood {
  /** Bodies of the pings answered 2xx: each must be in the pings table. */
  acked: Set<string>;
  statuses: Map<number, number>;
  /** Answers other than 2xx and 503-with-Retry-After (a 503 without it, a 500, …). */
  faults: string[];
  /** Connections refused or reset (a front that is down). */
  refused: number;
  slowestMs: number;
  /** Time of the last 2xx (ms epoch). */
  lastOk(): number;
  /**
   * Resolves once answers failed after `since` and then were 2xx for `stableMs` without a
   * failure (the outage is over); false after timeoutMs.
   */
  recovered(since: number, timeoutMs: number, stableMs?: number): Promise<boolean>;
  /** Resolves at the first 2xx after `since`; false after timeoutMs. */
  okAfter(since: number, timeoutMs: number): Promise<boolean>;
  /**
   * The end of the longest run of failed answers on one connection that began after `since`
   * (the first 2xx after it): when the outage was over for this front.
   */
  recoveredAfter(since: number): number | undefined;
  stop(): Promise<void>;
}

/**
 * POST /ping/<uuid> from `workers` keep-alive connections spread over `ports` (several
 * fronts), each body unique (`<tag>-<n>`) so that an acknowledged ping can be found again.
 */
export function pingFlood(ports: number[], uuids: string[], workers = 4, tag = 'p'): Flood {
  const agent = new http.Agent({ keepAlive: true, maxSockets: workers * ports.length });
  let running = true;
  let seq = 0;
  let lastOk = 0;
  let lastFailure = 0;
  // Runs of failed answers on one connection: from the first failure to the next 2xx.
  const outages: { from: number; to: number }[] = [];
  const flood: Flood = {
    acked: new Set(),
    statuses: new Map(),
    faults: [],
    refused: 0,
    slowestMs: 0,
    lastOk: () => lastOk,
    recovered: (since, timeoutMs, stableMs = 1000) =>
      until(() => lastFailure > since && lastOk > lastFailure + stableMs, timeoutMs, 50),
    okAfter: (since, timeoutMs) => until(() => lastOk > since, timeoutMs, 50),
    recoveredAfter: (since) =>
      outages
        .filter((o) => o.from >= since)
        .reduce<{ from: number; to: number } | undefined>(
          (a, o) => (!a || o.to - o.from > a.to - a.from ? o : a),
          undefined,
        )?.to,
    async stop() {
      running = false;
      await Promise.all(loops);
      agent.destroy();
    },
  };
  const one = (port: number, uuid: string, body: string) =>
    new Promise<{ status: number; retryAfter: boolean; text: string }>((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port, path: `/ping/${uuid}`, method: 'POST', agent, timeout: 30_000 },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              retryAfter: !!res.headers['retry-after'],
              text,
            }),
          );
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error('no answer in 30 s')));
      req.on('error', reject);
      req.end(body);
    });
  const loop = async (w: number) => {
    let failingSince = 0;
    while (running) {
      const port = ports[w % ports.length]!;
      const body = `${tag}-${seq++}`;
      const started = Date.now();
      try {
        const res = await one(port, uuids[w % uuids.length]!, body);
        flood.slowestMs = Math.max(flood.slowestMs, Date.now() - started);
        flood.statuses.set(res.status, (flood.statuses.get(res.status) ?? 0) + 1);
        if (res.status >= 200 && res.status < 300) {
          flood.acked.add(body);
          lastOk = Date.now();
          if (failingSince) outages.push({ from: failingSince, to: lastOk });
          failingSince = 0;
        } else {
          failingSince ||= started;
          lastFailure = Date.now();
          if (res.status !== 503 || !res.retryAfter) flood.faults.push(`${res.status} ${res.text}`);
          await delay(50);
        }
      } catch (err) {
        failingSince ||= started;
        lastFailure = Date.now();
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ECONNREFUSED' || code === 'ECONNRESET') flood.refused++;
        else flood.faults.push(String(err));
        await delay(50);
      }
    }
  };
  const loops = Array.from({ length: workers * ports.length }, (_, w) => loop(w));
  return flood;
}

/** How many of the acknowledged ping bodies are in the pings table. */
export async function foundPings(url: string, acked: Set<string>): Promise<number> {
  const rows = await query<{ body: string }>(url, `SELECT body FROM pings WHERE body IS NOT NULL`);
  const stored = new Set(rows.map((r) => r.body));
  let found = 0;
  for (const body of acked) if (stored.has(body)) found++;
  return found;
}

/** One account with `n` simple checks (hourly, up); returns their ping uuids. */
export async function seedChecks(url: string, n: number, account = 'chaos'): Promise<string[]> {
  const rows = await query<{ uuid: string }>(
    url,
    `WITH a AS (INSERT INTO accounts (name) VALUES ($1) RETURNING id)
     INSERT INTO checks (account_id, name, period, grace, status)
     SELECT a.id, 'flood-' || i, 3600, 300, 'up' FROM a, generate_series(1, $2::int) i
     RETURNING uuid`,
    [account, n],
  );
  return rows.map((r) => r.uuid);
}

/**
 * `n` checks named <prefix>-00001… (account `account`, made if missing) that fall due in
 * `dueInMs` (negative: overdue already), linked to one webhook channel: each must be
 * alerted once. Committed in one statement, so the burst starts at once.
 */
export async function seedDue(
  url: string,
  opts: {
    n: number;
    dueInMs: number;
    webhookUrl: string;
    prefix: string;
    account?: string;
    /** Also alert this address by email (the check's own email). */
    email?: string;
  },
): Promise<void> {
  await query(
    url,
    `WITH a AS (INSERT INTO accounts (name) VALUES ($1)
                ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id),
          c AS (INSERT INTO checks (account_id, name, kind, period, grace, status,
                                    last_ping_at, next_deadline, email)
                SELECT a.id, $2 || '-' || lpad(i::text, 5, '0'), 'simple', 60, 60, 'up',
                       now() - interval '3 minutes', now() + $3 * interval '1 millisecond', $6::text
                  FROM a, generate_series(1, $4::int) i RETURNING id, account_id),
          ch AS (INSERT INTO channels (account_id, kind, name, config)
                 SELECT id, 'webhook', $2, $5 FROM a RETURNING id)
     INSERT INTO check_channels (check_id, channel_id) SELECT c.id, ch.id FROM c, ch`,
    [
      opts.account ?? 'alerts',
      opts.prefix,
      opts.dueInMs,
      opts.n,
      JSON.stringify({ url: opts.webhookUrl }),
      opts.email ?? null,
    ],
  );
}

export interface AlertTally {
  /** Notifications in the outbox. */
  notifications: number;
  sent: number;
  /** Distinct notification ids the receiver got. */
  received: number;
  /** Notification ids never received. */
  lost: string[];
  /** Notification ids received more than once. */
  duplicated: string[];
  /** Deliveries whose id is no notification's. */
  strangers: number;
}

/** Compares the outbox with what a webhook receiver got (X-Cronwatch-Notification-Id). */
export async function tallyAlerts(
  url: string,
  requests: { headers: Record<string, unknown> }[],
): Promise<AlertTally> {
  const rows = await query<{ id: string; state: string }>(
    url,
    `SELECT id, state FROM notifications WHERE transport = 'webhook'`,
  );
  const ids = new Set(rows.map((r) => r.id));
  const got = countBy(requests.map((r) => String(r.headers['x-cronwatch-notification-id'])));
  return {
    notifications: rows.length,
    sent: rows.filter((r) => r.state === 'sent').length,
    received: got.size,
    lost: rows.filter((r) => !got.has(r.id)).map((r) => r.id),
    duplicated: [...got].filter(([, n]) => n > 1).map(([id]) => id),
    strangers: [...got.keys()].filter((id) => !ids.has(id)).length,
  };
}

/**
 * Settings of every cronwatch process in the scenarios: webhooks to 127.0.0.1 allowed, quiet
 * logs, and no ping pruning (the back keeps PING_KEEP pings per check; an acknowledged ping
 * pruned meanwhile would count as lost).
 */
export const ROLE_ENV = { OUTBOUND_ALLOW_PRIVATE: '1', LOG_LEVEL: 'warn', PING_KEEP: '100000' };
