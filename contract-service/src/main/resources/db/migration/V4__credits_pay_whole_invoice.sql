-- Prepaid credits pay the whole invoice (base fee and true-up included), while the drawdown amount is only
-- the consumption counted toward the commitment: credits applied may exceed it (invoice-service rule 9).
ALTER TABLE drawdowns DROP CONSTRAINT drawdowns_credits_within_amount;
