// Managing checks, channels and keys in a real browser (issue 13): Debian's chromium driven
// by playwright-core against the real app on 127.0.0.1. A check made from the form, pinged
// over HTTP, seen going up; its schedule edited to a cron expression with the words changing
// as it is typed and alert policies set (shown on its page); a webhook channel tested against a receiver and linked to the check; a key
// made and revoked; a read-only session without ping URLs; every page at 390 × 844 without
// sideways scroll. Screenshots of each page (desktop and phone) go to test-artifacts/manage-*.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
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
  type Watched,
} from '../helpers/browser.js';
import { testDatabase } from '../helpers/db.js';
import { startHttpReceiver } from '../helpers/receivers.js';

const ARTIFACTS = path.resolve(import.meta.dirname, '..', '..', 'test-artifacts');
const PHONE = { width: 390, height: 844 };

const missing = browserMissing();
if (missing && browserRequired()) {
  test('chromium is installed (CRONWATCH_REQUIRE_BROWSER=1)', () => assert.fail(missing));
} else if (missing) {
  test('managing in a browser', { skip: missing }, () => undefined);
} else {
  const db = await testDatabase();
  const base = await serve(createApp(frontDeps(db.pool, { env: { OUTBOUND_ALLOW_PRIVATE: '1' } })));
  const browser = await launchBrowser();
  const receiver = await startHttpReceiver();
  const account = await newAccount(db.pool, 'manage');
  const key = await newKey(db.pool, account, 'write');
  await mkdir(ARTIFACTS, { recursive: true });
  /** Pages visited on the way, for the phone pass (name → path). */
  const visited = new Map<string, string>();

  async function open(viewport = { width: 1280, height: 800 }) {
    const ctx = await newContext(browser, base, { viewport });
    const page = await ctx.newPage();
    return { page, w: watch(page), ctx };
  }

  async function signIn(page: Page, k: string): Promise<void> {
    await page.goto('/login');
    await page.locator('#key').fill(k);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/dashboard`);
  }

  /** A screenshot; `at` is the page's own address when the URL is a form's (POST) answer. */
  async function shot(page: Page, name: string, at?: string): Promise<void> {
    visited.set(name, at ?? new URL(page.url()).pathname + new URL(page.url()).search);
    await page.screenshot({ path: path.join(ARTIFACTS, `manage-${name}.png`), fullPage: true });
  }

  function clean(w: Watched): void {
    assert.deepEqual(w.problems, [], 'no console errors, page errors or CSP violations');
    assert.deepEqual(w.dialogs, [], 'no dialog opened');
  }

  const text = async (l: ReturnType<Page['locator']>) =>
    (await l.innerText()).replace(/\s+/g, ' ').trim();

  describe('managing in a browser', () => {
    test('a check from the form: pinged, up, edited to cron; a webhook channel tested and linked', async () => {
      const { page, w } = await open();
      await signIn(page, key);
      await shot(page, 'checks-empty');
      await page.getByRole('link', { name: 'New check' }).click();
      await page.waitForURL(`${base}/dashboard/checks/new`);
      const words = page.locator('#schedule-words');
      assert.equal(await text(words), 'every day');
      // Only the period's field shows until "Cron expression" is chosen.
      assert.equal(await page.locator('#schedule').isVisible(), false);
      await page.locator('#name').fill('db-backup');
      await page.locator('#tags').fill('prod db');
      await page.locator('#timeout').fill('300');
      await eventually(async () => (await words.textContent()) === 'every 5 minutes', 'words');
      await page.locator('#grace').fill('120');
      await shot(page, 'check-new');
      await page.getByRole('button', { name: 'Create check' }).click();
      await page.waitForURL(/\/dashboard\/checks\/[0-9a-f-]{36}\?created=1$/);
      const uuid = /checks\/([0-9a-f-]{36})/.exec(page.url())![1]!;
      assert.match(await text(page.locator('.notice')), /^Check created\./);
      const pingUrl = await text(page.locator('pre#ping-url'));
      assert.match(pingUrl, new RegExp(`/ping/${uuid}$`));
      assert.match(
        await text(page.locator('pre#crontab-line')),
        /^\*\/5 \* \* \* \* \/path\/to\/job\.sh/,
      );
      await shot(page, 'check-created');

      // Listed, new; pinged over HTTP (the ping URL on the page); up after a reload.
      await page.getByRole('link', { name: 'Checks', exact: true }).click();
      const row = page.locator(`tr[data-uuid="${uuid}"]`);
      assert.equal(await row.getAttribute('class'), 'check st-new');
      assert.equal(await text(row.locator('td.name a')), 'db-backup');
      const ping = await fetch(pingUrl.replace(/^https?:\/\/[^/]+/, base));
      assert.equal(ping.status, 200);
      await page.reload();
      assert.equal(await row.getAttribute('class'), 'check st-up');
      assert.equal(await text(row.locator('.label')), 'up');
      assert.match(await text(row.locator('td.last')), /just now|s ago/);
      await shot(page, 'checks');

      // Edit: a cron expression, the words following what is typed; a bad one says why.
      await row.locator('td.name a').click();
      await page.getByRole('link', { name: 'Edit' }).click();
      await page.waitForURL(`${base}/dashboard/checks/${uuid}/edit`);
      assert.equal(await text(words), 'every 5 minutes');
      await page.getByLabel('Cron expression', { exact: true }).first().check();
      assert.equal(await page.locator('#timeout').isVisible(), false);
      await page.locator('#schedule').fill('0 3 * *');
      await eventually(async () => (await words.getAttribute('class')) === 'bad', 'error shown');
      assert.match(await text(words), /^schedule must be a cron expression of 5 fields/);
      await page.locator('#schedule').fill('30 4 * * 1');
      await eventually(
        async () => (await words.textContent()) === 'At 04:30, only on Monday',
        'cron words',
      );
      await page.locator('#tz').fill('Europe/Berlin');
      await eventually(
        async () => (await words.textContent()) === 'At 04:30, only on Monday (Europe/Berlin)',
        'words with the zone',
      );
      await page.locator('#failure_threshold').fill('3');
      await page.locator('#repeat_every').fill('3600');
      await shot(page, 'check-edit');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.waitForURL(`${base}/dashboard/checks/${uuid}`);
      assert.match(await text(page.locator('section.policies')), /down after 3 failures in a row/);
      assert.match(await text(page.locator('section.policies')), /every 60 min/);
      assert.equal(
        await text(page.locator('.facts dd').first()),
        'At 04:30, only on Monday (Europe/Berlin) 30 4 * * 1',
      );
      // A bad value from the browser: the message next to the field, the value kept.
      await page.getByRole('link', { name: 'Edit' }).click();
      await page.locator('#grace').fill('10');
      await page.getByRole('button', { name: 'Save' }).click();
      const err = page.locator('[data-field="grace"] .field-error');
      assert.equal(await text(err), 'grace must be a whole number of seconds from 60 to 31536000');
      assert.equal(await page.locator('#grace').inputValue(), '10');
      await shot(page, 'check-edit-error');

      // A webhook channel to a receiver on 127.0.0.1, tested from its page.
      await page.getByRole('link', { name: 'Channels' }).click();
      await page.waitForURL(`${base}/dashboard/channels`);
      assert.equal(await text(page.locator('p.empty')), 'No channels yet.');
      await page.getByRole('link', { name: 'Add channel' }).click();
      await page.locator('#pick-kind').selectOption('webhook');
      await page.getByRole('button', { name: 'Show its fields' }).click();
      await page.waitForURL(`${base}/dashboard/channels/new?kind=webhook`);
      await page.locator('#name').fill('ops webhook');
      await page.locator('#url').fill(`${receiver.url}/alerts`);
      await shot(page, 'channel-new');
      await page.getByRole('button', { name: 'Add channel' }).click();
      await page.waitForURL(/\/dashboard\/channels\/[0-9a-f-]{36}$/);
      await page.getByRole('button', { name: 'Send test' }).click();
      await page.locator('.test-result').waitFor();
      assert.equal(await text(page.locator('.test-result')), 'Test notification sent.');
      assert.equal(receiver.requests.length, 1);
      assert.equal(receiver.requests[0]!.path, '/alerts');
      await shot(page, 'channel', new URL(page.url()).pathname.replace(/\/test$/, ''));

      // Linked to the check on its edit page; the check says where its alerts go.
      await page.goto(`/dashboard/checks/${uuid}/edit`);
      await page.getByLabel(/ops webhook/).check();
      await page.getByRole('button', { name: 'Save' }).click();
      await page.waitForURL(`${base}/dashboard/checks/${uuid}`);
      assert.equal(await text(page.locator('.alerts-to')), 'ops webhook (webhook)');
      await shot(page, 'check');
      await page.getByRole('link', { name: 'Channels' }).click();
      assert.equal(await text(page.locator('table.channels td.used')), 'checks: db-backup');
      await shot(page, 'channels');
      // Chromium logs the 400 status of the refused form's own document: expected.
      w.problems = w.problems.filter((p) => !/status of 400 .*\/edit\)$/.test(p));
      clean(w);
    });

    test('keys: made (shown once) and revoked; a read-only session shows no ping URL', async () => {
      const { page, w } = await open();
      await signIn(page, key);
      await page.getByRole('link', { name: 'Keys' }).click();
      await page.locator('#name').fill('read-only laptop');
      await page.locator('#scope').selectOption('read');
      await page.getByRole('button', { name: 'Create key' }).click();
      const made = await text(page.locator('pre#new-key'));
      assert.match(made, /^[A-Za-z0-9_-]{32}$/);
      await shot(page, 'keys-created');
      const prefix = made.slice(0, 12);
      const keyRow = page.locator(`tr[data-prefix="${prefix}"]`);
      assert.match(await text(keyRow), /read-only read-only laptop/);

      // The new read-only key, in a browser of its own: no ping URL, crontab line or Edit.
      const reader = await open();
      await signIn(reader.page, made);
      const link = reader.page.locator('table.checks td.name a').first();
      assert.doesNotMatch((await link.getAttribute('href'))!, /[0-9a-f]{8}-/);
      await link.click();
      await reader.page.locator('h1.check-title').waitFor();
      assert.equal(await reader.page.locator('#ping-url').count(), 0);
      assert.equal(await reader.page.locator('#crontab-line').count(), 0);
      assert.equal(await reader.page.getByRole('link', { name: 'Edit' }).count(), 0);
      assert.doesNotMatch(await reader.page.content(), /\/ping\//);
      await shot(reader.page, 'check-read-only');

      // Revoked: gone from use at once (the reader's next page is the sign-in form).
      // Confirmed this time (watch() dismisses every dialog).
      page.removeAllListeners('dialog');
      page.once('dialog', (d) => void d.accept());
      await keyRow.getByRole('button', { name: 'Revoke' }).click();
      await keyRow.locator('text=revoked').waitFor();
      await shot(page, 'keys');
      await reader.page.goto('/dashboard');
      assert.match(reader.page.url(), /\/login\?next=/);
      clean(w);
      clean(reader.w);
    });

    test('390 × 844: lists are cards, no page scrolls sideways', async () => {
      const { page, w } = await open(PHONE);
      await signIn(page, key);
      const pages = new Map([
        ...visited,
        ['landing', '/'],
        ['not-found', '/no/such/page'],
        ['status-pages', '/dashboard/status-pages'],
      ]);
      pages.delete('check-read-only');
      pages.delete('keys-created');
      for (const [name, url] of pages) {
        await page.goto(url);
        const [scrollWidth, clientWidth] = await page
          .locator('html')
          .evaluate((el) => [el.scrollWidth as number, el.clientWidth as number]);
        assert.ok(scrollWidth <= clientWidth, `${url}: ${scrollWidth} px wide in ${clientWidth}`);
        await page.screenshot({
          path: path.join(ARTIFACTS, `manage-${name}-phone.png`),
          fullPage: true,
        });
      }
      // The pages no other step visits, on a desktop too.
      await page.setViewportSize({ width: 1280, height: 800 });
      for (const [name, url] of [
        ['landing', '/'],
        ['not-found', '/no/such/page'],
        ['status-pages', '/dashboard/status-pages'],
      ]) {
        await page.goto(url!);
        await page.screenshot({ path: path.join(ARTIFACTS, `manage-${name}.png`), fullPage: true });
      }
      await page.setViewportSize(PHONE);
      w.problems = w.problems.filter((p) => !/status of 404 .*\/no\/such\/page\)$/.test(p));
      // The list as cards: no header row; status, name, last ping and next expected shown.
      await page.goto('/dashboard');
      assert.equal(await page.locator('table.checks thead').isVisible(), false);
      const card = page.locator('table.checks tr.check').first();
      assert.equal(
        await card.evaluate((el) => (globalThis as unknown as Styled).getComputedStyle(el).display),
        'flex',
      );
      assert.match(await text(card), /^up db-backup \d+ s ago in \d+ h$/);
      // Each time is labelled (by CSS, from data-label).
      for (const [cell, label] of [
        ['td.last', 'Last ping'],
        ['td.next', 'Next expected'],
      ] as const)
        assert.match(
          await card
            .locator(cell)
            .evaluate(
              (el) => (globalThis as unknown as Styled).getComputedStyle(el, '::before').content,
            ),
          new RegExp(label),
        );
      assert.equal(await card.locator('td.schedule').isVisible(), false);
      clean(w);
    });
  });
}

/** The page's getComputedStyle, as the test's code sees it (no DOM types here). */
interface Styled {
  getComputedStyle(el: unknown, pseudo?: string): { display: string; content: string };
}
