-- Consumption recorded for a commitment period after its true-up: accepted (a billing run must never fail
-- on it) but flagged, since the settled true-up does not include it.
ALTER TABLE drawdowns ADD COLUMN after_true_up BOOLEAN NOT NULL DEFAULT FALSE;
