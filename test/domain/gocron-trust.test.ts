// Who may do what with a gocron check-in (issue 15): the pure rule behind the check-in route.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  checkinEffect,
  checkinRefusal,
  type CheckinAccount,
} from '../../src/domain/gocron-trust.js';

const open: CheckinAccount = { mode: 'open', pingKey: 'pk-1' };
const keyed: CheckinAccount = { mode: 'key', pingKey: 'the-ping-key' };
const off: CheckinAccount = { mode: 'off', pingKey: 'pk-2' };

test('an unknown account is created unless GOCRON_CREATE_ACCOUNTS is false', () => {
  assert.equal(checkinRefusal('acme', undefined, undefined, true), undefined);
  assert.deepEqual(checkinRefusal('acme', undefined, undefined, false), {
    reason: 'no account',
    message: 'no account "acme"',
  });
  // A key does not create what the setting forbids.
  assert.equal(checkinRefusal('acme', undefined, 'the-ping-key', false)?.reason, 'no account');
});

test('open: no key needed, and a key sent is not checked', () => {
  for (const key of [undefined, 'anything', 'pk-1'])
    assert.equal(checkinRefusal('acme', open, key, false), undefined);
});

test('key: the ping key is required and must match exactly', () => {
  assert.equal(checkinRefusal('acme', keyed, undefined, true)?.reason, 'key missing');
  assert.match(checkinRefusal('acme', keyed, undefined, true)!.message, /requires its ping key/);
  for (const wrong of ['wrong', 'the-ping-ke', 'the-ping-key ', 'THE-PING-KEY', 'the-ping-keyx'])
    assert.equal(checkinRefusal('acme', keyed, wrong, true)?.reason, 'key wrong', wrong);
  assert.equal(checkinRefusal('acme', keyed, 'the-ping-key', false), undefined);
  // An account in key mode without a ping key takes no check-in (no key can match).
  assert.equal(
    checkinRefusal('acme', { mode: 'key', pingKey: null }, 'the-ping-key', true)?.reason,
    'key wrong',
  );
});

test('off: every check-in is refused, with or without the key', () => {
  for (const key of [undefined, 'pk-2'])
    assert.deepEqual(checkinRefusal('acme', off, key, true), {
      reason: 'off',
      message: 'gocron check-ins are turned off for account "acme"',
    });
});

test('a check-in creates a missing check, upserts a gocron one, only pings any other', () => {
  assert.equal(checkinEffect(undefined), 'create');
  assert.equal(checkinEffect({ gocronOrigin: true }), 'upsert');
  assert.equal(checkinEffect({ gocronOrigin: false }), 'ping');
});
