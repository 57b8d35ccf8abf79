-- Spectra schema v2: bearer tokens (hashed) and the append-only audit log.

-- API tokens. Only the SHA-256 of a token is stored: the plaintext (a 256-bit random value) is
-- shown once when the token is created and never again, so a database dump grants nothing.
-- A token acts for exactly one tenant; 'admin' implies every other scope.
CREATE TABLE api_tokens (
    id           uuid PRIMARY KEY,
    name         text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    tenant       text        NOT NULL CHECK (length(tenant) BETWEEN 1 AND 63),
    scopes       text[]      NOT NULL CHECK (cardinality(scopes) > 0
                                 AND scopes <@ ARRAY['jobs:read', 'jobs:write', 'admin', 'worker']::text[]),
    token_hash   text        NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    -- the token from spectra.auth.bootstrap-token (or the generated dev one): replaced when that
    -- setting changes
    bootstrap    boolean     NOT NULL DEFAULT false,
    created_by   uuid,
    created_at   timestamptz NOT NULL DEFAULT now(),
    revoked_at   timestamptz,
    last_used_at timestamptz
);
CREATE INDEX api_tokens_tenant_idx ON api_tokens (tenant, created_at DESC);

-- Who did what, when: job submissions and cancels, model downloads, dataset uploads, token
-- creation and revocation, worker registrations. Append-only: the triggers below reject UPDATE,
-- DELETE and TRUNCATE for every role that does not own the table, and for the owner too unless
-- it drops the triggers first (a deliberate, visible act).
CREATE TABLE audit_log (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    tenant      text        NOT NULL,
    token_id    uuid,
    token_name  text,
    action      text        NOT NULL,
    target      text,
    detail      jsonb
);
CREATE INDEX audit_log_tenant_idx ON audit_log (tenant, id DESC);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- Per-tenant limits count a tenant's queued and running jobs on every submit and claim.
CREATE INDEX jobs_tenant_active_idx ON jobs (tenant, state) WHERE state IN ('QUEUED', 'RUNNING', 'CANCELLING');
