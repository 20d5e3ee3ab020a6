// A check's alert-policy settings (migrations/0015) as the API writes and shows them.
import { dependencyCycle } from '../domain/policy-dependency.js';
import { runtimeRangeError, type PolicyInput } from '../domain/policy-input.js';
import { accountEdges, idsByUuid, setParents } from './dependencies.js';
import type { Queryable } from './pool.js';

/**
 * The settings as the check's JSON shows them (api-shapes.ts), built in SQL with the check's
 * row: one read, no second query per check of a list.
 */
export const POLICY_JSON = `json_build_object(
    'failure_threshold', c.failure_threshold, 'success_threshold', c.success_threshold,
    'min_runtime', c.min_runtime, 'max_runtime', c.max_runtime,
    'repeat_every', c.repeat_every, 'repeat_limit', c.repeat_limit,
    'snoozed_until', c.snoozed_until, 'acknowledged', c.acked_at IS NOT NULL,
    'depends_on', coalesce((SELECT json_agg(p.uuid ORDER BY p.uuid) FROM check_dependencies d
                             JOIN checks p ON p.id = d.parent_id WHERE d.check_id = c.id), '[]')
  ) AS policies`;

const COLUMNS: [keyof PolicyInput, string][] = [
  ['failureThreshold', 'failure_threshold'],
  ['successThreshold', 'success_threshold'],
  ['minRuntime', 'min_runtime'],
  ['maxRuntime', 'max_runtime'],
  ['repeatEvery', 'repeat_every'],
  ['repeatLimit', 'repeat_limit'],
  ['snoozedUntil', 'snoozed_until'],
];

/** Stores the given settings (absent ones stay); returns min and max runtime after it. */
export async function writePolicySettings(
  db: Queryable,
  id: number,
  p: PolicyInput,
): Promise<{ minRuntime: number | null; maxRuntime: number | null }> {
  const sets: string[] = [];
  const values: unknown[] = [id];
  for (const [key, column] of COLUMNS) {
    if (p[key] === undefined) continue;
    values.push(p[key]);
    sets.push(`${column} = $${values.length}`);
  }
  const { rows } = await db.query<{ minRuntime: number | null; maxRuntime: number | null }>(
    `UPDATE checks SET ${sets.length ? sets.join(', ') : 'updated_at = updated_at'} WHERE id = $1
     RETURNING min_runtime AS "minRuntime", max_runtime AS "maxRuntime"`,
    values,
  );
  return rows[0]!;
}

async function writeDependencies(
  db: Queryable,
  accountId: number,
  check: { id: number; uuid: string },
  dependsOn: string[],
): Promise<string | undefined> {
  const ids = await idsByUuid(db, accountId, dependsOn);
  const unknown = dependsOn.filter((u) => !ids.has(u));
  if (unknown.length) return `depends_on: no check of this account has uuid ${unknown.join(', ')}`;
  const parents = dependsOn.map((u) => ids.get(u)!);
  if (parents.includes(check.id)) return 'depends_on: a check cannot depend on itself';
  const cycle = dependencyCycle(await accountEdges(db, accountId), check.id, parents);
  if (cycle) {
    const names = new Map([...ids].map(([u, i]) => [i, u]));
    names.set(check.id, check.uuid);
    return `depends_on: this would make a cycle (${cycle.map((i) => names.get(i) ?? `#${i}`).join(' → ')})`;
  }
  await setParents(db, check.id, parents);
  return undefined;
}

/**
 * The alert-policy part of a check's create or update (API and CLI), in the caller's
 * transaction; a message naming the bad field when refused (the caller rolls back).
 */
export async function applyPolicyInput(
  db: Queryable,
  accountId: number,
  check: { id: number; uuid: string },
  p: PolicyInput,
): Promise<string | undefined> {
  const after = await writePolicySettings(db, check.id, p);
  const bad = runtimeRangeError(after.minRuntime, after.maxRuntime);
  if (bad) return bad;
  if (p.dependsOn) return writeDependencies(db, accountId, check, p.dependsOn);
  return undefined;
}

/** A check's policies as its dashboard page shows them. */
export interface PolicyView {
  failureThreshold: number;
  successThreshold: number;
  minRuntime: number | null;
  maxRuntime: number | null;
  repeatEvery: number | null;
  repeatLimit: number | null;
  repeatsSent: number;
  snoozedUntil: Date | null;
  ackedAt: Date | null;
  /** Down with its alert out: what acknowledge (db/policy-state.ts) accepts. */
  alertOut: boolean;
  parents: { uuid: string; name: string; status: string }[];
}

export async function policyView(db: Queryable, checkId: number): Promise<PolicyView | undefined> {
  const { rows } = await db.query<PolicyView>(
    `SELECT c.failure_threshold AS "failureThreshold", c.success_threshold AS "successThreshold",
            c.min_runtime AS "minRuntime", c.max_runtime AS "maxRuntime",
            c.repeat_every AS "repeatEvery", c.repeat_limit AS "repeatLimit",
            c.repeats_sent AS "repeatsSent", c.snoozed_until AS "snoozedUntil",
            c.acked_at AS "ackedAt", (c.status = 'down' AND NOT c.down_unalerted) AS "alertOut",
            coalesce((SELECT json_agg(json_build_object('uuid', p.uuid, 'name', p.name, 'status', p.status)
                                      ORDER BY p.name)
                        FROM check_dependencies d JOIN checks p ON p.id = d.parent_id
                       WHERE d.check_id = c.id), '[]') AS parents
       FROM checks c WHERE c.id = $1`,
    [checkId],
  );
  return rows[0];
}
