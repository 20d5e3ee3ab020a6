// Fixtures shared by the Management API tests: accounts and keys of each scope.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { insertApiKey, type KeyScope } from '../../src/db/api-keys.js';
import type { Pool } from '../../src/db/pool.js';
import { hashKey, keyPrefix } from '../../src/domain/api-key.js';

let seq = 0;
export async function newAccount(pool: Pool, prefix = 'api-acc'): Promise<number> {
  const { rows } = await pool.query(`INSERT INTO accounts (name) VALUES ($1) RETURNING id`, [
    `${prefix}-${++seq}`,
  ]);
  return rows[0].id;
}

export async function newKey(pool: Pool, accountId: number, scope: KeyScope): Promise<string> {
  const key = randomBytes(24).toString('base64url');
  assert.ok(
    await insertApiKey(pool, {
      accountId,
      scope,
      prefix: keyPrefix(key),
      hash: hashKey(key),
      name: '',
    }),
  );
  return key;
}
