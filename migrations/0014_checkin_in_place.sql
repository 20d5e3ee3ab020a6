-- Issue 14: a schema the check-in hot path can write cheaply.
--
-- Every check-in updates its check's row. Room left free on each page lets an update whose
-- indexed columns do not change stay on the page (a HOT update: no new index entries); the
-- columns a plain check-in writes (last_ping_at, ping_count, updated_at, last_address as a
-- rule unchanged) are in no index. New and rewritten pages get the room.
ALTER TABLE checks SET (fillfactor = 70);

-- The pings foreign key checked its check row (a KEY SHARE lock and an index probe) for
-- every ping row, ~20 µs each: the check-in writers lock the check row themselves before
-- they insert its pings, so a ping is never written for a check that is gone. What the key
-- also gave, deleting a check deletes its pings, is kept by this trigger: one statement per
-- delete of checks (an account's delete cascades to its checks, and so here).
ALTER TABLE pings DROP CONSTRAINT pings_check_id_fkey;

CREATE FUNCTION delete_pings_of_deleted_checks() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM pings p USING gone WHERE p.check_id = gone.id;
  RETURN NULL;
END $$;

CREATE TRIGGER checks_delete_pings AFTER DELETE ON checks
  REFERENCING OLD TABLE AS gone
  FOR EACH STATEMENT EXECUTE FUNCTION delete_pings_of_deleted_checks();
