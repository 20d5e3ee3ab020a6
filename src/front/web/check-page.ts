// GET /dashboard/checks/<uuid>: one check, its uptime, recent pings and flips; POST …/pause,
// …/resume and …/delete (read-write sessions, CSRF-checked by the router).
import type { RequestHandler } from 'express';
import { dashboardCheck, recentFlips, uptimeInputs, type PageCheck } from '../../db/dashboard.js';
import { listApiPings, type ListedPing } from '../../db/pings.js';
import { deleteCheck, pauseCheck } from '../../db/check-write.js';
import { transaction } from '../../db/pool.js';
import { pingType } from '../../domain/api-shapes.js';
import { crontabLine } from '../../domain/crontab.js';
import { runDuration, scheduleWords } from '../../domain/describe.js';
import { duration } from '../../domain/summary.js';
import { percent, uptimeBuckets, uptimeRatio } from '../../domain/uptime.js';
import { lockPathCheck } from '../api/checks-write.js';
import { baseUrl } from '../api/params.js';
import { checkChannels, type CheckChannel } from '../../db/channel-links.js';
import { pathCheckUuid, pathUuid } from './check-ref.js';
import { resumeLocked } from '../api/pause.js';
import type { FrontDeps } from '../deps.js';
import { HttpError } from '../errors.js';
import { nextCell, timeCell, timing } from './check-cells.js';
import { pagePolicies, policiesSection } from './check-page-policies.js';
import { html, type Html } from './html.js';
import { layout } from './layout.js';
import { STATUS_LABEL } from './params.js';
import { sessionOf, type WebSession } from './session.js';
import { uptimeStrip } from './uptime-svg.js';

const PINGS_SHOWN = 50;
/** Enough of a body to recognise it; the API serves the whole body. */
const PREVIEW_CHARS = 200;
const FLIPS_SHOWN = 20;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function copyable(id: string, text: string): Html {
  return html`<div class="copy">
    <pre id="${id}">${text}</pre>
    <button type="button" class="copy-button" data-copy="${id}">Copy</button>
  </div>`;
}

/** Method · address · user agent; an address never breaks inside (nowrap), an agent at its spaces. */
function source(p: ListedPing): Html {
  const parts = [
    p.method ? html`<span class="method">${p.method}</span>` : null,
    p.address ? html`<span class="addr">${p.address}</span>` : null,
    p.userAgent ? html`<span class="ua">${p.userAgent}</span>` : null,
  ].filter((x) => x !== null);
  return html`${parts.map((x, i) => html`${i ? ' · ' : ''}${x}`)}`;
}

function pingsTable(pings: ListedPing[], now: Date): Html {
  if (pings.length === 0) return html`<p class="muted">No pings yet.</p>`;
  return html`<table class="pings cards">
    <thead>
      <tr>
        <th>#</th>
        <th>Kind</th>
        <th>Time</th>
        <th>Duration</th>
        <th>Source</th>
        <th>Body</th>
      </tr>
    </thead>
    <tbody>
      ${pings.map((p) => {
        const type = pingType(p);
        return html`<tr class="ping k-${type}">
          <td class="n">${p.n}</td>
          <td class="kind-cell">
            <span class="kind k-${type}"
              >${type}${p.kind === 'exitcode' ? ` (${p.exitStatus})` : ''}</span
            >
          </td>
          <td class="at">${timeCell(p.at, now, '')}</td>
          <td class="dur">${p.duration !== null ? runDuration(p.duration) : ''}</td>
          <td class="source">${source(p)}</td>
          <td class="body-cell">${p.preview ? html`<pre class="body">${p.preview}</pre>` : ''}</td>
        </tr>`;
      })}
    </tbody>
  </table>`;
}

function flipsList(flips: Awaited<ReturnType<typeof recentFlips>>, now: Date): Html {
  if (flips.length === 0) return html`<p class="muted">No status changes yet.</p>`;
  return html`<ul class="flips">
    ${flips.map(
      (f) =>
        html`<li>
          ${timeCell(f.at, now, '')}:
          <span class="st-${f.to === 'late' ? 'grace' : f.to}">${f.from} → ${f.to}</span>
          ${f.reason ? html`<span class="muted">(${f.reason})</span>` : ''}
        </li>`,
    )}
  </ul>`;
}

function actions(c: PageCheck, s: WebSession): Html {
  if (s.scope !== 'write') return html`<p class="muted">Signed in with a read-only key.</p>`;
  const form = (action: string, label: string, extra: Html | string = '') =>
    html`<form method="post" action="/dashboard/checks/${c.uuid}/${action}" ${extra}>
      <input type="hidden" name="_csrf" value="${s.csrf}" />
      <button type="submit" class="action-${action}">${label}</button>
    </form>`;
  return html`<div class="actions">
    <a class="button" href="/dashboard/checks/${c.uuid}/edit">Edit</a>
    ${c.status === 'paused' ? form('resume', 'Resume') : form('pause', 'Pause')}
    ${form('delete', 'Delete', html`data-confirm="Delete this check, its pings and its history?"`)}
  </div>`;
}

function alertsTo(channels: CheckChannel[], s: WebSession): Html {
  if (channels.length === 0) return html`<span class="muted">nowhere: no channel linked</span>`;
  return html`${channels.map(
    (ch, i) =>
      html`${i ? ', ' : ''}${
        s.scope === 'write'
          ? html`<a href="/dashboard/channels/${ch.uuid}">${ch.name}</a>`
          : ch.name
      } <span class="muted">(${ch.kind})</span>`,
  )}`;
}

/** The ping URL and crontab line; none for a read-only session (as a read-only API key). */
function pingSection(c: PageCheck, pingUrl: string, s: WebSession, created: boolean): Html {
  if (s.scope !== 'write') return html``;
  return html`<section class="ping-section${created ? ' created' : ''}">
    ${
      created
        ? html`<p class="notice" role="status">
            Check created. Call this URL when the job runs, or add the line below to its crontab.
          </p>`
        : ''
    }
    <h2>Ping URL</h2>
    ${copyable('ping-url', pingUrl)}
    <h2>Crontab line</h2>
    ${copyable('crontab-line', crontabLine(c, pingUrl))}
  </section>`;
}

export function checkPage(deps: FrontDeps): RequestHandler {
  return async (req, res) => {
    const s = sessionOf(res);
    const now = deps.clock();
    const uuid = await pathCheckUuid(deps.pool, s.accountId, req.params.id);
    const c = await dashboardCheck(deps.pool, s.accountId, uuid, now);
    if (!c) throw new HttpError(404, 'no such check');
    const monthAgo = new Date(now.getTime() - 30 * DAY);
    const [pings, flips, inputs, channels, policies] = await Promise.all([
      listApiPings(deps.pool, c.id, deps.config.pings.keep, PINGS_SHOWN, PREVIEW_CHARS),
      recentFlips(deps.pool, c.id, FLIPS_SHOWN),
      uptimeInputs(deps.pool, [c.id], monthAgo, now),
      checkChannels(deps.pool, c.id),
      pagePolicies(deps.pool, c.id),
    ]);
    const created = req.query.created === '1';
    const input = inputs.get(c.id)!;
    const since = input.monitoredSince;
    const days = uptimeBuckets(input.statusAtStart, input.flips, since, monthAgo, now, 30);
    const dayAgo = new Date(now.getTime() - DAY);
    const before = input.flips.filter((f) => f.at < dayAgo);
    const hours = uptimeBuckets(
      before.length ? before[before.length - 1]!.to : input.statusAtStart,
      input.flips.filter((f) => f.at >= dayAgo),
      since,
      dayAgo,
      now,
      24,
    );
    const t = timing(c);
    const pingUrl = `${baseUrl(deps)}/ping/${c.uuid}`;
    const body = html`<p><a href="/dashboard">← all checks</a></p>
      <h1 class="check-title">
        <span class="dot st-${c.shown}"></span> ${c.name}
        <span class="badge st-${c.shown}">${STATUS_LABEL[c.shown]}</span>
      </h1>
      ${c.description ? html`<p class="desc">${c.description}</p>` : ''}
      ${created ? pingSection(c, pingUrl, s, true) : ''}
      <dl class="facts">
        <dt>Schedule</dt>
        <dd>${scheduleWords(c)}${c.kind === 'cron' ? html` <code>${c.cron}</code>` : ''}</dd>
        <dt>Grace</dt>
        <dd>${duration(c.grace)}</dd>
        <dt>Tags</dt>
        <dd>${c.tags.length ? c.tags.join(', ') : html`<span class="muted">none</span>`}</dd>
        <dt>Last ping</dt>
        <dd>${timeCell(t.lastPing, now, 'never')}</dd>
        <dt>Next expected</dt>
        <dd>${nextCell(t, c.shown, now)}</dd>
        <dt>Last duration</dt>
        <dd>${t.lastDuration ?? html`<span class="muted">–</span>`}</dd>
        <dt>Pings</dt>
        <dd>${c.pingCount}</dd>
        <dt>Alerts go to</dt>
        <dd class="alerts-to">${alertsTo(channels, s)}</dd>
      </dl>
      ${actions(c, s)}
      ${policiesSection(c.uuid, policies, s, now)}
      ${created ? '' : pingSection(c, pingUrl, s, false)}
      <h2>Uptime</h2>
      <div class="strips">
        <div>
          <h3>Last 24 hours <span class="pct">${percent(uptimeRatio(hours))}</span></h3>
          ${uptimeStrip(hours, 'uptime, last 24 hours by hour')}
        </div>
        <div>
          <h3>Last 30 days <span class="pct">${percent(uptimeRatio(days))}</span></h3>
          ${uptimeStrip(days, 'uptime, last 30 days by day')}
        </div>
      </div>
      <h2>Recent pings</h2>
      ${pingsTable(pings, now)}
      <h2>Status changes</h2>
      ${flipsList(flips, now)}`;
    res.set('Cache-Control', 'no-store').type('html');
    res.send(
      layout({ title: c.name, account: s.account, csrf: s.csrf, scripts: ['dashboard.js'] }, body)
        .text,
    );
  };
}

type Action = 'pause' | 'resume' | 'delete';

export function checkAction(deps: FrontDeps, action: Action): RequestHandler {
  return async (req, res) => {
    const { accountId } = sessionOf(res);
    const uuid = pathUuid(req.params.id);
    await transaction(deps.pool, async (client) => {
      const check = await lockPathCheck(client, accountId, uuid);
      const now = deps.clock();
      if (action === 'pause') await pauseCheck(client, check.id, now);
      else if (action === 'delete') await deleteCheck(client, check.id);
      else await resumeLocked(client, check, now);
    });
    res.redirect(303, action === 'delete' ? '/dashboard' : `/dashboard/checks/${uuid}`);
  };
}
