// The sweep's second pass: checks whose policy_due_at passed. A down alert a maintenance
// window (or snooze) held back goes out when the silence ends if the check is still down;
// a down alert is repeated every repeat_every seconds until recovery, acknowledge or
// repeat_limit (domain/policy-repeat.ts decides, this applies).
import { recordPolicyAlert, type StatusChange } from '../db/alerts.js';
import { silences } from '../db/maintenance.js';
import {
  claimPolicyDue,
  countRepeat,
  setPolicyDue,
  type PolicyDueCheck,
} from '../db/policy-state.js';
import { transaction, type Client } from '../db/pool.js';
import { dueAction } from '../domain/policy-repeat.js';
import type { BackDeps } from './deps.js';

function downChange(c: PolicyDueCheck, reason: string): StatusChange {
  return {
    check: { id: c.id, uuid: c.uuid, name: c.name, account: c.account },
    from: 'down',
    to: 'down',
    reason,
    lastPingAt: c.lastPingAt,
    expectedAt: null,
  };
}

async function act(
  client: Client,
  deps: BackDeps,
  c: PolicyDueCheck,
  silenced: Date | null,
  now: Date,
) {
  const slack = deps.config.slack !== undefined;
  const action = dueAction(c, silenced, now);
  if (action.kind === 'clear') return setPolicyDue(client, [c.id], null);
  if (action.kind === 'wait') return setPolicyDue(client, [c.id], action.until);
  if (action.kind === 'alert') {
    const sent = await recordPolicyAlert(client, downChange(c, 'maintenance ended'), now, slack);
    if (!sent) await setPolicyDue(client, [c.id], null);
    return;
  }
  await recordPolicyAlert(client, downChange(c, 'still down'), now, slack, action.n);
  await countRepeat(client, c.id, action.n, action.next);
}

/** One batch of due policy actions in one transaction; returns how many were due. */
export async function policyOnce(deps: BackDeps, now: Date, limit: number): Promise<number> {
  return transaction(deps.pool, async (client) => {
    const due = await claimPolicyDue(client, now, limit);
    const silenced = await silences(
      client,
      due.map((c) => c.id),
      now,
    );
    for (const c of due) await act(client, deps, c, silenced.get(c.id) ?? null, now);
    return due.length;
  });
}
