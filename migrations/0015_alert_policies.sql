-- Alert policies (issue 16): thresholds, runtime assertions, repeats and acknowledge,
-- maintenance windows and snooze, dependencies. Every default keeps the behaviour before it.
-- Durations are seconds.
ALTER TABLE checks
  -- Down alert after this many consecutive misses or failures; up alert after this many
  -- consecutive successes. Status and flips follow every ping; only the alerts wait.
  ADD COLUMN failure_threshold integer NOT NULL DEFAULT 1 CHECK (failure_threshold >= 1),
  ADD COLUMN success_threshold integer NOT NULL DEFAULT 1 CHECK (success_threshold >= 1),
  -- Consecutive failures counted while no down alert stands, consecutive successes while one
  -- does: both stay 0 for a check that only succeeds (no write on the ping path).
  ADD COLUMN fail_streak integer NOT NULL DEFAULT 0,
  ADD COLUMN ok_streak integer NOT NULL DEFAULT 0,
  -- The check is down but its down alert did not go out (below its failure threshold, in
  -- maintenance, held by a down gateway or parent): its recovery alerts nobody. Negative on
  -- purpose: every down row from before (or written by other code) owes its recovery alert.
  ADD COLUMN down_unalerted boolean NOT NULL DEFAULT false,
  -- Runtime assertions: a run shorter than min_runtime or longer than max_runtime fails.
  ADD COLUMN min_runtime double precision CHECK (min_runtime > 0),
  ADD COLUMN max_runtime double precision CHECK (max_runtime > 0),
  -- Repeat the down alert every repeat_every seconds while down, at most repeat_limit times.
  ADD COLUMN repeat_every integer CHECK (repeat_every >= 60),
  ADD COLUMN repeat_limit integer CHECK (repeat_limit >= 1),
  ADD COLUMN repeats_sent integer NOT NULL DEFAULT 0,
  ADD COLUMN acked_at timestamptz,
  ADD COLUMN snoozed_until timestamptz,
  -- When the sweep must look at the check's alerts again: the next repeat, or the end of
  -- the maintenance window (or snooze) that held its down alert back.
  ADD COLUMN policy_due_at timestamptz;
-- The sweep reads only these rows (as checks_due for deadlines): its cost grows with the
-- number of due policy actions, not with the number of checks.
CREATE INDEX checks_policy_due ON checks (policy_due_at) WHERE policy_due_at IS NOT NULL;

-- A check depends on others (a generalisation of gocron's gateway): while a parent is down,
-- the child's misses are held back and listed in the parent's alert.
CREATE TABLE check_dependencies (
  check_id   bigint NOT NULL REFERENCES checks (id) ON DELETE CASCADE,
  parent_id  bigint NOT NULL REFERENCES checks (id) ON DELETE CASCADE,
  PRIMARY KEY (check_id, parent_id),
  CHECK (check_id <> parent_id)
);
CREATE INDEX check_dependencies_parent ON check_dependencies (parent_id);

-- Maintenance windows: a recurring window (cron + duration + zone) or a one-off from-to, on
-- one check or on every check with a tag of the account.
CREATE TABLE maintenance_windows (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  uuid        uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
  account_id  bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  check_id    bigint REFERENCES checks (id) ON DELETE CASCADE,
  tag         text,
  cron        text,
  tz          text NOT NULL DEFAULT 'UTC',
  duration    integer CHECK (duration > 0),
  starts_at   timestamptz,
  ends_at     timestamptz,
  created_at  timestamptz NOT NULL DEFAULT now(),
  CHECK ((check_id IS NULL) <> (tag IS NULL)),
  CHECK ((cron IS NOT NULL AND duration IS NOT NULL AND starts_at IS NULL AND ends_at IS NULL)
      OR (cron IS NULL AND duration IS NULL AND starts_at IS NOT NULL AND ends_at > starts_at))
);
CREATE INDEX maintenance_windows_account ON maintenance_windows (account_id);
CREATE INDEX maintenance_windows_check ON maintenance_windows (check_id) WHERE check_id IS NOT NULL;

