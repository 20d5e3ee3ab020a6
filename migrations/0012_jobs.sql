-- Scheduled jobs (issue 12): a job is a schedule + an action + a run policy; a tick is one
-- scheduled run of it, unique per (job, scheduled_for), ending in exactly one final state.

CREATE TABLE jobs (
  id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id         bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  uuid               uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
  name               text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  tags               text[] NOT NULL DEFAULT '{}',
  -- Schedule: cron + tz, every N seconds, or once at an instant (`at`, or `after` resolved
  -- when the job was created).
  schedule_kind      text NOT NULL CHECK (schedule_kind IN ('cron', 'every', 'once')),
  cron               text,
  tz                 text NOT NULL DEFAULT 'UTC',
  every_seconds      integer CHECK (every_seconds BETWEEN 1 AND 31536000),
  run_at             timestamptz,
  starts_at          timestamptz,
  ends_at            timestamptz,
  -- Action: a kind of src/actions/ and its settings, validated by that kind.
  kind               text NOT NULL,
  settings           jsonb NOT NULL DEFAULT '{}',
  -- Run policy. The timeout bounds one attempt; the lease is the timeout plus a margin.
  timeout_ms         integer NOT NULL CHECK (timeout_ms BETWEEN 1000 AND 900000),
  max_attempts       integer NOT NULL DEFAULT 5 CHECK (max_attempts BETWEEN 1 AND 20),
  overlap            text NOT NULL DEFAULT 'skip' CHECK (overlap IN ('skip', 'allow', 'queue')),
  catch_up           text NOT NULL DEFAULT 'latest' CHECK (catch_up IN ('none', 'latest', 'all')),
  -- Seconds; NULL = the default (the smaller of the period and 1 h).
  starting_deadline  integer CHECK (starting_deadline BETWEEN 1 AND 31536000),
  secret             text,
  status             text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'deleted')),
  -- The check that records the runs of a recurring job.
  check_id           bigint REFERENCES checks (id) ON DELETE SET NULL,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  CHECK ((schedule_kind = 'cron' AND cron IS NOT NULL)
      OR (schedule_kind = 'every' AND every_seconds IS NOT NULL)
      OR (schedule_kind = 'once' AND run_at IS NOT NULL))
);
CREATE INDEX jobs_account ON jobs (account_id, id) WHERE status <> 'deleted';
CREATE INDEX jobs_check ON jobs (check_id) WHERE check_id IS NOT NULL;

CREATE TABLE ticks (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  job_id            bigint NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  scheduled_for     timestamptz NOT NULL,
  state             text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'running',
                      'succeeded', 'failed', 'dead', 'missed', 'skipped', 'cancelled')),
  -- When a back may claim the tick: scheduled_for, a retry time, or (running) the end of
  -- the lease, after which another back attempts it again.
  due_at            timestamptz NOT NULL,
  lease_until       timestamptz,
  attempts          integer NOT NULL DEFAULT 0,
  -- A "run now" tick: outside the chain (its claim inserts no next tick, nor catches up).
  manual            boolean NOT NULL DEFAULT false,
  -- The same on every attempt of the tick, redrives included: receivers drop duplicates by it.
  run_id            uuid NOT NULL DEFAULT gen_random_uuid(),
  outcome           jsonb,
  first_started_at  timestamptz,
  started_at        timestamptz,
  finished_at       timestamptz,
  created_at        timestamptz NOT NULL DEFAULT now(),
  UNIQUE (job_id, scheduled_for)
);
-- Backs read only claimable rows through this index: the cost of a claim grows with the
-- number of due ticks, not with the history.
CREATE INDEX ticks_due ON ticks (due_at) WHERE state IN ('pending', 'running');
CREATE INDEX ticks_job_running ON ticks (job_id) WHERE state = 'running';
