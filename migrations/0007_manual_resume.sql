-- healthchecks' manual_resume: a paused check with it set stays paused when pinged (the
-- ping is recorded); only an explicit resume (API or CLI) brings it back.
ALTER TABLE checks ADD COLUMN manual_resume boolean NOT NULL DEFAULT false;
