// What the dashboard shows of a check's timing, shared by the list page, its JSON refresh and
// the check page.
import { nextPingDue, type ApiStatus, type ShapeCheck } from '../../domain/api-shapes.js';
import { absolute, relative, runDuration } from '../../domain/describe.js';
import { html, type Html } from './html.js';

/** A time as "3 min ago" that a script can keep current (data-at), with the exact time on hover. */
export function timeCell(at: Date | null, now: Date, none: string): Html {
  if (!at) return html`<span class="muted">${none}</span>`;
  return html`<time datetime="${at.toISOString()}" title="${absolute(at)}"
    >${relative(at, now)}</time
  >`;
}

export interface Timing {
  lastPing: Date | null;
  /** When the next ping is expected; null when nothing is expected. */
  nextPing: Date | null;
  /** A run started and not finished yet. */
  runningSince: Date | null;
  lastDuration: string | null;
}

export function timing(c: ShapeCheck & { shown: ApiStatus }): Timing {
  const running = c.startedAt && (c.shown === 'up' || c.shown === 'grace') ? c.startedAt : null;
  return {
    lastPing: c.lastPingAt,
    nextPing: c.shown === 'up' || c.shown === 'grace' ? nextPingDue(c) : null,
    runningSince: running,
    lastDuration:
      c.lastDuration !== null && c.lastDuration > 0 ? runDuration(c.lastDuration) : null,
  };
}

export function nextCell(t: Timing, shown: ApiStatus, now: Date): Html {
  if (t.runningSince) return html`running since ${timeCell(t.runningSince, now, '')}`;
  // In its grace period the expected time is past: say so, "5 min ago" alone reads like a ping.
  if (t.nextPing && shown === 'grace') return html`was due ${timeCell(t.nextPing, now, '')}`;
  if (t.nextPing) return timeCell(t.nextPing, now, '');
  const why: Record<ApiStatus, string> = {
    new: 'after its first ping',
    paused: 'paused',
    down: 'overdue',
    up: '–',
    grace: '–',
  };
  return html`<span class="muted">${why[shown]}</span>`;
}
