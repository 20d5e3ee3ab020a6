// The locked path of a batch of check-ins of every form: the checks locked in id order,
// each check-in applied by the one rule (applyPing) in arrival order, one write, and the
// rare status changes with their flips and alerts, all in the caller's transaction. The
// fast statement (ping-fast.ts) takes the plain successes; everything else comes here.
import { applyPing, type PingCheck, type PingOutcome } from '../domain/ping.js';
import { recordRecovery } from './alerts.js';
import { upsertsSettings } from './checkin.js';
import { lockTargets, type LockedTarget } from './checks-ping.js';
import {
  isRecovery,
  recordPingFlips,
  type PingFlipRecord,
  type PingRequest,
  type PingResult,
} from './ping.js';
import { locate } from './ping-resolve.js';
import { recordAlertOnly, saveChangedStreaks } from './policy-ping.js';
import { writeCheckins, type CheckWrite, type PingRow } from './ping-write.js';
import type { Client } from './pool.js';

/** A check's state through a batch's check-ins, and what the batch writes of it. */
type Touched = PingCheck &
  Pick<LockedTarget, 'id' | 'pingCount'> &
  Pick<CheckWrite, 'last_ping_at' | 'duration' | 'address' | 'at' | 'settings'>;

/**
 * A locked check's state as a literal of fixed shape. A spread of the ~30-field row cost
 * ~12 µs per check and left an object V8 keeps in slow dictionary mode, each later write
 * slow too: the largest cost of a job trigger's cycle in node (a third of its busy time).
 */
function touchedOf(c: LockedTarget, at: Date): Touched {
  return {
    id: c.id,
    status: c.status,
    kind: c.kind,
    period: c.period,
    cron: c.cron,
    tz: c.tz,
    grace: c.grace,
    startedAt: c.startedAt,
    runId: c.runId,
    nextDeadline: c.nextDeadline,
    manualResume: c.manualResume,
    failureThreshold: c.failureThreshold,
    successThreshold: c.successThreshold,
    failStreak: c.failStreak,
    okStreak: c.okStreak,
    downUnalerted: c.downUnalerted,
    alertedDown: c.alertedDown,
    minRuntime: c.minRuntime,
    maxRuntime: c.maxRuntime,
    pingCount: c.pingCount,
    last_ping_at: null,
    duration: null,
    address: null,
    at,
    settings: null,
  };
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

/** Each check-in's check (or the answer it gets instead), creates made in arrival order. */
async function locateAll(client: Client, batch: PingRequest[]) {
  const found = await lockTargets(
    client,
    batch.map((p) => p.target),
  );
  const located: (LockedTarget | PingResult)[] = [];
  const created = new Set<number>();
  for (const p of batch) {
    const l = await locate(client, p, found);
    if (typeof l === 'object' && 'created' in l) {
      created.add(l.created.id);
      located.push(l.created);
    } else located.push(l);
  }
  return { located, created };
}

/** The stored row of one check-in, number `n` of its check. */
function pingRow(p: PingRequest, checkId: number, n: number, duration: number | null): PingRow {
  return {
    check_id: checkId,
    n,
    created_at: p.now,
    kind: p.exitStatus !== null ? 'exitcode' : p.kind,
    exit_status: p.exitStatus,
    run_id: p.rid,
    address: p.address,
    method: p.method,
    user_agent: p.userAgent,
    body: p.body,
    body_size: p.bodySize,
    duration,
  };
}

/** A status change or an alert-policy alert (issue 16) a check-in brings. */
type Change = { check: LockedTarget; p: PingRequest; out: PingOutcome; grace: number };

/** What a batch does, worked out in memory: applyPing for each check-in, in arrival order. */
class Applied {
  readonly results: PingResult[] = [];
  readonly rows: PingRow[] = [];
  readonly touched = new Map<number, Touched>();
  readonly changes: Change[] = [];
  /** Each touched check as it was locked (its policy counters before the batch). */
  readonly locked = new Map<number, LockedTarget>();
  private readonly startsInBatch = new Map<string, Date>();

  constructor(
    private readonly created: Set<number>,
    private readonly earlier: Map<string, Date>,
  ) {}

  add(p: PingRequest, located: LockedTarget | PingResult): void {
    if (typeof located !== 'object' || !('id' in located)) return void this.results.push(located);
    const c = located;
    // The first check-in of a check this batch created answers 201 (slug ?create=1).
    this.results.push(this.created.delete(c.id) && 'slug' in p.target ? 'created' : 'ok');
    if (!this.locked.has(c.id)) this.locked.set(c.id, c);
    // One state per check, changed in place by each of its check-ins.
    let state = this.touched.get(c.id);
    if (!state) {
      state = touchedOf(c, p.now);
      this.touched.set(c.id, state);
    }
    if ('gocron' in p.target && upsertsSettings(c)) {
      // COMPAT-gocron 2: the check-in's settings first, then the ping as any other.
      const g = p.target.gocron;
      const settings = { period: g.period, grace: g.grace, email: g.email, site: g.site };
      Object.assign(state, { kind: 'simple', period: g.period, grace: g.grace, settings });
    }
    const key = `${c.id} ${p.rid}`;
    let runStartedAt: Date | null = null;
    if (p.kind === 'success' || p.kind === 'fail')
      runStartedAt = p.rid
        ? (this.startsInBatch.get(key) ?? this.earlier.get(key) ?? null)
        : state.startedAt;
    const ping = { kind: p.kind, exitStatus: p.exitStatus, rid: p.rid, now: p.now, runStartedAt };
    const out = applyPing(state, ping);
    if (p.kind === 'start' && p.rid) this.startsInBatch.set(key, p.now);
    if (out.flip || out.alertOnly) this.changes.push({ check: c, p, out, grace: state.grace });
    const n = state.pingCount + 1;
    state.status = out.status;
    state.nextDeadline = out.nextDeadline;
    state.startedAt = out.startedAt;
    state.runId = out.runId;
    state.pingCount = n;
    state.at = p.now;
    if (out.touchesLastPing) state.last_ping_at = p.now;
    state.duration = out.duration ?? state.duration;
    state.address = p.address ?? state.address;
    // The alert policies' counters, carried to the next check-in of the batch.
    if (out.streaks) Object.assign(state, out.streaks);
    this.rows.push(pingRow(p, c.id, n, out.duration));
  }

  checks(): CheckWrite[] {
    return [...this.touched.values()].map((t) => ({
      id: t.id,
      status: t.status,
      next_deadline: t.nextDeadline,
      started_at: t.startedAt,
      run_id: t.runId,
      last_ping_at: t.last_ping_at,
      duration: t.duration,
      address: t.address,
      ping_count: t.pingCount,
      at: t.at,
      settings: t.settings,
    }));
  }
}

/** The flips and policy alerts of a batch, in arrival order (each check's in its order). */
async function recordChangesInOrder(client: Client, changes: Change[]): Promise<void> {
  // Flips of distinct checks at one instant share one write: a job trigger's cycle flips
  // thousands of new checks up at once (one write each was 3 round trips per flip). A
  // recovery (it settles its gateway), a policy alert and a check's second change in the
  // batch come after the group before them, alone, so every check's changes keep their order.
  let group: PingFlipRecord[] = [];
  const ids = new Set<number>();
  let groupOf: PingRequest | undefined;
  const flush = async () => {
    if (groupOf) await recordPingFlips(client, group, groupOf.now, groupOf.globalSlack);
    group = [];
    ids.clear();
    groupOf = undefined;
  };
  for (const { check: c, p, out, grace } of changes) {
    const ref = { id: c.id, uuid: c.uuid, name: c.name, account: c.account };
    const run = { exitStatus: p.exitStatus, output: p.body, duration: out.duration };
    const recovery = out.flip !== undefined && isRecovery(out.flip);
    const joins =
      !recovery &&
      !out.alertOnly &&
      groupOf?.now.getTime() === p.now.getTime() &&
      groupOf.globalSlack === p.globalSlack &&
      !ids.has(c.id);
    if (!joins) await flush();
    if (recovery) await recordRecovery(client, ref, p.now, out.nextDeadline, p.globalSlack, grace);
    else if (out.flip) {
      group.push({ check: ref, flip: out.flip, nextDeadline: out.nextDeadline, grace, run });
      ids.add(c.id);
      groupOf = p;
    }
    if (out.alertOnly) {
      await flush();
      await recordAlertOnly(client, ref, out, p.now, p.globalSlack, run, grace);
    }
  }
  await flush();
}

/** Records a batch of check-ins in the caller's transaction; the answer of each. */
export async function recordPings(client: Client, batch: PingRequest[]): Promise<PingResult[]> {
  const { located, created } = await locateAll(client, batch);
  const earlier = new Map<string, Date>();
  const lookups: { checkId: number; rid: string }[] = [];
  batch.forEach((p, i) => {
    const c = located[i];
    if (typeof c !== 'object' || !('id' in c) || !p.rid || p.kind === 'start' || p.kind === 'log')
      return;
    // The check's open run is its latest start: that run's start time needs no lookup (a
    // job's every finish, a rid check-in of a sequential crontab line).
    if (c.runId === p.rid && c.startedAt) earlier.set(`${c.id} ${p.rid}`, c.startedAt);
    else lookups.push({ checkId: c.id, rid: p.rid });
  });
  for (const [key, at] of await runStarts(client, lookups)) earlier.set(key, at);
  const applied = new Applied(created, earlier);
  batch.forEach((p, i) => applied.add(p, located[i]!));
  if (applied.touched.size) await writeCheckins(client, applied.checks(), applied.rows);
  // Alert policies (issue 16): changed counters first, the alerts after (they reset them).
  await saveChangedStreaks(
    client,
    [...applied.touched.values()].map((t) => [applied.locked.get(t.id)!, t]),
  );
  await recordChangesInOrder(client, applied.changes);
  return applied.results;
}
