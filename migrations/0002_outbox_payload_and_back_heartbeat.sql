-- What an alert says is fixed when it is written (the check's name, the deadline it missed,
-- its last check-in): a retry an hour later must not describe the check as it is by then.
ALTER TABLE notifications ADD COLUMN payload jsonb NOT NULL DEFAULT '{}';

-- Every back instance records that it is alive; /healthz reads the newest row, so "no
-- sweeper running" is visible instead of alerts silently not going out.
CREATE TABLE back_instances (
  id          text PRIMARY KEY,
  hostname    text NOT NULL,
  pid         integer NOT NULL,
  started_at  timestamptz NOT NULL,
  seen_at     timestamptz NOT NULL
);
CREATE INDEX back_instances_seen ON back_instances (seen_at);
