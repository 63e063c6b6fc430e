-- Sessions: each access token gets a public id (never the token or its hash) so its owner can
-- list and revoke it, and the time it was last used. Existing tokens keep working with a
-- random id.

ALTER TABLE access_tokens ADD COLUMN id UUID NOT NULL DEFAULT gen_random_uuid();
ALTER TABLE access_tokens ALTER COLUMN id DROP DEFAULT;
ALTER TABLE access_tokens ADD CONSTRAINT access_tokens_id_key UNIQUE (id);
ALTER TABLE access_tokens ADD COLUMN last_used_at TIMESTAMPTZ;
DROP INDEX idx_access_tokens_user_id;
CREATE INDEX idx_access_tokens_user_id ON access_tokens(user_id, created_at);
