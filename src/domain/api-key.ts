// API keys: how a key is told apart from its stored form. Only a prefix (to find the row)
// and a hash (to check the key) are stored, never the key.
import { createHash, timingSafeEqual } from 'node:crypto';

/** 24 random bytes in base64url: 32 characters, as healthchecks' keys (clients check the length). */
export const KEY_LENGTH = 32;
/** Stored in clear to find the row: 72 of the key's 192 random bits; 120 stay secret. */
export const PREFIX_LENGTH = 12;

const KEY_SHAPE = /^[A-Za-z0-9_-]{32}$/;

export function looksLikeKey(text: string): boolean {
  return KEY_SHAPE.test(text);
}

/**
 * Whether a freshly drawn key may be handed out. Not one starting with "-": its prefix is
 * what `cronwatch key revoke ACCOUNT PREFIX` takes, and the command line read such a prefix
 * as an option ("unknown option '-hQCvEGktmXr'"), one key in 64.
 */
export function issuableKey(key: string): boolean {
  return looksLikeKey(key) && !key.startsWith('-');
}

export function keyPrefix(key: string): string {
  return key.slice(0, PREFIX_LENGTH);
}

// A plain SHA-256, not a slow password hash (bcrypt, scrypt): slow hashes exist because
// passwords are guessable, and an attacker with the table tries likely ones. Our keys are
// 192 random bits from the CSPRNG: there is nothing likely to try, and a brute force of
// even the 120 bits the prefix leaves secret is out of reach at any hash speed. A fast hash
// keeps every API request cheap (one SHA-256, no tuned work factor to slow the front).
export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Whether `key` hashes to the stored hex hash, in time that does not depend on where they differ. */
export function keyMatches(key: string, storedHash: string): boolean {
  const actual = createHash('sha256').update(key, 'utf8').digest();
  const expected = Buffer.from(storedHash, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
