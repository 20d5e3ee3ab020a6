-- Who may change a check with a gocron check-in (issue 15). A gocron check-in carries no key,
-- so without this anyone could turn any check into a yearly one alerting them: a check-in
-- now changes the settings only of checks that gocron check-ins (or import-gocron) created;
-- on every other check it is a plain success ping.
ALTER TABLE checks ADD COLUMN gocron_origin boolean NOT NULL DEFAULT false;

-- Existing rows: the origin was never recorded, so it is read from the shape only gocron
-- leaves. A gocron check-in always stores an email and a period and never a slug; the API
-- never stores an email, a slug auto-create always stores a slug. So a check with an email,
-- a period and no slug was made by a check-in or import-gocron (or by `check add --email`
-- without --slug, which then keeps the open behaviour it had): upgraded gocron setups keep
-- upserting, and API, slug and cron checks are protected from the first start.
UPDATE checks SET gocron_origin = true
 WHERE email IS NOT NULL AND slug IS NULL AND kind = 'simple';

-- Per account: `open` (gocron's behaviour, the default), `key` (a check-in must carry the
-- account's ping key) or `off` (check-ins refused).
ALTER TABLE accounts ADD COLUMN gocron_checkins text NOT NULL DEFAULT 'open'
  CHECK (gocron_checkins IN ('open', 'key', 'off'));
