-- Issue 16: per-check keyword rules for email check-ins, healthchecks' five fields. A check
-- whose fields are all at these defaults uses the global PING_EMAIL_* settings; one with any
-- of its own (a filter on, a keyword) uses only its own (src/domain/email-ping.ts).
ALTER TABLE checks
  ADD COLUMN filter_subject boolean NOT NULL DEFAULT false,
  ADD COLUMN filter_body boolean NOT NULL DEFAULT false,
  -- Comma-separated, case-sensitive substrings, looked for in the order failure, success, start.
  ADD COLUMN success_kw text NOT NULL DEFAULT '' CHECK (length(success_kw) <= 200),
  ADD COLUMN failure_kw text NOT NULL DEFAULT '' CHECK (length(failure_kw) <= 200),
  ADD COLUMN start_kw text NOT NULL DEFAULT '' CHECK (length(start_kw) <= 200);
