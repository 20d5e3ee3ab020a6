// Dashboard sessions (migration 0009). Only the SHA-256 of the cookie's token is stored.
import type { KeyScope } from './api-keys.js';
import type { Queryable } from './pool.js';

export interface NewSession {
  tokenHash: string;
  apiKeyId: number;
  csrf: string;
  now: Date;
  expiresAt: Date;
}

export async function insertSession(db: Queryable, s: NewSession): Promise<void> {
  await db.query(
    `INSERT INTO sessions (token_hash, api_key_id, csrf, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5)`,
    [s.tokenHash, s.apiKeyId, s.csrf, s.now, s.expiresAt],
  );
}

export interface SessionRow {
  accountId: number;
  account: string;
  scope: KeyScope;
  csrf: string;
}

/**
 * The live session with this token hash: not expired, and its API key not revoked (revoking
 * the key a session was opened with ends the session at its next request).
 */
export async function findSession(
  db: Queryable,
  tokenHash: string,
  now: Date,
): Promise<SessionRow | undefined> {
  const { rows } = await db.query<SessionRow>(
    `SELECT k.account_id AS "accountId", a.name AS account, k.scope, s.csrf
       FROM sessions s JOIN api_keys k ON k.id = s.api_key_id JOIN accounts a ON a.id = k.account_id
      WHERE s.token_hash = $1 AND s.expires_at > $2 AND k.revoked_at IS NULL`,
    [tokenHash, now],
  );
  return rows[0];
}

export async function deleteSession(db: Queryable, tokenHash: string): Promise<void> {
  await db.query(`DELETE FROM sessions WHERE token_hash = $1`, [tokenHash]);
}

/** Deletes expired sessions; returns how many. */
export async function pruneSessions(db: Queryable, now: Date): Promise<number> {
  const { rowCount } = await db.query(`DELETE FROM sessions WHERE expires_at <= $1`, [now]);
  return rowCount ?? 0;
}
