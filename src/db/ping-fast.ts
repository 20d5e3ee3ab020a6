// The common check-in in one autocommitted statement per flush (issue 14): a plain success
// (no rid, no start, no failure) on a check that is up with no open run and a period
// schedule. The statement resolves every form's key, locks the rows in id order, computes
// the new state in SQL (what applyPing gives for this case: status up, deadline = ping +
// period + grace, the run closed as it was) and inserts the ping rows. Its guards are
// checked on the locked row, so a check the sweep turned down a moment ago, or one that got
// a start, is not written here: its check-ins go to the locked path (ping-locked.ts), which
// applies applyPing itself. One round trip and one commit for the whole flush.
import { TARGET_IDS } from './checks-ping.js';
import type { PingRequest } from './ping.js';
import type { Queryable } from './pool.js';

/** Whether a check-in may take the fast statement, as far as the request alone tells. */
export function isPlainSuccess(p: PingRequest): boolean {
  return p.kind === 'success' && p.rid === null && (p.exitStatus === null || p.exitStatus === 0);
}

function record(p: PingRequest, ord: number) {
  const t = p.target;
  const key =
    'uuid' in t
      ? { form: 'uuid', uuid: t.uuid }
      : 'slug' in t
        ? { form: 'slug', k1: t.pingKey, k2: t.slug }
        : {
            form: 'gocron',
            k1: t.gocron.account,
            k2: t.gocron.name,
            period: t.gocron.period,
            grace: t.gocron.grace,
            email: t.gocron.email,
            site: t.gocron.site,
          };
  return {
    ord,
    ...key,
    at: p.now,
    exit_status: p.exitStatus,
    address: p.address,
    method: p.method,
    user_agent: p.userAgent,
    body: p.body,
    body_size: p.bodySize,
  };
}

// The checks the records name, every form: one LATERAL probe per record (checks-ping.ts).
// A slug that names two checks is ambiguous (409) and a `key` account's check-in needs its
// key checked: the locked path answers those.
const ANY_FORM = `SELECT * FROM (${TARGET_IDS}) t WHERE t.matches = 1 AND t.open`;

// A flush of uuid pings alone (the form most healthchecks clients send): one probe of the
// uuid index per record without the other forms' branches, 3-7.5 % of the statement's time
// (scripts/bench-checkin-sql.ts). LIMIT keeps the planner from turning the probes into a
// hash join over every check, as it does with a plain join (2.5-4.7 ms a flush, not 0.5-1.7).
const UUID_ONLY = `SELECT k.*, t.id, t.gocron_origin FROM k, LATERAL (
      SELECT c.id, c.gocron_origin FROM checks c WHERE c.uuid = k.uuid LIMIT 1) t`;

// A gocron check-in upserts the settings of a check gocron check-ins made (COMPAT-gocron 2).
const fast = (resolve: string) => `WITH k AS (
    SELECT * FROM json_to_recordset($1::json) AS k(
      ord integer, form text, uuid uuid, k1 text, k2 text, at timestamptz, exit_status smallint,
      address text, method text, user_agent text, body text, body_size integer,
      period integer, grace integer, email text, site boolean)
  ), i AS (
    ${resolve}
  ), hit AS (
    SELECT ord, id, form = 'gocron' AND gocron_origin AS upsert FROM i
  ), locked AS (
    -- In id order, as the locked path: two fronts never wait on each other in a cycle.
    SELECT c.id FROM checks c WHERE c.id = ANY(ARRAY(SELECT id FROM hit)) ORDER BY c.id
       FOR NO KEY UPDATE
  ), agg AS (
    SELECT h.id, count(*)::int AS cnt, bool_or(h.upsert) AS upsert,
           (array_agg(i.at ORDER BY i.ord DESC))[1] AS at,
           (array_agg(i.address ORDER BY i.ord DESC) FILTER (WHERE i.address IS NOT NULL))[1] AS address,
           (array_agg(i.period ORDER BY i.ord DESC) FILTER (WHERE h.upsert))[1] AS period,
           (array_agg(i.grace ORDER BY i.ord DESC) FILTER (WHERE h.upsert))[1] AS grace,
           (array_agg(i.email ORDER BY i.ord DESC) FILTER (WHERE h.upsert))[1] AS email,
           (array_agg(i.site ORDER BY i.ord DESC) FILTER (WHERE h.upsert))[1] AS site
      FROM hit h JOIN i ON i.ord = h.ord GROUP BY h.id
  ), up AS (
    UPDATE checks c
       SET status = 'up', kind = 'simple',
           period = coalesce(a.period, c.period), grace = coalesce(a.grace, c.grace),
           email = coalesce(a.email, c.email), site = coalesce(a.site, c.site),
           next_deadline = a.at + make_interval(secs => coalesce(a.period, c.period) + coalesce(a.grace, c.grace)),
           -- Mostly unchanged, so the update is HOT (migration 0020).
           sweep_at = sweep_at_after(c.sweep_at,
             a.at + make_interval(secs => coalesce(a.period, c.period) + coalesce(a.grace, c.grace)), a.at),
           last_ping_at = a.at, last_address = coalesce(a.address, c.last_address),
           updated_at = a.at, ping_count = c.ping_count + a.cnt
      FROM agg a
     -- The guards, read on the locked (newest) row version: anything else is the locked path's.
     WHERE c.id = ANY(ARRAY(SELECT id FROM locked)) AND c.id = a.id
       AND c.status IN ('up', 'late') AND c.started_at IS NULL AND c.run_id IS NULL
       AND (c.kind = 'simple' OR a.upsert)
       -- Alert policies (issue 16): a check counting successes towards its recovery alert,
       -- or failures towards its down alert, needs applyPing's thresholds.
       AND c.ok_streak = 0 AND c.fail_streak = 0
    RETURNING c.id, c.ping_count AS n, a.cnt
  ), ins AS (
    INSERT INTO pings (check_id, n, created_at, kind, exit_status, run_id, address, method,
                       user_agent, body, body_size, duration)
    SELECT up.id, up.n - up.cnt + row_number() OVER (PARTITION BY up.id ORDER BY h.ord), i.at,
           CASE WHEN i.exit_status IS NULL THEN 'success' ELSE 'exitcode' END, i.exit_status, NULL,
           i.address, i.method, i.user_agent, i.body, i.body_size, NULL
      FROM up JOIN hit h ON h.id = up.id JOIN i ON i.ord = h.ord
  )
  SELECT h.ord FROM up JOIN hit h ON h.id = up.id`;

/** The statements' one parameter: the check-ins as JSON records, `ord` their index. */
export function encodeBatch(batch: PingRequest[]): string {
  return JSON.stringify(batch.map(record));
}

/** The statements recordPlainSuccesses sends, by name (prepared once per connection). */
export const FAST_STATEMENTS = {
  'checkin-fast': fast(ANY_FORM),
  'checkin-fast-uuid': fast(UUID_ONLY),
};

/**
 * Records the check-ins it can in one autocommitted statement; returns the indexes (into
 * `batch`) of those it recorded. The others were not touched.
 */
export async function recordPlainSuccesses(
  db: Queryable,
  batch: PingRequest[],
): Promise<Set<number>> {
  if (batch.length === 0) return new Set();
  const name = batch.every((p) => 'uuid' in p.target) ? 'checkin-fast-uuid' : 'checkin-fast';
  const { rows } = await db.query<{ ord: number }>({
    name,
    text: FAST_STATEMENTS[name],
    values: [encodeBatch(batch)],
  });
  return new Set(rows.map((r) => r.ord));
}
