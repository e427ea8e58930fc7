-- Raw Stripe events as received (after the signature check). The event id de-duplicates replays; rows are
-- processed by the scheduler with retries, in any order.
CREATE TABLE stripe_events (
    id               VARCHAR(255) PRIMARY KEY,
    type             VARCHAR(100) NOT NULL,
    created          TIMESTAMPTZ  NOT NULL,
    payload          TEXT         NOT NULL,
    received_at      TIMESTAMPTZ  NOT NULL,
    processed_at     TIMESTAMPTZ,
    attempts         INTEGER      NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMPTZ  NOT NULL,
    last_error       VARCHAR(1000),
    outcome          VARCHAR(200)
);
CREATE INDEX stripe_events_due ON stripe_events (next_attempt_at) WHERE processed_at IS NULL;

-- Order-independence: the created time of the newest payment event applied to a subscription; an older one
-- arriving late never overwrites it.
ALTER TABLE subscriptions ADD COLUMN payment_state_at TIMESTAMPTZ;

CREATE TABLE disputes (
    id          VARCHAR(255) PRIMARY KEY,
    org_id      VARCHAR(64)  NOT NULL REFERENCES billing_accounts (org_id),
    status      VARCHAR(40)  NOT NULL,
    open        BOOLEAN      NOT NULL,
    amount      BIGINT,
    currency    CHAR(3),
    reason      VARCHAR(100),
    opened_at   TIMESTAMPTZ  NOT NULL,
    closed_at   TIMESTAMPTZ,
    state_at    TIMESTAMPTZ  NOT NULL
);
CREATE INDEX disputes_open ON disputes (org_id) WHERE open;
