import { randomBytes } from 'node:crypto';
import { hashKey, issuableKey, keyPrefix } from '../domain/api-key.js';
import type { Queryable } from './pool.js';

export type KeyScope = 'read' | 'write';

export interface StoredKey {
  id: number;
  accountId: number;
  scope: KeyScope;
  hash: string;
  revokedAt: Date | null;
}

/** The key row with this prefix (prefix is UNIQUE), whatever its state. */
export async function findApiKey(db: Queryable, prefix: string): Promise<StoredKey | undefined> {
  const { rows } = await db.query<StoredKey>(
    `SELECT id, account_id AS "accountId", scope, hash, revoked_at AS "revokedAt"
       FROM api_keys WHERE prefix = $1`,
    [prefix],
  );
  return rows[0];
}

export interface NewKey {
  accountId: number;
  scope: KeyScope;
  prefix: string;
  hash: string;
  name: string;
}

/** Stores a key; false when the prefix is taken (a 72-bit collision: the caller draws again). */
export async function insertApiKey(db: Queryable, k: NewKey): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO api_keys (account_id, scope, prefix, hash, name) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (prefix) DO NOTHING`,
    [k.accountId, k.scope, k.prefix, k.hash, k.name],
  );
  return rowCount === 1;
}

/**
 * A new key of the account (the CLI's `key create`, the dashboard's keys page): 24 random
 * bytes (32 characters), stored as prefix + hash. The key itself is returned, to show once.
 */
export async function issueApiKey(
  db: Queryable,
  accountId: number,
  scope: KeyScope,
  name: string,
): Promise<{ key: string; prefix: string }> {
  for (;;) {
    const key = randomBytes(24).toString('base64url');
    if (!issuableKey(key)) continue;
    const prefix = keyPrefix(key);
    if (await insertApiKey(db, { accountId, scope, prefix, hash: hashKey(key), name }))
      return { key, prefix };
  }
}

export interface KeyInfo {
  prefix: string;
  scope: KeyScope;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export async function listApiKeys(db: Queryable, accountId: number): Promise<KeyInfo[]> {
  const { rows } = await db.query<KeyInfo>(
    `SELECT prefix, scope, name, created_at AS "createdAt", last_used_at AS "lastUsedAt",
            revoked_at AS "revokedAt"
       FROM api_keys WHERE account_id = $1 ORDER BY created_at, id`,
    [accountId],
  );
  return rows;
}

/** Revokes the account's key with this prefix: revoked, already revoked, or no such key. */
export async function revokeApiKey(
  db: Queryable,
  accountId: number,
  prefix: string,
  now: Date,
): Promise<'revoked' | 'already' | 'missing'> {
  const { rows } = await db.query<{ was: Date | null }>(
    `UPDATE api_keys k SET revoked_at = coalesce(k.revoked_at, $3)
       FROM api_keys old
      WHERE k.id = old.id AND k.account_id = $1 AND k.prefix = $2
      RETURNING old.revoked_at AS was`,
    [accountId, prefix, now],
  );
  if (!rows[0]) return 'missing';
  return rows[0].was ? 'already' : 'revoked';
}

/** Records a use, writing at most once a minute per key (the WHERE skips fresher rows). */
export async function touchApiKey(db: Queryable, id: number, now: Date): Promise<void> {
  await db.query(
    `UPDATE api_keys SET last_used_at = $2
      WHERE id = $1 AND (last_used_at IS NULL OR last_used_at <= $2::timestamptz - interval '60 seconds')`,
    [id, now],
  );
}
