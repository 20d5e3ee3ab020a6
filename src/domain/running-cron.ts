// The status of running cron checks, counted in bulk for the /metrics checks gauge. apiStatus
// asks croner for the cron run after each check's last ping, ~0.2-1 ms a check: at the top
// of the hour thousands of cron jobs run at once, and one scrape would block the event loop
// (and the pings) for seconds.
import { apiStatus, type StatusFields } from './api-shapes.js';

/**
 * How many of these checks apiStatus shows up and in their grace period at `now`. Each
 * must be a running cron check that is up and not past its deadline: then its status
 * depends only on its schedule, grace and last ping, and the later the last ping, the later
 * the next ping is due. So among the checks of one schedule, sorted by last ping, the ones
 * in grace come first, and a binary search finds where they end: a few croner calls per
 * schedule instead of one per check.
 */
export function countRunningCron(
  checks: (StatusFields & { lastPingAt: Date })[],
  now: Date,
): { up: number; grace: number } {
  const bySchedule = new Map<string, (StatusFields & { lastPingAt: Date })[]>();
  for (const c of checks) {
    const key = `${c.cron}\n${c.tz}\n${c.grace}`;
    const group = bySchedule.get(key);
    if (group) group.push(c);
    else bySchedule.set(key, [c]);
  }
  let grace = 0;
  for (const group of bySchedule.values()) {
    group.sort((a, b) => a.lastPingAt.getTime() - b.lastPingAt.getTime());
    // The first index whose check is not in grace (group.length when all are).
    let lo = 0;
    let hi = group.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (apiStatus(group[mid]!, now) === 'grace') lo = mid + 1;
      else hi = mid;
    }
    grace += lo;
  }
  return { up: checks.length - grace, grace };
}
