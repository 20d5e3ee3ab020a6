-- Issue 14: a check-in updates its check in place (a HOT update, no new index entries).
--
-- Every check-in moves next_deadline, and the sweep's index on it (checks_due) made every
-- such update write a new index entry in each of the table's indexes, a new heap tuple, and
-- more vacuum work. The sweep now reads sweep_at instead: a lower bound of next_deadline
-- that a check-in leaves alone while it is still ahead of the check-in and not after the new
-- deadline (sweep_at_after). A cron job pinged once a period keeps its bound at the previous
-- deadline; when that passes, the sweep finds the check not due and moves the bound to the
-- deadline (claimDueChecks), one batched update per check and period, off the ping path.
-- A job's start ping (deadline: now + grace) and its success (the next run + grace) keep it
-- the same way.
ALTER TABLE checks ADD COLUMN sweep_at timestamptz;
UPDATE checks SET sweep_at = next_deadline WHERE next_deadline IS NOT NULL;

-- The guarantee the sweep needs, kept by the database for every writer: a deadline is never
-- before its bound (else that miss would be alerted late), and no deadline, no bound. A writer
-- that sets next_deadline alone (a pause, a miss, a job's new check) gets the bound lowered or
-- cleared with it; one that moves a deadline later may raise the bound itself (an edit, the
-- sweep's own writes), else the sweep comes by once early. The check-in writers' kept bound
-- passes the WHEN clause untouched, so the function is not even called on the hot path.
CREATE FUNCTION checks_sweep_at_bound() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.sweep_at := NEW.next_deadline;
  RETURN NEW;
END $$;

CREATE TRIGGER checks_sweep_at_bound BEFORE INSERT OR UPDATE ON checks FOR EACH ROW
  WHEN (NEW.sweep_at IS DISTINCT FROM NEW.next_deadline
        AND (NEW.next_deadline IS NULL OR NEW.sweep_at IS NULL OR NEW.sweep_at > NEW.next_deadline))
  EXECUTE FUNCTION checks_sweep_at_bound();

CREATE INDEX checks_sweep ON checks (sweep_at) WHERE sweep_at IS NOT NULL;
DROP INDEX checks_due;

-- The bound after a check-in at `at` sets the deadline to `deadline`: the kept bound while it
-- is between the two, else the deadline itself (a bound already passed would only make the
-- sweep look at once). A SQL function of one expression: the planner inlines it.
CREATE FUNCTION sweep_at_after(kept timestamptz, deadline timestamptz, at timestamptz)
  RETURNS timestamptz LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN CASE WHEN kept >= at AND kept <= deadline THEN kept ELSE deadline END;
