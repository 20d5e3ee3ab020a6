-- The data model of DESIGN.md. Times are timestamptz; durations are seconds (double precision).
-- (It said milliseconds; the code has always stored seconds. A comment-only fix: migrate.ts
-- keeps no checksum of applied files, so no database sees a change.)

CREATE TABLE accounts (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name        text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
  -- The key of slug ping URLs (/ping/<ping_key>/<slug>); set when the account gets API keys.
  ping_key    text UNIQUE,
  email       text,
  timezone    text NOT NULL DEFAULT 'UTC',
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id    bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  scope         text NOT NULL CHECK (scope IN ('read', 'write')),
  -- Only a prefix (to find the row) and a hash (to check it) are stored, never the key.
  prefix        text NOT NULL UNIQUE,
  hash          text NOT NULL,
  name          text NOT NULL DEFAULT '',
  created_at    timestamptz NOT NULL DEFAULT now(),
  last_used_at  timestamptz,
  revoked_at    timestamptz
);
CREATE INDEX api_keys_account ON api_keys (account_id);

CREATE TABLE checks (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id     bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  slug           text,
  uuid           uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
  -- Schedule: a period in seconds, or a cron expression in a time zone.
  kind           text NOT NULL DEFAULT 'simple' CHECK (kind IN ('simple', 'cron')),
  period         integer CHECK (period BETWEEN 1 AND 31536000),
  cron           text,
  tz             text NOT NULL DEFAULT 'UTC',
  grace          integer NOT NULL CHECK (grace BETWEEN 0 AND 31536000),
  status         text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'up', 'late', 'down', 'paused')),
  started_at     timestamptz,
  run_id         uuid,
  last_ping_at   timestamptz,
  -- Stored with every check-in (invariant 2); NULL while nothing is expected (down, paused).
  next_deadline  timestamptz,
  last_duration  double precision,  -- seconds
  email          text,
  -- gocron's `site`: this job is the gateway of its account for last_address.
  site           boolean NOT NULL DEFAULT false,
  last_address   text,
  parent_id      bigint REFERENCES checks (id) ON DELETE SET NULL,
  tags           text[] NOT NULL DEFAULT '{}',
  description    text NOT NULL DEFAULT '',
  thresholds     jsonb NOT NULL DEFAULT '{}',
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, name),
  CHECK ((kind = 'simple' AND period IS NOT NULL) OR (kind = 'cron' AND cron IS NOT NULL))
);
-- The sweeper reads only due rows through this index: its cost grows with the number of
-- due checks, not with the number of checks (invariant 2).
CREATE INDEX checks_due ON checks (next_deadline) WHERE next_deadline IS NOT NULL;
CREATE INDEX checks_account_slug ON checks (account_id, slug) WHERE slug IS NOT NULL;
CREATE INDEX checks_gateway ON checks (account_id, last_address) WHERE site;
-- Every foreign key gets an index: without it, deleting checks scans the table once per row.
CREATE INDEX checks_parent ON checks (parent_id) WHERE parent_id IS NOT NULL;

CREATE TABLE pings (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  check_id     bigint NOT NULL REFERENCES checks (id) ON DELETE CASCADE,
  created_at   timestamptz NOT NULL,
  kind         text NOT NULL CHECK (kind IN ('success', 'start', 'fail', 'log', 'exitcode')),
  exit_status  smallint CHECK (exit_status BETWEEN 0 AND 255),
  run_id       uuid,
  address      text,
  method       text,
  user_agent   text,
  body         text,
  body_size    integer,
  duration     double precision  -- seconds
);

CREATE TABLE flips (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  check_id     bigint NOT NULL REFERENCES checks (id) ON DELETE CASCADE,
  created_at   timestamptz NOT NULL,
  from_status  text NOT NULL,
  to_status    text NOT NULL,
  reason       text NOT NULL DEFAULT ''
);
CREATE INDEX flips_check ON flips (check_id, created_at);

CREATE TABLE channels (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id  bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  kind        text NOT NULL CHECK (kind IN ('email', 'slack', 'webhook')),
  name        text NOT NULL DEFAULT '',
  config      jsonb NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX channels_account ON channels (account_id);

CREATE TABLE check_channels (
  check_id    bigint NOT NULL REFERENCES checks (id) ON DELETE CASCADE,
  channel_id  bigint NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
  PRIMARY KEY (check_id, channel_id)
);
CREATE INDEX check_channels_channel ON check_channels (channel_id);

-- The outbox: written in the transaction of the flip, delivered later with retries.
CREATE TABLE notifications (
  -- The stable id every delivery carries, so a receiver can drop a duplicate.
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  flip_id          bigint NOT NULL REFERENCES flips (id) ON DELETE CASCADE,
  channel_id       bigint REFERENCES channels (id) ON DELETE SET NULL,
  -- What to deliver through, copied at write time: the job's email or the global Slack
  -- webhook are channels without a channels row.
  transport        text NOT NULL CHECK (transport IN ('email', 'slack', 'webhook')),
  target           jsonb NOT NULL,
  state            text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'dead')),
  attempts         integer NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL,
  last_error       text,
  sent_at          timestamptz,
  created_at       timestamptz NOT NULL
);
CREATE INDEX notifications_due ON notifications (next_attempt_at) WHERE state = 'pending';
CREATE INDEX notifications_flip ON notifications (flip_id);
CREATE INDEX notifications_channel ON notifications (channel_id) WHERE channel_id IS NOT NULL;
