// The jobs side of bench-dashboard.ts (issue 13: the jobs list at 10,000 jobs): seeds an
// account's jobs, each with a pending tick and three ended ones, and names the pages to time.
import type { Pool } from '../src/db/pool.js';

export async function seedJobs(pool: Pool, account: number, jobs: number): Promise<string[]> {
  if (jobs === 0) return [];
  // Every 5 minutes to a URL; a twentieth paused; seven tags.
  await pool.query(
    `INSERT INTO jobs (account_id, name, tags, schedule_kind, every_seconds, kind, settings,
                       timeout_ms, status)
     SELECT $1, 'call-' || lpad(i::text, 6, '0'), ARRAY['team-' || (i % 7)], 'every', 300, 'http',
            jsonb_build_object('method', 'POST', 'url', 'https://hooks.example.com/' || i,
                               'headers', '{}'::jsonb, 'expectedStatuses', '[]'::jsonb),
            30000, CASE WHEN i % 20 = 0 THEN 'paused' ELSE 'active' END
       FROM generate_series(1, $2::int) i`,
    [account, jobs],
  );
  // Three ended ticks (the last one dead on every tenth job) and the pending next one.
  await pool.query(
    `INSERT INTO ticks (job_id, scheduled_for, due_at, state, attempts, outcome, finished_at)
     SELECT j.id, now() - k * interval '5 minutes', now(),
            CASE WHEN k = 1 AND j.id % 10 = 0 THEN 'dead' ELSE 'succeeded' END, 1,
            CASE WHEN k = 1 AND j.id % 10 = 0
                 THEN '{"ok":false,"status":503,"durationMs":40,"error":"status 503 is not a 2xx","body":"unavailable"}'::jsonb
                 ELSE '{"ok":true,"status":200,"durationMs":35,"body":"ok"}'::jsonb END,
            now() - k * interval '5 minutes' + interval '1 second'
       FROM jobs j, generate_series(1, 3) k WHERE j.account_id = $1`,
    [account],
  );
  await pool.query(
    `INSERT INTO ticks (job_id, scheduled_for, due_at)
     SELECT id, now() + interval '3 minutes', now() + interval '3 minutes' FROM jobs WHERE account_id = $1`,
    [account],
  );
  const { rows } = await pool.query<{ uuid: string }>(
    `SELECT uuid::text FROM jobs WHERE account_id = $1 ORDER BY name LIMIT 1`,
    [account],
  );
  return [
    '/dashboard/jobs',
    '/dashboard/jobs?page=100',
    '/dashboard/jobs?status=paused&page=5',
    '/dashboard/jobs?tag=team-3',
    `/dashboard/jobs/${rows[0]!.uuid}`,
  ];
}
