// The alert-policy part of a check's create or update (issue 16), in the write's
// transaction: settings, dependencies (cycles refused with a 400 naming them).
import { accountEdges, idsByUuid, setParents } from '../../db/dependencies.js';
import { writePolicySettings } from '../../db/policy-settings.js';
import type { Client } from '../../db/pool.js';
import { dependencyCycle } from '../../domain/policy-dependency.js';
import { runtimeRangeError, type PolicyInput } from '../../domain/policy-input.js';
import { HttpError } from '../errors.js';

async function writeDependencies(
  client: Client,
  accountId: number,
  id: number,
  uuid: string,
  dependsOn: string[],
): Promise<void> {
  const ids = await idsByUuid(client, accountId, dependsOn);
  const unknown = dependsOn.filter((u) => !ids.has(u));
  if (unknown.length)
    throw new HttpError(400, `depends_on: no check of this account has uuid ${unknown.join(', ')}`);
  const parents = dependsOn.map((u) => ids.get(u)!);
  if (parents.includes(id)) throw new HttpError(400, 'depends_on: a check cannot depend on itself');
  const cycle = dependencyCycle(await accountEdges(client, accountId), id, parents);
  if (cycle) {
    const names = new Map([...ids].map(([u, i]) => [i, u]));
    names.set(id, uuid);
    throw new HttpError(
      400,
      `depends_on: this would make a cycle (${cycle.map((i) => names.get(i) ?? `#${i}`).join(' → ')})`,
    );
  }
  await setParents(client, id, parents);
}

export async function applyPolicyInput(
  client: Client,
  accountId: number,
  check: { id: number; uuid: string },
  p: PolicyInput,
): Promise<void> {
  const after = await writePolicySettings(client, check.id, p);
  const bad = runtimeRangeError(after.minRuntime, after.maxRuntime);
  if (bad) throw new HttpError(400, bad);
  if (p.dependsOn) await writeDependencies(client, accountId, check.id, check.uuid, p.dependsOn);
}
