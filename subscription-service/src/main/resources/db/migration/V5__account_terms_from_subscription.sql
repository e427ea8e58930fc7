-- One source of an account's billing terms (issue 13, 6a): the subscription holds the plan, currency and status in
-- effect, and every change updates it. billing_accounts kept copies nobody updated (a currency switch left the old
-- currency, a plan change left 'free'), so the plan column goes and the currency one says what it is: the currency
-- the organisation was provisioned with.
ALTER TABLE billing_accounts DROP COLUMN plan_slug;
ALTER TABLE billing_accounts RENAME COLUMN currency TO provisioned_currency;
