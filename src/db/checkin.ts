// One gocron check-in is one transaction: account and check (created on first sight), the
// ping row and the stored deadline commit together or not at all (invariants 1 and 2).
// Who may do what is src/domain/gocron-trust.ts: a refused check-in writes nothing.
import { checkinEffect, checkinRefusal, type Refusal } from '../domain/gocron-trust.js';
import { ensureAccount } from './accounts.js';
import { gocronAccountOf } from './accounts-gocron.js';
import {
  insertSimpleCheck,
  lockCheckByName,
  updateSimpleCheckin,
  type LockedCheck,
  type SimpleCheckin,
  type Status,
} from './checks.js';
import { upFlip } from '../domain/ping.js';
import { recordPingFlip } from './ping.js';
import { recordUuidPings } from './ping-batch.js';
import { insertPing } from './pings.js';
import { transaction, type Client, type Pool } from './pool.js';

export interface CheckinRequest extends SimpleCheckin {
  account: string;
  name: string;
  method: string;
  userAgent: string | null;
  /** Whether the global Slack webhook is configured (it gets every alert). */
  globalSlack: boolean;
  /** The `key` the check-in carried, for accounts in `key` mode. */
  key: string | undefined;
  /** GOCRON_CREATE_ACCOUNTS: whether a check-in of an unknown account creates it. */
  createAccounts: boolean;
}

export type CheckinResult =
  | { refused: Refusal }
  | { checkId: number; effect: 'create' | 'upsert' | 'ping'; previous: Status | undefined };

export async function recordGocronCheckin(pool: Pool, r: CheckinRequest): Promise<CheckinResult> {
  return transaction(pool, async (client) => {
    let check = await lockCheckByName(client, r.account, r.name);
    const account = check
      ? { mode: check.accountMode, pingKey: check.pingKey }
      : await gocronAccountOf(client, r.account);
    const refused = checkinRefusal(r.account, account, r.key, r.createAccounts);
    if (refused) return { refused };
    if (!check) {
      const accountId =
        account && 'id' in account ? account.id : await ensureAccount(client, r.account);
      const inserted = await insertSimpleCheck(client, accountId, r.name, r);
      if (inserted !== undefined) {
        await insertPing(client, { ...pingOf(r), checkId: inserted.id, n: 1 });
        // Created up by its first check-in: new → up, recorded without an alert (item 20).
        await recordUp(client, { ...inserted, status: 'new' }, r);
        return { checkId: inserted.id, effect: 'create', previous: undefined };
      }
      // Created by a concurrent transaction that has committed by now (a check-in, or the
      // API with the same name): lock it and go on as for any existing check.
      check = await lockCheckByName(client, r.account, r.name);
      if (!check) throw new Error(`check ${r.account}/${r.name} vanished during check-in`);
    }
    const effect = checkinEffect(check);
    if (effect === 'ping') await successPing(client, check, r);
    else await upsert(client, check, r);
    return { checkId: check.id, effect, previous: check.status };
  });
}

function pingOf(r: CheckinRequest) {
  return {
    at: r.at,
    kind: 'success' as const,
    address: r.address,
    method: r.method,
    userAgent: r.userAgent,
  };
}

/** A check made by gocron check-ins: every field of the request is stored (gocron's upsert). */
async function upsert(client: Client, check: LockedCheck, r: CheckinRequest): Promise<void> {
  const n = await updateSimpleCheckin(client, check.id, r);
  await insertPing(client, { ...pingOf(r), checkId: check.id, n });
  await recordUp(client, check, r);
}

/**
 * The flip of a check-in on a check that was not up. Recovery is written by the check-in
 * that ends the miss, in its own transaction: a crash between the status change and the
 * alert cannot lose the "back online" alert (gocron never sent it when its first try
 * failed). new → up is recorded without an alert, as a first ping does.
 */
async function recordUp(
  client: Client,
  check: { id: number; uuid: string; status: Status },
  r: CheckinRequest,
): Promise<void> {
  const flip = upFlip(check.status);
  if (!flip) return;
  const ref = { id: check.id, uuid: check.uuid, name: r.name, account: r.account };
  await recordPingFlip(client, ref, flip, r.at, r.deadline, r.globalSlack);
}

/**
 * Any other check: the check-in is a success ping and nothing more, through the writer of
 * every other ping (DESIGN.md, "one check-in rule for every ping form"): the check's own
 * schedule, pause and manual_resume decide what it does.
 */
async function successPing(client: Client, check: LockedCheck, r: CheckinRequest): Promise<void> {
  await recordUuidPings(client, [
    {
      target: { uuid: check.uuid },
      kind: 'success',
      exitStatus: null,
      rid: null,
      now: r.at,
      address: r.address,
      method: r.method,
      userAgent: r.userAgent,
      body: null,
      bodySize: null,
      globalSlack: r.globalSlack,
    },
  ]);
}
