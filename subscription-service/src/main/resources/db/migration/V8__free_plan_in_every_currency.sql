-- Every account starts on the free plan, in the currency it is provisioned in (any ISO-4217 code). The seeded free
-- plan had a price only in USD, EUR and GBP, so an account provisioned in JPY or KWD could never change plan
-- ("Plan 'free' has no price in JPY"; found by the model check, issue 14). A new version of the latest free plan
-- is priced 0 in every ISO-4217 currency (each at its minor unit), keeping the prices it already has; subscribers
-- stay on the version they are on, new accounts start on this one. Provisioning refuses a currency the free plan
-- still lacks (an operator's later version), so no account can start where it cannot move.
INSERT INTO plan_definitions (id, slug, version, name, tier, billing_model, billing_interval, base_prices, allowances,
                              overage, entitlements, stripe_price_ids, archived, created_at, created_by)
SELECT '00000000-0000-0000-0000-000000000003', p.slug, p.version + 1, p.name, p.tier, p.billing_model,
       p.billing_interval,
       ('{
         "ADP":"0","AED":"0.00","AFA":"0.00","AFN":"0.00","ALL":"0.00","AMD":"0.00","ANG":"0.00","AOA":"0.00",
         "ARS":"0.00","ATS":"0.00","AUD":"0.00","AWG":"0.00","AYM":"0.00","AZM":"0.00","AZN":"0.00","BAM":"0.00",
         "BBD":"0.00","BDT":"0.00","BEF":"0","BGL":"0.00","BGN":"0.00","BHD":"0.000","BIF":"0","BMD":"0.00",
         "BND":"0.00","BOB":"0.00","BOV":"0.00","BRL":"0.00","BSD":"0.00","BTN":"0.00","BWP":"0.00","BYB":"0",
         "BYN":"0.00","BYR":"0","BZD":"0.00","CAD":"0.00","CDF":"0.00","CHE":"0.00","CHF":"0.00","CHW":"0.00",
         "CLF":"0.0000","CLP":"0","CNY":"0.00","COP":"0.00","COU":"0.00","CRC":"0.00","CSD":"0.00","CUC":"0.00",
         "CUP":"0.00","CVE":"0.00","CYP":"0.00","CZK":"0.00","DEM":"0.00","DJF":"0","DKK":"0.00","DOP":"0.00",
         "DZD":"0.00","EEK":"0.00","EGP":"0.00","ERN":"0.00","ESP":"0","ETB":"0.00","EUR":"0.00","FIM":"0.00",
         "FJD":"0.00","FKP":"0.00","FRF":"0.00","GBP":"0.00","GEL":"0.00","GHC":"0.00","GHS":"0.00","GIP":"0.00",
         "GMD":"0.00","GNF":"0","GRD":"0","GTQ":"0.00","GWP":"0.00","GYD":"0.00","HKD":"0.00","HNL":"0.00",
         "HRK":"0.00","HTG":"0.00","HUF":"0.00","IDR":"0.00","IEP":"0.00","ILS":"0.00","INR":"0.00","IQD":"0.000",
         "IRR":"0.00","ISK":"0","ITL":"0","JMD":"0.00","JOD":"0.000","JPY":"0","KES":"0.00","KGS":"0.00",
         "KHR":"0.00","KMF":"0","KPW":"0.00","KRW":"0","KWD":"0.000","KYD":"0.00","KZT":"0.00","LAK":"0.00",
         "LBP":"0.00","LKR":"0.00","LRD":"0.00","LSL":"0.00","LTL":"0.00","LUF":"0","LVL":"0.00","LYD":"0.000",
         "MAD":"0.00","MDL":"0.00","MGA":"0.00","MGF":"0","MKD":"0.00","MMK":"0.00","MNT":"0.00","MOP":"0.00",
         "MRO":"0.00","MRU":"0.00","MTL":"0.00","MUR":"0.00","MVR":"0.00","MWK":"0.00","MXN":"0.00","MXV":"0.00",
         "MYR":"0.00","MZM":"0.00","MZN":"0.00","NAD":"0.00","NGN":"0.00","NIO":"0.00","NLG":"0.00","NOK":"0.00",
         "NPR":"0.00","NZD":"0.00","OMR":"0.000","PAB":"0.00","PEN":"0.00","PGK":"0.00","PHP":"0.00","PKR":"0.00",
         "PLN":"0.00","PTE":"0","PYG":"0","QAR":"0.00","ROL":"0","RON":"0.00","RSD":"0.00","RUB":"0.00",
         "RUR":"0.00","RWF":"0","SAR":"0.00","SBD":"0.00","SCR":"0.00","SDD":"0.00","SDG":"0.00","SEK":"0.00",
         "SGD":"0.00","SHP":"0.00","SIT":"0.00","SKK":"0.00","SLE":"0.00","SLL":"0.00","SOS":"0.00","SRD":"0.00",
         "SRG":"0.00","SSP":"0.00","STD":"0.00","STN":"0.00","SVC":"0.00","SYP":"0.00","SZL":"0.00","THB":"0.00",
         "TJS":"0.00","TMM":"0.00","TMT":"0.00","TND":"0.000","TOP":"0.00","TPE":"0","TRL":"0","TRY":"0.00",
         "TTD":"0.00","TWD":"0.00","TZS":"0.00","UAH":"0.00","UGX":"0","USD":"0.00","USN":"0.00","USS":"0.00",
         "UYI":"0","UYU":"0.00","UZS":"0.00","VEB":"0.00","VED":"0.00","VEF":"0.00","VES":"0.00","VND":"0",
         "VUV":"0","WST":"0.00","XAD":"0.00","XAF":"0","XAG":"0","XAU":"0","XBA":"0","XBB":"0",
         "XBC":"0","XBD":"0","XCD":"0.00","XCG":"0.00","XDR":"0","XFO":"0","XFU":"0","XOF":"0",
         "XPD":"0","XPF":"0","XPT":"0","XSU":"0","XTS":"0","XUA":"0","XXX":"0","YER":"0.00",
         "YUM":"0.00","ZAR":"0.00","ZMK":"0.00","ZMW":"0.00","ZWD":"0.00","ZWG":"0.00","ZWL":"0.00","ZWN":"0.00",
         "ZWR":"0.00"}'::jsonb || p.base_prices::jsonb)::text,
       p.allowances, p.overage, p.entitlements, p.stripe_price_ids, p.archived, '2026-01-01T00:00:00Z', 'migration'
FROM plan_definitions p
WHERE p.slug = 'free'
  AND p.version = (SELECT max(version) FROM plan_definitions WHERE slug = 'free');
