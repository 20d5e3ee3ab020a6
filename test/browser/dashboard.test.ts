// The pages in a real browser (issue #8): Debian's chromium, driven by playwright-core, on the
// real app served over HTTP. What is asserted is what a person sees: the rows, their colours
// and labels, the buttons, the text; and what must never happen: a dialog opened by a hostile
// job name, a console error, a CSP violation, a ping URL on a public page. Screenshots of the
// dashboard and of a status page are saved under test-artifacts/ for a person to look at.
// Without /usr/bin/chromium the file is skipped, or fails when CRONWATCH_REQUIRE_BROWSER=1.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { createApp } from '../../src/front/app.js';
import { newAccount, newKey } from '../helpers/api.js';
import { frontDeps } from '../helpers/app.js';
import {
  browserMissing,
  browserRequired,
  eventually,
  launchBrowser,
  newContext,
  serve,
  watch,
  type InPage,
  type Watched,
} from '../helpers/browser.js';
import { testDatabase, type TestDatabase } from '../helpers/db.js';

const ARTIFACTS = path.resolve(import.meta.dirname, '..', '..', 'test-artifacts');
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const HOSTILE = '<script>alert(1)</script>';
const RESOURCE_401 =
  'Failed to load resource: the server responded with a status of 401 (Unauthorized)';
/** The colours of app.css (--up, --grace, --down, --paused), as getComputedStyle gives them. */
const COLOUR = {
  up: 'rgb(31, 157, 85)',
  grace: 'rgb(214, 158, 46)',
  down: 'rgb(227, 52, 47)',
  paused: 'rgb(135, 149, 161)',
};

const missing = browserMissing();
if (missing && browserRequired()) {
  test('chromium is installed (CRONWATCH_REQUIRE_BROWSER=1)', () => assert.fail(missing));
} else if (missing) {
  test(
    'dashboard in a browser',
    { skip: `${missing}; CRONWATCH_REQUIRE_BROWSER=1 makes this a failure` },
    () => undefined,
  );
} else {
  const db = await testDatabase();
  const base = await serve(createApp(frontDeps(db.pool)));
  // Closing the browser (after the file) closes every context opened on it.
  const browser = await launchBrowser();
  const context = (opts: Parameters<typeof newContext>[2] = {}) => newContext(browser, base, opts);

  /** A page of a fresh context, watched; `problems` and `dialogs` are checked by `clean`. */
  async function freshPage(
    opts: Parameters<typeof newContext>[2] = {},
  ): Promise<{ page: Page; w: Watched; ctx: BrowserContext }> {
    const ctx = await context(opts);
    const page = await ctx.newPage();
    return { page, w: watch(page), ctx };
  }

  function clean(w: Watched): void {
    assert.deepEqual(w.problems, [], 'no console errors, page errors or CSP violations');
    assert.deepEqual(w.dialogs, [], 'no dialog opened');
  }

  /** Signs in through the form, as a person does; lands on `next` (default the dashboard). */
  async function signIn(page: Page, key: string, next = '/dashboard'): Promise<void> {
    await page.goto(`/login?next=${encodeURIComponent(next)}`);
    await page.locator('#key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}${next}`);
  }

  const seeded = await seedAccounts(db, 5);

  describe('dashboard in a browser', () => {
    test('sign in, three checks in three states, filter, pause, check page, sign out', async () => {
      const s = seeded[0]!;
      const { page, w, ctx } = await freshPage({
        permissions: ['clipboard-read', 'clipboard-write'],
      });

      // Not signed in: the dashboard sends the browser to the sign-in form, and back after.
      await page.goto('/dashboard');
      assert.equal(page.url(), `${base}/login?next=%2Fdashboard`);
      await page.locator('#key').fill(s.key);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${base}/dashboard`);
      const cookie = (await ctx.cookies()).find((c) => c.name === 'cw_session');
      assert.ok(cookie, 'a session cookie');
      assert.equal(cookie.httpOnly, true);
      assert.equal(cookie.sameSite, 'Lax');
      assert.equal(await page.locator('header .who').textContent(), s.accountName);

      // Three checks, by name, each with its colour and its word.
      const rows = page.locator('table.checks tr[data-uuid]');
      assert.deepEqual(await rows.locator('td.name a').allTextContents(), [
        'hourly-sync',
        'nightly-backup',
        'weekly-report',
      ]);
      for (const [uuid, status, label] of [
        [s.up, 'up', 'up'],
        [s.late, 'grace', 'late'],
        [s.down, 'down', 'down'],
      ] as const) {
        const row = page.locator(`tr[data-uuid="${uuid}"]`);
        assert.equal(await row.getAttribute('class'), `check st-${status}`);
        assert.equal(await row.locator('td.status .label').textContent(), label);
        assert.equal(await row.locator('td.status .dot').getAttribute('title'), label);
        assert.equal(await backgroundOf(row.locator('td.status .dot')), COLOUR[status]);
      }
      // Late and down rows are tinted; the up row is plain white.
      assert.equal(await backgroundOf(page.locator(`tr[data-uuid="${s.up}"]`)), 'rgba(0, 0, 0, 0)');
      assert.equal(
        await backgroundOf(page.locator(`tr[data-uuid="${s.down}"]`)),
        'rgb(255, 245, 245)',
      );
      assert.equal(
        await backgroundOf(page.locator(`tr[data-uuid="${s.late}"]`)),
        'rgb(255, 251, 235)',
      );
      // The other columns: tags, schedule in words, last ping, next expected, duration.
      const up = page.locator(`tr[data-uuid="${s.up}"]`);
      assert.deepEqual(await up.locator('a.tag').allTextContents(), ['backup', 'prod']);
      assert.match(await text(up.locator('td.schedule')), /every hour/i);
      assert.match(await text(up.locator('td.last')), /^30 min ago$/);
      assert.match(await text(up.locator('td.next')), /^in (29|30|31) min$/);
      assert.equal(await text(up.locator('td.duration')), '12.4 s');
      const down = page.locator(`tr[data-uuid="${s.down}"]`);
      assert.match(await text(down.locator('td.schedule')), /At 03:00/);
      assert.equal(await text(down.locator('td.next')), 'overdue');
      const late = page.locator(`tr[data-uuid="${s.late}"]`);
      assert.match(await text(late.locator('td.next')), /^was due (4|5|6) min ago$/);
      assert.deepEqual(await tabCounts(page), {
        all: 3,
        down: 1,
        grace: 1,
        up: 1,
        new: 0,
        paused: 0,
      });
      await mkdir(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard.png'), fullPage: true });

      // Filter by tag: the form keeps the tag, the counts follow it.
      await page.locator('select#tag').selectOption('prod');
      await page.getByRole('button', { name: 'Filter' }).click();
      await page.waitForURL(`${base}/dashboard?q=&tag=prod`);
      assert.deepEqual(await rows.locator('td.name a').allTextContents(), [
        'hourly-sync',
        'nightly-backup',
      ]);
      assert.equal(await page.locator('select#tag').inputValue(), 'prod');
      assert.deepEqual(await tabCounts(page), {
        all: 2,
        down: 0,
        grace: 1,
        up: 1,
        new: 0,
        paused: 0,
      });
      // …and by status within the tag: the "late" tab.
      await page.locator('a[data-count="grace"]').click();
      await page.waitForURL(`${base}/dashboard?tag=prod&status=late`);
      assert.deepEqual(await rows.locator('td.name a').allTextContents(), ['hourly-sync']);
      assert.match(
        (await page.locator('a[data-count="grace"]').getAttribute('class'))!,
        /\bcurrent\b/,
      );
      await page.locator('a[data-count="down"]').click();
      await page.waitForURL(`${base}/dashboard?tag=prod&status=down`);
      assert.equal(await text(page.locator('p.empty')), 'No checks match this filter.');
      // A status alone, from the unfiltered list.
      await page.getByRole('link', { name: 'Checks', exact: true }).click();
      await page.waitForURL(`${base}/dashboard`);
      await page.locator('a[data-count="down"]').click();
      await page.waitForURL(`${base}/dashboard?status=down`);
      assert.deepEqual(await rows.locator('td.name a').allTextContents(), ['weekly-report']);
      // A tag link in a row filters too.
      await page.locator(`tr[data-uuid="${s.down}"] a.tag`, { hasText: 'reports' }).click();
      await page.waitForURL(`${base}/dashboard?tag=reports`);
      assert.deepEqual(await rows.locator('td.name a').allTextContents(), ['weekly-report']);

      // Pause the up check from its page, then resume it.
      await page.goto('/dashboard');
      await page.getByRole('link', { name: 'nightly-backup' }).click();
      await page.waitForURL(`${base}/dashboard/checks/${s.up}`);
      assert.equal(await text(page.locator('h1 .badge')), 'up');
      assert.equal(await page.getByRole('button', { name: 'Resume' }).count(), 0);
      await page.getByRole('button', { name: 'Pause' }).click();
      await page.getByRole('button', { name: 'Resume' }).waitFor();
      assert.equal(page.url(), `${base}/dashboard/checks/${s.up}`);
      assert.equal(await text(page.locator('h1 .badge')), 'paused');
      assert.equal(await backgroundOf(page.locator('h1 .badge')), COLOUR.paused);
      assert.equal(await page.getByRole('button', { name: 'Pause' }).count(), 0);
      assert.equal(await fact(page, 'Next expected'), 'paused');
      await page.getByRole('link', { name: '← all checks' }).click();
      await page.waitForURL(`${base}/dashboard`);
      assert.equal(
        await page.locator(`tr[data-uuid="${s.up}"]`).getAttribute('class'),
        'check st-paused',
      );
      assert.equal(await text(page.locator(`tr[data-uuid="${s.up}"] .label`)), 'paused');
      assert.deepEqual(await tabCounts(page), {
        all: 3,
        down: 1,
        grace: 1,
        up: 0,
        new: 0,
        paused: 1,
      });
      await page.getByRole('link', { name: 'nightly-backup' }).click();
      await page.getByRole('button', { name: 'Resume' }).click();
      await page.getByRole('button', { name: 'Pause' }).waitFor();
      assert.equal(await text(page.locator('h1 .badge')), 'new');

      // The down check's page: facts, ping URL, crontab line, uptime strips, pings, flips.
      await page.goto('/dashboard');
      await page.getByRole('link', { name: 'weekly-report' }).click();
      await page.waitForURL(`${base}/dashboard/checks/${s.down}`);
      assert.equal(await page.title(), 'weekly-report · cronwatch');
      assert.equal(await text(page.locator('h1 .badge')), 'down');
      assert.equal(await backgroundOf(page.locator('h1 .badge')), COLOUR.down);
      assert.equal(await text(page.locator('p.desc')), 'Mails the weekly report to sales');
      assert.match(await fact(page, 'Schedule'), /^At 03:00 0 3 \* \* \*$/);
      assert.equal(await fact(page, 'Grace'), '60 min');
      assert.equal(await fact(page, 'Tags'), 'reports');
      assert.equal(await fact(page, 'Last ping'), '4 h ago');
      assert.equal(await fact(page, 'Next expected'), 'overdue');
      assert.equal(await fact(page, 'Last duration'), '5.2 s');
      assert.equal(await fact(page, 'Pings'), '4');
      const pingUrl = await text(page.locator('pre#ping-url'));
      assert.match(pingUrl, new RegExp(`^https?://[^/]+/ping/${s.down}$`));
      assert.equal(
        await text(page.locator('pre#crontab-line')),
        `0 3 * * * /path/to/job.sh; curl -fsS -m 10 --retry 5 -o /dev/null ${pingUrl}/$?`,
      );
      const copy = page.locator('button[data-copy="ping-url"]');
      assert.equal(await text(copy), 'Copy');
      await copy.click();
      await eventually(async () => (await copy.textContent()) === 'Copied', 'button says Copied');
      assert.equal(
        await page.evaluate(() => (globalThis as unknown as InPage).navigator.clipboard.readText()),
        pingUrl,
      );

      // Uptime: 24 hourly bars, green then red for the last 4 hours (the one before is amber:
      // the flip is a few ms into it). 30 daily bars: grey before the check existed 10 days
      // ago, then green, today amber (down 4 h of 24).
      const strips = page.locator('svg.uptime');
      assert.equal(await strips.count(), 2);
      assert.equal(await strips.nth(0).getAttribute('aria-label'), 'uptime, last 24 hours by hour');
      const hours = await barClasses(strips.nth(0), 24);
      assert.deepEqual(hours.slice(0, 19), Array(19).fill('u-up'));
      assert.deepEqual(hours.slice(20), Array(4).fill('u-down'));
      const days = await barClasses(strips.nth(1), 30);
      assert.deepEqual(days, [...Array(19).fill('u-none'), ...Array(10).fill('u-up'), 'u-partial']);
      assert.equal(await fillOf(strips.nth(0).locator('.u-down').first()), COLOUR.down);
      assert.equal(await fillOf(strips.nth(1).locator('.u-up').first()), COLOUR.up);
      assert.equal(await fillOf(strips.nth(1).locator('.u-partial').first()), COLOUR.grace);
      assert.equal(await fillOf(strips.nth(1).locator('.u-none').first()), 'rgb(218, 225, 231)');
      assert.match(
        (await strips.nth(1).locator('.u-partial title').textContent()) ?? '',
        /: 83\.\d\d % up$/,
      );
      assert.match(await text(page.locator('.strips h3').nth(0)), /^Last 24 hours \d+\.\d\d %$/);
      assert.match(await text(page.locator('.strips h3').nth(1)), /^Last 30 days \d+\.\d\d %$/);

      // Recent pings, newest first, with kind, duration, source and a body preview.
      const pings = page.locator('table.pings tbody tr');
      assert.equal(await pings.count(), 4);
      assert.deepEqual(await pings.locator('td:nth-child(1)').allTextContents(), [
        '4',
        '3',
        '2',
        '1',
      ]);
      assert.deepEqual(
        (await pings.locator('.kind').allTextContents()).map((k) => k.trim()),
        ['fail (2)', 'start', 'success', 'start'],
      );
      assert.equal(await colourOf(pings.nth(0).locator('.kind')), COLOUR.down);
      assert.equal(await colourOf(pings.nth(2).locator('.kind')), COLOUR.up);
      assert.equal(await text(pings.nth(0).locator('td:nth-child(4)')), '5.2 s');
      assert.equal(await text(pings.nth(0).locator('td.source')), 'POST · 192.0.2.10 · curl/8.5.0');
      assert.equal(
        await pings.nth(0).locator('pre.body').textContent(),
        'rsync: connection unexpectedly closed\nerror in rsync protocol data stream (code 12)',
      );
      assert.equal(await text(pings.nth(2).locator('pre.body')), 'backup done: 1204 files, 3.2 GB');
      assert.equal(await pings.nth(1).locator('pre.body').count(), 0);

      // Status changes, newest first.
      const flips = page.locator('ul.flips li');
      assert.equal(await flips.count(), 2);
      assert.match(await text(flips.nth(0)), /^4 h ago: up → down \(exit status 2\)$/);
      assert.equal(await colourOf(flips.nth(0).locator('.st-down')), COLOUR.down);
      assert.match(await text(flips.nth(1)), /^10 d ago: new → up$/);
      await page.screenshot({ path: path.join(ARTIFACTS, 'check-page.png'), fullPage: true });

      // Sign out: back on the sign-in form, and the dashboard asks for a key again.
      await page
        .locator('form[action="/logout"]')
        .getByRole('button', { name: 'Sign out' })
        .click();
      await page.waitForURL(`${base}/login`);
      assert.ok(await page.locator('#key').isVisible());
      assert.equal(
        (await ctx.cookies()).find((c) => c.name === 'cw_session'),
        undefined,
      );
      await page.goto('/dashboard');
      assert.equal(page.url(), `${base}/login?next=%2Fdashboard`);
      const json = await page.request.get('/dashboard/status.json', { maxRedirects: 0 });
      assert.equal(json.status(), 303);
      clean(w);
    });

    test('a wrong key shows an error on the sign-in page and opens no session', async () => {
      const { page, w, ctx } = await freshPage();
      await page.goto('/login');
      await page.locator('#key').fill('x'.repeat(32));
      await page.getByRole('button', { name: 'Sign in' }).click();
      const error = page.getByRole('alert');
      await error.waitFor();
      assert.equal(await text(error), 'Wrong API key.');
      assert.equal(await colourOf(error), 'rgb(185, 28, 28)');
      assert.equal(page.url(), `${base}/login`);
      // The form is there to try again, empty.
      assert.equal(await page.locator('#key').inputValue(), '');
      assert.equal(
        (await ctx.cookies()).find((c) => c.name === 'cw_session'),
        undefined,
      );
      // The browser itself refuses a key of the wrong length: nothing is sent.
      await page.locator('#key').fill('too-short');
      await page.getByRole('button', { name: 'Sign in' }).click();
      assert.equal(
        await page
          .locator('#key')
          .evaluate((el) => (el as { validity: { tooShort: boolean } }).validity.tooShort),
        true,
      );
      assert.equal(await text(error), 'Wrong API key.');
      await page.goto('/dashboard');
      assert.equal(page.url(), `${base}/login?next=%2Fdashboard`);
      assert.equal(await page.getByRole('alert').count(), 0);
      // Chromium logs the 401 status of the refused sign-in's own document: expected.
      w.problems = w.problems.filter((p) => p !== `console error: ${RESOURCE_401} (${base}/login)`);
      clean(w);
    });

    test(`a job named ${HOSTILE} renders as text on every page`, async () => {
      const s = seeded[1]!;
      const { page, w } = await freshPage();
      await signIn(page, s.key);
      const row = page.locator(`tr[data-uuid="${s.hostile}"]`);
      assert.equal(await row.locator('td.name a').textContent(), HOSTILE);
      assert.equal(await text(row.locator('td.name .desc')), '<img src=x onerror=alert(2)>');
      assert.deepEqual(await row.locator('a.tag').allTextContents(), ['"><b>bold</b>']);
      assert.equal(
        await page.locator('select#tag option', { hasText: 'bold' }).textContent(),
        '"><b>bold</b>',
      );
      await assertNoInjectedMarkup(page);

      await row.locator('td.name a').click();
      await page.waitForURL(`${base}/dashboard/checks/${s.hostile}`);
      assert.equal(await page.title(), `${HOSTILE} · cronwatch`);
      assert.equal(await text(page.locator('h1.check-title')), `${HOSTILE} new`);
      assert.equal(
        await page.locator('table.pings pre.body').textContent(),
        '</pre><script>alert(3)</script><img src=x onerror=alert(4)>',
      );
      assert.equal(
        await text(page.locator('table.pings td.source')),
        'GET · 192.0.2.66 · <svg onload=alert(5)>',
      );
      await assertNoInjectedMarkup(page);

      // The same names on a public status page, signed out.
      const anon = await freshPage();
      await anon.page.goto(`/status/${s.hostileSlug}`);
      assert.equal(await text(anon.page.locator('h1')), `${HOSTILE} status`);
      assert.ok(
        (await anon.page.locator('.public-checks .name').allTextContents()).includes(HOSTILE),
      );
      await assertNoInjectedMarkup(anon.page, 0);
      clean(w);
      clean(anon.w);
    });

    test('the dashboard refreshes statuses without a reload', async () => {
      const s = seeded[2]!;
      const { page, w } = await freshPage();
      // Fake timers from the first page on: the 15 s refresh is fast-forwarded, not waited for.
      await page.clock.install();
      await signIn(page, s.key);
      let navigations = 0;
      page.on('framenavigated', (f) => {
        if (f === page.mainFrame()) navigations++;
      });
      await page.evaluate(() => {
        (globalThis as unknown as { marker: number }).marker = 42;
      });
      assert.equal(await page.locator('body').getAttribute('data-refreshed'), null);
      const row = page.locator(`tr[data-uuid="${s.up}"]`);
      assert.equal(await row.getAttribute('class'), 'check st-up');

      // The up check misses its deadline; the late one gets its ping.
      await db.pool.query(
        `UPDATE checks SET status = 'down', next_deadline = NULL, updated_at = now() WHERE uuid = $1`,
        [s.up],
      );
      await db.pool.query(
        `UPDATE checks SET status = 'up', next_deadline = now() + interval '1 hour',
                last_ping_at = now(), last_duration = 3, ping_count = ping_count + 1 WHERE uuid = $1`,
        [s.late],
      );
      const asked = page.waitForResponse((r) =>
        r.url().startsWith(`${base}/dashboard/status.json`),
      );
      await page.clock.fastForward(15_000);
      assert.equal((await asked).status(), 200);
      await eventually(
        () => page.locator('body').getAttribute('data-refreshed'),
        'body[data-refreshed] is set',
      );
      await eventually(
        async () => (await row.getAttribute('class')) === 'check st-down',
        'row turns down',
      );
      assert.equal(await text(row.locator('.label')), 'down');
      assert.equal(await backgroundOf(row.locator('.dot')), COLOUR.down);
      assert.equal(await row.locator('.dot').getAttribute('title'), 'down');
      assert.equal(await text(row.locator('td.next')), 'overdue');
      const late = page.locator(`tr[data-uuid="${s.late}"]`);
      assert.equal(await late.getAttribute('class'), 'check st-up');
      assert.equal(await text(late.locator('.label')), 'up');
      assert.equal(await text(late.locator('td.duration')), '3.0 s');
      assert.deepEqual(await tabCounts(page), {
        all: 3,
        down: 2,
        grace: 0,
        up: 1,
        new: 0,
        paused: 0,
      });
      const refreshed = (await page.locator('body').getAttribute('data-refreshed'))!;
      assert.ok(Math.abs(Date.parse(refreshed) - Date.now()) < 60_000, refreshed);
      // The same document all along.
      assert.equal(navigations, 0);
      assert.equal(
        await page.evaluate(() => (globalThis as unknown as { marker: number }).marker),
        42,
      );
      clean(w);
    });

    test('a public status page: made through the form, shown signed out, no secrets', async () => {
      const s = seeded[3]!;
      const { page, w } = await freshPage();
      await signIn(page, s.key);
      await page.getByRole('link', { name: 'Status pages' }).click();
      await page.waitForURL(`${base}/dashboard/status-pages`);
      assert.equal(await text(page.locator('p.empty')), 'No status pages yet.');
      await page.locator('#slug').fill('acme-jobs');
      await page.locator('#title').fill('Acme scheduled jobs');
      await page.locator('select#tag').selectOption('');
      await page.getByRole('button', { name: 'Publish' }).click();
      const link = page.locator('table.pages a[href="/status/acme-jobs"]');
      await link.waitFor();
      assert.match(await text(link), /\/status\/acme-jobs$/);
      // A second page for the "prod" tag only.
      await page.locator('#slug').fill('acme-prod');
      await page.locator('select#tag').selectOption('prod');
      await page.getByRole('button', { name: 'Publish' }).click();
      await page.locator('table.pages a[href="/status/acme-prod"]').waitFor();
      assert.deepEqual(
        (await page.locator('table.pages tbody td:nth-child(3)').allTextContents()).map((t) =>
          t.trim(),
        ),
        ['all', 'tagged prod'],
      );

      // Signed out: a context of its own, no cookies.
      const anon = await freshPage();
      const res = await anon.page.goto('/status/acme-jobs');
      assert.equal(res!.status(), 200);
      assert.equal(res!.headers()['cache-control'], 'public, max-age=60');
      assert.equal(await text(anon.page.locator('h1')), 'Acme scheduled jobs');
      const banner = anon.page.locator('p.banner');
      assert.equal(await text(banner), 'Some jobs are down');
      assert.equal(await backgroundOf(banner), COLOUR.down);
      await assertReadable(anon.page.locator('p.banner, .badge'));
      const items = anon.page.locator('ul.public-checks li');
      assert.deepEqual(await items.locator('.name').allTextContents(), [
        'hourly-sync',
        'nightly-backup',
        'weekly-report',
      ]);
      assert.deepEqual(await items.locator('.badge').allTextContents(), ['late', 'up', 'down']);
      for (let i = 0; i < 3; i++) {
        // Grey before the check existed (10 days ago), then green; today amber when down.
        const bars = await barClasses(items.nth(i).locator('svg.uptime'), 90);
        assert.deepEqual(bars, [
          ...Array(79).fill('u-none'),
          ...Array(10).fill('u-up'),
          i === 2 ? 'u-partial' : 'u-up',
        ]);
        assert.match(await text(items.nth(i).locator('.pct')), /^(\d+\.\d\d|100) % over 90 days$/);
      }
      assert.equal(await anon.page.locator('form[action="/logout"]').count(), 0);
      assert.equal(await anon.page.locator('script').count(), 0);
      await anon.page.screenshot({ path: path.join(ARTIFACTS, 'status-page.png'), fullPage: true });
      const page1 = await res!.text();
      const page2 = await (await anon.page.goto('/status/acme-prod'))!.text();
      assert.equal(await text(anon.page.locator('p.banner')), 'Some jobs are late');
      assert.equal(await backgroundOf(anon.page.locator('p.banner')), COLOUR.grace);
      await assertReadable(anon.page.locator('p.banner, .badge'));
      assert.deepEqual(await anon.page.locator('.public-checks .name').allTextContents(), [
        'hourly-sync',
        'nightly-backup',
      ]);
      for (const body of [page1, page2]) {
        for (const uuid of [s.up, s.late, s.down])
          assert.ok(!body.includes(uuid), `no uuid ${uuid}`);
        assert.ok(!body.includes('/ping/'), 'no ping URL');
        assert.ok(!body.includes(s.key), 'no API key');
        assert.ok(!body.includes('_csrf'), 'no form token');
      }
      clean(w);
      clean(anon.w);
    });

    test('a phone-sized screen: no page scrolls sideways, the title keeps its badge', async () => {
      const s = seeded[1]!;
      const { page, w } = await freshPage({ viewport: { width: 375, height: 740 } });
      await signIn(page, s.key);
      for (const url of [
        '/dashboard',
        `/dashboard/checks/${s.down}`,
        `/dashboard/checks/${s.hostile}`,
        '/dashboard/status-pages',
        `/status/${s.hostileSlug}`,
      ]) {
        await page.goto(url);
        const [scrollWidth, clientWidth] = await page
          .locator('html')
          .evaluate((el) => [el.scrollWidth as number, el.clientWidth as number]);
        assert.ok(scrollWidth <= clientWidth, `${url}: ${scrollWidth} px wide in ${clientWidth}`);
      }
      // A name wider than the screen: the badge stays one word on one line, the dot round.
      await page.goto(`/dashboard/checks/${s.hostile}`);
      const badge = page.locator('h1 .badge');
      const box = (await badge.boundingBox())!;
      assert.ok(box.height < 30 && box.width > box.height, `badge ${box.width}x${box.height}`);
      const dot = (await page.locator('h1 .dot').boundingBox())!;
      assert.ok(
        Math.abs(dot.width - dot.height) < 1 && dot.width >= 10,
        `dot ${dot.width}x${dot.height}`,
      );
      clean(w);
    });

    test('a read-only key: every page, no console error or CSP violation, no buttons', async () => {
      const s = seeded[4]!;
      const { page, w } = await freshPage();
      await signIn(page, s.readKey, `/dashboard/checks/${s.late}`);
      assert.equal(await text(page.locator('h1 .badge')), 'late');
      assert.equal(await backgroundOf(page.locator('h1 .badge')), COLOUR.grace);
      await assertReadable(page.locator('h1 .badge'));
      assert.equal(await text(page.locator('.facts + p.muted')), 'Signed in with a read-only key.');
      assert.equal(await page.getByRole('button', { name: 'Pause' }).count(), 0);
      assert.equal(await page.getByRole('button', { name: 'Delete' }).count(), 0);
      for (const url of [
        '/dashboard',
        '/dashboard?tag=prod&status=late',
        '/dashboard/status-pages',
      ]) {
        const res = await page.goto(url);
        assert.equal(res!.status(), 200, url);
        const csp = res!.headers()['content-security-policy']!;
        assert.match(csp, /script-src 'self'/);
        assert.doesNotMatch(csp, /unsafe-inline/);
      }
      assert.equal(await page.locator('#slug').count(), 0, 'no form to add a status page');
      await page.goto('/login');
      assert.equal(page.url(), `${base}/dashboard`, 'signed in: the sign-in form sends back');
      clean(w);
    });

    test('delete asks first; dismissing keeps the check', async () => {
      const s = seeded[4]!;
      const ctx = await context();
      const page = await ctx.newPage();
      const problems: string[] = [];
      page.on('pageerror', (e) => problems.push(e.message));
      await signIn(page, await newKey(db.pool, s.account, 'write'));
      await page.goto(`/dashboard/checks/${s.down}`);
      const asked: string[] = [];
      page.once('dialog', (d) => {
        asked.push(`${d.type()}: ${d.message()}`);
        void d.dismiss();
      });
      await page.getByRole('button', { name: 'Delete' }).click();
      assert.deepEqual(asked, ['confirm: Delete this check, its pings and its history?']);
      assert.equal(page.url(), `${base}/dashboard/checks/${s.down}`);
      page.once('dialog', (d) => void d.accept());
      await page.getByRole('button', { name: 'Delete' }).click();
      await page.waitForURL(`${base}/dashboard`);
      assert.equal(await page.locator(`tr[data-uuid="${s.down}"]`).count(), 0);
      assert.equal(await page.locator('table.checks tr[data-uuid]').count(), 2);
      assert.deepEqual(problems, []);
    });
  });

  async function assertNoInjectedMarkup(page: Page, scripts = 1): Promise<void> {
    assert.equal(await page.locator('img').count(), 0, 'no <img> from a value');
    assert.equal(await page.locator('main b').filter({ hasText: 'bold' }).count(), 0);
    assert.equal(await page.locator('svg[onload]').count(), 0);
    assert.equal(await page.locator('script').count(), scripts, 'only dashboard.js');
    if (scripts)
      assert.equal(await page.locator('script').getAttribute('src'), '/static/dashboard.js');
  }
}

// ---- Fixtures --------------------------------------------------------------------------

interface Seeded {
  account: number;
  accountName: string;
  key: string;
  readKey: string;
  up: string;
  late: string;
  down: string;
  hostile: string;
  hostileSlug: string;
}

interface CheckRow {
  name: string;
  status: 'up' | 'late' | 'down' | 'new';
  tags: string[];
  kind?: 'simple' | 'cron';
  period?: number;
  cron?: string;
  grace: number;
  nextDeadline: Date | null;
  lastPingAt: Date | null;
  lastDuration?: number;
  pingCount?: number;
  description?: string;
  createdAt: Date;
}

async function insertCheck(
  db: TestDatabase,
  accountId: number,
  c: CheckRow,
): Promise<{ id: number; uuid: string }> {
  const { rows } = await db.pool.query<{ id: number; uuid: string }>(
    `INSERT INTO checks (account_id, name, kind, period, cron, grace, status, next_deadline,
                         last_ping_at, last_duration, ping_count, tags, description, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id, uuid`,
    [
      accountId,
      c.name,
      c.kind ?? 'simple',
      c.kind === 'cron' ? null : (c.period ?? 3600),
      c.cron ?? null,
      c.grace,
      c.status,
      c.nextDeadline,
      c.lastPingAt,
      c.lastDuration ?? null,
      c.pingCount ?? 0,
      c.tags,
      c.description ?? '',
      c.createdAt,
    ],
  );
  return rows[0]!;
}

interface PingRow {
  n: number;
  at: Date;
  kind: 'success' | 'start' | 'fail' | 'log' | 'exitcode';
  exitStatus?: number;
  method?: string;
  address?: string;
  userAgent?: string;
  body?: string;
  duration?: number;
}

async function insertPings(db: TestDatabase, checkId: number, pings: PingRow[]): Promise<void> {
  for (const p of pings) {
    await db.pool.query(
      `INSERT INTO pings (check_id, n, created_at, kind, exit_status, method, address, user_agent,
                          body, body_size, duration)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        checkId,
        p.n,
        p.at,
        p.kind,
        p.exitStatus ?? null,
        p.method ?? 'GET',
        p.address ?? '192.0.2.10',
        p.userAgent ?? 'curl/8.5.0',
        p.body ?? null,
        p.body ? Buffer.byteLength(p.body) : null,
        p.duration ?? null,
      ],
    );
  }
}

async function insertFlip(
  db: TestDatabase,
  checkId: number,
  at: Date,
  from: string,
  to: string,
  reason = '',
): Promise<void> {
  await db.pool.query(
    `INSERT INTO flips (check_id, created_at, from_status, to_status, reason) VALUES ($1, $2, $3, $4, $5)`,
    [checkId, at, from, to, reason],
  );
}

/**
 * `count` accounts, each with the same three checks (up, late, down; the down one with pings
 * and flips), a read-write and a read-only key, and a hostile check on the second account.
 */
async function seedAccounts(db: TestDatabase, count: number): Promise<Seeded[]> {
  const out: Seeded[] = [];
  for (let i = 0; i < count; i++) {
    const now = Date.now();
    const ago = (ms: number) => new Date(now - ms);
    const created = ago(10 * DAY);
    const account = await newAccount(db.pool, 'browser');
    const { rows } = await db.pool.query<{ name: string }>(
      `SELECT name FROM accounts WHERE id = $1`,
      [account],
    );
    const up = await insertCheck(db, account, {
      name: 'nightly-backup',
      status: 'up',
      tags: ['backup', 'prod'],
      period: 3600,
      grace: 600,
      lastPingAt: ago(30 * MIN),
      nextDeadline: new Date(now + 30 * MIN + 10 * MIN),
      lastDuration: 12.4,
      pingCount: 0,
      createdAt: created,
    });
    await insertFlip(db, up.id, created, 'new', 'up');
    // In its grace period: the hour passed 65 min ago, the 10 min of grace end in 5.
    const late = await insertCheck(db, account, {
      name: 'hourly-sync',
      status: 'late',
      tags: ['prod'],
      period: 3600,
      grace: 600,
      lastPingAt: ago(65 * MIN),
      nextDeadline: new Date(now + 5 * MIN),
      createdAt: created,
    });
    await insertFlip(db, late.id, created, 'new', 'up');
    const down = await insertCheck(db, account, {
      name: 'weekly-report',
      status: 'down',
      tags: ['reports'],
      kind: 'cron',
      cron: '0 3 * * *',
      grace: 3600,
      lastPingAt: ago(4 * HOUR),
      nextDeadline: null,
      lastDuration: 5.2,
      pingCount: 4,
      description: 'Mails the weekly report to sales',
      createdAt: created,
    });
    await insertPings(db, down.id, [
      { n: 1, at: ago(28 * HOUR), kind: 'start' },
      {
        n: 2,
        at: ago(28 * HOUR - 42_000),
        kind: 'success',
        duration: 42,
        body: 'backup done: 1204 files, 3.2 GB',
      },
      { n: 3, at: ago(4 * HOUR + 5_000), kind: 'start' },
      {
        n: 4,
        at: ago(4 * HOUR),
        kind: 'exitcode',
        exitStatus: 2,
        method: 'POST',
        duration: 5.2,
        body: 'rsync: connection unexpectedly closed\nerror in rsync protocol data stream (code 12)',
      },
    ]);
    await insertFlip(db, down.id, created, 'new', 'up');
    await insertFlip(db, down.id, ago(4 * HOUR), 'up', 'down', 'exit status 2');
    const seeded: Seeded = {
      account,
      accountName: rows[0]!.name,
      key: await newKey(db.pool, account, 'write'),
      readKey: await newKey(db.pool, account, 'read'),
      up: up.uuid,
      late: late.uuid,
      down: down.uuid,
      hostile: '',
      hostileSlug: '',
    };
    if (i === 1) {
      const hostile = await insertCheck(db, account, {
        name: HOSTILE,
        status: 'new',
        tags: ['"><b>bold</b>'],
        grace: 600,
        lastPingAt: ago(MIN),
        nextDeadline: null,
        pingCount: 1,
        description: '<img src=x onerror=alert(2)>',
        createdAt: ago(HOUR),
      });
      await insertPings(db, hostile.id, [
        {
          n: 1,
          at: ago(MIN),
          kind: 'log',
          address: '192.0.2.66',
          userAgent: '<svg onload=alert(5)>',
          body: '</pre><script>alert(3)</script><img src=x onerror=alert(4)>',
        },
      ]);
      await db.pool.query(`UPDATE accounts SET name = $1 WHERE id = $2`, [HOSTILE, account]);
      await db.pool.query(`INSERT INTO status_pages (account_id, slug) VALUES ($1, 'hostile')`, [
        account,
      ]);
      seeded.accountName = HOSTILE;
      seeded.hostile = hostile.uuid;
      seeded.hostileSlug = 'hostile';
    }
    out.push(seeded);
  }
  return out;
}

// ---- What the page shows ---------------------------------------------------------------

type Loc = ReturnType<Page['locator']>;

/** The visible text, whitespace collapsed. */
async function text(l: Loc): Promise<string> {
  return (await l.innerText()).replace(/\s+/g, ' ').trim();
}

function backgroundOf(l: Loc): Promise<string> {
  return l.evaluate((el) => (globalThis as unknown as InPage).getComputedStyle(el).backgroundColor);
}

function colourOf(l: Loc): Promise<string> {
  return l.evaluate((el) => (globalThis as unknown as InPage).getComputedStyle(el).color);
}

function fillOf(l: Loc): Promise<string> {
  return l.evaluate((el) => (globalThis as unknown as InPage).getComputedStyle(el).fill);
}

/**
 * Every element's text against its own background has at least the 3:1 contrast WCAG asks
 * of large text and of UI components (white on the amber of "late" has 2.4:1).
 */
async function assertReadable(l: Loc): Promise<void> {
  const ratios = await l.evaluateAll((els) =>
    els.map((el) => {
      const s = (globalThis as unknown as InPage).getComputedStyle(el);
      // Relative luminance of each colour (no named function here: tsx would wrap it in a
      // helper the page does not have).
      const [hi, lo] = [s.color, s.backgroundColor]
        .map((colour) => {
          const [r, g, b] = colour
            .match(/[\d.]+/g)!
            .slice(0, 3)
            .map((v) => Number(v) / 255)
            .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
          return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
        })
        .sort((x, y) => y - x);
      return { text: el.textContent!.trim(), ratio: (hi! + 0.05) / (lo! + 0.05) };
    }),
  );
  assert.ok(ratios.length > 0);
  for (const { text, ratio } of ratios)
    assert.ok(ratio >= 3, `"${text}" has a contrast of ${ratio.toFixed(2)}:1`);
}

/**
 * What is drawn at the middle of each of the `n` bars of an uptime strip, left to right: the
 * class of the shape there (u-up, u-down…), whatever shapes the bars are made of.
 */
async function barClasses(svg: Loc, n: number): Promise<string[]> {
  await svg.scrollIntoViewIfNeeded();
  return svg.evaluate((el, n) => {
    const box = el.getBoundingClientRect();
    const out: string[] = [];
    for (let i = 0; i < n; i++) {
      const hit = (globalThis as unknown as InPage).document.elementFromPoint(
        box.left + ((i + 0.5) * box.width) / n,
        box.top + box.height / 2,
      );
      out.push(hit && hit !== el && hit.closest('svg') === el ? hit.getAttribute('class')! : 'gap');
    }
    return out;
  }, n);
}

/** The value next to a label of the check page's facts. */
async function fact(page: Page, label: string): Promise<string> {
  return text(
    page
      .locator('dl.facts dt', { hasText: new RegExp(`^${label}$`) })
      .locator('xpath=following-sibling::dd[1]'),
  );
}

/** The number on each status tab. */
async function tabCounts(page: Page): Promise<Record<string, number>> {
  const tabs = page.locator('nav.tabs a[data-count]');
  const out: Record<string, number> = {};
  for (const tab of await tabs.all()) {
    out[(await tab.getAttribute('data-count'))!] = Number(await tab.locator('b').textContent());
  }
  return out;
}
