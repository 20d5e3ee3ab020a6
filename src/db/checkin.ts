// One gocron check-in is one transaction: account and check (created on first sight), the
// ping row and the stored deadline commit together or not at all (invariants 1 and 2).
import { ensureAccount } from './accounts.js';
import {
  insertSimpleCheck,
  lockCheckByName,
  updateSimpleCheckin,
  type SimpleCheckin,
  type Status,
} from './checks.js';
import { upFlip } from '../domain/ping.js';
import { recordPingFlip } from './ping.js';
import { insertPing } from './pings.js';
import { transaction, type Pool } from './pool.js';

export interface CheckinRequest extends SimpleCheckin {
  account: string;
  name: string;
  method: string;
  userAgent: string | null;
  /** Whether the global Slack webhook is configured (it gets every alert). */
  globalSlack: boolean;
}

export interface CheckinResult {
  checkId: number;
  created: boolean;
  previous: Status | undefined;
}

export async function recordGocronCheckin(pool: Pool, r: CheckinRequest): Promise<CheckinResult> {
  return transaction(pool, async (client) => {
    let created = false;
    let check = await lockCheckByName(client, r.account, r.name);
    if (!check) {
      const accountId = await ensureAccount(client, r.account);
      const inserted = await insertSimpleCheck(client, accountId, r.name, r);
      if (inserted !== undefined) {
        created = true;
        check = { ...inserted, status: 'new' };
      } else {
        // Created by a concurrent check-in that has committed by now: lock and update it.
        check = await lockCheckByName(client, r.account, r.name);
        if (!check) throw new Error(`check ${r.account}/${r.name} vanished during check-in`);
      }
    }
    const n = created ? 1 : await updateSimpleCheckin(client, check.id, r);
    await insertPing(client, {
      checkId: check.id,
      n,
      at: r.at,
      kind: 'success',
      address: r.address,
      method: r.method,
      userAgent: r.userAgent,
    });
    // Recovery is written by the check-in that ends the miss, in its own transaction: a
    // crash between the status change and the alert cannot lose the "back online" alert
    // (gocron never sent it when its first try failed). The first check-in records new → up
    // without an alert, as a first ping does.
    const flip = upFlip(check.status);
    if (flip) {
      const ref = { id: check.id, uuid: check.uuid, name: r.name, account: r.account };
      await recordPingFlip(client, ref, flip, r.at, r.deadline, r.globalSlack);
    }
    return { checkId: check.id, created, previous: created ? undefined : check.status };
  });
}
