-- Rate plans: what an end user may use, and how provider cost becomes revenue.
CREATE TABLE rate_plans (
    id                    uuid PRIMARY KEY,
    org_id                text NOT NULL,
    slug                  text NOT NULL,
    name                  text NOT NULL,
    is_default            boolean NOT NULL DEFAULT false,
    -- 'markup': revenue = cost * (1 + markup_percent/100) + fee_per_request
    -- 'margin': revenue = cost / (1 - target_margin_percent/100) + fee_per_request
    pricing               text NOT NULL CHECK (pricing IN ('markup', 'margin')),
    markup_percent        numeric(12, 6) NOT NULL DEFAULT 0 CHECK (markup_percent >= 0),
    target_margin_percent numeric(12, 6) NOT NULL DEFAULT 0 CHECK (target_margin_percent >= 0 AND target_margin_percent < 100),
    fee_per_request       numeric(30, 12) NOT NULL DEFAULT 0 CHECK (fee_per_request >= 0),
    daily_token_limit     bigint CHECK (daily_token_limit >= 0),
    monthly_token_limit   bigint CHECK (monthly_token_limit >= 0),
    daily_request_limit   bigint CHECK (daily_request_limit >= 0),
    monthly_cost_cap      numeric(30, 12) CHECK (monthly_cost_cap >= 0),
    burst_per_minute      integer CHECK (burst_per_minute >= 0),
    allowed_models        text[] NOT NULL DEFAULT '{}',
    enforcement           text NOT NULL CHECK (enforcement IN ('block', 'alert')),
    created_at            timestamptz NOT NULL,
    updated_at            timestamptz NOT NULL,
    CONSTRAINT rate_plans_slug UNIQUE (org_id, slug)
);
CREATE UNIQUE INDEX rate_plans_one_default ON rate_plans (org_id) WHERE is_default;

-- End users of an organisation's product, created on first sight.
CREATE TABLE end_users (
    org_id        text NOT NULL,
    end_user_id   text NOT NULL,
    rate_plan_id  uuid REFERENCES rate_plans (id),   -- null: the organisation's default plan
    blocked       boolean NOT NULL DEFAULT false,
    blocked_reason text,
    created_at    timestamptz NOT NULL,
    PRIMARY KEY (org_id, end_user_id)
);

-- Exactly-once: the primary key (org, environment, event id) is the idempotency key, claimed only by the
-- insert of the event itself (INSERT ... ON CONFLICT DO NOTHING RETURNING).
CREATE TABLE usage_events (
    org_id            text NOT NULL,
    environment       text NOT NULL CHECK (environment IN ('test', 'live')),
    event_id          text NOT NULL,
    end_user_id       text NOT NULL,
    model_requested   text NOT NULL,
    model_id          text,                 -- canonical id; null when unpriced because unknown
    provider          text,
    input_tokens      bigint NOT NULL,
    output_tokens     bigint NOT NULL,
    cached_tokens     bigint NOT NULL,
    tool_calls        integer NOT NULL,
    agent_session_id  text,
    units             jsonb,
    metadata          jsonb,
    occurred_at       timestamptz NOT NULL,
    recorded_at       timestamptz NOT NULL,
    price_version_id  uuid,                 -- the version that rated it (invariant 2)
    currency          char(3),
    cost              numeric(30, 12) NOT NULL,
    revenue           numeric(30, 12) NOT NULL,
    unpriced          boolean NOT NULL,
    reservation_id    uuid,
    PRIMARY KEY (org_id, environment, event_id)
);
CREATE INDEX usage_events_period ON usage_events (org_id, environment, occurred_at);

-- A session counts once per day, end user and model, so rollups and raw events agree.
CREATE TABLE agent_sessions (
    org_id text NOT NULL, environment text NOT NULL, day date NOT NULL, end_user_id text NOT NULL,
    model text NOT NULL, session_id text NOT NULL,
    PRIMARY KEY (org_id, environment, day, end_user_id, model, session_id)
);

-- Daily rollups, moved in the same transaction as the events.
CREATE TABLE usage_daily (
    org_id          text NOT NULL,
    environment     text NOT NULL,
    day             date NOT NULL,
    end_user_id     text NOT NULL,
    model           text NOT NULL,          -- canonical id, or the requested spelling when unpriced
    provider        text NOT NULL,
    input_tokens    bigint NOT NULL,
    output_tokens   bigint NOT NULL,
    cached_tokens   bigint NOT NULL,
    requests        bigint NOT NULL,
    agent_sessions  bigint NOT NULL,
    tool_calls      bigint NOT NULL,
    cost            numeric(30, 12) NOT NULL,
    revenue         numeric(30, 12) NOT NULL,
    unpriced_events bigint NOT NULL,
    PRIMARY KEY (org_id, environment, day, end_user_id, model)
);

-- Quota counters per end user and window ('day', 'month', 'minute'): used (from events) and reserved
-- (open reservations). Admission is one conditional UPDATE on these rows, so replicas cannot overrun.
CREATE TABLE quota_counters (
    org_id            text NOT NULL,
    environment       text NOT NULL,
    end_user_id       text NOT NULL,
    window_kind       text NOT NULL CHECK (window_kind IN ('day', 'month', 'minute')),
    window_start      timestamptz NOT NULL,
    used_tokens       bigint NOT NULL DEFAULT 0,
    used_requests     bigint NOT NULL DEFAULT 0,
    used_cost         numeric(30, 12) NOT NULL DEFAULT 0,
    reserved_tokens   bigint NOT NULL DEFAULT 0,
    reserved_requests bigint NOT NULL DEFAULT 0,
    reserved_cost     numeric(30, 12) NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, environment, end_user_id, window_kind, window_start)
);

CREATE TABLE reservations (
    id            uuid PRIMARY KEY,
    org_id        text NOT NULL,
    environment   text NOT NULL,
    end_user_id   text NOT NULL,
    tokens        bigint NOT NULL,
    cost          numeric(30, 12) NOT NULL,
    day_start     timestamptz NOT NULL,
    month_start   timestamptz NOT NULL,
    status        text NOT NULL CHECK (status IN ('open', 'settled', 'expired', 'released')),
    created_at    timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL,
    settled_at    timestamptz
);
CREATE INDEX reservations_open ON reservations (expires_at) WHERE status = 'open';

-- Alerts recorded when an alert-only plan lets a request over its limit.
CREATE TABLE quota_alerts (
    id           uuid PRIMARY KEY,
    org_id       text NOT NULL,
    environment  text NOT NULL,
    end_user_id  text NOT NULL,
    reason       text NOT NULL,
    created_at   timestamptz NOT NULL
);
CREATE INDEX quota_alerts_org ON quota_alerts (org_id, created_at);
