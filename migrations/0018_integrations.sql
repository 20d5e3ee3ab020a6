-- Issue 16: twelve more kinds of channel (src/domain/integrations.ts), and a rate limit per
-- destination whose excess is folded into one digest notification instead of dropped.
ALTER TABLE channels DROP CONSTRAINT channels_kind_check;
ALTER TABLE channels ADD CONSTRAINT channels_kind_check CHECK (kind IN (
  'email', 'slack', 'webhook', 'discord', 'teams', 'telegram', 'ntfy', 'pagerduty', 'opsgenie',
  'pushover', 'mattermost', 'matrix', 'gotify', 'zulip', 'shell'));
ALTER TABLE notifications DROP CONSTRAINT notifications_transport_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_transport_check CHECK (transport IN (
  'email', 'slack', 'webhook', 'discord', 'teams', 'telegram', 'ntfy', 'pagerduty', 'opsgenie',
  'pushover', 'mattermost', 'matrix', 'gotify', 'zulip', 'shell'));
-- 'folded': over the destination's rate limit, carried by a digest notification instead.
ALTER TABLE notifications DROP CONSTRAINT notifications_state_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_state_check
  CHECK (state IN ('pending', 'sent', 'dead', 'folded'));
-- The digest a folded notification went into (itself a notification to the same destination).
ALTER TABLE notifications ADD COLUMN folded_into uuid REFERENCES notifications (id) ON DELETE SET NULL;
CREATE INDEX notifications_folded_into ON notifications (folded_into) WHERE folded_into IS NOT NULL;

-- Messages sent per destination (transport + target) in the current fixed one-minute window.
-- Shared by every back instance: one row per destination, updated in one upsert per send.
CREATE TABLE send_windows (
  destination   text PRIMARY KEY,
  window_start  timestamptz NOT NULL,
  sent          integer NOT NULL
);
