-- Plan catalog: every change to a plan is a new row (slug, version); subscribers keep the version they are on.
-- The structured parts (prices per currency, allowances, overage tiers, entitlements, Stripe prices) are JSON
-- documents owned by this service and read back whole, never queried into.
CREATE TABLE plan_definitions (
    id                UUID         PRIMARY KEY,
    slug              VARCHAR(64)  NOT NULL,
    version           INTEGER      NOT NULL CHECK (version >= 1),
    name              VARCHAR(200) NOT NULL,
    tier              VARCHAR(32)  NOT NULL CHECK (tier IN ('free', 'starter', 'pro', 'business', 'enterprise')),
    billing_model     VARCHAR(32)  NOT NULL CHECK (billing_model IN ('flat', 'pay_per_token', 'tiered', 'metered', 'enterprise')),
    billing_interval  VARCHAR(8)   NOT NULL CHECK (billing_interval IN ('month', 'year')),
    base_prices       TEXT         NOT NULL,
    allowances        TEXT         NOT NULL,
    overage           TEXT         NOT NULL,
    entitlements      TEXT         NOT NULL,
    stripe_price_ids  TEXT         NOT NULL,
    archived          BOOLEAN      NOT NULL DEFAULT FALSE,
    created_at        TIMESTAMPTZ  NOT NULL,
    created_by        VARCHAR(200) NOT NULL,
    UNIQUE (slug, version)
);

-- Every account starts on the free plan; seed it (and a paid plan the local stack can upgrade to).
INSERT INTO plan_definitions (id, slug, version, name, tier, billing_model, billing_interval, base_prices, allowances,
                              overage, entitlements, stripe_price_ids, created_at, created_by)
VALUES ('00000000-0000-0000-0000-000000000001', 'free', 1, 'Free', 'free', 'flat', 'month',
        '{"USD":"0.00","EUR":"0.00","GBP":"0.00"}', '{"llm_tokens":100000,"agent_sessions":10}', '[]',
        '{"features":[],"allowedModels":[]}', '{}', '2026-01-01T00:00:00Z', 'migration'),
       ('00000000-0000-0000-0000-000000000002', 'pro', 1, 'Pro', 'pro', 'tiered', 'month',
        '{"USD":"99.00","EUR":"89.00","GBP":"79.00"}', '{"llm_tokens":1000000,"agent_sessions":100}',
        '[{"meter":"llm_tokens","packageSize":1000,"tiers":[{"upTo":10000000,"unitAmount":"0.003"},{"upTo":null,"unitAmount":"0.002"}]}]',
        '{"features":["sso"],"allowedModels":[]}', '{"base":"price_pro_base_monthly","metered":"price_pro_metered_tokens"}',
        '2026-01-01T00:00:00Z', 'migration');

-- One subscription per organisation; its history is the event table below.
CREATE TABLE subscriptions (
    id                      UUID         PRIMARY KEY,
    org_id                  VARCHAR(64)  NOT NULL UNIQUE REFERENCES billing_accounts (org_id),
    plan_slug               VARCHAR(64)  NOT NULL,
    plan_version            INTEGER      NOT NULL,
    status                  VARCHAR(16)  NOT NULL CHECK (status IN ('active', 'past_due', 'grace', 'suspended', 'canceled')),
    currency                CHAR(3)      NOT NULL,
    billing_mode            VARCHAR(8)   NOT NULL DEFAULT 'flat' CHECK (billing_mode IN ('flat', 'metered')),
    current_period_start    TIMESTAMPTZ  NOT NULL,
    current_period_end      TIMESTAMPTZ  NOT NULL CHECK (current_period_end > current_period_start),
    cancel_at_period_end    BOOLEAN      NOT NULL DEFAULT FALSE,
    canceled_at             TIMESTAMPTZ,
    pending_plan_slug       VARCHAR(64),
    pending_plan_version    INTEGER,
    pending_currency        CHAR(3),
    status_changed_at       TIMESTAMPTZ  NOT NULL,
    created_at              TIMESTAMPTZ  NOT NULL,
    updated_at              TIMESTAMPTZ  NOT NULL,
    version                 BIGINT       NOT NULL DEFAULT 0,
    FOREIGN KEY (plan_slug, plan_version) REFERENCES plan_definitions (slug, version),
    FOREIGN KEY (pending_plan_slug, pending_plan_version) REFERENCES plan_definitions (slug, version)
);

-- The append-only timeline (invoice-service cuts proration segments from it). seq orders events that share
-- an instant and is the keyset of the cursor.
CREATE TABLE subscription_events (
    id            UUID          PRIMARY KEY,
    seq           BIGSERIAL     NOT NULL UNIQUE,
    org_id        VARCHAR(64)   NOT NULL REFERENCES billing_accounts (org_id),
    type          VARCHAR(40)   NOT NULL,
    occurred_at   TIMESTAMPTZ   NOT NULL,
    effective_at  TIMESTAMPTZ   NOT NULL,
    plan_slug     VARCHAR(64)   NOT NULL,
    plan_version  INTEGER       NOT NULL,
    from_status   VARCHAR(16),
    to_status     VARCHAR(16),
    currency      CHAR(3),
    reason        VARCHAR(500),
    actor         VARCHAR(200)  NOT NULL
);
CREATE INDEX subscription_events_org_effective ON subscription_events (org_id, effective_at, seq);

-- Append-only means the database refuses to rewrite history, whoever connects.
CREATE FUNCTION refuse_history_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$;
CREATE TRIGGER subscription_events_append_only BEFORE UPDATE OR DELETE ON subscription_events
    FOR EACH ROW EXECUTE FUNCTION refuse_history_rewrite();
