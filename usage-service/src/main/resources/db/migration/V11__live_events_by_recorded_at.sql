-- The metering round (MeteringService.unqueuedWindows) reads every organisation's live events recorded in its
-- catch-up window, by recorded_at; no index led with recorded_at, so each round scanned all of usage_events
-- (issue 16, HotPathPlansTest). Environment first (the round reads 'live'), then recorded_at for the window's
-- range, with org_id so the round's grouping is answered from the index alone. Not a partial index: a prepared
-- statement's generic plan must be able to use it. Cost: one more index entry per event on insert.
CREATE INDEX usage_events_env_recorded ON usage_events (environment, recorded_at, org_id);
