// How each check-in form finds (or creates) its check, inside the locked transaction of a
// batch: the only place where the forms differ (DESIGN.md, "one check-in rule").
import { AUTO_GRACE, AUTO_PERIOD } from '../domain/ping.js';
import { locateGocron, type Located } from './checkin.js';
import {
  accountByPingKey,
  addTarget,
  insertSlugCheck,
  lockChecksBySlug,
  targetKey,
  type LockedTarget,
} from './checks-ping.js';
import type { PingRequest, Target } from './ping.js';
import type { Client } from './pool.js';

/**
 * The locked check of one check-in, or why it has none. `found` holds what lockTargets
 * locked for the whole batch; a check created here is added to it, so the next check-in of
 * the batch with the same target finds it.
 */
export async function locate(
  client: Client,
  p: PingRequest,
  found: Map<string, LockedTarget[]>,
): Promise<Located | { created: LockedTarget }> {
  const t = p.target;
  const known = found.get(targetKey(t)) ?? [];
  if (known.length > 1) return 'ambiguous';
  if ('uuid' in t) return known[0] ?? 'not found';
  const located =
    'slug' in t
      ? (known[0] ?? (await createSlugCheck(client, t, p.now)))
      : await locateGocron(client, t.gocron, known[0], p.now);
  if (typeof located === 'object' && 'created' in located) addTarget(found, located.created);
  return located;
}

async function createSlugCheck(
  client: Client,
  t: Extract<Target, { slug: string }>,
  now: Date,
): Promise<Located | { created: LockedTarget }> {
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
  const found = await lockChecksBySlug(client, t.pingKey, t.slug);
  // Names are unique per account: a check named like the slug but with another slug (or
  // none) blocks the create. Say so rather than a puzzling "not found".
  if (found.length !== 1)
    return found.length > 1 ? 'ambiguous' : inserted ? 'not found' : 'name taken';
  return inserted ? { created: found[0]! } : found[0]!;
}
