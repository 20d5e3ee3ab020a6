-- The weekly report is sent by whichever back instance claims its slot first: one row per
-- scheduled minute, so several instances send it once, not once each.
CREATE TABLE summary_runs (
  slot         timestamptz PRIMARY KEY,
  instance     text NOT NULL,
  started_at   timestamptz NOT NULL,
  finished_at  timestamptz,
  error        text
);

-- `cronwatch summary` lists the checks that are down now.
CREATE INDEX checks_down ON checks (account_id) WHERE status = 'down';
