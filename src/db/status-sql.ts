// The status a client sees at a given time (domain/api-shapes.ts apiStatus) restated in SQL,
// so pages and gauges can count and filter checks without loading them. Built from constant
// fragments only (a table alias and a parameter number), never from values.

/**
 * The CASE over the checks row `alias` at time `$now`. The one case SQL cannot decide, a
 * running cron check (due at the cron run after its last ping), becomes `cronStarted`: the
 * gauges count those exactly in JavaScript, the dashboard shows them up (running).
 */
export function statusCase(
  alias: 'c' | 'checks',
  now: '$1' | '$2',
  cronStarted: "'cron-started'" | "'up'",
): string {
  const c = alias;
  return `CASE
      WHEN ${c}.status IN ('new', 'paused', 'down') THEN ${c}.status
      WHEN ${c}.next_deadline <= ${now} THEN 'down'
      WHEN ${c}.status = 'late' THEN 'grace'
      -- up: in its grace period once the next ping was due (healthchecks' next_ping)
      WHEN ${c}.last_ping_at IS NOT NULL AND ${c}.kind = 'simple' THEN
        CASE WHEN ${c}.last_ping_at + make_interval(secs => ${c}.period) <= ${now} THEN 'grace' ELSE 'up' END
      WHEN ${c}.last_ping_at IS NOT NULL AND ${c}.started_at IS NOT NULL THEN ${cronStarted}
      WHEN ${c}.started_at IS NULL AND ${c}.next_deadline - make_interval(secs => ${c}.grace) <= ${now} THEN 'grace'
      ELSE 'up'
    END`;
}
