-- Budget alerts leave usage-service as usage.threshold_reached billing events, published to subscription-service's
-- one webhook delivery system (POST /v1/billing-events, docs/webhooks.md) instead of being sent to usage-service's own
-- webhook endpoints. This outbox holds each event until subscription-service has stored it; the id is the event id
-- (evt_ + the alert's id), so an alert is queued, and published, once.
CREATE TABLE billing_event_outbox (
    id               text PRIMARY KEY,
    org_id           text NOT NULL,
    type             text NOT NULL,
    occurred_at      timestamptz NOT NULL,
    data             text NOT NULL,
    status           text NOT NULL CHECK (status IN ('pending', 'published', 'refused')),
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL,
    last_error       text,
    created_at       timestamptz NOT NULL,
    published_at     timestamptz
);
CREATE INDEX billing_event_outbox_due ON billing_event_outbox (next_attempt_at) WHERE status = 'pending';

-- Alerts whose old webhook was still pending are not lost: they are published as billing events (one per alert,
-- whatever number of old endpoints it was queued for). Alerts delivered or given up before are not announced again.
INSERT INTO billing_event_outbox (id, org_id, type, occurred_at, data, status, attempts, next_attempt_at, created_at)
SELECT 'evt_' || replace(a.id::text, '-', ''), a.org_id, 'usage.threshold_reached', a.fired_at,
       jsonb_build_object(
           'orgId', a.org_id, 'environment', a.environment, 'alertId', a.id::text, 'budgetId', a.budget_id::text,
           'budget', a.budget_slug, 'endUserId', nullif(a.end_user_id, ''), 'metric', a.metric,
           'threshold', a.threshold,
           'limit', CASE a.metric WHEN 'tokens' THEN trunc(a.limit_value)::text ELSE a.limit_value::text END,
           'observed', CASE a.metric WHEN 'tokens' THEN trunc(a.observed)::text ELSE a.observed::text END,
           'currency', a.currency,
           'periodStart', to_char(a.period_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
           'periodEnd', to_char(a.period_end AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))::text,
       'pending', 0, now(), now()
FROM budget_alerts a
WHERE EXISTS (SELECT 1 FROM webhook_deliveries d
              WHERE d.event_id = 'evt_' || replace(a.id::text, '-', '') AND d.status = 'pending');

-- usage-service's webhook endpoint API is retired (its paths answer 410 webhook_endpoints_moved). Endpoints cannot be
-- moved to subscription-service's database from here (another database, and each organisation chooses its event
-- types there), so their URLs stay readable for operators, without the signing secrets that no longer sign anything.
DROP TABLE webhook_deliveries;
ALTER TABLE webhook_endpoints RENAME TO retired_webhook_endpoints;
ALTER TABLE retired_webhook_endpoints DROP COLUMN secret;
ALTER INDEX webhook_endpoints_org RENAME TO retired_webhook_endpoints_org;
