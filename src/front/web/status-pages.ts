// /dashboard/status-pages: the account's public status pages, and the forms that add and
// remove them (read-write sessions). A page shows every check of the account, or the checks
// with one tag; it is public, so the page itself shows no ping URL, uuid or key.
import type { RequestHandler } from 'express';
import { accountTags } from '../../db/dashboard.js';
import { deleteStatusPage, insertStatusPage, listStatusPages } from '../../db/status-pages.js';
import { baseUrl } from '../api/params.js';
import type { FrontDeps } from '../deps.js';
import { HttpError } from '../errors.js';
import { SLUG_RULE, STATUS_PAGE_SLUG } from '../../domain/status-page.js';
import { html } from './html.js';
import { layout } from './layout.js';
import { textParam } from './params.js';
import { sessionOf } from './session.js';

export function statusPagesPage(deps: FrontDeps): RequestHandler {
  return async (_req, res) => {
    const s = sessionOf(res);
    const [pages, tags] = await Promise.all([
      listStatusPages(deps.pool, s.accountId),
      accountTags(deps.pool, s.accountId),
    ]);
    const base = baseUrl(deps);
    const form =
      s.scope === 'write'
        ? html`<h2>Add a status page</h2>
            <form method="post" action="/dashboard/status-pages" class="stack">
              <input type="hidden" name="_csrf" value="${s.csrf}" />
              <label for="slug">Address</label>
              <div>
                <span class="muted">${base}/status/</span
                ><input
                  id="slug"
                  name="slug"
                  required
                  pattern="[a-z0-9][a-z0-9\\-]{1,62}[a-z0-9]"
                  maxlength="64"
                  placeholder="acme"
                  aria-describedby="slug-hint"
                />
              </div>
              <div class="hint" id="slug-hint">
                3-64 lower-case letters, digits and dashes, not starting or ending with a dash
              </div>
              <label for="title">Title</label>
              <input id="title" name="title" maxlength="200" placeholder="Acme scheduled jobs" />
              <label for="tag">Checks</label>
              <select id="tag" name="tag">
                <option value="">every check of the account</option>
                ${tags.map((t) => html`<option value="${t}">checks tagged ${t}</option>`)}
              </select>
              <button type="submit">Publish</button>
            </form>`
        : html`<p class="muted">
            Signed in with a read-only key: a read-write key can add pages.
          </p>`;
    const body = html`<h1>Status pages</h1>
      <p>
        A status page is public: anyone with its address sees the names, status and 90-day uptime of
        its checks (never their ping URLs).
      </p>
      ${
        pages.length === 0
          ? html`<p class="empty">No status pages yet.</p>`
          : html`<table class="pages">
              <thead>
                <tr>
                  <th>Address</th>
                  <th>Title</th>
                  <th>Checks</th>
                  <th></th>
                </tr>
              </thead>
              <tbody>
                ${pages.map(
                  (p) =>
                    html`<tr>
                      <td><a href="/status/${p.slug}">${base}/status/${p.slug}</a></td>
                      <td>${p.title}</td>
                      <td>${p.tag ? html`tagged <b>${p.tag}</b>` : 'all'}</td>
                      <td>
                        ${
                          s.scope === 'write'
                            ? html`<form
                                method="post"
                                action="/dashboard/status-pages/${p.slug}/delete"
                                data-confirm="Take this status page down?"
                              >
                                <input type="hidden" name="_csrf" value="${s.csrf}" />
                                <button type="submit">Remove</button>
                              </form>`
                            : ''
                        }
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }
      ${form}`;
    res.set('Cache-Control', 'no-store').type('html');
    res.send(
      layout(
        { title: 'Status pages', account: s.account, csrf: s.csrf, scripts: ['dashboard.js'] },
        body,
      ).text,
    );
  };
}

export function addStatusPage(deps: FrontDeps): RequestHandler {
  return async (req, res) => {
    const s = sessionOf(res);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const slug = textParam(body, 'slug', 64);
    if (!slug) throw new HttpError(400, 'the address (slug) is missing');
    if (!STATUS_PAGE_SLUG.test(slug)) throw new HttpError(400, SLUG_RULE);
    const title = textParam(body, 'title', 200) ?? '';
    const tag = textParam(body, 'tag', 200) ?? null;
    if (!(await insertStatusPage(deps.pool, s.accountId, { slug, tag, title })))
      throw new HttpError(409, `the address /status/${slug} is taken: choose another`);
    res.redirect(303, '/dashboard/status-pages');
  };
}

export function removeStatusPage(deps: FrontDeps): RequestHandler {
  return async (req, res) => {
    const slug = String(req.params.slug);
    if (
      !STATUS_PAGE_SLUG.test(slug) ||
      !(await deleteStatusPage(deps.pool, sessionOf(res).accountId, slug))
    )
      throw new HttpError(404, 'no such status page');
    res.redirect(303, '/dashboard/status-pages');
  };
}
