-- Issue 13 point 6: usage recorded unpriced (unknown-model=flag, a unit without a price) can be priced afterwards
-- by a price version marked for_unpriced_usage (V6). Each re-rating is audited here, and each event it priced
-- names the run, so an event is re-rated at most once and the export can show who priced it, when and why.
CREATE TABLE rerate_runs (
    id            uuid PRIMARY KEY,
    actor         text NOT NULL,
    reason        text NOT NULL,
    model_id      text NOT NULL,
    window_from   timestamptz,
    window_to     timestamptz,
    events        integer NOT NULL,
    cost          numeric(30, 12) NOT NULL,
    revenue       numeric(30, 12) NOT NULL,
    created_at    timestamptz NOT NULL
);

ALTER TABLE usage_events ADD COLUMN rerate_run_id uuid REFERENCES rerate_runs (id);
CREATE INDEX usage_events_unpriced ON usage_events (org_id, environment, occurred_at) WHERE unpriced;
