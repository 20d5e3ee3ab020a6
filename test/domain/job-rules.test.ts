import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { refusedAddress } from '../../src/domain/address-policy.js';
import {
  CATCH_UP_SPACING_MS,
  catchUp,
  catchUpDueAt,
  MAX_CATCH_UP,
  startingDeadlineMs,
} from '../../src/domain/job-catchup.js';
import { createError, parseJobInput, type JobInput } from '../../src/domain/job-input.js';
import {
  afterAttempt,
  jobRetryDelayMs,
  parseRetryAfter,
  retryable,
  type Outcome,
} from '../../src/domain/job-retry.js';
import type { JobSchedule } from '../../src/domain/job-schedule.js';

const at = (iso: string) => new Date(iso);
const now = at('2026-06-01T12:00:00Z');
const policy = { maxAttempts: 5, baseMs: 1000, maxMs: 3_600_000 };
const answer = (status: number, extra: Partial<Outcome> = {}): Outcome => ({
  ok: false,
  status,
  durationMs: 5,
  ...extra,
});

describe('job retry policy', () => {
  test('network errors, timeouts, 5xx, 408 and 429 retry; other 4xx and refused targets do not', () => {
    assert.equal(retryable({ ok: false, durationMs: 1, error: 'ECONNREFUSED' }), true);
    assert.equal(retryable({ ok: false, durationMs: 1, error: 'timeout', timeout: true }), true);
    for (const s of [500, 502, 503, 408, 429]) assert.equal(retryable(answer(s)), true, String(s));
    for (const s of [400, 401, 404, 410]) assert.equal(retryable(answer(s)), false, String(s));
    assert.equal(retryable({ ok: false, durationMs: 0, refused: true, error: 'metadata' }), false);
  });

  test('full jitter: uniform below base·2^(n-1), capped; Retry-After is a floor', () => {
    assert.equal(jobRetryDelayMs(1, policy, 0.5), 500);
    assert.equal(jobRetryDelayMs(4, policy, 0.5), 4000);
    assert.equal(jobRetryDelayMs(4, policy, 0), 0);
    assert.equal(jobRetryDelayMs(30, policy, 0.999), 3_596_400);
    assert.equal(jobRetryDelayMs(1, policy, 0.5, 120_000), 120_000);
    assert.equal(jobRetryDelayMs(1, policy, 0.5, 10 * 3_600_000), 3_600_000);
  });

  test('afterAttempt: success final, retry until the last attempt then dead, 4xx dead, wrong 2xx failed', () => {
    assert.deepEqual(afterAttempt({ ok: true, status: 200, durationMs: 3 }, 1, policy, now, 0.5), {
      final: 'succeeded',
    });
    assert.deepEqual(afterAttempt(answer(503), 2, policy, now, 0.5), {
      retryAt: at('2026-06-01T12:00:01Z'),
    });
    assert.deepEqual(afterAttempt(answer(503), 5, policy, now, 0.5), { final: 'dead' });
    assert.deepEqual(afterAttempt(answer(404), 1, policy, now, 0.5), { final: 'dead' });
    assert.deepEqual(afterAttempt(answer(204), 1, policy, now, 0.5), { final: 'failed' });
    assert.deepEqual(afterAttempt(answer(429, { retryAfterMs: 30_000 }), 1, policy, now, 0.1), {
      retryAt: at('2026-06-01T12:00:30Z'),
    });
  });

  test('Retry-After: seconds or an HTTP date', () => {
    assert.equal(parseRetryAfter('120', now), 120_000);
    assert.equal(parseRetryAfter('Mon, 01 Jun 2026 12:01:00 GMT', now), 60_000);
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter(undefined, now), undefined);
  });
});

describe('job catch-up after downtime', () => {
  const minutely: JobSchedule = { kind: 'every', seconds: 60 };
  const tick = at('2026-06-01T11:55:00Z');
  const down = at('2026-06-01T12:00:30Z'); // 5.5 minutes later: 11:56 … 12:00 were also due

  test('on time: the tick runs and the next is one period on', () => {
    const d = catchUp(minutely, {}, 'latest', 60_000, tick, at('2026-06-01T11:55:00.300Z'));
    assert.deepEqual(d, { run: true, missed: [], next: at('2026-06-01T11:56:00Z') });
  });

  test('latest: older ticks missed, the newest due one is next (and runs at once)', () => {
    const d = catchUp(minutely, {}, 'latest', 60_000, tick, down);
    assert.equal(d.run, false);
    assert.deepEqual(
      d.missed.map((t) => t.toISOString().slice(11, 16)),
      ['11:56', '11:57', '11:58', '11:59'],
    );
    assert.deepEqual(d.next, at('2026-06-01T12:00:00Z'));
    const then = catchUp(minutely, {}, 'latest', 60_000, d.next!, down);
    assert.deepEqual(then, { run: true, missed: [], next: at('2026-06-01T12:01:00Z') });
  });

  test('none: nothing late runs, the chain resumes after now', () => {
    const d = catchUp(minutely, {}, 'none', 60_000, tick, down);
    assert.equal(d.run, false);
    assert.equal(d.missed.length, 5);
    assert.deepEqual(d.next, at('2026-06-01T12:01:00Z'));
  });

  test('all: every due tick within the deadline runs, at most 100', () => {
    const d = catchUp(minutely, {}, 'all', 3_600_000, tick, down);
    assert.deepEqual(d, { run: true, missed: [], next: at('2026-06-01T11:56:00Z') });
    const week = catchUp(minutely, {}, 'all', 7 * 86_400_000, at('2026-05-31T00:00:00Z'), now);
    assert.equal(week.run, false);
    assert.deepEqual(week.next, at('2026-06-01T10:21:00Z'));
    // 100 times run (10:21 to 12:00), every older one is recorded as missed.
    const kept = (now.getTime() - week.next!.getTime()) / 60_000 + 1;
    assert.equal(kept, MAX_CATCH_UP);
    assert.ok(week.missed.length > 0);
    assert.ok(week.missed.every((m) => m < week.next!));
  });

  test('all: the runs it catches up are spread, one a second per job; latest runs at once', () => {
    const late = at('2026-06-01T11:56:00Z');
    assert.deepEqual(catchUpDueAt('all', late, now), new Date(now.getTime() + CATCH_UP_SPACING_MS));
    assert.equal(CATCH_UP_SPACING_MS, 1000);
    assert.deepEqual(catchUpDueAt('latest', late, now), late);
    const future = at('2026-06-01T12:01:00Z');
    assert.deepEqual(catchUpDueAt('all', future, now), future);
  });

  test('a per-second job down for a day: bounded work, next due within the deadline', () => {
    const s: JobSchedule = { kind: 'every', seconds: 1 };
    const started = performance.now();
    const d = catchUp(s, {}, 'latest', 1000, at('2026-05-31T12:00:00Z'), now);
    assert.ok(performance.now() - started < 200);
    assert.deepEqual(d.next, now);
    assert.ok(d.missed.length <= 1000);
  });

  test('starting deadline: the smaller of the period and 1 h by default; all: 1 h', () => {
    const daily: JobSchedule = { kind: 'cron', cron: '0 3 * * *', tz: 'UTC' };
    assert.equal(startingDeadlineMs(daily, tick, 'latest', undefined), 3_600_000);
    assert.equal(startingDeadlineMs(minutely, tick, 'latest', undefined), 60_000);
    assert.equal(startingDeadlineMs(minutely, tick, 'all', undefined), 3_600_000);
    assert.equal(startingDeadlineMs(minutely, tick, 'none', 5), 5000);
  });
});

describe('job input', () => {
  const ok = (body: unknown): JobInput => {
    const r = parseJobInput(body, now);
    if ('error' in r) throw new Error(r.error);
    return r;
  };
  const bad = (body: unknown) => {
    const r = parseJobInput(body, now);
    assert.ok('error' in r, `accepted ${JSON.stringify(body)}`);
    return r;
  };

  test('the four minimal requests of the issue parse; action fields go to settings', () => {
    const reminder = ok({ name: 'reminder-42', after: 30, url: 'https://x.test/', body: '{}' });
    assert.deepEqual(reminder.schedule, { kind: 'once', at: at('2026-06-01T12:00:30Z') });
    assert.deepEqual(reminder.settings, { url: 'https://x.test/', body: '{}' });
    assert.deepEqual(
      ok({ name: 'n', schedule: '30 2 * * *', tz: 'Europe/Berlin', url: 'u' }).schedule,
      {
        kind: 'cron',
        cron: '30 2 * * *',
        tz: 'Europe/Berlin',
      },
    );
    assert.deepEqual(ok({ name: 'p', every: 300, url: 'u' }).schedule, {
      kind: 'every',
      seconds: 300,
    });
    assert.deepEqual(ok({ name: 'l', at: '2026-12-24T18:00:00+01:00', url: 'u' }).schedule, {
      kind: 'once',
      at: at('2026-12-24T17:00:00Z'),
    });
  });

  test('bad input names the field', () => {
    const cases: [unknown, string][] = [
      [{ schedule: '61 * * * *' }, 'schedule'],
      [{ schedule: '0 * * * *', tz: 'Mars/Base' }, 'tz'],
      [{ at: '2026-01-01T00:00:00Z' }, 'at'],
      [{ at: '2026-12-24 18:00' }, 'at'],
      [{ after: 0 }, 'after'],
      [{ after: 11 * 366 * 86_400 }, 'after'],
      [{ every: 10, after: 5 }, 'after'],
      [{ timeout: 901 }, 'timeout'],
      [{ timeout: 0 }, 'timeout'],
      [{ overlap: 'sometimes' }, 'overlap'],
      [{ catch_up: 'most' }, 'catch_up'],
      [{ attempts: 0 }, 'attempts'],
      [{ name: '' }, 'name'],
      [{ tags: [1] }, 'tags'],
      [{ start: '2026-07-01T00:00:00Z', end: '2026-06-01T00:00:00Z' }, 'end'],
      [[], 'body'],
    ];
    for (const [body, field] of cases) {
      const r = bad(body);
      assert.equal(r.field, field, JSON.stringify(body));
      assert.match(r.error, new RegExp(field === 'body' ? 'body' : field));
    }
  });

  test('create needs a name and a schedule', () => {
    assert.equal(createError(ok({ every: 60 }))?.field, 'name');
    assert.equal(createError(ok({ name: 'x' }))?.field, 'schedule');
    assert.equal(createError(ok({ name: 'x', every: 60 })), undefined);
  });
});

describe('outbound address policy', () => {
  test('metadata and link-local refused even when private targets are allowed', () => {
    for (const ip of ['169.254.169.254', 'fe80::1', 'fd00:ec2::254', '::ffff:169.254.169.254'])
      assert.match(refusedAddress(ip, true) ?? '', /metadata/, ip);
  });

  test('loopback and private refused unless allowed; public addresses pass', () => {
    for (const ip of [
      '127.0.0.1',
      '10.1.2.3',
      '172.20.0.1',
      '192.168.1.1',
      '::1',
      'fd12::1',
      '0.0.0.0',
      '::ffff:127.0.0.1',
    ]) {
      assert.match(refusedAddress(ip, false) ?? '', /OUTBOUND_ALLOW_PRIVATE/, ip);
      assert.equal(refusedAddress(ip, true), undefined, ip);
    }
    for (const ip of ['93.184.216.34', '2606:2800:220:1::1', '172.32.0.1'])
      assert.equal(refusedAddress(ip, false), undefined, ip);
  });
});
