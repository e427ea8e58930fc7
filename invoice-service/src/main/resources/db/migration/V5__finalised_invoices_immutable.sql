-- Invariant: a finalised invoice never changes. Only its status (and the Stripe id it got) may move on; its
-- number, period, currency, amounts and lines are frozen by the database itself, whatever the code does.
CREATE FUNCTION invoices_frozen() RETURNS trigger AS $$
BEGIN
    IF OLD.status <> 'draft' AND (
           NEW.number IS DISTINCT FROM OLD.number OR NEW.series <> OLD.series OR NEW.kind <> OLD.kind
        OR NEW.org_id <> OLD.org_id OR NEW.period_start <> OLD.period_start OR NEW.period_end <> OLD.period_end
        OR NEW.currency <> OLD.currency OR NEW.subtotal <> OLD.subtotal OR NEW.total <> OLD.total
        OR NEW.line_count <> OLD.line_count OR NEW.commitment_drawdown <> OLD.commitment_drawdown
        OR NEW.credits_applied <> OLD.credits_applied OR NEW.status = 'draft') THEN
        RAISE EXCEPTION 'invoice % is finalised and cannot change (issue a credit note)', OLD.id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER invoices_frozen BEFORE UPDATE ON invoices FOR EACH ROW EXECUTE FUNCTION invoices_frozen();

CREATE FUNCTION invoice_lines_frozen() RETURNS trigger AS $$
DECLARE
    parent_status VARCHAR(16);
BEGIN
    SELECT status INTO parent_status FROM invoices WHERE id = COALESCE(NEW.invoice_id, OLD.invoice_id);
    IF parent_status IS NOT NULL AND parent_status <> 'draft' THEN
        RAISE EXCEPTION 'lines of finalised invoice % cannot change', COALESCE(NEW.invoice_id, OLD.invoice_id)
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN COALESCE(NEW, OLD);
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER invoice_lines_frozen BEFORE INSERT OR UPDATE OR DELETE ON invoice_lines
    FOR EACH ROW EXECUTE FUNCTION invoice_lines_frozen();
