-- Dashboard sign-in (#8). The cookie carries a random token; only its SHA-256 is stored, so
-- a copy of the database cannot be replayed as a session. A session is tied to the API key
-- it was opened with: revoking the key ends it (the lookup joins api_keys).
CREATE TABLE sessions (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  token_hash   text NOT NULL UNIQUE,
  api_key_id   bigint NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
  -- The CSRF token of the session's forms (synchronizer token pattern).
  csrf         text NOT NULL,
  created_at   timestamptz NOT NULL,
  expires_at   timestamptz NOT NULL
);
CREATE INDEX sessions_key ON sessions (api_key_id);
-- The back deletes expired sessions by this index.
CREATE INDEX sessions_expires ON sessions (expires_at);

-- Public status pages, opt-in: one row per page, for every check of the account or for the
-- checks with one tag. The slug is the page's public address (/status/<slug>).
CREATE TABLE status_pages (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id  bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  slug        text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$'),
  tag         text CHECK (tag IS NULL OR length(tag) BETWEEN 1 AND 200),
  title       text NOT NULL DEFAULT '' CHECK (length(title) <= 200),
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX status_pages_account ON status_pages (account_id);
