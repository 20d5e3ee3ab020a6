// How a gocron check-in finds its check: by (account, cronname), created on first sight
// (COMPAT-gocron 2). Who may do what is src/domain/gocron-trust.ts: a refused check-in
// writes nothing. What it then does to the check is what every ping does (applyPing), after
// its settings are upserted on a check that gocron check-ins made.
import { checkinEffect, checkinRefusal } from '../domain/gocron-trust.js';
import { ensureAccount } from './accounts.js';
import { gocronAccountOf } from './accounts-gocron.js';
import { insertGocronCheck, lockGocronCheck, type LockedTarget } from './checks-ping.js';
import type { GocronTarget, PingResult } from './ping.js';
import type { Client } from './pool.js';

export type Located = LockedTarget | Exclude<PingResult, 'ok' | 'created'>;

/**
 * The check of a gocron check-in, locked (`existing`: what lockTargets found under its
 * key), or the refusal. `created`: whether this check-in made it.
 */
export async function locateGocron(
  client: Client,
  g: GocronTarget,
  existing: LockedTarget | undefined,
  now: Date,
): Promise<Located | { created: LockedTarget }> {
  const account = existing
    ? { mode: existing.accountMode, pingKey: existing.pingKey }
    : await gocronAccountOf(client, g.account);
  const refused = checkinRefusal(g.account, account, g.key, g.createAccounts);
  if (refused) return { refused };
  if (existing) return existing;
  const accountId =
    account && 'id' in account ? account.id : await ensureAccount(client, g.account);
  // Not created: a concurrent transaction (a check-in, or the API with the same name) made
  // it and has committed by now; it is locked and pinged as any existing check.
  const inserted = await insertGocronCheck(client, accountId, g, now);
  const check = await lockGocronCheck(client, g.account, g.name);
  if (!check) throw new Error(`check ${g.account}/${g.name} vanished during check-in`);
  return inserted ? { created: check } : check;
}

/** Whether the check-in upserts the check's settings (a check gocron check-ins made). */
export function upsertsSettings(check: LockedTarget): boolean {
  return checkinEffect(check) === 'upsert';
}
