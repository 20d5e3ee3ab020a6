// The check page's alert policies (issue 16): the settings that differ from the defaults,
// the maintenance windows that silence the check, and "Acknowledge" while the check is
// down with its alert out. POST /dashboard/checks/<uuid>/ack (read-write sessions,
// CSRF-checked by the router) calls the same acknowledge as POST /api/v3/checks/<uuid>/ack.
import type { RequestHandler } from 'express';
import { checkWindows, type WindowJson } from '../../db/maintenance.js';
import { policyView, type PolicyView } from '../../db/policy-settings.js';
import { acknowledge } from '../../db/policy-state.js';
import type { Queryable } from '../../db/pool.js';
import { transaction } from '../../db/pool.js';
import { windowEnd } from '../../domain/policy-window.js';
import { duration } from '../../domain/summary.js';
import { lockPathCheck } from '../api/checks-write.js';
import type { FrontDeps } from '../deps.js';
import { HttpError } from '../errors.js';
import { timeCell } from './check-cells.js';
import { pathUuid } from './check-ref.js';
import { html, type Html } from './html.js';
import { sessionOf, type WebSession } from './session.js';

export interface PagePolicies {
  view: PolicyView;
  windows: WindowJson[];
}

export async function pagePolicies(db: Queryable, checkId: number): Promise<PagePolicies> {
  const [view, windows] = await Promise.all([policyView(db, checkId), checkWindows(db, checkId)]);
  if (!view) throw new HttpError(404, 'no such check');
  return { view, windows };
}

/** One line per setting that is not the default (dt, dd pairs). */
function settings(v: PolicyView, now: Date): [string, Html | string][] {
  const out: [string, Html | string][] = [];
  if (v.failureThreshold > 1)
    out.push(['Failure threshold', `down after ${v.failureThreshold} failures in a row`]);
  if (v.successThreshold > 1)
    out.push(['Success threshold', `up after ${v.successThreshold} successes in a row`]);
  if (v.minRuntime !== null) out.push(['Minimum runtime', duration(v.minRuntime)]);
  if (v.maxRuntime !== null) out.push(['Maximum runtime', duration(v.maxRuntime)]);
  if (v.repeatEvery !== null)
    out.push([
      'Repeat alert',
      `every ${duration(v.repeatEvery)}${v.repeatLimit !== null ? `, at most ${v.repeatLimit} times` : ''}`,
    ]);
  if (v.parents.length)
    out.push([
      'Depends on',
      html`${v.parents.map(
        (p, i) =>
          html`${i ? ', ' : ''}<a href="/dashboard/checks/${p.uuid}">${p.name}</a>
            <span class="muted">(${p.status})</span>`,
      )}`,
    ]);
  if (v.snoozedUntil && v.snoozedUntil > now)
    out.push(['Snoozed until', timeCell(v.snoozedUntil, now, '')]);
  return out;
}

function windowLine(w: WindowJson, now: Date): Html {
  const end = windowEnd(
    { cron: w.cron, tz: w.tz, duration: w.duration, startsAt: w.from, endsAt: w.to },
    now,
  );
  const what =
    w.cron !== null
      ? html`<code>${w.cron}</code> for ${duration(w.duration ?? 0)} (${w.tz})`
      : html`from ${w.from?.toISOString() ?? ''} to ${w.to?.toISOString() ?? ''}`;
  return html`<li class="window${end ? ' active' : ''}">
    ${what} <span class="muted">${w.tag !== null ? `(tag ${w.tag})` : '(this check)'}</span>
    ${end ? html`<strong>in maintenance now</strong>, until ${timeCell(end, now, '')}` : ''}
  </li>`;
}

function ackForm(uuid: string, v: PolicyView, s: WebSession): Html {
  if (!v.alertOut) return html``;
  if (v.ackedAt) return html`<p class="acked">Acknowledged; no more repeats until it recovers.</p>`;
  if (s.scope !== 'write') return html``;
  return html`<form method="post" action="/dashboard/checks/${uuid}/ack" class="ack">
    <input type="hidden" name="_csrf" value="${s.csrf}" />
    <button type="submit" class="action-ack">Acknowledge</button>
    <span class="muted">stops the repeats of this alert until the check recovers</span>
  </form>`;
}

/** The "Alert policies" section; empty when every setting is the default and nothing applies. */
export function policiesSection(uuid: string, p: PagePolicies, s: WebSession, now: Date): Html {
  const rows = settings(p.view, now);
  const ack = ackForm(uuid, p.view, s);
  if (rows.length === 0 && p.windows.length === 0 && !p.view.alertOut) return html``;
  return html`<section class="policies">
    <h2>Alert policies</h2>
    ${ack}
    ${rows.length ? html`<dl class="facts">${rows.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>` : ''}
    ${
      p.windows.length
        ? html`<h3>Maintenance windows</h3>
          <ul class="windows">${p.windows.map((w) => windowLine(w, now))}</ul>`
        : ''
    }
  </section>`;
}

/** POST /dashboard/checks/<uuid>/ack; a check with nothing to acknowledge is a 409 page. */
export function ackCheck(deps: FrontDeps): RequestHandler {
  return async (req, res) => {
    const { accountId } = sessionOf(res);
    const uuid = pathUuid(req.params.id);
    await transaction(deps.pool, async (client) => {
      const check = await lockPathCheck(client, accountId, uuid);
      if (!(await acknowledge(client, check.id, deps.clock())))
        throw new HttpError(409, 'check is not down with an alert out: nothing to acknowledge');
    });
    res.redirect(303, `/dashboard/checks/${uuid}`);
  };
}
