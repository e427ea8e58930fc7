-- Issue 13, remaining money flows.
--
-- 1. A credit note that credits usage gives the commitment back what that usage consumed (sent to
--    contract-service with the note's credit return); the commitment drawn by a window's invoices, and with it the
--    true-up, is net of it.
ALTER TABLE invoices ADD COLUMN commitment_returned NUMERIC(24,4) NOT NULL DEFAULT 0;
ALTER TABLE invoices ADD CONSTRAINT invoices_commitment_returned CHECK (commitment_returned >= 0);

-- commitment_returned is frozen like every other amount once the credit note is finalised
CREATE OR REPLACE FUNCTION invoices_frozen() RETURNS trigger AS $$
BEGIN
    IF OLD.status <> 'draft' AND (
           NEW.number IS DISTINCT FROM OLD.number OR NEW.series <> OLD.series OR NEW.kind <> OLD.kind
        OR NEW.org_id <> OLD.org_id OR NEW.period_start <> OLD.period_start OR NEW.period_end <> OLD.period_end
        OR NEW.currency <> OLD.currency OR NEW.subtotal <> OLD.subtotal OR NEW.total <> OLD.total
        OR NEW.line_count <> OLD.line_count OR NEW.commitment_drawdown <> OLD.commitment_drawdown
        OR NEW.credits_applied <> OLD.credits_applied OR NEW.credits_returned <> OLD.credits_returned
        OR NEW.commitment_returned <> OLD.commitment_returned
        OR NEW.status = 'draft') THEN
        RAISE EXCEPTION 'invoice % is finalised and cannot change (issue a credit note)', OLD.id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

-- 2. A timeline correction recomputes the whole effect of the late change on the invoice: the base fee it no
--    longer owes (base_fee_reduction) and the minimum top-up that reduction raises in every settled minimum-spend
--    window (timeline_correction_top_ups). It credits the net difference (amount = base_fee_reduction − top-ups),
--    which can be zero (the top-up absorbs the whole reduction: no credit note, the row still records it).
ALTER TABLE timeline_corrections ADD COLUMN base_fee_reduction NUMERIC(24,4);
UPDATE timeline_corrections SET base_fee_reduction = amount;
ALTER TABLE timeline_corrections ALTER COLUMN base_fee_reduction SET NOT NULL;
ALTER TABLE timeline_corrections ALTER COLUMN credit_note_id DROP NOT NULL;
ALTER TABLE timeline_corrections DROP CONSTRAINT timeline_corrections_amount_check;
ALTER TABLE timeline_corrections ADD CONSTRAINT timeline_corrections_amounts
    CHECK (amount >= 0 AND base_fee_reduction > 0 AND amount <= base_fee_reduction);
ALTER TABLE timeline_corrections ADD CONSTRAINT timeline_corrections_note
    CHECK ((credit_note_id IS NULL) = (amount = 0));

-- the minimum top-up a correction added to a settled window instead of crediting it (billing-rules 12a)
CREATE TABLE timeline_correction_top_ups (
    correction_id   UUID          NOT NULL REFERENCES timeline_corrections (id),
    minimum_period  VARCHAR(16)   NOT NULL,
    window_start    TIMESTAMPTZ   NOT NULL,
    window_end      TIMESTAMPTZ   NOT NULL,
    amount          NUMERIC(24,4) NOT NULL CHECK (amount > 0),
    PRIMARY KEY (correction_id, minimum_period)
);
