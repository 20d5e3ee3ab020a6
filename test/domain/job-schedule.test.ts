import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  firstTick,
  jobCronError,
  nextTick,
  type JobSchedule,
} from '../../src/domain/job-schedule.js';

const at = (iso: string) => new Date(iso);
const cron = (c: string, tz: string): JobSchedule => ({ kind: 'cron', cron: c, tz });
const local = (d: Date, tz: string) => d.toLocaleString('sv', { timeZone: tz });

/** The chain of n ticks after `from`, each computed from the one before. */
function chain(s: JobSchedule, from: Date, n: number): Date[] {
  const out: Date[] = [];
  let t: Date | undefined = from;
  for (let i = 0; i < n && t; i++) {
    t = nextTick(s, {}, t);
    if (t) out.push(t);
  }
  return out;
}

describe('job schedules: daylight-saving vectors (issue 12, semantics item 5)', () => {
  test('America/New_York spring gap: 02:30 runs at 03:00 EDT, once; next day 02:30 again', () => {
    const ticks = chain(cron('30 2 * * *', 'America/New_York'), at('2026-03-07T12:00:00Z'), 2);
    assert.deepEqual(
      ticks.map((t) => local(t, 'America/New_York')),
      ['2026-03-08 03:00:00', '2026-03-09 02:30:00'],
    );
  });

  test('America/New_York fall back: 01:30 daily runs once on 1 November, at the first 01:30', () => {
    const ticks = chain(cron('30 1 * * *', 'America/New_York'), at('2026-10-31T12:00:00Z'), 2);
    assert.deepEqual(
      ticks.map((t) => t.toISOString()),
      ['2026-11-01T05:30:00.000Z', '2026-11-02T06:30:00.000Z'],
    );
  });

  test('wildcard hour follows real time: "30 * * * *" runs at both 01:30s of the fall-back night', () => {
    const ticks = chain(cron('30 * * * *', 'America/New_York'), at('2026-11-01T04:00:00Z'), 4);
    assert.deepEqual(
      ticks.map((t) => t.toISOString()),
      [
        '2026-11-01T04:30:00.000Z',
        '2026-11-01T05:30:00.000Z',
        '2026-11-01T06:30:00.000Z',
        '2026-11-01T07:30:00.000Z',
      ],
    );
  });

  test('wildcard minute skips the spring gap in real time: */30 goes 01:30 → 03:00 EDT', () => {
    const ticks = chain(cron('*/30 * * * *', 'America/New_York'), at('2026-03-08T06:00:00Z'), 2);
    assert.deepEqual(
      ticks.map((t) => t.toISOString()),
      ['2026-03-08T06:30:00.000Z', '2026-03-08T07:00:00.000Z'],
    );
  });

  test('Europe/London: 01:30 in the spring gap runs at 02:00 BST; fall back runs once', () => {
    const spring = chain(cron('30 1 * * *', 'Europe/London'), at('2026-03-28T12:00:00Z'), 2);
    assert.deepEqual(
      spring.map((t) => t.toISOString()),
      ['2026-03-29T01:00:00.000Z', '2026-03-30T00:30:00.000Z'],
    );
    const fall = chain(cron('30 1 * * *', 'Europe/London'), at('2026-10-24T12:00:00Z'), 2);
    assert.deepEqual(
      fall.map((t) => t.toISOString()),
      ['2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z'],
    );
  });

  test('America/Santiago changes at midnight: a 00:00 job runs at 01:00 on 6 September', () => {
    const ticks = chain(cron('0 0 * * *', 'America/Santiago'), at('2026-09-05T12:00:00Z'), 2);
    assert.deepEqual(
      ticks.map((t) => local(t, 'America/Santiago')),
      ['2026-09-06 01:00:00', '2026-09-07 00:00:00'],
    );
  });

  test('America/Santiago fall back (midnight → 23:00): 23:30 runs once per local date', () => {
    const ticks = chain(cron('30 23 * * *', 'America/Santiago'), at('2026-04-03T12:00:00Z'), 3);
    assert.deepEqual(
      ticks.map((t) => local(t, 'America/Santiago')),
      ['2026-04-03 23:30:00', '2026-04-04 23:30:00', '2026-04-05 23:30:00'],
    );
  });

  test('Australia/Lord_Howe 30-minute change: 02:15 runs at 02:30 on 4 October; 01:45 once on 5 April', () => {
    const spring = chain(cron('15 2 * * *', 'Australia/Lord_Howe'), at('2026-10-03T00:00:00Z'), 2);
    assert.deepEqual(
      spring.map((t) => local(t, 'Australia/Lord_Howe')),
      ['2026-10-04 02:30:00', '2026-10-05 02:15:00'],
    );
    const fall = chain(cron('45 1 * * *', 'Australia/Lord_Howe'), at('2026-04-04T00:00:00Z'), 2);
    assert.deepEqual(
      fall.map((t) => t.toISOString()),
      ['2026-04-04T14:45:00.000Z', '2026-04-05T15:15:00.000Z'],
    );
  });

  for (const [tz, expr] of [
    ['America/New_York', '30 2 * * *'],
    ['Europe/London', '30 1 * * *'],
    ['America/Santiago', '0 0 * * *'],
    ['Australia/Lord_Howe', '30 2 * * *'],
  ] as const) {
    test(`${tz} "${expr}" over 10 years: exactly one tick per local date`, () => {
      const start = at('2026-01-01T12:00:00Z');
      const ticks = chain(cron(expr, tz), start, 3653);
      const dates = ticks.map((t) => local(t, tz).slice(0, 10));
      assert.equal(new Set(dates).size, dates.length, 'a local date ran twice');
      // Consecutive ticks are consecutive local dates: none skipped.
      for (let i = 1; i < dates.length; i++) {
        const gap = (Date.parse(dates[i]!) - Date.parse(dates[i - 1]!)) / 86_400_000;
        assert.equal(gap, 1, `a day was skipped after ${dates[i - 1]}`);
      }
    });
  }
});

describe('job schedules: chains', () => {
  test('every: the next tick is scheduled_for + period, whatever the clock says', () => {
    const s: JobSchedule = { kind: 'every', seconds: 300 };
    assert.equal(
      nextTick(s, {}, at('2026-01-01T00:00:00Z'))?.toISOString(),
      '2026-01-01T00:05:00.000Z',
    );
    assert.equal(
      firstTick(s, {}, at('2026-01-01T00:00:07Z'))?.toISOString(),
      '2026-01-01T00:05:07.000Z',
    );
  });

  test('start and end bound a recurring schedule; a one-off has one tick', () => {
    const s: JobSchedule = { kind: 'every', seconds: 60 };
    const w = { start: at('2026-02-01T00:00:00Z'), end: at('2026-02-01T00:01:00Z') };
    assert.equal(
      firstTick(s, w, at('2026-01-01T00:00:00Z'))?.toISOString(),
      '2026-02-01T00:00:00.000Z',
    );
    assert.equal(
      nextTick(s, w, at('2026-02-01T00:00:00Z'))?.toISOString(),
      '2026-02-01T00:01:00.000Z',
    );
    assert.equal(nextTick(s, w, at('2026-02-01T00:01:00Z')), undefined);
    const once: JobSchedule = { kind: 'once', at: at('2026-12-24T17:00:00Z') };
    assert.equal(
      firstTick(once, {}, at('2026-01-01T00:00:00Z'))?.toISOString(),
      '2026-12-24T17:00:00.000Z',
    );
    assert.equal(nextTick(once, {}, at('2026-12-24T17:00:00Z')), undefined);
  });

  test('cron start on a scheduled time keeps that time; nicknames are accepted', () => {
    const s = cron('0 * * * *', 'UTC');
    assert.equal(
      firstTick(
        s,
        { start: at('2026-05-01T10:00:00Z') },
        at('2026-01-01T00:00:00Z'),
      )?.toISOString(),
      '2026-05-01T10:00:00.000Z',
    );
    assert.equal(jobCronError('@daily', 'UTC'), undefined);
    assert.equal(
      nextTick(cron('@daily', 'UTC'), {}, at('2026-05-01T10:00:00Z'))?.toISOString(),
      '2026-05-02T00:00:00.000Z',
    );
    assert.match(jobCronError('61 * * * *', 'UTC') ?? '', /not valid/);
    assert.match(jobCronError('0 * * * *', 'Mars/Base') ?? '', /tz/);
  });
});
