import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CRON_NICKNAMES, cronDeadline, cronError, cronInterval } from '../../src/domain/cron.js';

const at = (iso: string) => new Date(iso);
const iso = (d: Date | undefined) => d?.toISOString();

describe('cron deadlines', () => {
  test('hourly: the next full hour plus grace', () => {
    const s = { expression: '0 * * * *', timezone: 'UTC' };
    assert.equal(iso(cronDeadline(s, at('2026-06-01T10:17:00Z'), 300)), '2026-06-01T11:05:00.000Z');
  });

  test('weekdays 09:30 in Europe/Berlin: Friday → Monday, in local time (CEST = UTC+2)', () => {
    const s = { expression: '30 9 * * 1-5', timezone: 'Europe/Berlin' };
    assert.equal(iso(cronDeadline(s, at('2026-06-05T07:31:00Z'), 600)), '2026-06-08T07:40:00.000Z');
  });

  test('Europe/Berlin across spring-forward (29 March 2026): 09:30 moves from 08:30Z to 07:30Z', () => {
    const s = { expression: '30 9 * * 1-5', timezone: 'Europe/Berlin' };
    // Friday 27 March 09:30 CET = 08:30Z; the next run is Monday 30 March 09:30 CEST = 07:30Z.
    assert.equal(iso(cronDeadline(s, at('2026-03-27T08:31:00Z'), 600)), '2026-03-30T07:40:00.000Z');
  });

  test('Europe/Berlin fall-back (25 October 2026): a 02:30 daily job is expected once that night', () => {
    const s = { expression: '30 2 * * *', timezone: 'Europe/Berlin' };
    // 02:30 CEST = 00:30Z comes first; the repeated 02:30 CET (01:30Z) is not a second run.
    assert.equal(iso(cronDeadline(s, at('2026-10-24T12:00:00Z'), 60)), '2026-10-25T00:31:00.000Z');
    assert.equal(iso(cronDeadline(s, at('2026-10-25T00:31:00Z'), 60)), '2026-10-26T01:31:00.000Z');
  });

  test('Europe/Berlin spring-forward: a 02:30 job (a time that does not exist) is expected at 03:00', () => {
    const s = { expression: '30 2 * * *', timezone: 'Europe/Berlin' };
    assert.equal(iso(cronDeadline(s, at('2026-03-28T12:00:00Z'), 60)), '2026-03-29T01:01:00.000Z');
  });

  test('America/New_York across its DST changes (8 March and 1 November 2026)', () => {
    const s = { expression: '30 9 * * 1-5', timezone: 'America/New_York' };
    // Friday 6 March 09:30 EST = 14:30Z → Monday 9 March 09:30 EDT = 13:30Z.
    assert.equal(iso(cronDeadline(s, at('2026-03-06T14:31:00Z'), 60)), '2026-03-09T13:31:00.000Z');
    // Friday 30 October 09:30 EDT = 13:30Z → Monday 2 November 09:30 EST = 14:30Z.
    assert.equal(iso(cronDeadline(s, at('2026-10-30T13:31:00Z'), 60)), '2026-11-02T14:31:00.000Z');
  });

  test('an early ping counts for the run it came just before', () => {
    const s = { expression: '0 * * * *', timezone: 'UTC' };
    // 20 s before 11:00 with 5 min grace: that was the 11:00 run; next expected 12:00.
    assert.equal(iso(cronDeadline(s, at('2026-06-01T10:59:40Z'), 300)), '2026-06-01T12:05:00.000Z');
    // 20 min before: too early to be the 11:00 run (beyond the grace).
    assert.equal(iso(cronDeadline(s, at('2026-06-01T10:40:00Z'), 300)), '2026-06-01T11:05:00.000Z');
    // Never more than half the gap: every-minute job, 5 min grace, ping 40 s early is the previous run.
    const minutely = { expression: '* * * * *', timezone: 'UTC' };
    assert.equal(
      iso(cronDeadline(minutely, at('2026-06-01T10:59:20Z'), 300)),
      '2026-06-01T11:05:00.000Z',
    );
  });
});

describe('cron validation', () => {
  test('valid expressions and zones pass', () => {
    assert.equal(cronError('*/5 * * * *', 'UTC'), undefined);
    assert.equal(cronError('30 9 * * 1-5', 'Europe/Berlin'), undefined);
  });
  test('bad expressions and zones get a message', () => {
    assert.match(cronError('61 * * * *', 'UTC')!, /not valid.*minute/);
    assert.match(cronError('* * * *', 'UTC')!, /5 fields/);
    assert.match(cronError('0 0 * * * *', 'UTC')!, /5 fields/);
    assert.match(cronError('', 'UTC')!, /5 fields/);
    assert.match(cronError('0 0 * * *', 'Mars/Base')!, /not an IANA time zone/);
    assert.match(cronError('0 0 31 2 *', 'UTC')!, /never runs|not valid/);
  });
  // The CLI (check add --cron) and the API (schedule) share this validator.
  test("crontab's @ forms pass, in any case; @reboot and unknown ones do not", () => {
    for (const form of ['@daily', '@hourly', '@weekly', '@monthly', '@yearly'])
      assert.ok(CRON_NICKNAMES.includes(form), form);
    for (const form of [...CRON_NICKNAMES, '@DAILY'])
      assert.equal(cronError(form, 'Europe/Berlin'), undefined, form);
    assert.match(cronError('@reboot', 'UTC')!, /5 fields/);
    assert.match(cronError('@fortnightly', 'UTC')!, /5 fields/);
  });
  test('cronInterval is the shortest gap between the next runs', () => {
    const now = at('2026-06-05T12:00:00Z');
    assert.equal(cronInterval({ expression: '30 9 * * 1-5', timezone: 'UTC' }, now), 86_400);
    assert.equal(cronInterval({ expression: '@hourly', timezone: 'UTC' }, now), 3600);
  });
});
