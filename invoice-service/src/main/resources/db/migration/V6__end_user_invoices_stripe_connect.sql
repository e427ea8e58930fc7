-- Stripe Connect delivery of end-user invoices. A stripe_connect invoice is pushed to the organisation's connected
-- account through the outbox: pending_delivery -> sent, or delivery_failed when the outbox gives up.
ALTER TABLE end_user_invoices ADD COLUMN days_until_due INTEGER;
ALTER TABLE end_user_invoices ADD COLUMN stripe_customer_id VARCHAR(255);
ALTER TABLE end_user_invoices ADD COLUMN stripe_invoice_id VARCHAR(255);
ALTER TABLE end_user_invoices ADD COLUMN stripe_invoice_item_id VARCHAR(255);
ALTER TABLE end_user_invoices ADD COLUMN hosted_invoice_url VARCHAR(2048);
-- Bumped whenever Stripe answered an attempt with an error: Stripe keeps that answer under the idempotency key
-- (a 500 included), so the next attempt reads what exists on the account and writes under fresh keys.
ALTER TABLE end_user_invoices ADD COLUMN stripe_key_generation INTEGER NOT NULL DEFAULT 0;
ALTER TABLE end_user_invoices ADD COLUMN delivery_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE end_user_invoices ADD COLUMN last_delivery_error VARCHAR(1000);
ALTER TABLE end_user_invoices ADD COLUMN sent_at TIMESTAMPTZ;
ALTER TABLE end_user_invoices ADD CONSTRAINT end_user_invoices_status
    CHECK (status IN ('open', 'pending_delivery', 'sent', 'delivery_failed'));
ALTER TABLE end_user_invoices ADD CONSTRAINT end_user_invoices_connect_account
    CHECK (delivery <> 'stripe_connect' OR (connected_account_id IS NOT NULL AND days_until_due IS NOT NULL));
ALTER TABLE end_user_invoices ADD CONSTRAINT end_user_invoices_stripe_invoice_once UNIQUE (stripe_invoice_id);

-- The Stripe customer of an end user on an organisation's connected account: created once, then reused by
-- every later invoice of that end user on that account.
CREATE TABLE connect_customers (
    org_id                VARCHAR(64)   NOT NULL,
    connected_account_id  VARCHAR(255)  NOT NULL,
    end_user_id           VARCHAR(255)  NOT NULL,
    stripe_customer_id    VARCHAR(255)  NOT NULL,
    created_at            TIMESTAMPTZ   NOT NULL,
    PRIMARY KEY (org_id, connected_account_id, end_user_id)
);

-- The outbox also carries end-user invoices: each entry names exactly one invoice of either kind.
ALTER TABLE outbox ALTER COLUMN invoice_id DROP NOT NULL;
ALTER TABLE outbox ADD COLUMN end_user_invoice_id UUID REFERENCES end_user_invoices (id);
ALTER TABLE outbox ADD CONSTRAINT outbox_one_subject CHECK ((invoice_id IS NULL) <> (end_user_invoice_id IS NULL));
CREATE INDEX outbox_end_user_invoice ON outbox (end_user_invoice_id) WHERE end_user_invoice_id IS NOT NULL;
