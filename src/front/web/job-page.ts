// GET /dashboard/jobs/<uuid>: one job, its dead runs (Redrive) and its runs; POST
// …/run, …/pause, …/resume, …/delete and …/runs/<run id>/redrive, through the same writes as
// the API (db/job-write.ts), each in one transaction with the job locked.
import type { Request, RequestHandler } from 'express';
import { actionOf } from '../../actions/registry.js';
import { deleteJob, pauseJob, redriveTick, resumeJob, runJobNow } from '../../db/job-write.js';
import { findJob, scheduleOf, shownStatus, windowOf, type JobView } from '../../db/jobs.js';
import { deadTicks } from '../../db/jobs-page.js';
import { transaction } from '../../db/pool.js';
import { listRuns, type RunRow } from '../../db/ticks.js';
import { absolute, runDuration } from '../../domain/describe.js';
import { jobScheduleWords } from '../../domain/job-describe.js';
import { duration } from '../../domain/summary.js';
import { UUID } from '../api/params.js';
import type { FrontDeps } from '../deps.js';
import { HttpError } from '../errors.js';
import { timeCell } from './check-cells.js';
import { html, query, type Html } from './html.js';
import { sendJobsPage } from './jobs-layout.js';
import { actionSummary, outcomeCell, runStateBadge } from './job-cells.js';
import { sessionOf, type WebSession } from './session.js';

const RUNS_SHOWN = 50;
const DEAD_SHOWN = 20;

export function pathJobUuid(req: Request): string {
  const id = req.params.id;
  if (typeof id !== 'string' || !UUID.test(id)) throw new HttpError(404, 'no such job');
  return id.toLowerCase();
}

function postButton(s: WebSession, action: string, label: string, cls: string, confirm = ''): Html {
  return html`<form method="post" action="${action}" ${confirm ? html`data-confirm="${confirm}"` : ''}>
    <input type="hidden" name="_csrf" value="${s.csrf}" />
    <button type="submit" class="${cls}">${label}</button>
  </form>`;
}

function actions(j: JobView, s: WebSession): Html {
  if (s.scope !== 'write') return html`<p class="muted">Signed in with a read-only key.</p>`;
  const base = `/dashboard/jobs/${j.uuid}`;
  return html`<div class="actions">
    ${j.status === 'active' ? postButton(s, `${base}/run`, 'Run now', 'action-run') : ''}
    ${
      j.status === 'paused'
        ? postButton(s, `${base}/resume`, 'Resume', 'action-resume')
        : // A one-off job that has run has nothing left to pause.
          j.finished
          ? ''
          : postButton(s, `${base}/pause`, 'Pause', 'action-pause')
    }
    <a class="button" href="${base}/edit">Edit</a>
    ${postButton(s, `${base}/delete`, 'Delete', 'action-delete', 'Delete this job? Its future runs are cancelled.')}
  </div>`;
}

function redrive(j: JobView, r: RunRow, s: WebSession): Html {
  if (s.scope !== 'write' || (r.state !== 'dead' && r.state !== 'failed')) return html``;
  return postButton(
    s,
    `/dashboard/jobs/${j.uuid}/runs/${r.runId}/redrive`,
    'Redrive',
    'action-redrive',
  );
}

function runsTable(j: JobView, runs: RunRow[], s: WebSession, now: Date, cls: string): Html {
  return html`<table class="runs ${cls}">
    <thead>
      <tr>
        <th>Scheduled for</th>
        <th>State</th>
        <th>Attempts</th>
        <th>Duration</th>
        <th>Result</th>
        <th></th>
      </tr>
    </thead>
    <tbody>
      ${runs.map(
        (r) => html`<tr class="run r-${r.state}${r.manual ? ' manual' : ''}" data-run="${r.runId}">
          <td class="when" data-label="Scheduled for">
            ${timeCell(r.scheduledFor, now, '')}${r.manual ? html` <span class="muted">(run now)</span>` : ''}
          </td>
          <td class="state" data-label="State">${runStateBadge(r.state)}</td>
          <td class="attempts" data-label="Attempts">${r.attempts}</td>
          <td class="duration" data-label="Duration">
            ${r.outcome?.durationMs !== undefined && r.attempts > 0 ? runDuration(r.outcome.durationMs / 1000) : html`<span class="muted">–</span>`}
          </td>
          <td class="result" data-label="Result">${outcomeCell(r)}</td>
          <td class="redrive">${redrive(j, r, s)}</td>
        </tr>`,
      )}
    </tbody>
  </table>`;
}

function facts(j: JobView, now: Date): Html {
  const action = actionOf(j.kind);
  return html`<dl class="facts">
    <dt>Schedule</dt>
    <dd>
      ${jobScheduleWords(scheduleOf(j), windowOf(j))}
      ${j.scheduleKind === 'cron' ? html` <code>${j.cron}</code>` : ''}
    </dd>
    <dt>Next run</dt>
    <dd>
      ${j.nextRun ? html`${timeCell(j.nextRun, now, '')} <span class="muted">(${absolute(j.nextRun)})</span>` : html`<span class="muted">${shownStatus(j) === 'active' ? 'none' : shownStatus(j)}</span>`}
    </dd>
    <dt>Action</dt>
    <dd>${action ? actionSummary(j.kind, action.show(j.settings as never)) : j.kind}</dd>
    <dt>Run policy</dt>
    <dd>
      timeout ${duration(j.timeoutMs / 1000)}, ${j.maxAttempts} attempt${j.maxAttempts === 1 ? '' : 's'},
      overlap ${j.overlap}, catch-up ${j.catchUp}${j.secret !== null ? ', signed' : ''}
    </dd>
    <dt>Tags</dt>
    <dd>${j.tags.length ? j.tags.join(', ') : html`<span class="muted">none</span>`}</dd>
    <dt>Watched by</dt>
    <dd>
      ${j.checkUuid ? html`<a href="/dashboard/checks/${j.checkUuid}">its check</a>` : html`<span class="muted">no check (one-off)</span>`}
    </dd>
  </dl>`;
}

export function jobPage(deps: FrontDeps): RequestHandler {
  return async (req, res) => {
    const s = sessionOf(res);
    const now = deps.clock();
    const j = await findJob(deps.pool, s.accountId, pathJobUuid(req));
    if (!j) throw new HttpError(404, 'no such job');
    const beforeText = typeof req.query.before === 'string' ? req.query.before : undefined;
    const before = beforeText ? new Date(beforeText) : undefined;
    if (before && Number.isNaN(before.getTime()))
      throw new HttpError(400, 'before must be an ISO 8601 time');
    const [runs, dead] = await Promise.all([
      listRuns(deps.pool, j.id, RUNS_SHOWN, before),
      deadTicks(deps.pool, j.id, DEAD_SHOWN),
    ]);
    const older = runs.length === RUNS_SHOWN ? runs.at(-1)!.scheduledFor.toISOString() : null;
    const body = html`<p><a href="/dashboard/jobs">← all jobs</a></p>
      <h1 class="check-title">
        ${j.name} <span class="badge st-${shownStatus(j) === 'active' ? 'up' : 'paused'}">${shownStatus(j)}</span>
      </h1>
      ${facts(j, now)} ${actions(j, s)}
      <h2>Dead runs</h2>
      ${
        dead.length
          ? html`<p class="muted">Runs that failed every attempt. Redrive runs one again with the same Run-Id.</p>
              ${runsTable(j, dead, s, now, 'dead')}`
          : html`<p class="muted">No dead runs.</p>`
      }
      <h2>Runs</h2>
      ${runs.length ? runsTable(j, runs, s, now, 'all') : html`<p class="muted">No runs yet.</p>`}
      ${older ? html`<nav class="pager"><a href="/dashboard/jobs/${j.uuid}${query({ before: older })}">older runs →</a></nav>` : ''}`;
    sendJobsPage(res, s, { title: j.name, script: 'dashboard.js' }, body);
  };
}

type JobAction = 'run' | 'pause' | 'resume' | 'delete';

export function jobAction(deps: FrontDeps, action: JobAction): RequestHandler {
  return async (req, res) => {
    const { accountId } = sessionOf(res);
    const uuid = pathJobUuid(req);
    await transaction(deps.pool, async (client) => {
      const job = await findJob(client, accountId, uuid, true);
      if (!job) throw new HttpError(404, 'no such job');
      if (action === 'run') {
        if (job.status !== 'active') throw new HttpError(409, 'the job is paused: resume it first');
        await runJobNow(client, job);
      } else if (action === 'pause') await pauseJob(client, job, deps.clock());
      else if (action === 'resume') await resumeJob(client, job, deps.clock());
      else await deleteJob(client, job);
    });
    res.redirect(303, action === 'delete' ? '/dashboard/jobs' : `/dashboard/jobs/${uuid}`);
  };
}

export function redriveAction(deps: FrontDeps): RequestHandler {
  return async (req, res) => {
    const { accountId } = sessionOf(res);
    const uuid = pathJobUuid(req);
    const run = req.params.run;
    if (typeof run !== 'string' || !UUID.test(run)) throw new HttpError(404, 'no such run');
    const result = await transaction(deps.pool, async (client) => {
      const job = await findJob(client, accountId, uuid, true);
      if (!job) throw new HttpError(404, 'no such job');
      return redriveTick(client, job, run.toLowerCase());
    });
    if (result === 'not found') throw new HttpError(404, 'no such run');
    if (result === 'not dead')
      throw new HttpError(409, 'only a dead or failed run can be redriven');
    res.redirect(303, `/dashboard/jobs/${uuid}`);
  };
}
