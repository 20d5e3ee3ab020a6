-- gocron's `site` (COMPAT 7): a job whose miss was not alerted because its gateway was down
-- points at that gateway; when the gateway recovers, such jobs still down alert then.
ALTER TABLE checks ADD COLUMN suppressed_by bigint REFERENCES checks (id) ON DELETE SET NULL;
CREATE INDEX checks_suppressed_by ON checks (suppressed_by) WHERE suppressed_by IS NOT NULL;
