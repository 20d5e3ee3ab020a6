-- healthchecks-style pings: each check numbers its pings (checks.ping_count, pings.n) so the
-- back can keep the newest N per check with one indexed DELETE.
ALTER TABLE checks ADD COLUMN ping_count bigint NOT NULL DEFAULT 0;
ALTER TABLE pings ADD COLUMN n bigint NOT NULL DEFAULT 0;
-- One index serves pruning and newest-first listing (n grows with id within a check): each
-- ping costs one index insertion fewer than with a separate (check_id, id) index.
CREATE INDEX pings_check_n ON pings (check_id, n);
-- Bodies are read whole (cut only when stored): their size may pass 2 GiB.
ALTER TABLE pings ALTER COLUMN body_size TYPE bigint;
