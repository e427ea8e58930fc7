-- A credit note that refunds usage gives the commitment back what that usage consumed (issue 13): the
-- commitment's consumption, utilization and true-up are computed on net spend. One row per credit note carries
-- both what it gives back to the prepaid credit balance (amount) and what it takes off the commitment
-- consumption of the window its invoice's drawdown counted toward (consumption, window_start).
ALTER TABLE credit_returns ADD COLUMN consumption NUMERIC(24,12) NOT NULL DEFAULT 0;
ALTER TABLE credit_returns ADD COLUMN window_start TIMESTAMPTZ;
ALTER TABLE credit_returns DROP CONSTRAINT credit_returns_amount_check;
ALTER TABLE credit_returns ADD CONSTRAINT credit_returns_amounts
    CHECK (amount >= 0 AND consumption >= 0 AND (amount > 0 OR consumption > 0));
ALTER TABLE credit_returns ADD CONSTRAINT credit_returns_window CHECK (consumption = 0 OR window_start IS NOT NULL);
