// The alert policies' pure rules (issue 16), time passed as a parameter: thresholds,
// runtime assertions, repeats with acknowledge, maintenance windows across DST changes,
// dependencies, and the alert text with the job's output.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { alertText } from '../../src/domain/alert.js';
import { applyPing, type PingCheck } from '../../src/domain/ping.js';
import { dependencyCycle, foldedBehind } from '../../src/domain/policy-dependency.js';
import { parsePolicyFields, PolicyError } from '../../src/domain/policy-input.js';
import { missDecision, type MissCheck } from '../../src/domain/policy-miss.js';
import { dueAction, type RepeatState } from '../../src/domain/policy-repeat.js';
import { runtimeFailure, runningTooLong } from '../../src/domain/policy-runtime.js';
import {
  silencedUntil,
  windowEnd,
  windowError,
  type Window,
} from '../../src/domain/policy-window.js';

const T = (iso: string) => new Date(iso);
const base: PingCheck = {
  status: 'up',
  kind: 'simple',
  period: 3600,
  cron: null,
  tz: 'UTC',
  grace: 300,
  startedAt: null,
  runId: null,
  nextDeadline: null,
  manualResume: false,
};

/** Feeds pings through applyPing as the writers do (state carried between them). */
function run(c: PingCheck, pings: ('ok' | 'fail')[], from = Date.parse('2026-03-01T00:00:00Z')) {
  const alerts: string[] = [];
  const flips: string[] = [];
  let state = { ...c };
  pings.forEach((k, i) => {
    const out = applyPing(state, {
      kind: k === 'ok' ? 'success' : 'fail',
      exitStatus: null,
      rid: null,
      now: new Date(from + i * 60_000),
      runStartedAt: null,
    });
    if (out.flip) flips.push(`${out.flip.from}>${out.flip.to}`);
    if (out.flip?.alert) alerts.push(out.flip.to);
    if (out.alertOnly) alerts.push(out.alertOnly);
    state = { ...state, status: out.status, nextDeadline: out.nextDeadline, ...out.streaks };
  });
  return { alerts, flips, state };
}

describe('failure and success thresholds', () => {
  test('defaults: the first failure alerts, the first success recovers (as before)', () => {
    const r = run(base, ['fail', 'fail', 'ok', 'fail']);
    assert.deepEqual(r.flips, ['up>down', 'down>up', 'up>down']);
    assert.deepEqual(r.alerts, ['down', 'up', 'down']);
  });

  test('failure_threshold 3: every flip recorded, the alert at the third failure in a row', () => {
    const c = { ...base, failureThreshold: 3 };
    const r = run(c, ['fail', 'fail', 'ok', 'fail', 'fail', 'fail', 'fail']);
    assert.deepEqual(r.flips, ['up>down', 'down>up', 'up>down']);
    // fail fail (2) · ok resets · fail fail fail → alert · a 4th is not news.
    assert.deepEqual(r.alerts, ['down']);
    // Below the threshold the next run stays expected (its miss counts).
    const one = applyPing(c, {
      kind: 'fail',
      exitStatus: null,
      rid: null,
      now: T('2026-03-01T00:00:00Z'),
      runStartedAt: null,
    });
    assert.equal(one.nextDeadline?.toISOString(), '2026-03-01T01:05:00.000Z');
    assert.equal(one.flip?.alert, false);
  });

  test('success_threshold 2: the status is up at once, the recovery alert at the second', () => {
    const c = { ...base, successThreshold: 2 };
    const r = run(c, ['fail', 'ok', 'fail', 'ok', 'ok', 'ok']);
    assert.deepEqual(r.flips, ['up>down', 'down>up', 'up>down', 'down>up']);
    // fail → down alert; ok (1 of 2); fail: still the same outage, no second alert; ok ok → up.
    assert.deepEqual(r.alerts, ['down', 'up']);
  });

  test('a miss below the threshold keeps the check expected at the next run', () => {
    const c: MissCheck = { ...base, failureThreshold: 2, deadline: T('2026-03-01T01:05:00Z') };
    const first = missDecision(c, T('2026-03-01T01:05:01Z'));
    assert.deepEqual(
      { flip: first.flip, alert: first.alert, next: first.nextDeadline?.toISOString() },
      { flip: true, alert: false, next: '2026-03-01T02:05:00.000Z' },
    );
    const second = missDecision(
      { ...c, status: 'down', ...first.streaks, deadline: first.nextDeadline! },
      T('2026-03-01T02:05:01Z'),
    );
    assert.deepEqual(
      { flip: second.flip, alert: second.alert, next: second.nextDeadline },
      { flip: false, alert: true, next: null },
    );
  });
});

describe('runtime assertions', () => {
  const limits = { minRuntime: 30, maxRuntime: 3 * 86_400 };
  test('too fast, within, too long (no cap: three days is a valid limit)', () => {
    assert.match(runtimeFailure(2, limits)!, /^finished too fast: ran 2 s, min_runtime 30 s$/);
    assert.equal(runtimeFailure(60, limits), undefined);
    assert.match(runtimeFailure(4 * 86_400, limits)!, /^running too long: ran 4 d/);
    assert.equal(runtimeFailure(null, limits), undefined);
  });

  test('a started run is due at start + max_runtime, and the sweep says why', () => {
    const c = { ...base, maxRuntime: 7200 };
    const start = applyPing(c, {
      kind: 'start',
      exitStatus: null,
      rid: null,
      now: T('2026-03-01T00:00:00Z'),
      runStartedAt: null,
    });
    assert.equal(start.nextDeadline?.toISOString(), '2026-03-01T02:00:00.000Z');
    assert.equal(
      runningTooLong(T('2026-03-01T00:00:00Z'), limits, T('2026-03-01T01:00:00Z')),
      undefined,
    );
    assert.match(
      runningTooLong(
        T('2026-03-01T00:00:00Z'),
        { minRuntime: null, maxRuntime: 7200 },
        T('2026-03-01T02:00:00Z'),
      )!,
      /^running too long: started 2026-03-01T00:00:00.000Z, max_runtime 2 h$/,
    );
  });

  test('a success that finished too fast is a failure with its reason', () => {
    const out = applyPing(
      { ...base, minRuntime: 30 },
      {
        kind: 'success',
        exitStatus: 0,
        rid: null,
        now: T('2026-03-01T00:00:05Z'),
        runStartedAt: T('2026-03-01T00:00:00Z'),
      },
    );
    assert.equal(out.status, 'down');
    assert.deepEqual(out.flip, {
      from: 'up',
      to: 'down',
      reason: 'finished too fast: ran 5 s, min_runtime 30 s',
      alert: true,
    });
  });
});

describe('repeats and acknowledge', () => {
  const down: RepeatState = {
    status: 'down',
    failureThreshold: 1,
    successThreshold: 1,
    failStreak: 0,
    okStreak: 0,
    alertedDown: true,
    repeatEvery: 3600,
    repeatLimit: 2,
    repeatsSent: 0,
    ackedAt: null,
  };
  const now = T('2026-03-01T12:00:00Z');
  test('repeat every hour, at most twice', () => {
    assert.deepEqual(dueAction(down, null, now), {
      kind: 'repeat',
      n: 1,
      next: T('2026-03-01T13:00:00Z'),
    });
    assert.deepEqual(dueAction({ ...down, repeatsSent: 1 }, null, now), {
      kind: 'repeat',
      n: 2,
      next: null,
    });
    assert.deepEqual(dueAction({ ...down, repeatsSent: 2 }, null, now), { kind: 'clear' });
  });
  test('acknowledge, recovery and "never" stop them; a silence delays them', () => {
    assert.deepEqual(dueAction({ ...down, ackedAt: now }, null, now), { kind: 'clear' });
    assert.deepEqual(dueAction({ ...down, status: 'up' }, null, now), { kind: 'clear' });
    assert.deepEqual(dueAction({ ...down, repeatEvery: null }, null, now), { kind: 'clear' });
    const until = T('2026-03-01T14:00:00Z');
    assert.deepEqual(dueAction(down, until, now), { kind: 'wait', until });
  });
  test('a down alert held by a window goes out when it ends, if still down', () => {
    const held = { ...down, alertedDown: false, failStreak: 1 };
    assert.deepEqual(dueAction(held, null, now), { kind: 'alert' });
    assert.deepEqual(dueAction({ ...held, failStreak: 0 }, null, now), { kind: 'clear' });
    assert.deepEqual(dueAction({ ...held, status: 'up' }, null, now), { kind: 'clear' });
  });
});

describe('maintenance windows across daylight-saving changes', () => {
  // "Sundays 02:00-04:00 Europe/Berlin": two hours of elapsed time from 02:00 local.
  const sundays: Window = {
    cron: '0 2 * * 0',
    tz: 'Europe/Berlin',
    duration: 7200,
    startsAt: null,
    endsAt: null,
  };
  test('the cron of a window follows the checks\' rule: 5 fields, named "cron"', () => {
    assert.equal(windowError(sundays), undefined);
    assert.match(
      windowError({ ...sundays, cron: '0 0 2 * * 0' }) ?? '',
      /^cron must be a cron expression of 5 fields/,
    );
    assert.match(
      windowError({ ...sundays, cron: '61 2 * * 0' }) ?? '',
      /^cron "61 2 \* \* 0" is not valid/,
    );
    assert.match(
      windowError({ ...sundays, tz: 'Mars/Base' }) ?? '',
      /^tz "Mars\/Base" is not an IANA/,
    );
  });
  test('a winter Sunday: 01:00-03:00 UTC', () => {
    assert.equal(windowEnd(sundays, T('2026-03-01T00:59:59Z')), null);
    assert.equal(
      windowEnd(sundays, T('2026-03-01T01:00:00Z'))?.toISOString(),
      '2026-03-01T03:00:00.000Z',
    );
    assert.equal(
      windowEnd(sundays, T('2026-03-01T02:59:59Z'))?.toISOString(),
      '2026-03-01T03:00:00.000Z',
    );
    assert.equal(windowEnd(sundays, T('2026-03-01T03:00:00Z')), null);
  });
  test('spring forward (29 March 2026: 02:00 does not exist): from 03:00 CEST = 01:00 UTC', () => {
    assert.equal(windowEnd(sundays, T('2026-03-29T00:59:00Z')), null);
    assert.equal(
      windowEnd(sundays, T('2026-03-29T01:30:00Z'))?.toISOString(),
      '2026-03-29T03:00:00.000Z',
    );
    assert.equal(windowEnd(sundays, T('2026-03-29T03:00:00Z')), null);
  });
  test('a summer Sunday: 02:00 CEST = 00:00 UTC', () => {
    assert.equal(
      windowEnd(sundays, T('2026-04-05T00:00:00Z'))?.toISOString(),
      '2026-04-05T02:00:00.000Z',
    );
    assert.equal(windowEnd(sundays, T('2026-04-05T02:00:00Z')), null);
  });
  test('fall back (25 October 2026: 02:00 happens twice): once, from the first 02:00', () => {
    assert.equal(windowEnd(sundays, T('2026-10-24T23:59:00Z')), null);
    assert.equal(
      windowEnd(sundays, T('2026-10-25T00:00:00Z'))?.toISOString(),
      '2026-10-25T02:00:00.000Z',
    );
    assert.equal(windowEnd(sundays, T('2026-10-25T02:00:00Z')), null);
  });
  test('one-off windows, snooze, and windows back to back are one silence', () => {
    const once: Window = {
      cron: null,
      tz: 'UTC',
      duration: null,
      startsAt: T('2026-03-01T03:00:00Z'),
      endsAt: T('2026-03-01T05:00:00Z'),
    };
    const now = T('2026-03-01T01:30:00Z');
    assert.equal(
      silencedUntil([sundays, once], null, now)?.toISOString(),
      '2026-03-01T05:00:00.000Z',
    );
    assert.equal(
      silencedUntil([], T('2026-03-01T02:00:00Z'), now)?.toISOString(),
      '2026-03-01T02:00:00.000Z',
    );
    assert.equal(silencedUntil([], T('2026-03-01T01:00:00Z'), now), null);
    assert.equal(silencedUntil([once], null, now), null);
  });
});

describe('dependencies', () => {
  const edges = [
    { child: 2, parent: 1 },
    { child: 3, parent: 1 },
    { child: 3, parent: 2 },
  ];
  test('a child missing while a parent is down (before, or in the same batch) is folded', () => {
    assert.deepEqual([...foldedBehind([2], edges, new Set([1]))], [[2, 1]]);
    assert.deepEqual([...foldedBehind([1, 2], edges, new Set())], [[2, 1]]);
    assert.deepEqual([...foldedBehind([3], edges, new Set([2]))], [[3, 2]]);
    assert.deepEqual([...foldedBehind([2], edges, new Set())], []);
    assert.deepEqual([...foldedBehind([1], edges, new Set())], []);
  });
  test('cycles are found, with their path', () => {
    assert.deepEqual(dependencyCycle(edges, 1, [3]), [1, 3, 1]);
    assert.deepEqual(dependencyCycle(edges, 1, [2]), [1, 2, 1]);
    assert.equal(dependencyCycle(edges, 4, [3]), undefined);
    assert.equal(dependencyCycle(edges, 3, [1, 2]), undefined);
  });
});

describe('API fields', () => {
  test('each bad field is named', () => {
    const bad = (body: Record<string, unknown>, re: RegExp) =>
      assert.throws(
        () => parsePolicyFields(body),
        (e: Error) => e instanceof PolicyError && re.test(e.message),
      );
    bad({ failure_threshold: 0 }, /^failure_threshold must be a whole number from 1/);
    bad({ min_runtime: -1 }, /^min_runtime must be a number of seconds above 0/);
    bad({ repeat_every: 30 }, /^repeat_every must be a whole number from 60/);
    bad({ depends_on: ['x'] }, /^depends_on must be an array of check uuids/);
    bad({ snoozed_until: 'tomorrow' }, /^snoozed_until must be an ISO 8601 time/);
    assert.equal(parsePolicyFields({ name: 'x' }), undefined);
    assert.deepEqual(parsePolicyFields({ max_runtime: 10 * 86_400, repeat_every: null }), {
      maxRuntime: 864_000,
      repeatEvery: null,
    });
  });
});

describe('alert text', () => {
  const check = {
    id: 1,
    uuid: '00000000-0000-4000-8000-000000000001',
    name: 'backup',
    account: 'acme',
  };
  test('a failure quotes the output, the exit status and the run duration; gocron subject', () => {
    const t = alertText(
      {
        kind: 'down',
        check,
        flipId: 1,
        at: '2026-03-01T00:00:00.000Z',
        lastPingAt: '2026-03-01T00:00:00.000Z',
        expectedAt: null,
        failure: 'exit status 2',
        exitStatus: 2,
        duration: 12.5,
        output: 'rsync: connection refused\n',
      },
      'https://cron.example.com',
    );
    assert.equal(t.subject, 'backup: acme failed');
    assert.equal(
      t.body,
      [
        'The cronjob backup for account acme reported a failure (exit status 2)',
        '',
        'Reported at: 2026-03-01T00:00:00.000Z',
        'Exit status: 2',
        'Run duration: 12.5 s',
        '',
        'Output (all of it):',
        '    rsync: connection refused',
        '',
        'https://cron.example.com/dashboard/checks/00000000-0000-4000-8000-000000000001',
      ].join('\n'),
    );
  });
  test('a repeat says so; "running too long" keeps the gocron miss subject', () => {
    const t = alertText({
      kind: 'down',
      check,
      flipId: 1,
      at: '2026-03-01T00:00:00.000Z',
      lastPingAt: null,
      expectedAt: null,
      overdue: 'running too long: started 2026-02-28T22:00:00.000Z, max_runtime 2 h',
      repeat: 2,
      dependents: ['restore-test'],
    });
    assert.equal(t.subject, 'backup: acme failed to check in');
    assert.match(t.body, /^Reason: {8}running too long/m);
    assert.match(t.body, /^Reminder 2: still down since 2026-03-01T00:00:00.000Z/m);
    assert.match(t.body, /1 check depending on backup also down:\n {2}- restore-test/);
  });
});
