-- Prepaid credits a period close has set aside before its invoice is final. A close reserves (up to what the
-- invoice could use), then finalises the invoice, whose drawdown consumes the reservation. The balance every
-- reader sees counts held reservations, so a second close never spends credits an earlier invoice already
-- applied while that invoice's drawdown is still on its way (contract-service down, outbox backing off).
-- One reservation per organisation and reference (invoice-service names the account-period).
CREATE TABLE credit_reservations (
    id            UUID           PRIMARY KEY,
    contract_id   UUID           NOT NULL REFERENCES contracts (id),
    org_id        VARCHAR(64)    NOT NULL,
    reference     VARCHAR(128)   NOT NULL,
    currency      CHAR(3)        NOT NULL,
    amount        NUMERIC(24,12) NOT NULL CHECK (amount >= 0),
    status        VARCHAR(16)    NOT NULL,
    invoice_id    VARCHAR(128),
    created_at    TIMESTAMPTZ    NOT NULL,
    updated_at    TIMESTAMPTZ    NOT NULL,
    CONSTRAINT credit_reservations_once UNIQUE (org_id, reference),
    CONSTRAINT credit_reservations_status CHECK (status IN ('held', 'consumed', 'released')),
    CONSTRAINT credit_reservations_consumed CHECK ((status = 'consumed') = (invoice_id IS NOT NULL))
);
CREATE INDEX credit_reservations_held ON credit_reservations (contract_id) WHERE status = 'held';

-- Credits given back to the balance by a credit note on an invoice they paid; once per credit note, and never
-- more over all credit notes of an invoice than that invoice's drawdown applied.
CREATE TABLE credit_returns (
    id              UUID           PRIMARY KEY,
    contract_id     UUID           NOT NULL REFERENCES contracts (id),
    org_id          VARCHAR(64)    NOT NULL,
    credit_note_id  VARCHAR(128)   NOT NULL,
    invoice_id      VARCHAR(128)   NOT NULL,
    currency        CHAR(3)        NOT NULL,
    amount          NUMERIC(24,12) NOT NULL CHECK (amount > 0),
    recorded_at     TIMESTAMPTZ    NOT NULL,
    recorded_by     VARCHAR(255)   NOT NULL,
    CONSTRAINT credit_returns_once UNIQUE (org_id, credit_note_id)
);
CREATE INDEX credit_returns_by_contract ON credit_returns (contract_id);

ALTER TABLE drawdowns ADD COLUMN reservation VARCHAR(128);
