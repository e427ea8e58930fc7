-- Issue 22: a price version prices every dimension the providers bill (cache writes, audio, images, reasoning,
-- context tiers, service tiers, per-unit fees); usage events carry those parts of their tokens.

-- Per-image, per-second and per-character models have no token prices: input and output become optional.
-- The remaining dimensions live in token_prices (per million tokens) and unit_prices (per unit), keyed by
-- '[<tier>:]<dimension>[>N]' (see PriceKey). Versions stay immutable once effective (the service enforces it).
ALTER TABLE price_versions
    ALTER COLUMN input_per_million DROP NOT NULL,
    ALTER COLUMN output_per_million DROP NOT NULL,
    ALTER COLUMN cached_input_per_million DROP NOT NULL,
    ADD COLUMN token_prices jsonb NOT NULL DEFAULT '{}'::jsonb,
    -- 'manual' (set through the API) or 'litellm' (imported): an import never silently replaces a manual price.
    ADD COLUMN source text NOT NULL DEFAULT 'manual' CHECK (source IN ('manual', 'litellm')),
    -- A version added after the fact for usage recorded without a price: it rates only those unpriced events
    -- (re-rating), never an event that was already priced.
    ADD COLUMN for_unpriced_usage boolean NOT NULL DEFAULT false;

-- What LiteLLM called the model (its key, case kept) and its mode, so an export gives back what was imported.
ALTER TABLE models
    ADD COLUMN litellm_key text,
    ADD COLUMN mode text;

-- The parts of an event's tokens (each a part of input_tokens or output_tokens) and the service tier.
ALTER TABLE usage_events
    ADD COLUMN cache_write_tokens bigint NOT NULL DEFAULT 0,
    ADD COLUMN cache_write_1h_tokens bigint NOT NULL DEFAULT 0,
    ADD COLUMN audio_input_tokens bigint NOT NULL DEFAULT 0,
    ADD COLUMN audio_output_tokens bigint NOT NULL DEFAULT 0,
    ADD COLUMN image_input_tokens bigint NOT NULL DEFAULT 0,
    ADD COLUMN image_output_tokens bigint NOT NULL DEFAULT 0,
    ADD COLUMN reasoning_tokens bigint NOT NULL DEFAULT 0,
    ADD COLUMN service_tier text NOT NULL DEFAULT 'standard',
    ADD COLUMN usage_format text;

-- What a reader of a rollup needs besides input/output/cached: cache writes (both durations), audio, reasoning.
ALTER TABLE usage_daily
    ADD COLUMN cache_write_tokens bigint NOT NULL DEFAULT 0,
    ADD COLUMN audio_input_tokens bigint NOT NULL DEFAULT 0,
    ADD COLUMN audio_output_tokens bigint NOT NULL DEFAULT 0,
    ADD COLUMN reasoning_tokens bigint NOT NULL DEFAULT 0;
