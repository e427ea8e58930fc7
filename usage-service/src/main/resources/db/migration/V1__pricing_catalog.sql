-- Pricing catalog: providers, models with aliases, and effective-dated price versions.
-- A price version is immutable once effective (enforced by the service, which owns the clock);
-- rated usage events keep the id of the version they used, so versions are never deleted once used.

CREATE TABLE providers (
    id          text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9_.-]*$'),
    name        text NOT NULL,
    created_at  timestamptz NOT NULL
);

CREATE TABLE models (
    id           text PRIMARY KEY,                     -- canonical id, e.g. gpt-4o
    provider_id  text NOT NULL REFERENCES providers (id),
    display_name text NOT NULL,
    created_at   timestamptz NOT NULL
);

-- Gateways spell models differently (openai/gpt-4o, gpt-4o-2024-08-06): every spelling maps to one model.
-- The canonical id is an alias of itself, so resolving is one lookup.
CREATE TABLE model_aliases (
    alias     text PRIMARY KEY,
    model_id  text NOT NULL REFERENCES models (id)
);
CREATE INDEX model_aliases_model ON model_aliases (model_id);

CREATE TABLE price_versions (
    id                        uuid PRIMARY KEY,
    model_id                  text NOT NULL REFERENCES models (id),
    effective_from            timestamptz NOT NULL,
    currency                  char(3) NOT NULL,
    input_per_million         numeric(30, 12) NOT NULL CHECK (input_per_million >= 0),
    output_per_million        numeric(30, 12) NOT NULL CHECK (output_per_million >= 0),
    cached_input_per_million  numeric(30, 12) NOT NULL CHECK (cached_input_per_million >= 0),
    per_request               numeric(30, 12) NOT NULL CHECK (per_request >= 0),
    -- optional per-unit prices: {"image": "0.04", "audio_second": "0.0001", "tool_call": "0.001"}
    unit_prices               jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at                timestamptz NOT NULL,
    created_by                text NOT NULL,
    CONSTRAINT price_versions_one_per_instant UNIQUE (model_id, effective_from)
);

-- Seed catalog (public list prices, USD, effective from 2024-01-01).
INSERT INTO providers (id, name, created_at) VALUES
    ('openai', 'OpenAI', '2024-01-01T00:00:00Z'),
    ('anthropic', 'Anthropic', '2024-01-01T00:00:00Z'),
    ('google', 'Google', '2024-01-01T00:00:00Z');

INSERT INTO models (id, provider_id, display_name, created_at) VALUES
    ('gpt-4o', 'openai', 'GPT-4o', '2024-01-01T00:00:00Z'),
    ('gpt-4o-mini', 'openai', 'GPT-4o mini', '2024-01-01T00:00:00Z'),
    ('claude-sonnet-4', 'anthropic', 'Claude Sonnet 4', '2024-01-01T00:00:00Z'),
    ('claude-haiku-3.5', 'anthropic', 'Claude Haiku 3.5', '2024-01-01T00:00:00Z'),
    ('gemini-2.0-flash', 'google', 'Gemini 2.0 Flash', '2024-01-01T00:00:00Z');

INSERT INTO model_aliases (alias, model_id) VALUES
    ('gpt-4o', 'gpt-4o'), ('openai/gpt-4o', 'gpt-4o'), ('gpt-4o-2024-08-06', 'gpt-4o'),
    ('gpt-4o-mini', 'gpt-4o-mini'), ('openai/gpt-4o-mini', 'gpt-4o-mini'), ('gpt-4o-mini-2024-07-18', 'gpt-4o-mini'),
    ('claude-sonnet-4', 'claude-sonnet-4'), ('anthropic/claude-sonnet-4', 'claude-sonnet-4'),
    ('claude-sonnet-4-20250514', 'claude-sonnet-4'),
    ('claude-haiku-3.5', 'claude-haiku-3.5'), ('anthropic/claude-3-5-haiku', 'claude-haiku-3.5'),
    ('claude-3-5-haiku-20241022', 'claude-haiku-3.5'),
    ('gemini-2.0-flash', 'gemini-2.0-flash'), ('google/gemini-2.0-flash', 'gemini-2.0-flash'),
    ('gemini/gemini-2.0-flash', 'gemini-2.0-flash');

INSERT INTO price_versions (id, model_id, effective_from, currency, input_per_million, output_per_million,
                            cached_input_per_million, per_request, unit_prices, created_at, created_by) VALUES
    ('00000000-0000-0000-0000-000000000001', 'gpt-4o', '2024-01-01T00:00:00Z', 'USD', 2.50, 10.00, 1.25, 0, '{}', '2024-01-01T00:00:00Z', 'seed'),
    ('00000000-0000-0000-0000-000000000002', 'gpt-4o-mini', '2024-01-01T00:00:00Z', 'USD', 0.15, 0.60, 0.075, 0, '{}', '2024-01-01T00:00:00Z', 'seed'),
    ('00000000-0000-0000-0000-000000000003', 'claude-sonnet-4', '2024-01-01T00:00:00Z', 'USD', 3.00, 15.00, 0.30, 0, '{}', '2024-01-01T00:00:00Z', 'seed'),
    ('00000000-0000-0000-0000-000000000004', 'claude-haiku-3.5', '2024-01-01T00:00:00Z', 'USD', 0.80, 4.00, 0.08, 0, '{}', '2024-01-01T00:00:00Z', 'seed'),
    ('00000000-0000-0000-0000-000000000005', 'gemini-2.0-flash', '2024-01-01T00:00:00Z', 'USD', 0.10, 0.40, 0.025, 0, '{"image": "0.0001"}', '2024-01-01T00:00:00Z', 'seed');
