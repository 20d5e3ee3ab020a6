// What the jobs pages show of a run and of an action: shared by the list and the job page.
import type { RunRow, TickState } from '../../db/ticks.js';
import type { Outcome } from '../../domain/job-retry.js';
import { html, type Html } from './html.js';

/** Enough of an answer to recognise it; the API serves the first 10 kB. */
const EXCERPT_CHARS = 300;

/** The dashboard's colours for a run's state: green, red, amber, blue, grey. */
const STATE_CLASS: Record<TickState, string> = {
  succeeded: 'up',
  failed: 'down',
  dead: 'down',
  missed: 'grace',
  skipped: 'grace',
  pending: 'new',
  running: 'new',
  cancelled: 'paused',
};

export function runStateBadge(state: TickState): Html {
  return html`<span class="badge st-${STATE_CLASS[state]}">${state}</span>`;
}

/** Status and the start of the answer, or the error: what happened, in a line or two. */
export function outcomeCell(r: Pick<RunRow, 'state' | 'outcome' | 'attempts' | 'dueAt'>): Html {
  const o: Outcome | null = r.outcome;
  if (!o)
    return r.state === 'pending'
      ? html`<span class="muted">waiting</span>`
      : html`<span class="muted">–</span>`;
  const retry =
    r.state === 'pending' && r.attempts > 0
      ? html`<div class="muted">next attempt ${r.dueAt.toISOString().slice(11, 19)} UTC</div>`
      : '';
  const excerpt = o.body
    ? o.body.slice(0, EXCERPT_CHARS) + (o.body.length > EXCERPT_CHARS ? '…' : '')
    : '';
  return html`${o.status !== undefined ? html`<span class="http-status">HTTP ${o.status}</span>` : ''}
    ${o.error ? html`<span class="run-error">${o.error}</span>` : ''}
    ${excerpt ? html`<pre class="excerpt">${excerpt}</pre>` : ''}${retry}`;
}

/** "POST https://…" for http; the settings that say what the action does for other kinds. */
export function actionSummary(kind: string, shown: Record<string, unknown>): Html {
  const url = typeof shown.url === 'string' ? shown.url : '';
  if (kind === 'http')
    return html`<span class="kind-name">http</span> <code class="url">${String(shown.method ?? '')} ${url}</code>`;
  const rest = Object.entries(shown)
    .filter(([k, v]) => k !== 'url' && v !== null && v !== undefined && v !== '')
    .map(([k, v]) => `${k} ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return html`<span class="kind-name">${kind}</span> <code class="url">${url}</code>
    ${rest.length ? html`<span class="muted">(${rest.join(', ')})</span>` : ''}`;
}
