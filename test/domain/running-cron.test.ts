// countRunningCron: the bulk count of running cron checks for the /metrics checks gauge gives
// apiStatus's answer check by check, for several schedules, zones and graces, across a
// daylight-saving change.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apiStatus, type StatusFields } from '../../src/domain/api-shapes.js';
import { countRunningCron } from '../../src/domain/running-cron.js';

const schedules = [
  { cron: '0 * * * *', tz: 'UTC', grace: 600 },
  { cron: '*/15 * * * *', tz: 'UTC', grace: 60 },
  { cron: '30 2 * * *', tz: 'Europe/Berlin', grace: 3600 },
  { cron: '0 9 * * 1-5', tz: 'America/New_York', grace: 1800 },
  { cron: '0 * * * *', tz: 'Asia/Kolkata', grace: 0 },
];

// A small deterministic generator: the same checks on every run.
let seed = 42;
const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;

for (const nowText of ['2026-07-01T12:32:00Z', '2026-03-29T01:45:00Z', '2026-03-30T13:59:30Z']) {
  test(`the same counts as apiStatus one by one, at ${nowText}`, () => {
    const now = new Date(nowText);
    const checks: (StatusFields & { lastPingAt: Date })[] = [];
    for (let i = 0; i < 600; i++) {
      const s = schedules[i % schedules.length]!;
      // Last pings from three days ago up to now; the run started after it.
      const lastPingAt = new Date(now.getTime() - Math.floor(random() * 3 * 86_400_000));
      const startedAt = new Date(lastPingAt.getTime() + (now.getTime() - lastPingAt.getTime()) / 2);
      checks.push({
        kind: 'cron',
        period: null,
        ...s,
        status: 'up',
        lastPingAt,
        startedAt,
        nextDeadline: new Date(now.getTime() + 60_000),
      });
    }
    const expected = { up: 0, grace: 0 };
    for (const c of checks) {
      const status = apiStatus(c, now);
      assert.ok(status === 'up' || status === 'grace', status);
      expected[status]++;
    }
    assert.ok(expected.up > 0 && expected.grace > 0, JSON.stringify(expected));
    assert.deepEqual(countRunningCron(checks, now), expected);
  });
}

test('no checks, no counts', () => {
  assert.deepEqual(countRunningCron([], new Date()), { up: 0, grace: 0 });
});
