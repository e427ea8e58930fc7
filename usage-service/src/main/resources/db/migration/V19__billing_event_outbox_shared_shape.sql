-- usage-service's billing events move onto common's OrderedEventOutbox, the outbox invoice-service and
-- contract-service already share: the same table shape (event_id, seq, payload, give_up_at, delivered_at) and the
-- same states (pending, delivered, failed). Rows already queued stay deliverable: pending rows keep their due time
-- and attempts; published rows become delivered, refused rows failed (the alert API still says published/refused).
ALTER TABLE billing_event_outbox RENAME COLUMN id TO event_id;
ALTER TABLE billing_event_outbox RENAME COLUMN data TO payload;
ALTER TABLE billing_event_outbox RENAME COLUMN published_at TO delivered_at;
ALTER TABLE billing_event_outbox DROP CONSTRAINT billing_event_outbox_status_check;
UPDATE billing_event_outbox SET status = CASE status WHEN 'published' THEN 'delivered' WHEN 'refused' THEN 'failed'
    ELSE status END;
ALTER TABLE billing_event_outbox ADD CONSTRAINT billing_event_outbox_status
    CHECK (status IN ('pending', 'delivered', 'failed'));
-- usage-service never gives an event up on an outage (a budget alert is worth sending late): no give-up time
ALTER TABLE billing_event_outbox ADD COLUMN give_up_at timestamptz;

-- the order events were queued in, for the per-organisation order; existing rows are numbered in that order first
ALTER TABLE billing_event_outbox ADD COLUMN seq bigint;
UPDATE billing_event_outbox o SET seq = n.seq
FROM (SELECT event_id, row_number() OVER (ORDER BY created_at, event_id) AS seq FROM billing_event_outbox) n
WHERE o.event_id = n.event_id;
ALTER TABLE billing_event_outbox ALTER COLUMN seq SET NOT NULL;
ALTER TABLE billing_event_outbox ALTER COLUMN seq ADD GENERATED ALWAYS AS IDENTITY;
SELECT setval(pg_get_serial_sequence('billing_event_outbox', 'seq'),
              (SELECT coalesce(max(seq), 0) + 1 FROM billing_event_outbox), false);

DROP INDEX billing_event_outbox_due;
CREATE INDEX billing_event_outbox_due ON billing_event_outbox (next_attempt_at, seq) WHERE status = 'pending';
CREATE INDEX billing_event_outbox_org_pending ON billing_event_outbox (org_id, seq) WHERE status = 'pending';
