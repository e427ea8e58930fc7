-- The drawdown ledger: consumption invoice-service attributes to a contract, one row per invoice.
CREATE TABLE drawdowns (
    id                UUID           PRIMARY KEY,
    contract_id       UUID           NOT NULL REFERENCES contracts (id),
    org_id            VARCHAR(64)    NOT NULL,
    invoice_id        VARCHAR(128)   NOT NULL,
    period_start      TIMESTAMPTZ    NOT NULL,
    period_end        TIMESTAMPTZ    NOT NULL,
    -- which commitment window the consumption counts toward (by the period's start, clipped to the term)
    window_start      TIMESTAMPTZ    NOT NULL,
    currency          CHAR(3)        NOT NULL,
    amount            NUMERIC(24,12) NOT NULL CHECK (amount >= 0),
    credits_applied   NUMERIC(24,12) NOT NULL CHECK (credits_applied >= 0),
    recorded_at       TIMESTAMPTZ    NOT NULL,
    recorded_by       VARCHAR(255)   NOT NULL,
    CONSTRAINT drawdowns_period_ordered CHECK (period_start < period_end),
    CONSTRAINT drawdowns_credits_within_amount CHECK (credits_applied <= amount),
    -- idempotency per invoice: a replay, even a concurrent one, can never record twice
    CONSTRAINT drawdowns_one_per_invoice UNIQUE (org_id, invoice_id)
);
CREATE INDEX drawdowns_by_contract ON drawdowns (contract_id, window_start);

-- One true-up per commitment window, computed once.
CREATE TABLE true_ups (
    id             UUID           PRIMARY KEY,
    contract_id    UUID           NOT NULL REFERENCES contracts (id),
    org_id         VARCHAR(64)    NOT NULL,
    window_start   TIMESTAMPTZ    NOT NULL,
    window_end     TIMESTAMPTZ    NOT NULL,
    currency       CHAR(3)        NOT NULL,
    committed      NUMERIC(24,12) NOT NULL,
    consumed       NUMERIC(24,12) NOT NULL,
    -- rounded once to the currency's minor unit: this is the amount to bill
    shortfall      NUMERIC(24,12) NOT NULL CHECK (shortfall >= 0),
    computed_at    TIMESTAMPTZ    NOT NULL,
    computed_by    VARCHAR(255)   NOT NULL,
    CONSTRAINT true_ups_once_per_window UNIQUE (contract_id, window_start)
);
