// The `page-change` action (issue 13): fetch a page through the outbound client (same address
// policy as every call), optionally narrow it by a CSS selector (node-html-parser: markup is
// parsed, not matched with regular expressions), and compare its text with the last run's by
// hash. A change alerts the job's channels with a short line diff (the `diff` library); the
// first run only records the baseline. The last content is kept by the back (ctx.state).
import { createHash } from 'node:crypto';
import { diffLines } from 'diff';
import { parse } from 'node-html-parser';
import type { Outcome } from '../domain/job-retry.js';
import { OutboundTimeout } from '../outbound/client.js';
import { OutboundRefused } from '../outbound/policy.js';
import type { Action, ActionContext, SettingsResult, Tick } from './action.js';

export interface PageChangeSettings {
  url: string;
  selector?: string;
}

/** What is kept between runs: the text to diff against, and what it was taken from. */
interface Kept {
  url: string;
  selector: string | null;
  hash: string;
  text: string;
}

const KNOWN = new Set(['url', 'selector']);
/** The page read: enough for any page people watch; the rest is cut. */
const PAGE_BYTES = 2_000_000;
/** The text kept to diff against next time. */
const KEPT_CHARS = 100_000;
/** The diff in an alert: short, the page's link says the rest. */
const DIFF_LINES = 30;
const DIFF_CHARS = 2000;
const MAX_REDIRECTS = 5;

function parseSettings(raw: Record<string, unknown>): SettingsResult<PageChangeSettings> {
  const unknown = Object.keys(raw).filter((k) => !KNOWN.has(k) && raw[k] !== undefined);
  if (unknown.length)
    return { field: unknown[0]!, error: `${unknown[0]} is not a field of a page-change job` };
  const url = raw.url;
  if (url === undefined || url === '') return { field: 'url', error: 'url is required' };
  const u = typeof url === 'string' && URL.canParse(url) ? new URL(url) : undefined;
  if (typeof url !== 'string' || url.length > 2048 || !/^https?:$/.test(u?.protocol ?? ''))
    return { field: 'url', error: 'url must be an http:// or https:// URL' };
  const selector = raw.selector;
  if (selector === undefined || selector === null || selector === '') return { settings: { url } };
  if (typeof selector !== 'string' || selector.length > 500)
    return {
      field: 'selector',
      error: 'selector must be a CSS selector of at most 500 characters',
    };
  try {
    parse('<p></p>').querySelectorAll(selector);
  } catch (err) {
    return {
      field: 'selector',
      error: `selector is not a valid CSS selector: ${(err as Error).message}`,
    };
  }
  return { settings: { url, selector } };
}

/** The visible text of the page, or of the elements the selector picks; null: none matched. */
export function pageText(html: string, selector?: string): string | null {
  const root = parse(html);
  for (const hidden of root.querySelectorAll('script, style, noscript, template')) hidden.remove();
  const picked = selector ? root.querySelectorAll(selector) : [root.querySelector('body') ?? root];
  if (picked.length === 0) return null;
  return picked
    .map((e) => e.structuredText)
    .join('\n')
    .split('\n')
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter((line) => line !== '')
    .join('\n');
}

/** "- old line" / "+ new line", at most DIFF_LINES lines and DIFF_CHARS characters. */
export function shortDiff(
  before: string,
  after: string,
): { text: string; added: number; removed: number } {
  const lines: string[] = [];
  let added = 0;
  let removed = 0;
  for (const part of diffLines(`${before}\n`, `${after}\n`)) {
    if (!part.added && !part.removed) continue;
    const sign = part.added ? '+' : '-';
    for (const line of part.value.replace(/\n$/, '').split('\n')) {
      if (part.added) added++;
      else removed++;
      lines.push(`${sign} ${line}`);
    }
  }
  let text = lines.slice(0, DIFF_LINES).join('\n');
  if (text.length > DIFF_CHARS) text = `${text.slice(0, DIFF_CHARS)}…`;
  if (lines.length > DIFF_LINES) text += `\n… ${lines.length - DIFF_LINES} more lines`;
  return { text, added, removed };
}

function lines(n: number): string {
  return `${n} line${n === 1 ? '' : 's'}`;
}

function failed(started: number, err: unknown): Outcome {
  const outcome: Outcome = {
    ok: false,
    durationMs: Math.round(performance.now() - started),
    error: (err as Error).message,
  };
  if (err instanceof OutboundTimeout) outcome.timeout = true;
  if (err instanceof OutboundRefused) outcome.refused = true;
  return outcome;
}

async function fetchText(
  tick: Tick & { settings: PageChangeSettings },
  ctx: ActionContext,
): Promise<{ status: number; text: string | null }> {
  const answer = await ctx.outbound.request({
    method: 'GET',
    url: tick.settings.url,
    headers: { 'User-Agent': 'cronwatch', 'Cronwatch-Run-Id': tick.runId },
    timeoutMs: tick.timeoutMs,
    maxRedirects: MAX_REDIRECTS,
    keepBytes: PAGE_BYTES,
  });
  if (answer.status < 200 || answer.status > 299) return { status: answer.status, text: null };
  return { status: answer.status, text: pageText(answer.body, tick.settings.selector) };
}

/** Compares with the kept text; saves the new one (and the alert) when it changed. */
async function compare(
  tick: Tick & { settings: PageChangeSettings },
  ctx: ActionContext,
  text: string,
): Promise<string> {
  if (!ctx.state) return 'not compared: no state store in this process';
  const s = tick.settings;
  const kept = (await ctx.state.load(tick.jobUuid)) as Kept | undefined;
  const next: Kept = {
    url: s.url,
    selector: s.selector ?? null,
    hash: createHash('sha256').update(text).digest('hex'),
    text: text.slice(0, KEPT_CHARS),
  };
  // A new URL or selector is a new page: its first content is a baseline, not a change.
  if (!kept || kept.url !== next.url || kept.selector !== next.selector) {
    await ctx.state.save(tick.jobUuid, kept, next);
    return `baseline recorded (${text.length} characters)`;
  }
  if (kept.hash === next.hash) return 'unchanged';
  const d = shortDiff(kept.text, next.text);
  const where = s.selector ? `${s.url} (${s.selector})` : s.url;
  const saved = await ctx.state.save(tick.jobUuid, kept, next, {
    subject: `page changed: ${where}`,
    text: `The page ${where} changed: ${lines(d.added)} added, ${d.removed} removed.\n\n${d.text}`,
  });
  return saved
    ? `changed: +${d.added} -${d.removed} lines\n${d.text}`
    : 'changed (alerted by another attempt)';
}

async function run(
  tick: Tick & { settings: PageChangeSettings },
  ctx: ActionContext,
): Promise<Outcome> {
  const started = performance.now();
  const duration = () => Math.round(performance.now() - started);
  try {
    const { status, text } = await fetchText(tick, ctx);
    if (text === null) {
      const error =
        status < 200 || status > 299
          ? `status ${status} is not a 2xx`
          : `the selector ${tick.settings.selector} matched nothing`;
      return { ok: false, status, durationMs: duration(), error };
    }
    const body = await compare(tick, ctx, text);
    return { ok: true, status, durationMs: duration(), body };
  } catch (err) {
    return failed(started, err);
  }
}

export const pageChangeAction: Action<PageChangeSettings> = {
  validate: parseSettings,
  refusal: (s, ctx) => ctx.outbound.refusal(s.url),
  show: (s) => ({ url: s.url, selector: s.selector ?? null }),
  fields: [
    { name: 'url', label: 'Page URL', type: 'text', placeholder: 'https://example.com/prices' },
    {
      name: 'selector',
      label: 'CSS selector',
      type: 'text',
      placeholder: '#price, .news li',
      help: 'Only the text of the matching elements is compared; empty: the whole page.',
    },
  ],
  run,
};
