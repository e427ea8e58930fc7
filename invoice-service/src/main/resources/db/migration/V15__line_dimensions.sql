-- Issue 22: a cost-plus line lists what each priced dimension of its model contributed (cache reads and writes,
-- audio, images, reasoning, long-context and service-tier tokens, units, request fees), as usage-service's summary
-- gives them: [{"dimension", "kind", "quantity", "cost", "amount"}] (decimal strings; amount exact, unrounded, in
-- the invoice currency, summing to what the line rounds once). Frozen with the line (invoice_lines_frozen).
ALTER TABLE invoice_lines ADD COLUMN dimensions jsonb NOT NULL DEFAULT '[]'::jsonb;
