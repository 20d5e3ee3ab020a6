-- Issue 12: a back runs its job trigger in lanes, each claiming the ticks of its share of the
-- jobs (job_id % lanes = lane), so PostgreSQL works on one lane's round while node records
-- and claims for the other. A job's ticks always go to the same lane: a lane records the
-- attempts that ended before it claims, so `overlap: skip` never sees a run of its own
-- instance as still running after it ended (two lanes over all jobs did: 1791cc0). The
-- one-argument functions of 0013 stay for back instances of the previous version during a
-- rolling upgrade.
CREATE FUNCTION claim_due_ticks(n integer, lane integer, lanes integer) RETURNS SETOF bigint
LANGUAGE sql VOLATILE
SET enable_sort = off
AS $$
  SELECT t.id FROM ticks t
   WHERE t.state IN ('pending', 'running') AND t.due_at <= now()
     AND t.job_id % lanes = lane
     AND (SELECT j.status FROM jobs j WHERE j.id = t.job_id) = 'active'
   ORDER BY t.due_at
   LIMIT n
     FOR UPDATE OF t SKIP LOCKED
$$;

CREATE FUNCTION next_tick_due(lane integer, lanes integer) RETURNS timestamptz
LANGUAGE sql STABLE
SET enable_sort = off
AS $$
  SELECT t.due_at FROM ticks t
   WHERE t.state IN ('pending', 'running')
     AND t.job_id % lanes = lane
     AND (SELECT j.status FROM jobs j WHERE j.id = t.job_id) = 'active'
   ORDER BY t.due_at
   LIMIT 1
$$;
