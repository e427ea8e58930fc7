-- Billing events this service publishes into subscription-service's one delivery system (docs/webhooks.md): written
-- in the transaction of the fact they announce (a rolled-back change announces nothing) and sent later, so an outage
-- of subscription-service loses nothing. The key is the event's stable id, derived from the fact (the contract's
-- transition; the contract's term for the renewal reminder): a retry or the next run of the job records no second
-- event. The same table as invoice-service's V18.
CREATE TABLE billing_event_outbox (
    event_id         VARCHAR(64)   PRIMARY KEY,
    -- the order events are recorded in: sent in that order per organisation (created before updated before ended)
    seq              BIGINT        GENERATED ALWAYS AS IDENTITY,
    org_id           VARCHAR(64)   NOT NULL,
    type             VARCHAR(64)   NOT NULL,
    occurred_at      TIMESTAMPTZ   NOT NULL,
    payload          TEXT          NOT NULL,
    status           VARCHAR(16)   NOT NULL,
    attempts         INTEGER       NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMPTZ   NOT NULL,
    give_up_at       TIMESTAMPTZ   NOT NULL,
    last_error       VARCHAR(1000),
    created_at       TIMESTAMPTZ   NOT NULL,
    delivered_at     TIMESTAMPTZ,
    CONSTRAINT billing_event_outbox_status CHECK (status IN ('pending', 'delivered', 'failed'))
);
CREATE INDEX billing_event_outbox_due ON billing_event_outbox (next_attempt_at, seq) WHERE status = 'pending';
CREATE INDEX billing_event_outbox_org_pending ON billing_event_outbox (org_id, seq) WHERE status = 'pending';
