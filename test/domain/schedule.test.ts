// Grace and deadlines (COMPAT item 10, invariant 2): pure functions of their arguments.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { GracePolicy } from '../../src/domain/schedule.js';
import { graceFor, MAX_PERIOD_SECONDS, nextDeadline } from '../../src/domain/schedule.js';

const DEFAULT: GracePolicy = { percent: 10, minSeconds: 60, maxSeconds: 3600 };

describe('graceFor', () => {
  test('by default 10 % of the frequency, at least 60 s and at most 3600 s', () => {
    const cases: [frequency: number, grace: number][] = [
      [1, 60],
      [60, 60],
      [599, 60],
      [600, 60],
      [601, 60],
      [604, 60],
      [605, 61], // 60.5 rounds up
      [610, 61],
      [1000, 100],
      [3600, 360],
      [35_999, 3600],
      [36_000, 3600],
      [36_010, 3600],
      [86_400, 3600],
      [MAX_PERIOD_SECONDS, 3600],
    ];
    for (const [frequency, grace] of cases) {
      assert.equal(graceFor(frequency, DEFAULT), grace, `frequency ${frequency}`);
    }
  });

  test('a custom policy: percent, minimum and maximum are all honoured', () => {
    const policy: GracePolicy = { percent: 50, minSeconds: 10, maxSeconds: 100 };
    assert.equal(graceFor(1, policy), 10);
    assert.equal(graceFor(20, policy), 10);
    assert.equal(graceFor(21, policy), 11); // 10.5 rounds up
    assert.equal(graceFor(60, policy), 30);
    assert.equal(graceFor(200, policy), 100);
    assert.equal(graceFor(10_000, policy), 100);
  });

  test('no grace at all, as gocron had', () => {
    const none: GracePolicy = { percent: 0, minSeconds: 0, maxSeconds: 0 };
    for (const frequency of [1, 60, 86_400, MAX_PERIOD_SECONDS]) {
      assert.equal(graceFor(frequency, none), 0);
    }
  });

  test('a fixed grace when minimum and maximum are equal', () => {
    const fixed: GracePolicy = { percent: 10, minSeconds: 300, maxSeconds: 300 };
    for (const frequency of [1, 3000, 1_000_000]) assert.equal(graceFor(frequency, fixed), 300);
  });

  test('the largest configurable policy stays within the stored range', () => {
    const widest: GracePolicy = { percent: 1000, minSeconds: 0, maxSeconds: MAX_PERIOD_SECONDS };
    assert.equal(graceFor(60, widest), 600);
    assert.equal(graceFor(MAX_PERIOD_SECONDS, widest), MAX_PERIOD_SECONDS);
  });

  test('always a whole number of seconds (the column is an integer)', () => {
    for (const percent of [0, 1, 3, 7, 10, 33, 99, 1000]) {
      for (const frequency of [1, 7, 13, 333, 999, 12_345, 777_777, MAX_PERIOD_SECONDS]) {
        const grace = graceFor(frequency, {
          percent,
          minSeconds: 0,
          maxSeconds: MAX_PERIOD_SECONDS,
        });
        assert.ok(Number.isInteger(grace), `${percent} % of ${frequency} = ${grace}`);
        const exact = Math.min(MAX_PERIOD_SECONDS, (frequency * percent) / 100);
        assert.ok(Math.abs(grace - exact) <= 0.5, `${percent} % of ${frequency} = ${grace}`);
      }
    }
  });
});

describe('nextDeadline', () => {
  test('is now + frequency + grace, to the millisecond', () => {
    const now = new Date('2024-05-06T07:08:09.123Z');
    assert.equal(nextDeadline(now, 60, 60).toISOString(), '2024-05-06T07:10:09.123Z');
    assert.equal(nextDeadline(now, 3600, 360).toISOString(), '2024-05-06T08:14:09.123Z');
    assert.equal(nextDeadline(now, 86_400, 3600).toISOString(), '2024-05-07T08:08:09.123Z');
    assert.equal(nextDeadline(now, 1, 0).toISOString(), '2024-05-06T07:08:10.123Z');
    assert.equal(
      nextDeadline(now, MAX_PERIOD_SECONDS, 3600).toISOString(),
      '2025-05-06T08:08:09.123Z', // 365 days later (2024 is a leap year) and an hour
    );
  });

  test('does not change `now`', () => {
    const now = new Date('2024-01-01T00:00:00.000Z');
    const deadline = nextDeadline(now, 60, 60);
    assert.equal(now.toISOString(), '2024-01-01T00:00:00.000Z');
    assert.notEqual(deadline, now);
  });

  test('crosses a DST change in wall-clock terms without caring: it is UTC arithmetic', () => {
    // 2024-03-31 01:00 UTC: Europe moves its clocks; an hour is still 3,600,000 ms.
    const now = new Date('2024-03-31T00:30:00.000Z');
    assert.equal(nextDeadline(now, 3600, 0).getTime() - now.getTime(), 3_600_000);
  });

  test('with graceFor: the deadline a default check-in stores', () => {
    const now = new Date('2024-05-06T07:08:09.000Z');
    const frequency = 300;
    const deadline = nextDeadline(now, frequency, graceFor(frequency, DEFAULT));
    assert.equal(deadline.getTime() - now.getTime(), (300 + 60) * 1000);
  });
});

test('MAX_PERIOD_SECONDS is one year of 365 days', () => {
  assert.equal(MAX_PERIOD_SECONDS, 365 * 24 * 3600);
});
