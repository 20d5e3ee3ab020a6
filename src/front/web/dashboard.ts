// GET /dashboard: the account's checks, filtered by tag and status, 50 a page, by name.
// GET /dashboard/status.json: the same page's statuses, for the script that refreshes it.
import type { Request, RequestHandler, Response } from 'express';
import {
  accountTags,
  dashboardChecks,
  LIST_SORTS,
  statusCounts,
  type DashboardCheck,
  type ListSort,
} from '../../db/dashboard.js';
import type { ApiStatus } from '../../domain/api-shapes.js';
import { scheduleWords } from '../../domain/describe.js';
import { duration } from '../../domain/summary.js';
import type { FrontDeps } from '../deps.js';
import { nextCell, timeCell, timing } from './check-cells.js';
import { html, query, type Html } from './html.js';
import { layout } from './layout.js';
import { pageParam, STATUS_LABEL, STATUSES, statusParam, textParam } from './params.js';
import { sessionOf, type WebSession } from './session.js';
import { checkRef } from './check-ref.js';
import { HttpError } from '../errors.js';

export const PAGE_SIZE = 50;

interface ListView {
  tag: string | null;
  status: ApiStatus | null;
  search: string | null;
  sort: ListSort;
  page: number;
  counts: Map<ApiStatus, number>;
  checks: DashboardCheck[];
  now: Date;
}

async function load(deps: FrontDeps, req: Request, res: Response): Promise<ListView> {
  const q = req.query as Record<string, unknown>;
  const tag = textParam(q, 'tag', 200) ?? null;
  const status = statusParam(q) ?? null;
  const page = pageParam(q);
  const search = textParam(q, 'q', 200)?.trim() || null;
  const sort = (textParam(q, 'sort', 10) ?? 'name') as ListSort;
  if (!LIST_SORTS.includes(sort))
    throw new HttpError(400, `sort must be one of ${LIST_SORTS.join(', ')} (got "${sort}")`);
  const { accountId } = sessionOf(res);
  const now = deps.clock();
  const [counts, checks] = await Promise.all([
    statusCounts(deps.pool, accountId, now, tag, search),
    dashboardChecks(deps.pool, accountId, now, {
      tag,
      status,
      search,
      sort,
      offset: (page - 1) * PAGE_SIZE,
      limit: PAGE_SIZE,
    }),
  ]);
  return { tag, status, search, sort, page, counts, checks, now };
}

/** The list's query string with some parameters changed (the default sort is left out). */
function listQuery(v: ListView, change: Record<string, string | number | null> = {}): string {
  return query({
    q: v.search,
    tag: v.tag,
    status: v.status ? STATUS_LABEL[v.status] : null,
    sort: v.sort === 'name' ? null : v.sort,
    ...change,
  });
}

/** Checks with the tag, whatever their status. */
function all(v: ListView): number {
  return [...v.counts.values()].reduce((a, b) => a + b, 0);
}

/** Checks the list's filter matches. */
function total(v: ListView): number {
  return v.status ? (v.counts.get(v.status) ?? 0) : all(v);
}

function dot(status: ApiStatus): Html {
  return html`<span class="dot st-${status}" title="${STATUS_LABEL[status]}"></span>`;
}

function tabs(v: ListView): Html {
  const tab = (status: ApiStatus | null, label: string, n: number) => {
    const cls = `tab${v.status === status ? ' current' : ''}${status ? ` st-${status}` : ''}`;
    const href = `/dashboard${listQuery(v, { status: status ? STATUS_LABEL[status] : null })}`;
    return html`<a class="${cls}" href="${href}" data-count="${status ?? 'all'}">${label} <b>${n}</b></a>`;
  };
  return html`<nav class="tabs" aria-label="Filter by status">
    ${tab(null, 'all', all(v))} ${STATUSES.map((s) => tab(s, STATUS_LABEL[s], v.counts.get(s) ?? 0))}
  </nav>`;
}

function tagFilter(v: ListView, tags: string[]): Html {
  const hidden = (name: string, value: string | null) =>
    value ? html`<input type="hidden" name="${name}" value="${value}" />` : '';
  return html`<form class="tagfilter" method="get" action="/dashboard" role="search">
    ${hidden('status', v.status ? STATUS_LABEL[v.status] : null)}
    ${hidden('sort', v.sort === 'name' ? null : v.sort)}
    <label for="q" class="visually-hidden">Search</label>
    <input id="q" name="q" type="search" value="${v.search}" placeholder="name or tag" maxlength="200" />
    ${
      tags.length
        ? html`<label for="tag">Tag</label>
            <select id="tag" name="tag">
              <option value="">all tags</option>
              ${tags.map((t) => html`<option value="${t}" ${t === v.tag ? 'selected' : ''}>${t}</option>`)}
            </select>`
        : ''
    }
    <button type="submit">Filter</button>
  </form>`;
}

function sortLinks(v: ListView): Html {
  const names: Record<ListSort, string> = { name: 'name', status: 'status', last: 'last ping' };
  return html`<nav class="sorts" aria-label="Sort">
    Sort by
    ${LIST_SORTS.map((s) =>
      s === v.sort
        ? html`<b class="sort current" data-sort="${s}">${names[s]}</b>`
        : html`<a class="sort" data-sort="${s}" href="/dashboard${listQuery(v, { sort: s === 'name' ? null : s, page: null })}">${names[s]}</a>`,
    )}
  </nav>`;
}

function row(c: DashboardCheck, now: Date, s: WebSession): Html {
  const t = timing(c);
  const ref = checkRef(c.uuid, s);
  return html`<tr data-uuid="${ref}" class="check st-${c.shown}">
    <td class="status">${dot(c.shown)}<span class="label">${STATUS_LABEL[c.shown]}</span></td>
    <td class="name">
      <a href="/dashboard/checks/${ref}">${c.name}</a>
      ${c.description ? html`<div class="desc">${c.description}</div>` : ''}
    </td>
    <td class="tags">
      ${c.tags.map((tag) => html`<a class="tag" href="/dashboard${query({ tag })}">${tag}</a> `)}
    </td>
    <td class="schedule">
      ${scheduleWords(c)}
      <div class="muted">grace ${duration(c.grace)}</div>
    </td>
    <td class="last" data-label="Last ping">${timeCell(t.lastPing, now, 'never')}</td>
    <td class="next" data-label="Next expected">${nextCell(t, c.shown, now)}</td>
    <td class="duration">${t.lastDuration ?? html`<span class="muted">–</span>`}</td>
  </tr>`;
}

function pager(v: ListView): Html {
  const pages = Math.max(1, Math.ceil(total(v) / PAGE_SIZE));
  if (pages === 1) return html``;
  const link = (page: number, label: string) =>
    html`<a
      href="/dashboard${listQuery(v, { page })}"
      >${label}</a
    >`;
  return html`<nav class="pager" aria-label="Pages">
    ${v.page > 1 ? link(v.page - 1, '← previous') : ''}
    <span>page ${v.page} of ${pages}</span>
    ${v.page < pages ? link(v.page + 1, 'next →') : ''}
  </nav>`;
}

export function dashboardPage(deps: FrontDeps): RequestHandler {
  return async (req, res) => {
    const session = sessionOf(res);
    const [v, tags] = await Promise.all([
      load(deps, req, res),
      accountTags(deps.pool, session.accountId),
    ]);
    const body = html`<div class="title-row">
        <h1>Checks</h1>
        ${session.scope === 'write' ? html`<a class="button primary" href="/dashboard/checks/new">New check</a>` : ''}
      </div>
      <div class="filters">${tabs(v)} ${tagFilter(v, tags)} ${sortLinks(v)}</div>
      ${
        v.checks.length === 0
          ? html`<p class="empty">
              ${
                total(v) === 0 && !v.tag && !v.status && !v.search
                  ? html`No checks yet. <a href="/dashboard/checks/new">Add one</a> here, with the
                      API or with <code>cronwatch check add</code>.`
                  : 'No checks match this filter.'
              }
            </p>`
          : html`<table
              class="checks"
              data-refresh="/dashboard/status.json${listQuery(v, { page: v.page })}"
            >
              <thead>
                <tr>
                  <th>Status</th>
                  <th>Name</th>
                  <th>Tags</th>
                  <th>Schedule</th>
                  <th>Last ping</th>
                  <th>Next expected</th>
                  <th>Last duration</th>
                </tr>
              </thead>
              <tbody>
                ${v.checks.map((c) => row(c, v.now, session))}
              </tbody>
            </table>`
      }
      ${pager(v)}`;
    res.set('Cache-Control', 'no-store').type('html');
    res.send(
      layout(
        {
          title: 'Checks',
          account: session.account,
          csrf: session.csrf,
          scripts: ['dashboard.js'],
        },
        body,
      ).text,
    );
  };
}

/** The page's checks as the refresh script reads them: status, and times as ISO strings. */
export function dashboardJson(deps: FrontDeps): RequestHandler {
  return async (req, res) => {
    const v = await load(deps, req, res);
    const session = sessionOf(res);
    const iso = (d: Date | null) => (d ? d.toISOString() : null);
    res.set('Cache-Control', 'no-store');
    res.json({
      now: v.now.toISOString(),
      counts: Object.fromEntries(STATUSES.map((s) => [s, v.counts.get(s) ?? 0])),
      checks: v.checks.map((c) => {
        const t = timing(c);
        return {
          uuid: checkRef(c.uuid, session),
          status: c.shown,
          label: STATUS_LABEL[c.shown],
          lastPing: iso(t.lastPing),
          nextPing: iso(t.nextPing),
          runningSince: iso(t.runningSince),
          lastDuration: t.lastDuration,
        };
      }),
    });
  };
}
