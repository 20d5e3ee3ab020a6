// Signing in to the dashboard from tests: a supertest agent keeps the session cookie.
import assert from 'node:assert/strict';
import type { RequestListener } from 'node:http';
import request from 'supertest';

export type Agent = ReturnType<typeof request.agent>;

/** The value of the first hidden `_csrf` field of a page. */
export function csrfOf(page: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(page);
  assert.ok(m, 'the page has a _csrf field');
  return m[1]!;
}

/** An agent signed in with `key`, and the CSRF token of its session's forms. */
export async function signIn(
  app: RequestListener,
  key: string,
): Promise<{ agent: Agent; csrf: string }> {
  const agent = request.agent(app);
  const form = await agent.get('/login');
  assert.equal(form.status, 200);
  const res = await agent
    .post('/login')
    .type('form')
    .send({ _csrf: csrfOf(form.text), key });
  assert.equal(res.status, 303, res.text);
  const page = await agent.get('/dashboard');
  assert.equal(page.status, 200, page.text);
  return { agent, csrf: csrfOf(page.text) };
}

/** Text as the pages escape it (src/front/web/html.ts), back to what was written. */
export function unescapeHtml(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&#96;/g, '`')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The error the check and channel forms show in field `name`'s block (data-field), or undefined. */
export function fieldError(page: string, name: string): string | undefined {
  const start = page.indexOf(`data-field="${name}"`);
  assert.ok(start > 0, `the form has a field ${name}`);
  const next = page.indexOf('data-field="', start + 10);
  const block = page.slice(start, next < 0 ? undefined : next);
  const m = /class="field-error"[^>]*>([^<]*)</.exec(block);
  return m ? unescapeHtml(m[1]!) : undefined;
}
