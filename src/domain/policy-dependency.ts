// Dependencies between checks (issue 16), a generalisation of gocron's gateway (gateway.ts):
// while a parent is down, a child's miss is held back (recorded, alerted to nobody) and
// listed in the parent's alert; when the parent recovers, children still down alert then.
// Pure.

export interface Edge {
  child: number;
  parent: number;
}

/**
 * For the checks missing now, which have a parent that is down (already, or missing in this
 * same batch)? Returns child id → that parent's id (the lowest, for a stable answer).
 */
export function foldedBehind(
  missing: number[],
  edges: Edge[],
  downParents: Set<number>,
): Map<number, number> {
  const down = new Set([...downParents, ...missing]);
  const result = new Map<number, number>();
  for (const e of edges) {
    if (!missing.includes(e.child) || !down.has(e.parent)) continue;
    const held = result.get(e.child);
    if (held === undefined || e.parent < held) result.set(e.child, e.parent);
  }
  return result;
}

/**
 * The cycle that making `child` depend on `parents` would close, as a path of check ids
 * from `child` back to itself; undefined when there is none. `edges` are the account's
 * other dependencies (the child's own current ones left out: they are being replaced).
 */
export function dependencyCycle(
  edges: Edge[],
  child: number,
  parents: number[],
): number[] | undefined {
  const up = new Map<number, number[]>();
  for (const e of edges) {
    if (e.child === child) continue;
    up.set(e.child, [...(up.get(e.child) ?? []), e.parent]);
  }
  up.set(child, parents);
  // Depth-first from the child along parent links, looking for the child again.
  const seen = new Set<number>();
  const walk = (node: number, path: number[]): number[] | undefined => {
    for (const p of up.get(node) ?? []) {
      if (p === child) return [...path, p];
      if (seen.has(p)) continue;
      seen.add(p);
      const found = walk(p, [...path, p]);
      if (found) return found;
    }
    return undefined;
  };
  return walk(child, [child]);
}
