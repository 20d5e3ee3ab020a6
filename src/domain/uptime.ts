// Uptime over time, from a check's flips: the strips of the check page and the status page.
// Pure; the caller passes the window, which ends at `now`.
import { downtimeMs, type FlipPoint } from './summary.js';

export interface UptimeBucket {
  start: Date;
  end: Date;
  /** Time in the bucket the check was watched (0: no data, drawn grey). */
  knownMs: number;
  downMs: number;
}

/**
 * `count` equal buckets over [from, to). A check is down from a flip to down until the next
 * flip away from down. Time before `since` (its first check-in; null: none yet) is unknown,
 * not up: a check made 90 days ago and never pinged showed "100 %" on its status page.
 * Paused and late time count as up: only a missed deadline is downtime.
 */
export function uptimeBuckets(
  statusAtStart: string | null,
  flips: FlipPoint[],
  since: Date | null,
  from: Date,
  to: Date,
  count: number,
): UptimeBucket[] {
  const span = (to.getTime() - from.getTime()) / count;
  const out: UptimeBucket[] = [];
  let status = statusAtStart;
  let i = 0;
  for (let b = 0; b < count; b++) {
    const start = new Date(from.getTime() + b * span);
    const end = b === count - 1 ? to : new Date(from.getTime() + (b + 1) * span);
    const inside: FlipPoint[] = [];
    while (i < flips.length && flips[i]!.at.getTime() < end.getTime()) inside.push(flips[i++]!);
    const knownFrom = Math.max(start.getTime(), since?.getTime() ?? Infinity);
    const knownMs = since ? Math.max(0, end.getTime() - knownFrom) : 0;
    const downMs = knownMs > 0 ? downtimeMs(status, inside, new Date(knownFrom), end) : 0;
    if (inside.length) status = inside[inside.length - 1]!.to;
    out.push({ start, end, knownMs, downMs });
  }
  return out;
}

/** The share of known time the check was up, 0..1; null when nothing is known. */
export function uptimeRatio(buckets: UptimeBucket[]): number | null {
  const known = buckets.reduce((n, b) => n + b.knownMs, 0);
  if (known === 0) return null;
  return 1 - buckets.reduce((n, b) => n + b.downMs, 0) / known;
}

/** "99.95 %": never rounds up to 100 % when there was downtime. */
export function percent(ratio: number | null): string {
  if (ratio === null) return 'no data yet';
  if (ratio >= 1) return '100 %';
  return `${(Math.floor(ratio * 10_000) / 100).toFixed(2)} %`;
}
