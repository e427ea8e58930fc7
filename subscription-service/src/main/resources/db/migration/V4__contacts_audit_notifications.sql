-- Who receives invoices and payment-failure notices: not platform users, just addresses (and optionally a
-- webhook endpoint that gets signed notifications).
CREATE TABLE billing_contacts (
    id                   UUID          PRIMARY KEY,
    org_id               VARCHAR(64)   NOT NULL REFERENCES billing_accounts (org_id),
    name                 VARCHAR(200)  NOT NULL,
    email                VARCHAR(320)  NOT NULL,
    receives_invoices    BOOLEAN       NOT NULL,
    receives_dunning     BOOLEAN       NOT NULL,
    webhook_url          VARCHAR(2000),
    created_at           TIMESTAMPTZ   NOT NULL,
    updated_at           TIMESTAMPTZ   NOT NULL,
    version              BIGINT        NOT NULL DEFAULT 0,
    UNIQUE (org_id, email)
);

-- Every billing operation: who, what, when, before and after. Append-only (same trigger as the timeline).
CREATE TABLE audit_log (
    id          UUID          PRIMARY KEY,
    seq         BIGSERIAL     NOT NULL UNIQUE,
    org_id      VARCHAR(64)   NOT NULL,
    actor       VARCHAR(200)  NOT NULL,
    action      VARCHAR(100)  NOT NULL,
    target      VARCHAR(200)  NOT NULL,
    before_state TEXT,
    after_state  TEXT,
    at          TIMESTAMPTZ   NOT NULL
);
CREATE INDEX audit_log_org ON audit_log (org_id, seq);
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION refuse_history_rewrite();

-- Outbound notifications, written in the transaction of the change they announce and sent by the scheduler.
CREATE TABLE notification_outbox (
    id               UUID          PRIMARY KEY,
    org_id           VARCHAR(64)   NOT NULL,
    url              VARCHAR(2000) NOT NULL,
    payload          TEXT          NOT NULL,
    created_at       TIMESTAMPTZ   NOT NULL,
    attempts         INTEGER       NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMPTZ   NOT NULL,
    delivered_at     TIMESTAMPTZ,
    last_error       VARCHAR(1000)
);
CREATE INDEX notification_outbox_due ON notification_outbox (next_attempt_at) WHERE delivered_at IS NULL;
