-- Stripe meter reports, written before they are sent (outbox) so nothing is lost when Stripe is down, and keyed
-- by a deterministic identifier so nothing is doubled: the same window always yields the same identifier, and
-- Stripe de-duplicates on it (and on the idempotency key, which is the same string).
CREATE TABLE meter_outbox (
    id                  uuid PRIMARY KEY,
    org_id              text NOT NULL,
    stripe_customer_id  text NOT NULL,
    event_name          text NOT NULL,
    window_start        timestamptz NOT NULL,   -- by recorded_at, so a closed window never changes
    window_end          timestamptz NOT NULL,
    value               bigint NOT NULL,
    identifier          text NOT NULL UNIQUE,
    status              text NOT NULL CHECK (status IN ('pending', 'sent')),
    attempts            integer NOT NULL DEFAULT 0,
    next_attempt_at     timestamptz NOT NULL,
    last_error          text,
    created_at          timestamptz NOT NULL,
    sent_at             timestamptz
);
CREATE INDEX meter_outbox_due ON meter_outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX usage_events_recorded ON usage_events (org_id, environment, recorded_at);
