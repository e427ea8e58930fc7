-- What a credit note gave back to the prepaid credit balance (through contract-service) instead of refunding
-- money: a credit note's total is the money refunded, and over all credit notes of an invoice money refunded stays
-- within its total and credits returned within the credits it applied.
ALTER TABLE invoices ADD COLUMN credits_returned NUMERIC(24,4) NOT NULL DEFAULT 0;
ALTER TABLE invoices ADD CONSTRAINT invoices_credits_returned CHECK (credits_returned >= 0);

-- credits_returned is frozen like every other amount once the credit note is finalised
CREATE OR REPLACE FUNCTION invoices_frozen() RETURNS trigger AS $$
BEGIN
    IF OLD.status <> 'draft' AND (
           NEW.number IS DISTINCT FROM OLD.number OR NEW.series <> OLD.series OR NEW.kind <> OLD.kind
        OR NEW.org_id <> OLD.org_id OR NEW.period_start <> OLD.period_start OR NEW.period_end <> OLD.period_end
        OR NEW.currency <> OLD.currency OR NEW.subtotal <> OLD.subtotal OR NEW.total <> OLD.total
        OR NEW.line_count <> OLD.line_count OR NEW.commitment_drawdown <> OLD.commitment_drawdown
        OR NEW.credits_applied <> OLD.credits_applied OR NEW.credits_returned <> OLD.credits_returned
        OR NEW.status = 'draft') THEN
        RAISE EXCEPTION 'invoice % is finalised and cannot change (issue a credit note)', OLD.id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
