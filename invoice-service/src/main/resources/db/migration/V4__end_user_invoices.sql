-- Invoices an organisation sends to its own end users, from usage-service's per-user revenue. One per
-- (organisation, end user, period); a rerun of the same period adds only what is missing.
CREATE TABLE end_user_invoices (
    id                       UUID           PRIMARY KEY,
    org_id                   VARCHAR(64)    NOT NULL,
    end_user_id              VARCHAR(255)   NOT NULL,
    period_start             TIMESTAMPTZ    NOT NULL,
    period_end               TIMESTAMPTZ    NOT NULL,
    currency                 CHAR(3)        NOT NULL,
    total_tokens             BIGINT         NOT NULL,
    requests                 BIGINT         NOT NULL,
    revenue_unrounded        NUMERIC(30,12) NOT NULL,
    amount                   NUMERIC(24,4)  NOT NULL,
    application_fee_percent  NUMERIC(7,4)   NOT NULL,
    application_fee          NUMERIC(24,4)  NOT NULL,
    delivery                 VARCHAR(16)    NOT NULL,
    connected_account_id     VARCHAR(255),
    status                   VARCHAR(16)    NOT NULL,
    created_at               TIMESTAMPTZ    NOT NULL,
    CONSTRAINT end_user_invoices_once UNIQUE (org_id, end_user_id, period_start, period_end),
    CONSTRAINT end_user_invoices_delivery CHECK (delivery IN ('export', 'stripe_connect')),
    CONSTRAINT end_user_invoices_half_open CHECK (period_start < period_end)
);
CREATE INDEX end_user_invoices_order ON end_user_invoices (org_id, period_start DESC, end_user_id);
