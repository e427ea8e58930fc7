-- Issue 13 points 8/9 follow-up: a late timeline change that makes a settled period cost MORE (a late upgrade, a
-- late reactivation) is charged by a supplementary invoice (billing-rules "Invoices" rule 12a), the mirror of the
-- correcting credit note.
--
-- 1. A supplementary invoice is its own kind, numbered in the invoice series (INV, the same gapless sequence), and
--    names the invoice it supplements like a credit note names the one it corrects. The one-invoice-per-period
--    index stays on kind = 'invoice' only, so the period's own invoice remains unique.
ALTER TABLE invoices DROP CONSTRAINT invoices_kind;
ALTER TABLE invoices ADD CONSTRAINT invoices_kind CHECK (kind IN ('invoice', 'credit_note', 'supplementary'));
ALTER TABLE invoices DROP CONSTRAINT invoices_credit_note_corrects;
ALTER TABLE invoices ADD CONSTRAINT invoices_credit_note_corrects
    CHECK ((kind IN ('credit_note', 'supplementary')) = (corrects_invoice_id IS NOT NULL));
ALTER TABLE invoices ADD CONSTRAINT invoices_supplementary_series CHECK (kind <> 'supplementary' OR series = 'INV');

-- 2. A timeline correction is signed: base_fee_reduction < 0 is an increase. An increase credits nothing
--    (amount = 0); it debits the increase net of the minimum top-ups it lowers (debited, on the supplementary
--    invoice; 0 when the lowered top-ups absorb it all: no invoice, the row still records the correction).
ALTER TABLE timeline_corrections ADD COLUMN debited NUMERIC(24,4) NOT NULL DEFAULT 0;
ALTER TABLE timeline_corrections ADD COLUMN supplementary_invoice_id UUID UNIQUE REFERENCES invoices (id);
-- the correction's identity: the invoice and the late timeline events that caused it (sha-256 of their ids). One
-- increase per (invoice, events): a rerun or a replay of the same late events never issues a second invoice.
ALTER TABLE timeline_corrections ADD COLUMN events_key VARCHAR(64);
CREATE UNIQUE INDEX timeline_corrections_one_increase ON timeline_corrections (invoice_id, events_key)
    WHERE base_fee_reduction < 0;
ALTER TABLE timeline_corrections DROP CONSTRAINT timeline_corrections_amounts;
ALTER TABLE timeline_corrections ADD CONSTRAINT timeline_corrections_amounts CHECK (
    (base_fee_reduction > 0 AND amount >= 0 AND amount <= base_fee_reduction AND debited = 0)
    OR (base_fee_reduction < 0 AND amount = 0 AND debited >= 0 AND debited <= -base_fee_reduction
        AND events_key IS NOT NULL));
ALTER TABLE timeline_corrections ADD CONSTRAINT timeline_corrections_supplementary
    CHECK ((supplementary_invoice_id IS NULL) = (debited = 0));

-- 3. What an increase takes off a settled window's top-up is a negative row: the window's top-up net of every
--    correction is then one sum, and the longer windows count the shorter ones' net top-ups as before.
ALTER TABLE timeline_correction_top_ups DROP CONSTRAINT timeline_correction_top_ups_amount_check;
ALTER TABLE timeline_correction_top_ups ADD CONSTRAINT timeline_correction_top_ups_amount CHECK (amount <> 0);
