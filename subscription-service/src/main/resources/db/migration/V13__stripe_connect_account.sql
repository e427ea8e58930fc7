-- The organisation's Stripe Connect account, stored once (issue 20 point 6): end-user invoices with delivery
-- stripe_connect are created on it without the caller passing it each time. Null until an owner sets it.
ALTER TABLE billing_accounts ADD COLUMN stripe_connect_account_id text
    CHECK (stripe_connect_account_id ~ '^acct_[A-Za-z0-9]+$');
