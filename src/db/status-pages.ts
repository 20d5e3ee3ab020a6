// Public status pages (migration 0009): which checks of an account are shown, and under
// which public slug.
import type { Queryable } from './pool.js';

export interface StatusPageRow {
  slug: string;
  tag: string | null;
  title: string;
}

export async function listStatusPages(db: Queryable, accountId: number): Promise<StatusPageRow[]> {
  const { rows } = await db.query<StatusPageRow>(
    `SELECT slug, tag, title FROM status_pages WHERE account_id = $1 ORDER BY slug`,
    [accountId],
  );
  return rows;
}

/** Creates the page; false when the slug is taken (by any account: slugs are global). */
export async function insertStatusPage(
  db: Queryable,
  accountId: number,
  page: StatusPageRow,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO status_pages (account_id, slug, tag, title) VALUES ($1, $2, $3, $4)
     ON CONFLICT (slug) DO NOTHING`,
    [accountId, page.slug, page.tag, page.title],
  );
  return rowCount === 1;
}

/** Deletes the account's page; false when the account has no page with this slug. */
export async function deleteStatusPage(
  db: Queryable,
  accountId: number,
  slug: string,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `DELETE FROM status_pages WHERE account_id = $1 AND slug = $2`,
    [accountId, slug],
  );
  return rowCount === 1;
}

export async function statusPageBySlug(
  db: Queryable,
  slug: string,
): Promise<(StatusPageRow & { accountId: number; account: string }) | undefined> {
  const { rows } = await db.query<StatusPageRow & { accountId: number; account: string }>(
    `SELECT p.slug, p.tag, p.title, p.account_id AS "accountId", a.name AS account
       FROM status_pages p JOIN accounts a ON a.id = p.account_id WHERE p.slug = $1`,
    [slug],
  );
  return rows[0];
}
