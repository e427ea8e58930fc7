-- A billing run closes every account whose period ended by as_of. One run per as-of instant: a second
-- trigger for the same instant finds the first run instead of starting another.
CREATE TABLE billing_runs (
    id            UUID         PRIMARY KEY,
    as_of         TIMESTAMPTZ  NOT NULL UNIQUE,
    status        VARCHAR(32)  NOT NULL,
    requested_by  VARCHAR(255) NOT NULL,
    created_at    TIMESTAMPTZ  NOT NULL,
    planned_at    TIMESTAMPTZ,
    finished_at   TIMESTAMPTZ,
    last_error    VARCHAR(1000),
    CONSTRAINT billing_runs_status CHECK (status IN ('planning', 'running', 'completed', 'completed_with_failures'))
);

-- One work item per account in a run. Workers claim items with FOR UPDATE SKIP LOCKED, so two workers (or two
-- replicas) never process the same account at once; a worker killed mid-item leaves it pending (its
-- transaction rolls back) and the next worker takes it.
CREATE TABLE billing_run_items (
    id               UUID          PRIMARY KEY,
    run_id           UUID          NOT NULL REFERENCES billing_runs (id),
    org_id           VARCHAR(64)   NOT NULL,
    status           VARCHAR(16)   NOT NULL,
    attempts         INTEGER       NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMPTZ   NOT NULL,
    last_error       VARCHAR(1000),
    invoice_id       UUID,
    outcome          VARCHAR(32),
    updated_at       TIMESTAMPTZ   NOT NULL,
    CONSTRAINT billing_run_items_once UNIQUE (run_id, org_id),
    CONSTRAINT billing_run_items_status CHECK (status IN ('pending', 'done', 'failed', 'abandoned'))
);
CREATE INDEX billing_run_items_claim ON billing_run_items (run_id, status, next_attempt_at);

-- What an invoice drew from a contract, so the window's last invoice can true up without asking anyone.
ALTER TABLE invoices ADD COLUMN contract_id VARCHAR(64);
ALTER TABLE invoices ADD COLUMN commitment_drawdown NUMERIC(24,4) NOT NULL DEFAULT 0;
ALTER TABLE invoices ADD COLUMN credits_applied NUMERIC(24,4) NOT NULL DEFAULT 0;

-- Usage recorded before this instant has been invoiced for the period; later usage is "late".
ALTER TABLE billing_periods ADD COLUMN usage_recorded_before TIMESTAMPTZ;

-- Gapless numbering: one counter row per series, locked by the finalising transaction. A rolled-back
-- finalisation rolls the counter back too, so no number is ever skipped.
CREATE TABLE invoice_number_counters (
    series      VARCHAR(32) PRIMARY KEY,
    last_value  BIGINT      NOT NULL
);

-- Side effects of a committed invoice (Stripe push, contract drawdown), written in the same transaction and
-- delivered later with a deterministic idempotency key: nothing lost if a neighbour or Stripe is down.
CREATE TABLE outbox (
    id               UUID          PRIMARY KEY,
    kind             VARCHAR(32)   NOT NULL,
    invoice_id       UUID          NOT NULL REFERENCES invoices (id),
    idempotency_key  VARCHAR(255)  NOT NULL UNIQUE,
    status           VARCHAR(16)   NOT NULL,
    attempts         INTEGER       NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMPTZ   NOT NULL,
    last_error       VARCHAR(1000),
    created_at       TIMESTAMPTZ   NOT NULL,
    delivered_at     TIMESTAMPTZ,
    CONSTRAINT outbox_status CHECK (status IN ('pending', 'delivered', 'failed'))
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
