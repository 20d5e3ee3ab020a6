// Pure parts of the pages: escaping, uptime buckets, schedules in words, crontab lines.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crontabLine, periodCron } from '../../src/domain/crontab.js';
import { everyPeriod, relative, runDuration, scheduleWords } from '../../src/domain/describe.js';
import { percent, uptimeBuckets, uptimeRatio } from '../../src/domain/uptime.js';
import { escapeHtml, html, query } from '../../src/front/web/html.js';

test('html escapes every value unless it is Html, in text and attributes', () => {
  const name = `<script>alert("1")</script>'&\``;
  const out = html`<a title="${name}">${name}</a>${html`<b>${name}</b>`}${[name, 1, null, false]}`
    .text;
  assert.equal(
    out,
    '<a title="&lt;script&gt;alert(&quot;1&quot;)&lt;/script&gt;&#39;&amp;&#96;">' +
      '&lt;script&gt;alert(&quot;1&quot;)&lt;/script&gt;&#39;&amp;&#96;</a>' +
      '<b>&lt;script&gt;alert(&quot;1&quot;)&lt;/script&gt;&#39;&amp;&#96;</b>' +
      '&lt;script&gt;alert(&quot;1&quot;)&lt;/script&gt;&#39;&amp;&#96;1',
  );
  assert.equal(escapeHtml('a&b'), 'a&amp;b');
  assert.equal(query({ tag: 'a b&c', status: null, page: 2 }), '?tag=a+b%26c&page=2');
  assert.equal(query({ tag: undefined }), '');
});

const T0 = new Date('2026-07-01T00:00:00Z');
const at = (hours: number) => new Date(T0.getTime() + hours * 3600_000);

test('uptime buckets: downtime from flips, nothing known before the check existed', () => {
  // 4 buckets of 6 h; down from 03:00 to 09:00, created at 00:00.
  const b = uptimeBuckets(
    'up',
    [
      { at: at(3), to: 'down' },
      { at: at(9), to: 'up' },
    ],
    T0,
    T0,
    at(24),
    4,
  );
  assert.deepEqual(
    b.map((x) => [x.knownMs / 3600_000, x.downMs / 3600_000]),
    [
      [6, 3],
      [6, 3],
      [6, 0],
      [6, 0],
    ],
  );
  assert.equal(uptimeRatio(b), 0.75);
  // Created at 12:00: the first two buckets are unknown, not up.
  const young = uptimeBuckets(null, [], at(12), T0, at(24), 4);
  assert.deepEqual(
    young.map((x) => x.knownMs / 3600_000),
    [0, 0, 6, 6],
  );
  assert.equal(uptimeRatio(young), 1);
  // Down since before the window, never recovered.
  const down = uptimeBuckets('down', [], at(-100), T0, at(24), 2);
  assert.equal(uptimeRatio(down), 0);
  assert.equal(uptimeRatio(uptimeBuckets(null, [], at(30), T0, at(24), 2)), null);
  // Never checked in: nothing is known, whenever the check was made.
  const never = uptimeBuckets(null, [], null, T0, at(24), 4);
  assert.deepEqual(
    never.map((x) => x.knownMs),
    [0, 0, 0, 0],
  );
  assert.equal(uptimeRatio(never), null);
});

test('percent never rounds downtime up to 100 %', () => {
  assert.equal(percent(1), '100 %');
  assert.equal(percent(0.99999), '99.99 %');
  assert.equal(percent(0.9), '90.00 %');
  assert.equal(percent(null), 'no data yet');
});

test('schedules and times in words', () => {
  assert.equal(everyPeriod(60), 'every minute');
  assert.equal(everyPeriod(300), 'every 5 minutes');
  assert.equal(everyPeriod(86_400), 'every day');
  assert.equal(everyPeriod(90), 'every 90 seconds');
  const cron = { kind: 'cron' as const, period: null, cron: '*/5 * * * *', tz: 'UTC' };
  assert.equal(scheduleWords(cron), 'Every 5 minutes');
  assert.equal(
    scheduleWords({ ...cron, cron: '0 3 * * 1-5', tz: 'Europe/Berlin' }),
    'At 03:00, Monday through Friday (Europe/Berlin)',
  );
  assert.equal(scheduleWords({ ...cron, cron: 'not cron' }), 'not cron');
  assert.equal(relative(at(-1), T0), '60 min ago');
  assert.equal(relative(at(2), T0), 'in 2 h');
  assert.equal(relative(T0, T0), 'just now');
  assert.equal(relative(new Date(T0.getTime() - (10 * 86_400 - 60) * 1000), T0), '10 d ago');
  assert.equal(relative(at(-(3 * 24 + 5)), T0), '3 d 5 h ago');
  assert.equal(runDuration(0.85), '850 ms');
  assert.equal(runDuration(12.34), '12.3 s');
});

test('crontab lines a user can paste', () => {
  assert.equal(periodCron(60), '* * * * *');
  assert.equal(periodCron(900), '*/15 * * * *');
  assert.equal(periodCron(3600), '0 * * * *');
  assert.equal(periodCron(6 * 3600), '0 */6 * * *');
  assert.equal(periodCron(86_400), '0 0 * * *');
  assert.equal(periodCron(7 * 60), undefined);
  const url = 'https://c.example/ping/u';
  assert.equal(
    crontabLine({ kind: 'simple', period: 300, cron: null, tz: 'UTC' }, url),
    '*/5 * * * * /path/to/job.sh; curl -fsS -m 10 --retry 5 -o /dev/null https://c.example/ping/u/$?',
  );
  assert.match(
    crontabLine({ kind: 'cron', period: null, cron: '0 3 * * *', tz: 'Asia/Tokyo' }, url),
    /^CRON_TZ=Asia\/Tokyo\n0 3 \* \* \* /,
  );
  assert.match(
    crontabLine({ kind: 'simple', period: 420, cron: null, tz: 'UTC' }, url),
    /^# every 420 s: schedule it, then run\n\/path/,
  );
});
