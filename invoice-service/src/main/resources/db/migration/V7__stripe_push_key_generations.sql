-- Bumped whenever Stripe answered a push attempt with an error: Stripe keeps that answer under the idempotency key
-- for 24 hours (a 500 included), so the next attempt reads what exists on Stripe and writes under fresh keys.
ALTER TABLE invoices ADD COLUMN stripe_key_generation INTEGER NOT NULL DEFAULT 0;

-- The Stripe invoice item of each line, stored the moment Stripe returns it (invoice_lines are frozen once the
-- invoice is finalised, hence a table of its own), so a retried push adds only the items still missing.
CREATE TABLE stripe_invoice_items (
    invoice_id      UUID          NOT NULL REFERENCES invoices (id),
    position        INTEGER       NOT NULL,
    stripe_item_id  VARCHAR(255)  NOT NULL,
    PRIMARY KEY (invoice_id, position)
);
