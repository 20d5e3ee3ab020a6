// Browser tests: Debian's chromium driven by playwright-core, against the real app served on
// 127.0.0.1. Everything started here (the HTTP server, the browser) stops after the file.
import { existsSync } from 'node:fs';
import http, { type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/**
 * The little of the browser's globals that page functions (run in the page by evaluate and
 * addInitScript) use, as `(globalThis as unknown as InPage)`: the typecheck has no DOM lib,
 * and adding it would let src/ use browser globals unnoticed.
 */
export interface InPage {
  document: {
    elementFromPoint(x: number, y: number): InPageElement | null;
    addEventListener(
      type: 'securitypolicyviolation',
      listener: (e: { violatedDirective: string; blockedURI: string }) => void,
    ): void;
  };
  navigator: { clipboard: { readText(): Promise<string> } };
  getComputedStyle(el: unknown): { color: string; backgroundColor: string; fill: string };
  console: { error(message: string): void };
}

export interface InPageElement {
  closest(selector: string): unknown;
  getAttribute(name: string): string | null;
}

/**
 * Whether the browser tests can run: undefined when they can, else why not. Without chromium
 * they are skipped, unless CRONWATCH_REQUIRE_BROWSER=1 (CI) turns that into a failure.
 */
export function browserMissing(): string | undefined {
  return existsSync(CHROMIUM) ? undefined : `${CHROMIUM} not found (apt-get install -y chromium)`;
}

export function browserRequired(): boolean {
  return process.env.CRONWATCH_REQUIRE_BROWSER === '1';
}

/** Serves `app` on 127.0.0.1 on a free port until the end of the file; its base URL. */
export async function serve(app: RequestListener): Promise<string> {
  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  after(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A headless chromium, closed after the file. */
export async function launchBrowser(): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu'],
  });
  after(() => browser.close());
  return browser;
}

/** A fresh context (no cookies), failing fast: 10 s for any wait instead of 30. */
export async function newContext(
  browser: Browser,
  base: string,
  opts: Parameters<Browser['newContext']>[0] = {},
): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL: base, ...opts });
  context.setDefaultTimeout(10_000);
  // Reported by the page itself, whatever the console says: any CSP violation is a bug.
  await context.addInitScript(() => {
    const w = globalThis as unknown as InPage;
    w.document.addEventListener('securitypolicyviolation', (e) => {
      w.console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`);
    });
  });
  return context;
}

export interface Watched {
  /** Console errors and warnings, uncaught exceptions, CSP violations, failed requests. */
  problems: string[];
  /** The messages of alert/confirm/prompt dialogs the page opened. */
  dialogs: string[];
}

/** Records what a user would never want to see happen on `page`. Dialogs are dismissed. */
export function watch(page: Page): Watched {
  const w: Watched = { problems: [], dialogs: [] };
  page.on('console', (m) => {
    if (m.type() !== 'error' && m.type() !== 'warning') return;
    w.problems.push(`console ${m.type()}: ${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => w.problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => {
    // A navigation that replaces a page cancels its pending requests: not a failure.
    if (r.failure()?.errorText !== 'net::ERR_ABORTED')
      w.problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  page.on('dialog', (d) => {
    w.dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  return w;
}

/** Polls `fn` until it returns a truthy value; its last answer in the error otherwise. */
export async function eventually<T>(
  fn: () => Promise<T>,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      last = await fn();
      if (last) return last as T;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`not true within ${timeoutMs} ms: ${what} (last: ${String(last)})`);
    await delay(50);
  }
}
