-- healthchecks' project badge_key: the secret in an account's public badge URLs
-- (/badge/<badge_key>/…). Generated on first use (the badges API or the CLI).
ALTER TABLE accounts ADD COLUMN badge_key text UNIQUE;
