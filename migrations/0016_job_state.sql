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

-- The dashboard's jobs list is by name, 50 a page: read in index order rather than sorting
-- every job of the account for each page (bench-dashboard, 10,000 jobs).
CREATE INDEX jobs_account_name ON jobs (account_id, name, id) WHERE status <> 'deleted';
