// One healthchecks-style ping is one transaction (invariant 1): the check's new state, the
// ping row and, on a status change, the flip and its notifications.
import type { AlertEvent } from '../domain/alert.js';
import {
  AUTO_GRACE,
  AUTO_PERIOD,
  applyPing,
  type PingFlip,
  type PingKind,
} from '../domain/ping.js';
import { recordChanges, recordRecovery } from './alerts.js';
import {
  accountByPingKey,
  applyPingUpdate,
  insertSlugCheck,
  lockCheckByUuid,
  lockChecksBySlug,
  type PingTarget,
} from './checks-ping.js';
import { insertPing, runStart } from './pings.js';
import { recordAlertOnly } from './policy-ping.js';
import { saveStreaks } from './policy-state.js';
import { transaction, type Client, type Pool, type Queryable } from './pool.js';

export type Target =
  { uuid: string } | { pingKey: string; slug: string; create: boolean; createLimit: number };

export interface PingRequest {
  target: Target;
  kind: PingKind;
  exitStatus: number | null;
  rid: string | null;
  now: Date;
  address: string | null;
  method: string;
  userAgent: string | null;
  body: string | null;
  bodySize: number | null;
  globalSlack: boolean;
}

export type PingResult = 'ok' | 'created' | 'not found' | 'ambiguous' | 'limit' | 'name taken';

async function find(
  client: Client,
  t: Target,
  now: Date,
): Promise<PingTarget | Exclude<PingResult, 'ok'> | ['created', PingTarget]> {
  if ('uuid' in t) return (await lockCheckByUuid(client, t.uuid)) ?? 'not found';
  let found = await lockChecksBySlug(client, t.pingKey, t.slug);
  if (found.length > 1) return 'ambiguous';
  if (found[0]) return found[0];
  if (!t.create) return 'not found';
  // The account row lock serialises concurrent creates of one account (the limit holds).
  if (!(await accountByPingKey(client, t.pingKey))) return 'not found';
  // Counted again now that the lock is held: the locking statement's count comes from its
  // snapshot, taken before it waited for the lock, so it missed a check created by the
  // transaction it waited for, and two concurrent creates took the account past the limit.
  const account = await accountByPingKey(client, t.pingKey);
  if (!account) return 'not found';
  if (account.checks >= t.createLimit) return 'limit';
  const inserted = await insertSlugCheck(client, account.id, t.slug, AUTO_PERIOD, AUTO_GRACE, now);
  found = await lockChecksBySlug(client, t.pingKey, t.slug);
  // Names are unique per account: a check named like the slug but with another slug (or
  // none) blocks the create. Say so rather than a puzzling "not found".
  if (found.length !== 1)
    return found.length > 1 ? 'ambiguous' : inserted ? 'not found' : 'name taken';
  return inserted ? ['created', found[0]!] : found[0]!;
}

export async function recordPing(pool: Pool, r: PingRequest): Promise<PingResult> {
  return transaction(pool, async (client) => {
    const lookup = await find(client, r.target, r.now);
    if (typeof lookup === 'string') return lookup;
    const [result, check] = Array.isArray(lookup) ? lookup : (['ok', lookup] as const);

    const finishing = r.kind === 'success' || r.kind === 'fail';
    let runStartedAt: Date | null = null;
    if (finishing) {
      // With a rid, the start of that very run (overlapping runs are timed apart); without,
      // the check's current run.
      runStartedAt = r.rid ? await runStart(client, check.id, r.rid) : check.startedAt;
    }
    const out = applyPing(check, {
      kind: r.kind,
      exitStatus: r.exitStatus,
      rid: r.rid,
      now: r.now,
      runStartedAt,
    });
    const n = await applyPingUpdate(client, check.id, {
      status: out.status,
      nextDeadline: out.nextDeadline,
      startedAt: out.startedAt,
      runId: out.runId,
      lastPingAt: out.touchesLastPing ? r.now : null,
      duration: out.duration,
      address: r.address,
      now: r.now,
    });
    await insertPing(client, {
      checkId: check.id,
      n,
      at: r.now,
      kind: r.exitStatus !== null ? 'exitcode' : r.kind,
      exitStatus: r.exitStatus,
      runId: r.rid,
      address: r.address,
      method: r.method,
      userAgent: r.userAgent,
      body: r.body,
      bodySize: r.bodySize,
      duration: out.duration,
    });
    const ref = { id: check.id, uuid: check.uuid, name: check.name, account: check.account };
    // Alert policies (issue 16): counters first, the alerts after (they reset them).
    if (out.streaks) await saveStreaks(client, [{ id: check.id, streaks: out.streaks }]);
    const run = { exitStatus: r.exitStatus, output: r.body, duration: out.duration };
    if (out.flip)
      await recordPingFlip(client, ref, out.flip, r.now, out.nextDeadline, r.globalSlack, run);
    await recordAlertOnly(client, ref, out, r.now, r.globalSlack, run);
    return result;
  });
}

/**
 * Writes a check-in's flip in the caller's transaction, for every ping form (uuid, slug,
 * batch, gocron): a recovery with its up alert (and the gateway's release), a failure with
 * its down alert, or a flip without alerts (new → up, paused → up: not news).
 */
export async function recordPingFlip(
  db: Queryable,
  check: AlertEvent['check'],
  flip: PingFlip,
  at: Date,
  nextDeadline: Date | null,
  globalSlack: boolean,
  // The failure alert quotes the run: without these it said only "reported a failure".
  run: { exitStatus: number | null; output: string | null; duration?: number | null } = {
    exitStatus: null,
    output: null,
  },
): Promise<void> {
  if (flip.to === 'up' && flip.alert) {
    await recordRecovery(db, check, at, nextDeadline, globalSlack);
    return;
  }
  const change = {
    check,
    from: flip.from,
    to: flip.to,
    reason: flip.reason,
    lastPingAt: at,
    expectedAt: flip.to === 'up' ? nextDeadline : null,
    silent: !flip.alert,
  };
  await recordChanges(
    db,
    [flip.to === 'down' ? { ...change, failure: flip.reason, ...run } : change],
    at,
    globalSlack,
  );
}
