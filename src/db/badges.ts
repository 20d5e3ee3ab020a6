// Badges (README "Badges"): the account's badge key, and the checks a badge reports on.
// Every query is scoped by the account the badge key names.
import { listApiChecks, type ApiCheckRow } from './checks-admin.js';
import type { Queryable } from './pool.js';

/** The account's badge key, set to `fresh` when it has none yet (first use). */
export async function badgeKeyOf(db: Queryable, accountId: number, fresh: string): Promise<string> {
  const { rows } = await db.query<{ badge_key: string }>(
    `UPDATE accounts SET badge_key = coalesce(badge_key, $2) WHERE id = $1 RETURNING badge_key`,
    [accountId, fresh],
  );
  return rows[0]!.badge_key;
}

/** The account whose badge key this is; undefined for an unknown key. */
export async function accountByBadgeKey(db: Queryable, key: string): Promise<number | undefined> {
  const { rows } = await db.query<{ id: number }>(`SELECT id FROM accounts WHERE badge_key = $1`, [
    key,
  ]);
  return rows[0]?.id;
}

/** The account's checks tagged `tag` ("*": all of them). */
export async function badgeChecks(
  db: Queryable,
  accountId: number,
  tag: string,
): Promise<ApiCheckRow[]> {
  return listApiChecks(db, accountId, {
    tags: tag === '*' ? [] : [tag],
    slug: null,
    afterId: 0,
    limit: null,
  });
}

/** The account's tags, sorted, each once. */
export async function accountTags(db: Queryable, accountId: number): Promise<string[]> {
  const { rows } = await db.query<{ tag: string }>(
    `SELECT DISTINCT t AS tag FROM checks, unnest(tags) AS t WHERE account_id = $1 ORDER BY t`,
    [accountId],
  );
  return rows.map((r) => r.tag);
}
