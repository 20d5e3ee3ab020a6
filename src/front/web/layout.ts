// The page shell shared by the dashboard, the sign-in form and the status page.
import { html, type Html } from './html.js';

export interface PageOptions {
  title: string;
  /** The signed-in account, for the header; none on public pages. */
  account?: string;
  csrf?: string;
  /** Scripts under /static/ this page needs. */
  scripts?: string[];
  /** Stylesheets under /static/ besides app.css. */
  styles?: string[];
}

export function layout(o: PageOptions, body: Html): Html {
  const header = o.account
    ? html`<header class="top">
        <a class="brand" href="/dashboard">cronwatch</a>
        <nav>
          <a href="/dashboard">Checks</a>
          <a href="/dashboard/jobs">Jobs</a>
          <a href="/dashboard/channels">Channels</a>
          <a href="/dashboard/keys">Keys</a>
          <a href="/dashboard/status-pages">Status pages</a>
        </nav>
        <form method="post" action="/logout" class="signout">
          <input type="hidden" name="_csrf" value="${o.csrf}" />
          <span class="who">${o.account}</span>
          <button type="submit">Sign out</button>
        </form>
      </header>`
    : html`<header class="top">
        <a class="brand" href="/">cronwatch</a>
        <nav><a href="/login">Sign in</a></nav>
      </header>`;
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${o.title} · cronwatch</title>
        <link rel="icon" href="/static/favicon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href="/static/app.css" />
        ${(o.styles ?? []).map((s) => html`<link rel="stylesheet" href="/static/${s}" />`)}
        ${(o.scripts ?? []).map((s) => html`<script src="/static/${s}" defer></script>`)}
      </head>
      <body>
        ${header}
        <main>${body}</main>
      </body>
    </html> `;
}
