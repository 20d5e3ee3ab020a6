import type { FlipPoint, JobWeek, MissedJob } from '../domain/summary.js';
import { downtimeMs } from '../domain/summary.js';
import type { Queryable } from './pool.js';

/** Checks that are down now, optionally of one account, with when their miss began. */
export async function missedJobs(db: Queryable, account: string | undefined): Promise<MissedJob[]> {
  const { rows } = await db.query<MissedJob>(
    `SELECT c.name, a.name AS account, c.period, c.last_ping_at AS "lastPingAt",
            (SELECT max(f.created_at) FROM flips f WHERE f.check_id = c.id AND f.to_status = 'down') AS "missedSince"
       FROM checks c JOIN accounts a ON a.id = c.account_id
      WHERE c.status = 'down' AND ($1::text IS NULL OR a.name = $1)
      ORDER BY a.name, c.name`,
    [account ?? null],
  );
  return rows;
}

/** Per check with flips in [start, end) or down now: misses and downtime in that window. */
export async function jobWeeks(
  db: Queryable,
  start: Date,
  end: Date,
  account?: string,
): Promise<JobWeek[]> {
  const { rows } = await db.query<{
    name: string;
    account: string;
    status_at_start: string | null;
    flips: { at: string; to: string }[];
  }>(
    `SELECT c.name, a.name AS account,
            (SELECT f.to_status FROM flips f WHERE f.check_id = c.id AND f.created_at < $1
              ORDER BY f.created_at DESC, f.id DESC LIMIT 1) AS status_at_start,
            coalesce((SELECT json_agg(json_build_object('at', f.created_at, 'to', f.to_status) ORDER BY f.created_at, f.id)
                        FROM flips f WHERE f.check_id = c.id AND f.created_at >= $1 AND f.created_at < $2), '[]') AS flips
       FROM checks c JOIN accounts a ON a.id = c.account_id
      WHERE ($3::text IS NULL OR a.name = $3)
        AND (c.status = 'down' OR EXISTS (SELECT 1 FROM flips f WHERE f.check_id = c.id AND f.created_at >= $1 AND f.created_at < $2))
      ORDER BY a.name, c.name`,
    [start, end, account ?? null],
  );
  return rows.map((r) => {
    const flips: FlipPoint[] = r.flips.map((f) => ({ at: new Date(f.at), to: f.to }));
    return {
      name: r.name,
      account: r.account,
      misses: flips.filter((f) => f.to === 'down').length,
      downtimeMs: downtimeMs(r.status_at_start, flips, start, end),
    };
  });
}

/** Claims the report of one scheduled minute; false when another instance already has it. */
export async function claimSummarySlot(
  db: Queryable,
  slot: Date,
  instance: string,
  now: Date,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO summary_runs (slot, instance, started_at) VALUES ($1, $2, $3) ON CONFLICT (slot) DO NOTHING`,
    [slot, instance, now],
  );
  return rowCount === 1;
}

export async function finishSummarySlot(
  db: Queryable,
  slot: Date,
  now: Date,
  error: string | null,
): Promise<void> {
  await db.query(`UPDATE summary_runs SET finished_at = $2, error = $3 WHERE slot = $1`, [
    slot,
    now,
    error,
  ]);
}
