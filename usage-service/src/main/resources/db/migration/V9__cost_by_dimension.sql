-- Issue 22: what each priced dimension of an event cost, so invoices, exports and the console can show cache writes,
-- audio, images, reasoning, long-context and service-tier tokens, units and request fees apart.
-- {"<dimension>": {"quantity": n, "cost": c}}; the dimension is the price key as it applied ('input',
-- 'cache_write_1h', 'input>200000', 'batch:output', 'unit.web_search_medium', 'request'). The costs of an event's
-- dimensions sum exactly to its cost (12 places); an unpriced event has none until it is re-rated.
ALTER TABLE usage_events ADD COLUMN dimensions jsonb NOT NULL DEFAULT '{}'::jsonb;
ALTER TABLE usage_daily ADD COLUMN dimensions jsonb NOT NULL DEFAULT '{}'::jsonb;

-- Usage recorded before this migration has one cost per event, never split: it stays one dimension, 'tokens'
-- (all input and output tokens), so its summary still adds up to its cost.
UPDATE usage_events SET dimensions = jsonb_build_object('tokens',
        jsonb_build_object('quantity', input_tokens + output_tokens, 'cost', cost))
    WHERE NOT unpriced;
UPDATE usage_daily SET dimensions = jsonb_build_object('tokens',
        jsonb_build_object('quantity', input_tokens + output_tokens, 'cost', cost))
    WHERE cost <> 0 OR input_tokens + output_tokens <> 0;

-- Rollup rows add dimension by dimension (the ingest upsert and re-rating use it).
CREATE FUNCTION usage_dimensions_add(a jsonb, b jsonb) RETURNS jsonb
    LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(jsonb_object_agg(k, jsonb_build_object('quantity', q, 'cost', c)), '{}'::jsonb)
    FROM (SELECT k, sum((v ->> 'quantity')::bigint) AS q, sum((v ->> 'cost')::numeric) AS c
          FROM (SELECT * FROM jsonb_each(coalesce(a, '{}'::jsonb))
                UNION ALL
                SELECT * FROM jsonb_each(coalesce(b, '{}'::jsonb))) AS x(k, v)
          GROUP BY k) AS s
$$;
