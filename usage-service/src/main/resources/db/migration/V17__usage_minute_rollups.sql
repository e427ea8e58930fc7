-- Issue 17 point 4, the first step past one database: per-minute totals computed in the stream (Kafka Streams,
-- io.accrue.usage.stream), so PostgreSQL receives one row per active (end user, model, minute) instead of one per
-- event. Written only when accrue.usage.stream-aggregation.enabled; nothing reads it for billing yet (the per-event
-- tables stay the source of billing; docs/scaling.md says what moves next).
--
-- Idempotent by construction: the stream emits a minute's latest totals (never a delta), and the sink upserts them
-- only over totals of fewer events (every event adds one to events, so more events is later). A replay of the rollup
-- topic, a sink restarted from older offsets, two sinks during a rebalance: each minute ends at its latest figures,
-- never at a sum of them.
CREATE TABLE usage_minute_rollups (
    org_id                 text NOT NULL,
    environment            text NOT NULL CHECK (environment IN ('test', 'live')),
    end_user_id            text NOT NULL,
    model                  text NOT NULL,          -- canonical id, or the requested spelling when unpriced
    currency               char(3) NOT NULL,       -- of cost; 'XXX' (ISO 4217: no currency) for unpriced events
    minute                 timestamptz NOT NULL,   -- UTC minute of occurred_at
    events                 bigint NOT NULL CHECK (events > 0),
    input_tokens           bigint NOT NULL,
    output_tokens          bigint NOT NULL,
    cached_tokens          bigint NOT NULL,        -- cache reads, as usage_events.cached_tokens
    cache_write_tokens     bigint NOT NULL,
    cache_write_1h_tokens  bigint NOT NULL,
    audio_input_tokens     bigint NOT NULL,
    audio_output_tokens    bigint NOT NULL,
    image_input_tokens     bigint NOT NULL,
    image_output_tokens    bigint NOT NULL,
    reasoning_tokens       bigint NOT NULL,
    tool_calls             bigint NOT NULL,
    unpriced_events        bigint NOT NULL,
    cost                   numeric(30, 12) NOT NULL,
    updated_at             timestamptz NOT NULL,
    PRIMARY KEY (org_id, environment, minute, end_user_id, model, currency)
);
