-- Effective-dated exchange rates: 1 base = rate quote, valid for rate_date (a reference rate of that day).
-- Cost-plus lines of an account billing in another currency than the usage cost convert through one of these,
-- and the line records which (docs/billing-rules.md, "Currencies"). One rate per pair and day; a correction
-- of a day's rate replaces it (the invoices already computed keep the rate they stored on their lines).
CREATE TABLE exchange_rates (
    id              UUID           PRIMARY KEY,
    base_currency   VARCHAR(3)     NOT NULL,
    quote_currency  VARCHAR(3)     NOT NULL,
    rate_date       DATE           NOT NULL,
    rate            NUMERIC(24,12) NOT NULL,
    source          VARCHAR(64)    NOT NULL,
    recorded_at     TIMESTAMPTZ    NOT NULL,
    recorded_by     VARCHAR(255)   NOT NULL,
    CONSTRAINT exchange_rates_positive CHECK (rate > 0),
    CONSTRAINT exchange_rates_pair CHECK (base_currency <> quote_currency),
    CONSTRAINT exchange_rates_one_per_day UNIQUE (base_currency, quote_currency, rate_date)
);

-- The lookup: the latest rate of a pair dated on or before a day.
CREATE INDEX exchange_rates_lookup ON exchange_rates (base_currency, quote_currency, rate_date DESC);

-- A converted line says what it converted: the currency and exact amount before conversion, the rate (1 unit
-- of fx_from_currency = fx_rate units of the invoice currency), the rate's date and its source.
ALTER TABLE invoice_lines
    ADD COLUMN fx_from_currency VARCHAR(3),
    ADD COLUMN fx_original_amount NUMERIC(36,12),
    ADD COLUMN fx_rate NUMERIC(24,12),
    ADD COLUMN fx_rate_date DATE,
    ADD COLUMN fx_source VARCHAR(64),
    ADD CONSTRAINT invoice_lines_fx_complete CHECK ((fx_rate IS NULL) = (fx_from_currency IS NULL)
        AND (fx_rate IS NULL) = (fx_rate_date IS NULL) AND (fx_rate IS NULL) = (fx_source IS NULL));
