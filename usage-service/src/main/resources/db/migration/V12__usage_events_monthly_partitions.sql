-- Monthly partitions of usage_events (issue 16 point 7), so old months can be detached and dropped or archived
-- without deleting rows from, or vacuuming, the table ingestion writes to.
--
-- Partition key: occurred_at. Every read of events that grows with data is bounded by it — the summary windows
-- (current period, account status, top users, forecast, period close, export), the event listing, re-rating —
-- and a billing period is a range of occurred_at, so a retired month is a retired usage month. recorded_at bounds
-- only the metering reads (a window of at most 48 h of arrivals); they keep their recorded_at index in every
-- partition, so they probe one index per partition instead of pruning (a cost in the number of months, not in
-- the number of events).
--
-- Idempotency: a unique index of a partitioned table must contain the partition key, so (org, environment,
-- event id) can no longer be enforced by usage_events itself. Including occurred_at would let a replay with
-- another occurredAt through as a new event, so the claim moves to usage_event_ids (primary key org, environment,
-- event id), inserted by the same statement as the event (IngestWriter: a CTE claims the ids, the events of the
-- claimed ids are inserted), in the same transaction. Its occurred_at says which month holds the event.
-- usage_events keeps (org, environment, event id, occurred_at) as its primary key.
--
-- A default partition holds any row outside the monthly partitions (an old import, a test's fixed date), so no
-- insert is ever refused for want of a partition; EventPartitions moves such rows into a month's partition when it
-- creates that month. EventPartitionJob keeps the months ahead created (accrue.usage.events.partitions-ahead).

ALTER TABLE usage_events RENAME TO usage_events_unpartitioned;
ALTER TABLE usage_events_unpartitioned RENAME CONSTRAINT usage_events_pkey TO usage_events_unpartitioned_pkey;
ALTER INDEX usage_events_period RENAME TO usage_events_unpartitioned_period;
ALTER INDEX usage_events_recorded RENAME TO usage_events_unpartitioned_recorded;
ALTER INDEX usage_events_unpriced RENAME TO usage_events_unpartitioned_unpriced;
ALTER INDEX usage_events_env_recorded RENAME TO usage_events_unpartitioned_env_recorded;
DROP TRIGGER usage_currencies_on_insert ON usage_events_unpartitioned;
DROP TRIGGER usage_currencies_on_update ON usage_events_unpartitioned;

CREATE TABLE usage_events (LIKE usage_events_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS)
    PARTITION BY RANGE (occurred_at);
ALTER TABLE usage_events ADD PRIMARY KEY (org_id, environment, event_id, occurred_at);
ALTER TABLE usage_events ADD FOREIGN KEY (rerate_run_id) REFERENCES rerate_runs (id);
CREATE INDEX usage_events_period ON usage_events (org_id, environment, occurred_at);
CREATE INDEX usage_events_recorded ON usage_events (org_id, environment, recorded_at);
CREATE INDEX usage_events_unpriced ON usage_events (org_id, environment, occurred_at) WHERE unpriced;
CREATE INDEX usage_events_env_recorded ON usage_events (environment, recorded_at, org_id);

CREATE TABLE usage_events_default PARTITION OF usage_events DEFAULT;

-- One partition per UTC month that holds events, and every month from two back to three ahead.
DO $$
DECLARE
    this_month date := date_trunc('month', now() AT TIME ZONE 'UTC')::date;
    m          date;
BEGIN
    FOR m IN
        SELECT DISTINCT date_trunc('month', occurred_at AT TIME ZONE 'UTC')::date FROM usage_events_unpartitioned
        UNION
        SELECT (this_month + k * interval '1 month')::date FROM generate_series(-2, 3) k
        ORDER BY 1
    LOOP
        EXECUTE format('CREATE TABLE %I PARTITION OF usage_events FOR VALUES FROM (%L) TO (%L)',
                       'usage_events_' || to_char(m, 'YYYY_MM'),
                       (m::timestamp AT TIME ZONE 'UTC'), ((m + interval '1 month')::timestamp AT TIME ZONE 'UTC'));
    END LOOP;
END $$;

CREATE TABLE usage_event_ids (
    org_id      text NOT NULL,
    environment text NOT NULL,
    event_id    text NOT NULL,
    occurred_at timestamptz NOT NULL,   -- the event's partition; the row in usage_events is (org, env, id, this)
    PRIMARY KEY (org_id, environment, event_id)
);

INSERT INTO usage_events SELECT * FROM usage_events_unpartitioned;
INSERT INTO usage_event_ids (org_id, environment, event_id, occurred_at)
SELECT org_id, environment, event_id, occurred_at FROM usage_events_unpartitioned;
DROP TABLE usage_events_unpartitioned;

-- V10's currency triggers, on the partitioned table (statement level, transition tables: allowed on the root).
CREATE TRIGGER usage_currencies_on_insert AFTER INSERT ON usage_events
    REFERENCING NEW TABLE AS written FOR EACH STATEMENT EXECUTE FUNCTION usage_currencies_record();
CREATE TRIGGER usage_currencies_on_update AFTER UPDATE ON usage_events
    REFERENCING NEW TABLE AS written FOR EACH STATEMENT EXECUTE FUNCTION usage_currencies_record();

ANALYZE usage_events;
ANALYZE usage_event_ids;
