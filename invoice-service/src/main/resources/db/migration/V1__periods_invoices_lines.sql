-- A billing period of one organisation: half-open [period_start, period_end). Closing it produces the invoice.
CREATE TABLE billing_periods (
    id            UUID         PRIMARY KEY,
    org_id        VARCHAR(64)  NOT NULL,
    period_start  TIMESTAMPTZ  NOT NULL,
    period_end    TIMESTAMPTZ  NOT NULL,
    closed_at     TIMESTAMPTZ,
    invoice_id    UUID,
    CONSTRAINT billing_periods_half_open CHECK (period_start < period_end),
    CONSTRAINT billing_periods_once UNIQUE (org_id, period_start, period_end)
);

-- Invoices and credit notes. Amounts are in the invoice currency, already rounded to its minor unit
-- (lines are rounded once; subtotal and total are exact sums of the lines).
CREATE TABLE invoices (
    id                   UUID          PRIMARY KEY,
    org_id               VARCHAR(64)   NOT NULL,
    kind                 VARCHAR(16)   NOT NULL DEFAULT 'invoice',
    status               VARCHAR(16)   NOT NULL,
    series               VARCHAR(32)   NOT NULL,
    number               VARCHAR(64),
    period_start         TIMESTAMPTZ   NOT NULL,
    period_end           TIMESTAMPTZ   NOT NULL,
    currency             CHAR(3)       NOT NULL,
    subtotal             NUMERIC(24,4) NOT NULL,
    total                NUMERIC(24,4) NOT NULL,
    line_count           INTEGER       NOT NULL,
    corrects_invoice_id  UUID          REFERENCES invoices (id),
    stripe_invoice_id    VARCHAR(255),
    created_at           TIMESTAMPTZ   NOT NULL,
    issued_at            TIMESTAMPTZ,
    finalised_at         TIMESTAMPTZ,
    status_changed_at    TIMESTAMPTZ   NOT NULL,
    version              BIGINT        NOT NULL DEFAULT 0,
    CONSTRAINT invoices_kind CHECK (kind IN ('invoice', 'credit_note')),
    CONSTRAINT invoices_status CHECK (status IN ('draft', 'open', 'paid', 'void', 'uncollectible')),
    CONSTRAINT invoices_half_open CHECK (period_start < period_end),
    -- a number exists exactly when the invoice left draft
    CONSTRAINT invoices_numbered CHECK ((status = 'draft') = (number IS NULL)),
    CONSTRAINT invoices_number_unique UNIQUE (series, number),
    CONSTRAINT invoices_credit_note_corrects CHECK ((kind = 'credit_note') = (corrects_invoice_id IS NOT NULL))
);

-- One invoice per account and period, whatever crashes or reruns happen. Credit notes correct an invoice
-- of the same period, so they are outside this rule.
CREATE UNIQUE INDEX invoices_one_per_period ON invoices (org_id, period_start, period_end) WHERE kind = 'invoice';

-- The list endpoint's keyset order.
CREATE INDEX invoices_org_order ON invoices (org_id, period_start DESC, id DESC);

CREATE TABLE invoice_lines (
    id            UUID           PRIMARY KEY,
    invoice_id    UUID           NOT NULL REFERENCES invoices (id),
    position      INTEGER        NOT NULL,
    type          VARCHAR(32)    NOT NULL,
    description   VARCHAR(500)   NOT NULL,
    meter         VARCHAR(64),
    model         VARCHAR(128),
    quantity      NUMERIC(30,12) NOT NULL,
    unit_amount   NUMERIC(30,12),
    amount        NUMERIC(24,4)  NOT NULL,
    period_start  TIMESTAMPTZ    NOT NULL,
    period_end    TIMESTAMPTZ    NOT NULL,
    CONSTRAINT invoice_lines_position UNIQUE (invoice_id, position)
);
