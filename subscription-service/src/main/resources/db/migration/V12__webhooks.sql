-- Billing events as Standard Webhooks (issue 20.2): one delivery system for every outbound event of an organisation.

-- Where an organisation receives events. The secret (whsec_…) must be kept in the clear to sign with it; the API
-- shows it once, at creation or rotation. After a rotation the previous secret also signs until previous_until, so a
-- receiver can switch without losing a delivery. event_types is a comma-separated list of types, or '*'.
CREATE TABLE webhook_endpoints (
    id              UUID          PRIMARY KEY,
    org_id          VARCHAR(64)   NOT NULL REFERENCES billing_accounts (org_id),
    url             VARCHAR(2000) NOT NULL,
    description     VARCHAR(200),
    event_types     VARCHAR(2000) NOT NULL,
    secret          VARCHAR(100)  NOT NULL,
    previous_secret VARCHAR(100),
    previous_until  TIMESTAMPTZ,
    enabled         BOOLEAN       NOT NULL,
    created_at      TIMESTAMPTZ   NOT NULL,
    updated_at      TIMESTAMPTZ   NOT NULL,
    deleted_at      TIMESTAMPTZ
);
CREATE INDEX webhook_endpoints_org ON webhook_endpoints (org_id, created_at, id) WHERE deleted_at IS NULL;

-- Every event published for an organisation, under its stable id (the webhook-id receivers de-duplicate on);
-- publishing the same id again changes nothing.
CREATE SEQUENCE billing_events_seq;
CREATE TABLE billing_events (
    id           VARCHAR(64)   PRIMARY KEY,
    seq          BIGINT        NOT NULL DEFAULT nextval('billing_events_seq') UNIQUE,
    org_id       VARCHAR(64)   NOT NULL,
    type         VARCHAR(64)   NOT NULL,
    payload      TEXT          NOT NULL,
    occurred_at  TIMESTAMPTZ   NOT NULL,
    created_at   TIMESTAMPTZ   NOT NULL
);
CREATE INDEX billing_events_org ON billing_events (org_id, occurred_at);

-- One event to one endpoint (a replay adds another row for the same pair). seq orders an endpoint's deliveries:
-- a delivery is not claimed while an older one of the same endpoint is still pending.
CREATE SEQUENCE webhook_deliveries_seq;
CREATE TABLE webhook_deliveries (
    id               UUID          PRIMARY KEY,
    seq              BIGINT        NOT NULL DEFAULT nextval('webhook_deliveries_seq') UNIQUE,
    event_id         VARCHAR(64)   NOT NULL REFERENCES billing_events (id),
    endpoint_id      UUID          NOT NULL REFERENCES webhook_endpoints (id),
    org_id           VARCHAR(64)   NOT NULL,
    status           VARCHAR(10)   NOT NULL CHECK (status IN ('pending', 'delivered', 'failed', 'canceled')),
    attempts         INTEGER       NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMPTZ   NOT NULL,
    give_up_at       TIMESTAMPTZ   NOT NULL,
    created_at       TIMESTAMPTZ   NOT NULL,
    delivered_at     TIMESTAMPTZ,
    last_status      INTEGER,
    last_error       VARCHAR(1000)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, seq) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_org ON webhook_deliveries (org_id, seq);

-- Each try of a delivery: what the receiver answered (or why nothing was), and how long it took.
CREATE TABLE webhook_attempts (
    id             UUID          PRIMARY KEY,
    delivery_id    UUID          NOT NULL REFERENCES webhook_deliveries (id),
    attempt        INTEGER       NOT NULL,
    at             TIMESTAMPTZ   NOT NULL,
    response_code  INTEGER,
    duration_ms    BIGINT        NOT NULL,
    error          VARCHAR(1000)
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, attempt);
