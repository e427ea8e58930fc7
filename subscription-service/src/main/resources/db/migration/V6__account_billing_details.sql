-- Who invoices are addressed to: the legal entity, its postal address and tax id, as a finance team files them.
-- All optional: an account without them is billed to its display name.
ALTER TABLE billing_accounts
    ADD COLUMN legal_name     VARCHAR(200),
    ADD COLUMN address_line1  VARCHAR(200),
    ADD COLUMN address_line2  VARCHAR(200),
    ADD COLUMN city           VARCHAR(100),
    ADD COLUMN postal_code    VARCHAR(32),
    ADD COLUMN region         VARCHAR(100),
    ADD COLUMN country        CHAR(2),
    ADD COLUMN tax_id         VARCHAR(64);
