-- The bill-to party as it was when the invoice was issued: the document of an issued invoice shows this, so a later
-- edit of the account's billing details changes only later invoices. bill_to_recorded is false on invoices issued
-- before this migration (their document still reads the account's details at download time).
ALTER TABLE invoices ADD COLUMN bill_to_recorded BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE invoices ADD COLUMN bill_to_name VARCHAR(300);
-- the address as printed, one line each, separated by a line feed
ALTER TABLE invoices ADD COLUMN bill_to_address TEXT;
ALTER TABLE invoices ADD COLUMN bill_to_tax_id VARCHAR(100);

-- Invariant: once finalised, the snapshot is as frozen as the amounts (V5 freezes those).
CREATE FUNCTION invoices_bill_to_frozen() RETURNS trigger AS $$
BEGIN
    IF OLD.status <> 'draft' AND OLD.bill_to_recorded AND (
           NEW.bill_to_recorded IS DISTINCT FROM OLD.bill_to_recorded
        OR NEW.bill_to_name IS DISTINCT FROM OLD.bill_to_name
        OR NEW.bill_to_address IS DISTINCT FROM OLD.bill_to_address
        OR NEW.bill_to_tax_id IS DISTINCT FROM OLD.bill_to_tax_id) THEN
        RAISE EXCEPTION 'the bill-to of finalised invoice % cannot change', OLD.id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER invoices_bill_to_frozen BEFORE UPDATE ON invoices FOR EACH ROW
    EXECUTE FUNCTION invoices_bill_to_frozen();
