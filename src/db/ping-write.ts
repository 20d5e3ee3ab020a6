// The one writer of check-ins: the checks' new state and the ping rows of a batch in one
// statement (one round trip). Rows go in as JSON records with named columns, so a field
// added to one side cannot silently shift the others (twelve positional arrays did).
import type { Status } from '../domain/ping.js';
import type { Queryable } from './pool.js';

/** A check's state after the batch's check-ins; gocron settings only when upserted. */
export interface CheckWrite {
  id: number;
  status: Status;
  next_deadline: Date | null;
  started_at: Date | null;
  run_id: string | null;
  last_ping_at: Date | null;
  duration: number | null;
  address: string | null;
  ping_count: number;
  at: Date;
  settings: { period: number; grace: number; email: string; site: boolean } | null;
}

export interface PingRow {
  check_id: number;
  n: number;
  created_at: Date;
  kind: 'success' | 'start' | 'fail' | 'log' | 'exitcode';
  exit_status: number | null;
  run_id: string | null;
  address: string | null;
  method: string;
  user_agent: string | null;
  body: string | null;
  body_size: number | null;
  duration: number | null;
}

export async function writeCheckins(
  db: Queryable,
  checks: CheckWrite[],
  pings: PingRow[],
): Promise<void> {
  const flat = checks.map(({ settings, ...c }) => ({ ...c, ...settings }));
  await db.query({
    name: 'checkin-write',
    text: `WITH u AS (
         SELECT * FROM json_to_recordset($1::json) AS u(
           id bigint, status text, next_deadline timestamptz, started_at timestamptz, run_id uuid,
           last_ping_at timestamptz, duration float8, address text, ping_count bigint, at timestamptz,
           period integer, grace integer, email text, site boolean)
       ), updated AS (
         UPDATE checks c
            SET status = u.status, next_deadline = u.next_deadline,
                sweep_at = sweep_at_after(c.sweep_at, u.next_deadline, u.at), started_at = u.started_at,
                run_id = u.run_id, last_ping_at = coalesce(u.last_ping_at, c.last_ping_at),
                last_duration = coalesce(u.duration, c.last_duration),
                last_address = coalesce(u.address, c.last_address),
                ping_count = u.ping_count, updated_at = u.at,
                -- A gocron check-in's upsert (COMPAT-gocron 2): period given, settings with it.
                kind = CASE WHEN u.period IS NULL THEN c.kind ELSE 'simple' END,
                period = coalesce(u.period, c.period), grace = coalesce(u.grace, c.grace),
                email = coalesce(u.email, c.email), site = coalesce(u.site, c.site)
           FROM u
          -- id = ANY(...) lets the planner use the primary key; joined to the records alone
          -- it hashed the whole table (4 ms at 10k checks, linear in the number of checks).
          WHERE c.id = ANY(ARRAY(SELECT id FROM u)) AND c.id = u.id
       )
       INSERT INTO pings (check_id, n, created_at, kind, exit_status, run_id, address, method,
                          user_agent, body, body_size, duration)
       SELECT check_id, n, created_at, kind, exit_status, run_id, address, method, user_agent,
              body, body_size, duration
         FROM json_to_recordset($2::json) AS p(
           check_id bigint, n bigint, created_at timestamptz, kind text, exit_status smallint,
           run_id uuid, address text, method text, user_agent text, body text, body_size integer,
           duration float8)`,
    values: [JSON.stringify(flat), JSON.stringify(pings)],
  });
}
