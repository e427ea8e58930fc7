-- Coupons (billing-rules "Coupons"): created by a platform operator, redeemed by an organisation through a
-- promotion code or applied to it by an operator, and applied by the closes of its periods. Who created or
-- deactivated what, and when, is kept on the row (the audit of operator writes in this service).
CREATE TABLE coupons (
    id                UUID           PRIMARY KEY,
    name              VARCHAR(100)   NOT NULL,
    kind              VARCHAR(16)    NOT NULL,
    percent_off       NUMERIC(5,2),
    amount_off        NUMERIC(18,3),
    currency          CHAR(3),
    applies_to        VARCHAR(16)    NOT NULL,
    duration          VARCHAR(16)    NOT NULL,
    duration_periods  INTEGER,
    max_redemptions   INTEGER,
    times_redeemed    INTEGER        NOT NULL DEFAULT 0,
    redeem_by         TIMESTAMPTZ,
    active            BOOLEAN        NOT NULL DEFAULT TRUE,
    created_at        TIMESTAMPTZ    NOT NULL,
    created_by        VARCHAR(255)   NOT NULL,
    deactivated_at    TIMESTAMPTZ,
    deactivated_by    VARCHAR(255),
    CONSTRAINT coupons_kind CHECK (kind IN ('percent_off', 'amount_off')),
    CONSTRAINT coupons_value CHECK (
        (kind = 'percent_off' AND percent_off > 0 AND percent_off <= 100 AND amount_off IS NULL AND currency IS NULL)
        OR (kind = 'amount_off' AND amount_off > 0 AND currency IS NOT NULL AND percent_off IS NULL)),
    CONSTRAINT coupons_applies_to CHECK (applies_to IN ('base_fee', 'usage', 'all')),
    CONSTRAINT coupons_duration CHECK (duration IN ('once', 'repeating', 'forever')),
    CONSTRAINT coupons_repeating_periods CHECK ((duration = 'repeating') = (duration_periods IS NOT NULL)
        AND (duration_periods IS NULL OR duration_periods > 0)),
    -- the redemption limit holds in the database too: a racing redemption cannot pass it
    CONSTRAINT coupons_redemption_limit CHECK (max_redemptions IS NULL OR times_redeemed <= max_redemptions),
    CONSTRAINT coupons_deactivated CHECK (active = (deactivated_at IS NULL))
);

CREATE TABLE promotion_codes (
    id                UUID           PRIMARY KEY,
    coupon_id         UUID           NOT NULL REFERENCES coupons (id),
    code              VARCHAR(64)    NOT NULL,
    -- only this organisation may redeem it (null: any)
    org_id            VARCHAR(64),
    max_redemptions   INTEGER,
    times_redeemed    INTEGER        NOT NULL DEFAULT 0,
    expires_at        TIMESTAMPTZ,
    active            BOOLEAN        NOT NULL DEFAULT TRUE,
    created_at        TIMESTAMPTZ    NOT NULL,
    created_by        VARCHAR(255)   NOT NULL,
    deactivated_at    TIMESTAMPTZ,
    deactivated_by    VARCHAR(255),
    CONSTRAINT promotion_codes_redemption_limit CHECK (max_redemptions IS NULL OR times_redeemed <= max_redemptions),
    CONSTRAINT promotion_codes_deactivated CHECK (active = (deactivated_at IS NULL))
);
-- codes are case-insensitive: SPRING25 and spring25 are one code
CREATE UNIQUE INDEX promotion_codes_code ON promotion_codes (lower(code));

-- An organisation's redemption of a coupon; applied by the closes of its periods that end after redeemed_at, in
-- redemption order (seq), for as many periods as the coupon's duration allows.
CREATE TABLE coupon_redemptions (
    id                  UUID          PRIMARY KEY,
    seq                 BIGINT        GENERATED ALWAYS AS IDENTITY,
    org_id              VARCHAR(64)   NOT NULL,
    coupon_id           UUID          NOT NULL REFERENCES coupons (id),
    promotion_code_id   UUID          REFERENCES promotion_codes (id),
    redeemed_at         TIMESTAMPTZ   NOT NULL,
    redeemed_by         VARCHAR(255)  NOT NULL,
    CONSTRAINT coupon_redemptions_once_per_org UNIQUE (org_id, coupon_id)
);
CREATE INDEX coupon_redemptions_org ON coupon_redemptions (org_id, seq);

-- One period's use of a redemption, written by the close in the invoice's own transaction: a once coupon is used
-- by exactly one invoice, and a repeating one counts the periods invoiced, whatever reruns or crashes happen.
CREATE TABLE coupon_applications (
    redemption_id  UUID           NOT NULL REFERENCES coupon_redemptions (id),
    period_start   TIMESTAMPTZ    NOT NULL,
    period_end     TIMESTAMPTZ    NOT NULL,
    invoice_id     UUID           NOT NULL REFERENCES invoices (id),
    amount         NUMERIC(24,4)  NOT NULL,
    CONSTRAINT coupon_applications_once_per_period PRIMARY KEY (redemption_id, period_start)
);
CREATE INDEX coupon_applications_invoice ON coupon_applications (invoice_id);
