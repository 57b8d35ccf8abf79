-- Tokens may be created with a lifetime (POST /api/v1/tokens {"expiresInSeconds": N}): past
-- expires_at a token authenticates nothing, like a revoked one, and open event streams it opened
-- are closed. NULL = no expiry (the bootstrap token and tokens created without a lifetime).
ALTER TABLE api_tokens ADD COLUMN expires_at timestamptz;
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_expiry_after_creation CHECK (expires_at IS NULL OR expires_at > created_at);
