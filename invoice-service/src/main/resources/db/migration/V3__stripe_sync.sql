-- The Stripe customer the invoice is billed to, as it was at finalisation (the push happens later).
ALTER TABLE invoices ADD COLUMN stripe_customer_id VARCHAR(255);

-- Stripe webhook events already applied: a redelivered event changes nothing.
CREATE TABLE stripe_events (
    event_id     VARCHAR(255) PRIMARY KEY,
    type         VARCHAR(128) NOT NULL,
    invoice_id   UUID,
    received_at  TIMESTAMPTZ  NOT NULL,
    outcome      VARCHAR(64)  NOT NULL
);

-- A credit-note line names the original line it refunds, so a line is never credited beyond its amount.
ALTER TABLE invoice_lines ADD COLUMN credits_position INTEGER;
