// GET /dashboard/jobs: the account's jobs by name, 50 a page, filtered by status and tag:
// each with its schedule in words, its next run and its last outcome. At phone widths the
// rows become stacked cards (jobs.css).
import type { RequestHandler } from 'express';
import { actionOf } from '../../actions/registry.js';
import { scheduleOf, shownStatus, windowOf } from '../../db/jobs.js';
import { jobCounts, pageJobs, type JobsFilter, type ListedJob } from '../../db/jobs-page.js';
import { jobScheduleWords } from '../../domain/job-describe.js';
import type { FrontDeps } from '../deps.js';
import { HttpError } from '../errors.js';
import { timeCell } from './check-cells.js';
import { html, query, type Html } from './html.js';
import { sendJobsPage } from './jobs-layout.js';
import { actionSummary, runStateBadge } from './job-cells.js';
import { pageParam, textParam } from './params.js';
import { sessionOf } from './session.js';

export const JOBS_PAGE_SIZE = 50;
type Filter = JobsFilter | null;
type Counts = Record<JobsFilter, number>;

function statusFilter(q: Record<string, unknown>): Filter {
  const v = textParam(q, 'status', 20);
  if (v === undefined) return null;
  if (v !== 'active' && v !== 'finished' && v !== 'paused')
    throw new HttpError(400, `status must be active, finished or paused (got "${v}")`);
  return v;
}

const countAll = (c: Counts) => c.active + c.finished + c.paused;

function lastCell(j: ListedJob, now: Date): Html {
  if (!j.lastState) return html`<span class="muted">no run yet</span>`;
  const o = j.lastOutcome;
  const detail = o?.status !== undefined ? `HTTP ${o.status}` : (o?.error ?? '');
  return html`${runStateBadge(j.lastState)} ${timeCell(j.lastFinishedAt, now, '')}
    ${detail ? html`<div class="muted last-detail">${detail}</div>` : ''}`;
}

function row(j: ListedJob, now: Date): Html {
  const action = actionOf(j.kind);
  const status = shownStatus(j);
  const st = status === 'active' ? 'up' : 'paused';
  return html`<tr class="job st-${st}" data-uuid="${j.uuid}">
    <td class="status" data-label="Status"><span class="badge st-${st}">${status}</span></td>
    <td class="name" data-label="Name">
      <a href="/dashboard/jobs/${j.uuid}">${j.name}</a>
      <div class="action">${action ? actionSummary(j.kind, action.show(j.settings as never)) : j.kind}</div>
      ${j.tags.map((tag) => html`<a class="tag" href="/dashboard/jobs${query({ tag })}">${tag}</a> `)}
    </td>
    <td class="schedule" data-label="Schedule">${jobScheduleWords(scheduleOf(j), windowOf(j))}</td>
    <td class="next" data-label="Next run"><div>
      ${status === 'active' ? timeCell(j.nextRun, now, 'none') : html`<span class="muted">${status}</span>`}</div>
    </td>
    <td class="last" data-label="Last run"><div>${lastCell(j, now)}</div></td>
  </tr>`;
}

function tabs(status: Filter, tag: string | null, counts: Counts): Html {
  const tab = (s: Filter, label: string, n: number) =>
    html`<a class="tab${status === s ? ' current' : ''}" href="/dashboard/jobs${query({ tag, status: s })}"
      >${label} <b>${n}</b></a
    >`;
  return html`<nav class="tabs" aria-label="Filter by status">
    ${tab(null, 'all', countAll(counts))} ${tab('active', 'active', counts.active)}
    ${tab('finished', 'finished', counts.finished)} ${tab('paused', 'paused', counts.paused)}
  </nav>`;
}

function pager(status: Filter, tag: string | null, page: number, total: number): Html {
  const pages = Math.max(1, Math.ceil(total / JOBS_PAGE_SIZE));
  if (pages === 1) return html``;
  const link = (p: number, label: string) =>
    html`<a href="/dashboard/jobs${query({ tag, status, page: p })}">${label}</a>`;
  return html`<nav class="pager" aria-label="Pages">
    ${page > 1 ? link(page - 1, '← previous') : ''} <span>page ${page} of ${pages}</span>
    ${page < pages ? link(page + 1, 'next →') : ''}
  </nav>`;
}

export function jobsListPage(deps: FrontDeps): RequestHandler {
  return async (req, res) => {
    const s = sessionOf(res);
    const q = req.query as Record<string, unknown>;
    const status = statusFilter(q);
    const tag = textParam(q, 'tag', 200) ?? null;
    const page = pageParam(q);
    const now = deps.clock();
    const [counts, jobs] = await Promise.all([
      jobCounts(deps.pool, s.accountId, tag),
      pageJobs(deps.pool, s.accountId, {
        status,
        tag,
        offset: (page - 1) * JOBS_PAGE_SIZE,
        limit: JOBS_PAGE_SIZE,
      }),
    ]);
    const total = status ? counts[status] : countAll(counts);
    const body = html`<div class="title-row">
        <h1>Jobs${tag ? html` <span class="muted">tagged ${tag}</span>` : ''}</h1>
        ${s.scope === 'write' ? html`<a class="button primary" href="/dashboard/jobs/new">New job</a>` : ''}
      </div>
      <div class="filters">${tabs(status, tag, counts)}</div>
      ${
        jobs.length === 0
          ? html`<p class="empty">
              ${total === 0 && !tag && !status ? 'No jobs yet: cronwatch can call a URL on a schedule, at a time or after a delay, and watch every run.' : 'No jobs match this filter.'}
            </p>`
          : html`<table class="jobs">
              <thead>
                <tr>
                  <th>Status</th>
                  <th>Name</th>
                  <th>Schedule</th>
                  <th>Next run</th>
                  <th>Last run</th>
                </tr>
              </thead>
              <tbody>
                ${jobs.map((j) => row(j, now))}
              </tbody>
            </table>`
      }
      ${pager(status, tag, page, total)}`;
    sendJobsPage(res, s, { title: 'Jobs', script: 'dashboard.js' }, body);
  };
}
