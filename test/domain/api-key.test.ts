// Which keys may be handed out: a key whose prefix starts with "-" could not be revoked by
// `cronwatch key revoke ACCOUNT PREFIX` (commander read it as an option; a CLI test failed
// on one key in 64).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { issuableKey, keyPrefix, looksLikeKey } from '../../src/domain/api-key.js';

test('a key starting with "-" is not issued; every other key of the right shape is', () => {
  assert.equal(issuableKey('-hQCvEGktmXr' + 'a'.repeat(20)), false);
  assert.equal(issuableKey('_hQCvEGktmXr' + 'a'.repeat(20)), true);
  assert.equal(issuableKey('hQCv-EGktmXr' + 'a'.repeat(20)), true);
  assert.equal(issuableKey('short'), false);
  let drawn = 0;
  for (let i = 0; i < 2000; i++) {
    const key = randomBytes(24).toString('base64url');
    assert.ok(looksLikeKey(key));
    if (!issuableKey(key)) continue;
    drawn++;
    assert.ok(!keyPrefix(key).startsWith('-'));
  }
  assert.ok(drawn > 1800, 'only about one key in 64 is drawn again');
});
