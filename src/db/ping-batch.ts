// Group commit for uuid pings: the pings that arrived while the previous flush was in flight
// are written in one transaction with multi-row statements (unnest), and each is answered
// only after that commit (invariant 1). A durable commit costs about as much as ten thousand
// row updates here, so sharing it is what lets ingest scale (DESIGN.md, "The hot path").
// The rules are the same as one ping at a time (src/db/ping.ts): pings of one check in a
// batch are applied in arrival order, and status changes write their flips and alerts in
// the batch's transaction.
import { applyPing, type PingFlip } from '../domain/ping.js';
import type { PingTarget } from './checks-ping.js';
import { recordPingFlip, type PingRequest } from './ping.js';
import { recordAlertOnly, saveChangedStreaks } from './policy-ping.js';
import { POLICY_COLUMNS } from './policy-state.js';
import { transaction, type Client, type Pool } from './pool.js';

export type UuidPing = PingRequest & { target: { uuid: string } };

interface Locked extends PingTarget {
  pingCount: number;
}

async function lockByUuids(client: Client, uuids: string[]): Promise<Map<string, Locked>> {
  // Locked in id order: two flushes (two front processes) never wait on each other in a cycle.
  const { rows } = await client.query<Locked>({
    // Named: prepared once per connection, so PostgreSQL parses and plans it once, not per flush.
    name: 'ping-batch-lock',
    text: `SELECT c.id, c.uuid, c.name, a.name AS account, c.status, c.kind, c.period, c.cron, c.tz, c.grace,
            c.started_at AS "startedAt", c.run_id AS "runId", c.next_deadline AS "nextDeadline",
            c.ping_count AS "pingCount", c.manual_resume AS "manualResume", ${POLICY_COLUMNS}
       FROM checks c JOIN accounts a ON a.id = c.account_id
      WHERE c.uuid = ANY($1::uuid[])
      ORDER BY c.id
        FOR UPDATE OF c`,
    values: [uuids],
  });
  return new Map(rows.map((r) => [r.uuid, r]));
}

/** Start times of runs finished in this batch whose start came in an earlier batch. */
async function runStarts(
  client: Client,
  keys: { checkId: number; rid: string }[],
): Promise<Map<string, Date>> {
  if (keys.length === 0) return new Map();
  const { rows } = await client.query<{ check_id: number; run_id: string; at: Date }>(
    `SELECT DISTINCT ON (p.check_id, p.run_id) p.check_id, p.run_id, p.created_at AS at
       FROM pings p JOIN unnest($1::bigint[], $2::uuid[]) AS k(check_id, run_id)
         ON p.check_id = k.check_id AND p.run_id = k.run_id
      WHERE p.kind = 'start' AND p.check_id = ANY($1::bigint[])
      ORDER BY p.check_id, p.run_id, p.id DESC`,
    [keys.map((k) => k.checkId), keys.map((k) => k.rid)],
  );
  return new Map(rows.map((r) => [`${r.check_id} ${r.run_id}`, r.at]));
}

/** Records a batch of uuid pings in the caller's transaction; 'ok' or 'not found' for each. */
export async function recordUuidPings(
  client: Client,
  batch: UuidPing[],
): Promise<('ok' | 'not found')[]> {
  const checks = await lockByUuids(client, [...new Set(batch.map((p) => p.target.uuid))]);
  const earlier = await runStarts(
    client,
    batch.flatMap((p) => {
      const c = checks.get(p.target.uuid);
      return c && p.rid && p.kind !== 'start' && p.kind !== 'log'
        ? [{ checkId: c.id, rid: p.rid }]
        : [];
    }),
  );
  const startsInBatch = new Map<string, Date>();
  const results: ('ok' | 'not found')[] = [];
  const pings: unknown[][] = [[], [], [], [], [], [], [], [], [], [], [], []];
  const touched = new Map<
    number,
    Locked & { lastPingAt: Date | null; duration: number | null; address: string | null; at: Date }
  >();
  const changes: {
    check: Locked;
    p: UuidPing;
    flip?: PingFlip;
    out: ReturnType<typeof applyPing>;
  }[] = [];

  for (const p of batch) {
    const c = checks.get(p.target.uuid);
    if (!c) {
      results.push('not found');
      continue;
    }
    results.push('ok');
    const state = touched.get(c.id) ?? {
      ...c,
      lastPingAt: null,
      duration: null,
      address: null,
      at: p.now,
    };
    const finishing = p.kind === 'success' || p.kind === 'fail';
    let runStartedAt: Date | null = null;
    if (finishing) {
      const key = `${c.id} ${p.rid}`;
      runStartedAt = p.rid ? (startsInBatch.get(key) ?? earlier.get(key) ?? null) : state.startedAt;
    }
    const out = applyPing(state, {
      kind: p.kind,
      exitStatus: p.exitStatus,
      rid: p.rid,
      now: p.now,
      runStartedAt,
    });
    if (p.kind === 'start' && p.rid) startsInBatch.set(`${c.id} ${p.rid}`, p.now);
    if (out.flip || out.alertOnly) changes.push({ check: c, p, flip: out.flip, out });
    const n = state.pingCount + 1;
    touched.set(c.id, {
      ...state,
      status: out.status,
      nextDeadline: out.nextDeadline,
      startedAt: out.startedAt,
      runId: out.runId,
      pingCount: n,
      lastPingAt: out.touchesLastPing ? p.now : state.lastPingAt,
      duration: out.duration ?? state.duration,
      address: p.address ?? state.address,
      at: p.now,
      ...out.streaks,
    });
    const row = [
      c.id,
      n,
      p.now,
      p.exitStatus !== null ? 'exitcode' : p.kind,
      p.exitStatus,
      p.rid,
      p.address,
      p.method,
      p.userAgent,
      p.body,
      p.bodySize,
      out.duration,
    ];
    row.forEach((v, i) => pings[i]!.push(v));
  }

  if (touched.size) {
    const t = [...touched.values()];
    // The checks' new state and the ping rows in one statement: one round trip, not two.
    await client.query({
      name: 'ping-batch-write',
      text: `WITH updated AS (
         UPDATE checks c
            SET status = u.status, next_deadline = u.next_deadline, started_at = u.started_at, run_id = u.run_id,
                last_ping_at = coalesce(u.last_ping_at, c.last_ping_at),
                last_duration = coalesce(u.duration, c.last_duration),
                last_address = coalesce(u.address, c.last_address),
                ping_count = u.ping_count, updated_at = u.at
           FROM unnest($1::bigint[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::uuid[],
                       $6::timestamptz[], $7::float8[], $8::text[], $9::bigint[], $10::timestamptz[])
                AS u(id, status, next_deadline, started_at, run_id, last_ping_at, duration, address, ping_count, at)
          -- id = ANY(...) lets the planner use the primary key; joined to unnest alone it
          -- hashed the whole table (4 ms at 10k checks, linear in the number of checks).
          WHERE c.id = ANY($1::bigint[]) AND c.id = u.id
       )
       INSERT INTO pings (check_id, n, created_at, kind, exit_status, run_id, address, method, user_agent,
                          body, body_size, duration)
       SELECT * FROM unnest($11::bigint[], $12::bigint[], $13::timestamptz[], $14::text[], $15::smallint[],
                            $16::uuid[], $17::text[], $18::text[], $19::text[], $20::text[], $21::bigint[],
                            $22::float8[])`,
      values: [
        t.map((x) => x.id),
        t.map((x) => x.status),
        t.map((x) => x.nextDeadline),
        t.map((x) => x.startedAt),
        t.map((x) => x.runId),
        t.map((x) => x.lastPingAt),
        t.map((x) => x.duration),
        t.map((x) => x.address),
        t.map((x) => x.pingCount),
        t.map((x) => x.at),
        ...pings,
      ],
    });
  }

  // Alert policies (issue 16): changed counters first, the alerts after (they reset them).
  await saveChangedStreaks(
    client,
    [...touched.values()].map((t) => [checks.get(t.uuid)!, t]),
  );
  // Status changes are rare: one at a time, in arrival order, in this same transaction.
  for (const ch of changes) {
    const ref = {
      id: ch.check.id,
      uuid: ch.check.uuid,
      name: ch.check.name,
      account: ch.check.account,
    };
    const run = { exitStatus: ch.p.exitStatus, output: ch.p.body, duration: ch.out.duration };
    if (ch.flip)
      await recordPingFlip(
        client,
        ref,
        ch.flip,
        ch.p.now,
        ch.out.nextDeadline,
        ch.p.globalSlack,
        run,
      );
    await recordAlertOnly(client, ref, ch.out, ch.p.now, ch.p.globalSlack, run);
  }
  return results;
}

export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * One transaction for the whole batch; if it fails, each ping again on its own, so one bad
 * ping (or a deadlock victim) does not fail the pings that came with it.
 */
export async function flushUuidPings(
  pool: Pool,
  batch: UuidPing[],
): Promise<Settled<'ok' | 'not found'>[]> {
  try {
    const results = await transaction(pool, (client) => recordUuidPings(client, batch));
    return results.map((value) => ({ ok: true, value }));
  } catch (err) {
    if (batch.length === 1) return [{ ok: false, error: err }];
    const settled: Settled<'ok' | 'not found'>[] = [];
    for (const p of batch) {
      try {
        const [value] = await transaction(pool, (client) => recordUuidPings(client, [p]));
        settled.push({ ok: true, value: value! });
      } catch (error) {
        settled.push({ ok: false, error });
      }
    }
    return settled;
  }
}
