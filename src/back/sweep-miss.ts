// The sweep's treatment of missed checks (invariants 2-4) under their alert policies: each
// miss turns the check down with its flip (uptime stays honest); the down alert goes out
// when the failure threshold is reached, unless a down gateway or a down parent holds it
// back (listed in that one's alert instead) or a maintenance window silences it.
import { recordChanges, recordPolicyAlert, type StatusChange } from '../db/alerts.js';
import { keepExpecting, markDown, type DueCheck } from '../db/checks.js';
import { dependentsDown, downParents, parentEdges } from '../db/dependencies.js';
import { downGateways, jobsDownBehind, markSuppressed } from '../db/gateways.js';
import { saveStreaks } from '../db/policy-state.js';
import type { Client } from '../db/pool.js';
import { suppressedBehind } from '../domain/gateway.js';
import { foldedBehind } from '../domain/policy-dependency.js';
import { missDecision, type MissDecision } from '../domain/policy-miss.js';
import type { BackDeps } from './deps.js';

const MISSED = 'no check-in before the deadline';

/** Alerting checks held back, check id → the gateway or parent whose alert lists them. */
async function heldBack(
  client: Client,
  due: DueCheck[],
  alerting: Set<number>,
): Promise<{ byGateway: Map<number, number>; byParent: Map<number, number> }> {
  const jobs = due.filter((c) => alerting.has(c.id) && !c.site && c.address !== null);
  const gateways = await downGateways(
    client,
    jobs.map((c) => c.accountId),
    jobs.map((c) => c.address!),
  );
  const held = new Map([...suppressedBehind(due, gateways)].filter(([id]) => alerting.has(id)));
  const ids = due.map((c) => c.id);
  const edges = await parentEdges(client, ids);
  const parents = await downParents(
    client,
    [...new Set(edges.map((e) => e.parent))].filter((p) => !ids.includes(p)),
  );
  const byParent = new Map<number, number>();
  for (const [child, parent] of foldedBehind(ids, edges, parents))
    if (alerting.has(child) && !held.has(child)) byParent.set(child, parent);
  return { byGateway: held, byParent };
}

function change(
  c: DueCheck,
  d: MissDecision,
  held: 'gateway' | 'parent' | undefined,
  lists: { behind?: string[]; dependents?: string[] },
): StatusChange {
  return {
    check: { id: c.id, uuid: c.uuid, name: c.name, account: c.account },
    from: c.status,
    to: 'down',
    reason: held ? `missed behind a down ${held}` : (d.overdue ?? MISSED),
    lastPingAt: c.lastPingAt,
    expectedAt: c.deadline,
    ...lists,
    ...(d.overdue ? { overdue: d.overdue } : {}),
    silent: held !== undefined || !d.alert,
  };
}

export async function markMissed(
  client: Client,
  deps: BackDeps,
  due: DueCheck[],
  now: Date,
): Promise<void> {
  const decided = due.map((c) => ({ c, d: missDecision(c, now) }));
  const alerting = new Set(decided.filter(({ d }) => d.alert).map(({ c }) => c.id));
  const { byGateway, byParent } = await heldBack(client, due, alerting);
  const held = new Map([...byGateway, ...byParent]);
  const why = (id: number) =>
    byGateway.has(id) ? ('gateway' as const) : byParent.has(id) ? ('parent' as const) : undefined;
  await markDown(
    client,
    due.map((c) => c.id),
    now,
  );
  await saveStreaks(
    client,
    // A held-back alert is not out: the check owes no recovery alert (until released).
    decided.map(({ c, d }) => ({
      id: c.id,
      streaks: { ...d.streaks, alertedDown: d.streaks.alertedDown && !held.has(c.id) },
    })),
  );
  await keepExpecting(
    client,
    decided.flatMap(({ c, d }) =>
      d.nextDeadline
        ? [{ id: c.id, deadline: d.nextDeadline, failStreak: d.streaks.failStreak }]
        : [],
    ),
  );
  if (held.size) await markSuppressed(client, [...held.keys()], [...held.values()]);
  // A gateway's or a parent's own alert lists the checks down behind it, this batch's included.
  const dependents = await dependentsDown(
    client,
    due.map((c) => c.id),
  );
  const lists = async (c: DueCheck) => ({
    ...(c.site ? { behind: await jobsDownBehind(client, c.id) } : {}),
    ...(dependents.has(c.id) ? { dependents: dependents.get(c.id)! } : {}),
  });
  const changes: StatusChange[] = [];
  const slack = deps.config.slack !== undefined;
  for (const { c, d } of decided) {
    const ch = change(c, d, why(c.id), await lists(c));
    if (d.flip) changes.push(ch);
    else if (d.alert && !held.has(c.id)) await recordPolicyAlert(client, ch, now, slack);
  }
  await recordChanges(client, changes, now, slack);
}
