// Dependencies between checks (migrations/0015, domain/policy-dependency.ts).
import type { Edge } from '../domain/policy-dependency.js';
import type { Queryable } from './pool.js';

/** The parent links of these checks. */
export async function parentEdges(db: Queryable, childIds: number[]): Promise<Edge[]> {
  if (childIds.length === 0) return [];
  const { rows } = await db.query<{ child: string; parent: string }>(
    `SELECT check_id AS child, parent_id AS parent FROM check_dependencies
      WHERE check_id = ANY($1::bigint[])`,
    [childIds],
  );
  return rows.map((r) => ({ child: Number(r.child), parent: Number(r.parent) }));
}

/**
 * Which of these parents are down. FOR SHARE, as downGateways: a parent checking in right
 * now is waited for and then seen up, so no child is held by a parent already recovered.
 */
export async function downParents(db: Queryable, parentIds: number[]): Promise<Set<number>> {
  if (parentIds.length === 0) return new Set();
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM checks WHERE id = ANY($1::bigint[]) AND status = 'down' FOR SHARE`,
    [parentIds],
  );
  return new Set(rows.map((r) => Number(r.id)));
}

/** For each parent, the names of its children that are down (listed in its alert). */
export async function dependentsDown(
  db: Queryable,
  parentIds: number[],
): Promise<Map<number, string[]>> {
  if (parentIds.length === 0) return new Map();
  const { rows } = await db.query<{ parent: string; names: string[] }>(
    `SELECT d.parent_id AS parent, array_agg(c.name ORDER BY c.name) AS names
       FROM check_dependencies d JOIN checks c ON c.id = d.check_id
      WHERE d.parent_id = ANY($1::bigint[]) AND c.status = 'down'
      GROUP BY d.parent_id`,
    [parentIds],
  );
  return new Map(rows.map((r) => [Number(r.parent), r.names]));
}

/** Every dependency between the account's checks (for the cycle check). */
export async function accountEdges(db: Queryable, accountId: number): Promise<Edge[]> {
  const { rows } = await db.query<{ child: string; parent: string }>(
    `SELECT d.check_id AS child, d.parent_id AS parent
       FROM check_dependencies d JOIN checks c ON c.id = d.check_id WHERE c.account_id = $1`,
    [accountId],
  );
  return rows.map((r) => ({ child: Number(r.child), parent: Number(r.parent) }));
}

/** The account's checks with these uuids: id by uuid (absent uuids are not the account's). */
export async function idsByUuid(
  db: Queryable,
  accountId: number,
  uuids: string[],
): Promise<Map<string, number>> {
  const { rows } = await db.query<{ id: string; uuid: string }>(
    `SELECT id, uuid FROM checks WHERE account_id = $1 AND uuid = ANY($2::uuid[])`,
    [accountId, uuids],
  );
  return new Map(rows.map((r) => [r.uuid, Number(r.id)]));
}

export async function setParents(
  db: Queryable,
  childId: number,
  parentIds: number[],
): Promise<void> {
  await db.query(`DELETE FROM check_dependencies WHERE check_id = $1`, [childId]);
  if (parentIds.length)
    await db.query(
      `INSERT INTO check_dependencies (check_id, parent_id) SELECT $1, unnest($2::bigint[])`,
      [childId, parentIds],
    );
}

/** The account's checks with these names: uuid by name (for the CLI's --depends-on). */
export async function uuidsByName(
  db: Queryable,
  accountId: number,
  names: string[],
): Promise<Map<string, string>> {
  const { rows } = await db.query<{ name: string; uuid: string }>(
    `SELECT name, uuid::text AS uuid FROM checks WHERE account_id = $1 AND name = ANY($2::text[])`,
    [accountId, names],
  );
  return new Map(rows.map((r) => [r.name, r.uuid]));
}

/** The account's checks by name (the dashboard form's "depends on" choices). */
export async function accountCheckChoices(
  db: Queryable,
  accountId: number,
): Promise<{ uuid: string; name: string }[]> {
  const { rows } = await db.query<{ uuid: string; name: string }>(
    `SELECT uuid::text AS uuid, name FROM checks WHERE account_id = $1 ORDER BY name, id`,
    [accountId],
  );
  return rows;
}
