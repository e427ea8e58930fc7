-- API keys (issue 20.1): only the SHA-256 of a key is stored (key_hash); the key itself is shown once at creation.
-- A key is valid while revoked_at is null and expires_at (its expiry, or the end of a rotation's overlap) is in the
-- future; rows are never deleted, so the audit trail's targets keep resolving.
CREATE TABLE api_keys (
    id            UUID          PRIMARY KEY,
    org_id        VARCHAR(64)   NOT NULL REFERENCES billing_accounts (org_id),
    name          VARCHAR(100)  NOT NULL,
    environment   VARCHAR(4)    NOT NULL CHECK (environment IN ('test', 'live')),
    role          VARCHAR(20)   NOT NULL CHECK (role IN ('usage-reporter', 'read-only', 'admin')),
    key_hash      VARCHAR(64)   NOT NULL UNIQUE,
    hint          VARCHAR(40)   NOT NULL,
    created_by    VARCHAR(200)  NOT NULL,
    created_at    TIMESTAMPTZ   NOT NULL,
    expires_at    TIMESTAMPTZ,
    last_used_at  TIMESTAMPTZ,
    revoked_at    TIMESTAMPTZ,
    revoked_by    VARCHAR(200),
    rotated_from  UUID          REFERENCES api_keys (id),
    replaced_by   UUID          REFERENCES api_keys (id)
);
CREATE INDEX api_keys_org ON api_keys (org_id, created_at, id);
