// The jobs pages in a real browser (issue 13): create a job that calls a receiver on
// 127.0.0.1 every minute from the form (after its errors), press Run now and see the run,
// make the receiver fail and see the dead tick, press Redrive and see it succeed. A back's
// trigger runs in this process meanwhile (triggerOnce, the engine's own code). Screenshots of
// the list, the form with its errors and the job page, desktop and phone, go to
// test-artifacts/; at 390 px no page scrolls sideways. One browser for the file.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import type { Locator, Page } from 'playwright-core';
import { triggerOnce } from '../../src/back/trigger.js';
import { insertChannel } from '../../src/db/channels.js';
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
import { triggerDeps } from '../helpers/jobs.js';
import { startHttpReceiver } from '../helpers/receivers.js';

const ARTIFACTS = path.resolve(import.meta.dirname, '..', '..', 'test-artifacts');
const missing = browserMissing();

async function text(l: Locator): Promise<string> {
  return (await l.innerText()).replace(/\s+/g, ' ').trim();
}

/** A form sent back with its errors is a 400: the browser logs that, rightly. */
const FORM_400 =
  /Failed to load resource: the server responded with a status of 400 .*\/dashboard\/jobs\)$/;

function clean(w: Watched): void {
  assert.deepEqual(
    w.problems.filter((p) => !FORM_400.test(p)),
    [],
    'no console errors, page errors or CSP violations',
  );
  assert.deepEqual(w.dialogs, [], 'no dialog opened');
}

async function noSidewaysScroll(page: Page, what: string): Promise<void> {
  const [scrollWidth, clientWidth] = await page
    .locator('html')
    .evaluate((el) => [el.scrollWidth as number, el.clientWidth as number]);
  assert.ok(scrollWidth <= clientWidth, `${what}: ${scrollWidth} px wide in ${clientWidth}`);
}

if (missing && browserRequired()) {
  test('chromium is installed (CRONWATCH_REQUIRE_BROWSER=1)', () => assert.fail(missing));
} else if (missing) {
  test('jobs pages in a browser', { skip: missing }, () => undefined);
} else {
  // Registered before the database's own hook: the loop stops before the pool closes.
  let running = true;
  let back: Promise<void> = Promise.resolve();
  after(async () => {
    running = false;
    await back;
  });
  const db = await testDatabase();
  const base = await serve(createApp(frontDeps(db.pool, { env: { OUTBOUND_ALLOW_PRIVATE: '1' } })));
  const browser = await launchBrowser();
  const receiver = await startHttpReceiver();
  receiver.respond = () => ({ status: 200, body: '{"pong":true}' });
  const account = await newAccount(db.pool, 'browser-jobs');
  const key = await newKey(db.pool, account, 'write');
  await insertChannel(
    db.pool,
    account,
    { kind: 'webhook', name: 'ops-hook', config: { url: `${receiver.url}/alerts` } },
    new Date(),
  );

  // A back instance: the engine's trigger, every 100 ms, until the file ends.
  const deps = triggerDeps(db.pool);
  back = (async () => {
    while (running) {
      await triggerOnce(deps).catch((err: unknown) => console.error('trigger', err));
      await delay(100);
    }
  })();

  async function signIn(page: Page, next: string): Promise<void> {
    await page.goto(`/login?next=${encodeURIComponent(next)}`);
    await page.locator('#key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}${next}`);
  }

  /** Reloads the job page until the newest run is in `state`; that run's row. */
  /** Reloads the job page until the first run `row` picks is in `state`. */
  async function runIn(page: Page, state: string, row: string): Promise<Locator> {
    const found = page.locator(`table.runs.all tbody tr${row}`).first();
    await eventually(
      async () => {
        await page.reload();
        // count() does not wait: a reload that shows no such row yet is simply not it.
        if ((await found.count()) === 0) return false;
        return (await text(found.locator('td.state'))) === state;
      },
      `the run is ${state}`,
      20_000,
    );
    return found;
  }

  describe('jobs pages in a browser', { timeout: 60_000 }, () => {
    let jobUrl = '';

    test('create from the form (errors first), run now, dead tick, redrive', async () => {
      await mkdir(ARTIFACTS, { recursive: true });
      const ctx = await newContext(browser, base);
      const page = await ctx.newPage();
      const w = watch(page);
      await signIn(page, '/dashboard/jobs');
      assert.match(await text(page.locator('p.empty')), /^No jobs yet/);
      await page.getByRole('link', { name: 'New job' }).click();
      await page.waitForURL(`${base}/dashboard/jobs/new`);

      // The script shows only the chosen schedule kind's and action kind's inputs.
      assert.equal(await page.locator('#f-every').isVisible(), true);
      assert.equal(await page.locator('#f-schedule').isVisible(), false);
      await page.getByLabel('Cron expression', { exact: true }).first().check();
      assert.equal(await page.locator('#f-schedule').isVisible(), true);
      assert.equal(await page.locator('#f-every').isVisible(), false);
      assert.equal(await page.locator('[name="page-change.url"]').isVisible(), false);

      // Bad values first: each message next to its field, nothing saved.
      await page.locator('#f-name').fill('ping the receiver');
      await page.locator('#f-schedule').fill('* * * * * * *');
      await page.locator('[name="http.url"]').fill('ftp://nowhere');
      await page.locator('#f-timeout').fill('0');
      await page.getByRole('button', { name: 'Create job' }).click();
      await page.locator('p.error[role="alert"]').waitFor();
      assert.match(await text(page.locator('p.error[role="alert"]')), /3 fields need a fix/);
      assert.match(await text(page.locator('[data-field="schedule"] .field-error')), /schedule/);
      assert.equal(
        await text(page.locator('[data-field="http.url"] .field-error')),
        'url must be an http:// or https:// URL',
      );
      assert.equal(
        await text(page.locator('[data-field="timeout"] .field-error')),
        'timeout must be a whole number from 1 to 900',
      );
      assert.equal(await page.locator('#f-name').inputValue(), 'ping the receiver', 'kept');
      assert.equal(await page.locator('#f-schedule').isVisible(), true, 'cron still chosen');
      await page.screenshot({ path: path.join(ARTIFACTS, 'job-form-errors.png'), fullPage: true });

      await page.locator('#f-schedule').fill('* * * * *');
      await page.locator('[name="http.url"]').fill(`${receiver.url}/hook`);
      await page.locator('#f-timeout').fill('5');
      await page.locator('#f-attempts').fill('2');
      await page.getByRole('button', { name: 'Create job' }).click();
      await page.waitForURL(/\/dashboard\/jobs\/[0-9a-f-]{36}$/);
      jobUrl = new URL(page.url()).pathname;
      assert.match(await text(page.locator('h1')), /^ping the receiver active$/);
      assert.match(await text(page.locator('.facts')), /Every minute/);
      assert.match(await text(page.locator('.facts')), /GET http:\/\/127\.0\.0\.1:\d+\/hook/);

      // Run now: the run appears with its status, duration and the answer's start.
      await page.getByRole('button', { name: 'Run now' }).click();
      await page.waitForURL(`${base}${jobUrl}`);
      let run = await runIn(page, 'succeeded', '.manual');
      assert.match(await text(run.locator('td.when')), /\(run now\)/);
      assert.match(await text(run.locator('td.result')), /^HTTP 200 \{"pong":true\}$/);
      assert.match(await text(run.locator('td.duration')), /^\d+ ms$/);
      assert.match(await text(page.locator('main')), /No dead runs\./);

      // The receiver fails: both attempts get a 503, the tick is dead.
      receiver.respond = () => ({ status: 503, body: 'down for maintenance' });
      await page.getByRole('button', { name: 'Run now' }).click();
      run = await runIn(page, 'dead', '.manual');
      assert.match(await text(run.locator('td.result')), /HTTP 503 status 503 is not a 2xx/);
      assert.equal(await text(run.locator('td.attempts')), '2');
      const dead = page.locator('table.runs.dead tbody tr');
      assert.equal(await dead.count(), 1);
      await page.screenshot({ path: path.join(ARTIFACTS, 'job-page.png'), fullPage: true });

      // Redrive, with the receiver back: the same run (same Run-Id) succeeds.
      const runId = await dead.first().getAttribute('data-run');
      receiver.respond = () => ({ status: 200, body: '{"pong":"again"}' });
      await dead.first().getByRole('button', { name: 'Redrive' }).click();
      await page.waitForURL(`${base}${jobUrl}`);
      run = await runIn(page, 'succeeded', `[data-run="${runId}"]`);
      assert.match(await text(run.locator('td.result')), /^HTTP 200 \{"pong":"again"\}$/);
      assert.match(await text(page.locator('main')), /No dead runs\./);
      const ids = receiver.requests
        .filter((r) => r.path === '/hook')
        .map((r) => r.headers['cronwatch-run-id']);
      assert.equal(ids.filter((id) => id === runId).length, 3, 'two attempts, one redrive');

      // The list: schedule in words, next run, last outcome.
      await page.getByRole('link', { name: 'Jobs', exact: true }).click();
      await page.waitForURL(`${base}/dashboard/jobs`);
      const row = page.locator('table.jobs tbody tr').first();
      assert.equal(await text(row.locator('td.schedule')), 'Every minute');
      assert.match(await text(row.locator('td.next')), /^in \d+ s$|^just now$/);
      assert.match(await text(row.locator('td.last')), /^succeeded (just now|\d+ s ago) HTTP 200$/);
      await page.screenshot({ path: path.join(ARTIFACTS, 'jobs-list.png'), fullPage: true });
      clean(w);
    });

    test('a phone: stacked cards, no page scrolls sideways', async () => {
      const ctx = await newContext(browser, base, { viewport: { width: 390, height: 844 } });
      const page = await ctx.newPage();
      const w = watch(page);
      await signIn(page, '/dashboard/jobs');
      const shots: [string, string][] = [
        ['/dashboard/jobs', 'jobs-list-phone.png'],
        [jobUrl, 'job-page-phone.png'],
        ['/dashboard/jobs/new', 'job-form-phone.png'],
      ];
      for (const [url, file] of shots) {
        await page.goto(url);
        await noSidewaysScroll(page, url);
        await page.screenshot({ path: path.join(ARTIFACTS, file), fullPage: true });
      }
      // The list's row is a card: its header row is hidden, each cell says what it is.
      await page.goto('/dashboard/jobs');
      assert.equal(await page.locator('table.jobs thead').isVisible(), false);
      const cell = page.locator('table.jobs tbody tr td.next').first();
      const label = await cell.evaluate(
        (el) =>
          (
            globalThis as unknown as {
              getComputedStyle(e: unknown, p: string): { content: string };
            }
          ).getComputedStyle(el, '::before').content,
      );
      assert.equal(label, '"Next run"');
      // The form with errors on a phone.
      await page.goto('/dashboard/jobs/new');
      await page.locator('#f-every').fill('often');
      await page.getByRole('button', { name: 'Create job' }).click();
      await page.locator('[data-field="every"] .field-error').waitFor();
      await noSidewaysScroll(page, 'the form with errors');
      clean(w);
    });
  });
}
