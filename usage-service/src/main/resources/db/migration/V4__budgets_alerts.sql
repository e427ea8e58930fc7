-- Budgets: a cost, revenue or token limit per billing period (calendar month, UTC, like the monthly quota window)
-- for one environment of an organisation: the whole organisation, one end user, or each end user on its own.
CREATE TABLE budgets (
    id           uuid PRIMARY KEY,
    org_id       text NOT NULL,
    slug         text NOT NULL,
    name         text NOT NULL,
    environment  text NOT NULL CHECK (environment IN ('test', 'live')),
    scope        text NOT NULL CHECK (scope IN ('organisation', 'end_user', 'each_end_user')),
    end_user_id  text,
    metric       text NOT NULL CHECK (metric IN ('cost', 'revenue', 'tokens')),
    amount       numeric(30, 12) CHECK (amount > 0),
    currency     char(3),
    token_limit  bigint CHECK (token_limit > 0),
    thresholds   integer[] NOT NULL,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    CONSTRAINT budgets_slug UNIQUE (org_id, slug),
    CONSTRAINT budgets_end_user CHECK ((scope = 'end_user') = (end_user_id IS NOT NULL)),
    CONSTRAINT budgets_limit CHECK (
        (metric = 'tokens' AND token_limit IS NOT NULL AND amount IS NULL AND currency IS NULL)
        OR (metric <> 'tokens' AND amount IS NOT NULL AND currency IS NOT NULL AND token_limit IS NULL))
);

-- One row per threshold reached, per budget, period and end user ('' = the budget's whole scope). The unique key
-- is what makes an alert fire exactly once, whichever replica's evaluator gets there first (ON CONFLICT DO NOTHING).
-- No foreign key to budgets: the history of alerts outlives a deleted budget.
CREATE TABLE budget_alerts (
    id            uuid PRIMARY KEY,
    budget_id     uuid NOT NULL,
    org_id        text NOT NULL,
    environment   text NOT NULL,
    budget_slug   text NOT NULL,
    end_user_id   text NOT NULL,
    metric        text NOT NULL,
    threshold     integer NOT NULL,
    period_start  timestamptz NOT NULL,
    period_end    timestamptz NOT NULL,
    limit_value   numeric(30, 12) NOT NULL,
    observed      numeric(30, 12) NOT NULL,
    currency      char(3),
    fired_at      timestamptz NOT NULL,
    CONSTRAINT budget_alerts_once UNIQUE (budget_id, period_start, threshold, end_user_id)
);
CREATE INDEX budget_alerts_org ON budget_alerts (org_id, fired_at DESC, id DESC);

-- Where an organisation wants its alerts: each endpoint has its own signing secret (HMAC key). The secret is
-- needed in clear to sign, so it is stored; the API shows it once, at creation.
CREATE TABLE webhook_endpoints (
    id           uuid PRIMARY KEY,
    org_id       text NOT NULL,
    url          text NOT NULL,
    description  text,
    secret       text NOT NULL,
    created_at   timestamptz NOT NULL
);
CREATE INDEX webhook_endpoints_org ON webhook_endpoints (org_id);

-- Outbox of signed deliveries, written in the transaction that records the alert, sent at least once. The event
-- id is stable across retries (receivers de-duplicate on it); one row per (event, endpoint).
CREATE TABLE webhook_deliveries (
    id               uuid PRIMARY KEY,
    event_id         text NOT NULL,
    event_type       text NOT NULL,
    org_id           text NOT NULL,
    endpoint_id      uuid NOT NULL,
    payload          text NOT NULL,
    status           text NOT NULL CHECK (status IN ('pending', 'delivered', 'failed', 'canceled')),
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL,
    last_error       text,
    created_at       timestamptz NOT NULL,
    delivered_at     timestamptz,
    CONSTRAINT webhook_deliveries_once UNIQUE (event_id, endpoint_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';

-- Optional HMAC signing of usage events, per client credential (the token's azp / client id) of an organisation.
-- The key is needed in clear to verify, so it is stored; the API shows it once. Two per client allow rotation.
CREATE TABLE client_signing_secrets (
    id          uuid PRIMARY KEY,
    org_id      text NOT NULL,
    client_id   text NOT NULL,
    secret      text NOT NULL,
    hint        text NOT NULL,
    created_at  timestamptz NOT NULL,
    created_by  text NOT NULL
);
CREATE INDEX client_signing_secrets_client ON client_signing_secrets (org_id, client_id);
