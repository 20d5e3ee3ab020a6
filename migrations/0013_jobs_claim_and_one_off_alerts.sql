-- The claim's search for due ticks (issue 12): an ordered walk of the ticks_due index that
-- stops after `n` rows it could lock, whatever the planner's statistics say. Right after
-- many jobs were created (or made due) the statistics still describe a near-empty table,
-- and PostgreSQL sorted the whole due backlog on every claim to lock a few hundred of it
-- (11 ms a claim with 3,000 due; the claim's largest cost). A function is where a plan
-- setting can apply to one query: sorting is off here, and only here.
CREATE FUNCTION claim_due_ticks(n integer) RETURNS SETOF bigint
LANGUAGE sql VOLATILE
SET enable_sort = off
AS $$
  SELECT t.id FROM ticks t
   WHERE t.state IN ('pending', 'running') AND t.due_at <= now()
     -- A per-row probe of the job's primary key, not a join the planner could reorder.
     AND (SELECT j.status FROM jobs j WHERE j.id = t.job_id) = 'active'
   ORDER BY t.due_at
   LIMIT n
     FOR UPDATE OF t SKIP LOCKED
$$;

-- When the next tick of an active job is due (or a running one's lease ends): the same walk,
-- stopped at the first row. With stale statistics a plain query sorted every pending tick.
CREATE FUNCTION next_tick_due() RETURNS timestamptz
LANGUAGE sql STABLE
SET enable_sort = off
AS $$
  SELECT t.due_at FROM ticks t
   WHERE t.state IN ('pending', 'running')
     AND (SELECT j.status FROM jobs j WHERE j.id = t.job_id) = 'active'
   ORDER BY t.due_at
   LIMIT 1
$$;

-- A one-off job whose tick ends dead alerts the account's channels (issue 12, semantics 6).
-- It has no check, so no flip: its notifications are outbox rows without one (delivered,
-- retried and ended dead by the same dispatcher; the turn order per check does not apply).
ALTER TABLE notifications ALTER COLUMN flip_id DROP NOT NULL;
