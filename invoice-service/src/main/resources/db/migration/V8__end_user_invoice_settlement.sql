-- An end-user invoice sent through Stripe Connect is settled on the connected account: Stripe's invoice.paid,
-- invoice.voided and invoice.marked_uncollectible events for it (Connect webhooks) move it on from 'sent'.
ALTER TABLE end_user_invoices DROP CONSTRAINT end_user_invoices_status;
ALTER TABLE end_user_invoices ADD CONSTRAINT end_user_invoices_status
    CHECK (status IN ('open', 'pending_delivery', 'sent', 'delivery_failed', 'paid', 'void', 'uncollectible'));
ALTER TABLE end_user_invoices ADD COLUMN settled_at TIMESTAMPTZ;

-- Which end-user invoice a recorded Stripe event was about (invoice_id names the organisation's own invoices).
ALTER TABLE stripe_events ADD COLUMN end_user_invoice_id UUID;
