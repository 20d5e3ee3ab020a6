-- What an action kind keeps between a job's runs (issue 13: page-change keeps the last
-- content and its hash). A row of its own rather than a column of jobs: runs write it while
-- the API may hold the job's row locked for an edit.
CREATE TABLE job_action_state (
  job_id      bigint PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
  state       jsonb NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- A job's change alert (page-change) goes through the outbox like a down alert, but it is
-- not a status change: it has no flip.
ALTER TABLE notifications ALTER COLUMN flip_id DROP NOT NULL;
