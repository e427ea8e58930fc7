-- The billed-through ledger: billing_periods now holds every ended period of an organisation, not only the
-- invoiced ones. An ended period is 'unbilled' until it is invoiced, or written off by an operator with a reason;
-- an unbilled period is never dropped: it keeps its attempts, last error and cause until one of those happens.
-- Existing rows are periods that were closed with an invoice.
ALTER TABLE billing_periods ADD COLUMN status VARCHAR(16) NOT NULL DEFAULT 'invoiced';
ALTER TABLE billing_periods ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE billing_periods ADD COLUMN cause VARCHAR(64);
ALTER TABLE billing_periods ADD COLUMN last_error VARCHAR(1000);
ALTER TABLE billing_periods ADD COLUMN first_seen_at TIMESTAMPTZ;
ALTER TABLE billing_periods ADD COLUMN last_attempt_at TIMESTAMPTZ;
-- null while unbilled: waits for an operator (a neighbour refused the close with a 4xx: retrying cannot help)
ALTER TABLE billing_periods ADD COLUMN next_attempt_at TIMESTAMPTZ;
-- the contract a close reserved prepaid credits at before it failed: a write-off releases that reservation
ALTER TABLE billing_periods ADD COLUMN credit_reservation_contract_id VARCHAR(64);
ALTER TABLE billing_periods ADD COLUMN written_off_at TIMESTAMPTZ;
ALTER TABLE billing_periods ADD COLUMN written_off_by VARCHAR(255);
ALTER TABLE billing_periods ADD COLUMN write_off_reason VARCHAR(500);

ALTER TABLE billing_periods ADD CONSTRAINT billing_periods_status
    CHECK (status IN ('unbilled', 'invoiced', 'written_off'));
ALTER TABLE billing_periods ADD CONSTRAINT billing_periods_written_off
    CHECK ((status = 'written_off') = (written_off_at IS NOT NULL AND written_off_by IS NOT NULL
        AND write_off_reason IS NOT NULL));
ALTER TABLE billing_periods ADD CONSTRAINT billing_periods_invoice
    CHECK (status <> 'unbilled' OR invoice_id IS NULL);

CREATE INDEX billing_periods_unbilled ON billing_periods (org_id, period_start) WHERE status = 'unbilled';

-- Invariant: an invoiced or written-off period is final. Only usage_recorded_before (late usage billed on a later
-- invoice) may still move; nothing turns it back into an unbilled period or rewrites its write-off.
CREATE FUNCTION billing_periods_final() RETURNS trigger AS $$
BEGIN
    IF OLD.status <> 'unbilled' AND (
           NEW.status <> OLD.status OR NEW.invoice_id IS DISTINCT FROM OLD.invoice_id
        OR NEW.period_start <> OLD.period_start OR NEW.period_end <> OLD.period_end OR NEW.org_id <> OLD.org_id
        OR NEW.written_off_at IS DISTINCT FROM OLD.written_off_at
        OR NEW.written_off_by IS DISTINCT FROM OLD.written_off_by
        OR NEW.write_off_reason IS DISTINCT FROM OLD.write_off_reason) THEN
        RAISE EXCEPTION 'billing period % is %, which is final', OLD.id, OLD.status
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER billing_periods_final BEFORE UPDATE ON billing_periods FOR EACH ROW
    EXECUTE FUNCTION billing_periods_final();

CREATE FUNCTION billing_periods_kept() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'billing period % cannot be deleted (write it off instead)', OLD.id
        USING ERRCODE = 'check_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER billing_periods_kept BEFORE DELETE ON billing_periods FOR EACH ROW
    EXECUTE FUNCTION billing_periods_kept();
