-- One billing account per organisation: the root every subscription, contact and payment method hangs off.
CREATE TABLE billing_accounts (
    id                  UUID         PRIMARY KEY,
    org_id              VARCHAR(64)  NOT NULL UNIQUE,
    name                VARCHAR(200) NOT NULL,
    currency            CHAR(3)      NOT NULL,
    time_zone           VARCHAR(64)  NOT NULL DEFAULT 'UTC',
    plan_slug           VARCHAR(64)  NOT NULL DEFAULT 'free',
    stripe_customer_id  VARCHAR(255),
    metered_enabled     BOOLEAN      NOT NULL DEFAULT FALSE,
    created_at          TIMESTAMPTZ  NOT NULL,
    updated_at          TIMESTAMPTZ  NOT NULL,
    version             BIGINT       NOT NULL DEFAULT 0
);
