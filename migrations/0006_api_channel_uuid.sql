-- healthchecks' Management API names integrations by UUID (GET /api/v3/channels/ and a
-- check's `channels` field): clients such as its Terraform provider pass these ids back.
ALTER TABLE channels ADD COLUMN uuid uuid NOT NULL UNIQUE DEFAULT gen_random_uuid();
