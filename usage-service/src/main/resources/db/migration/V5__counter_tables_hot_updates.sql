-- usage_daily and quota_counters hold a few rows per end user that every ingestion write updates in place. At the
-- default fillfactor (100) their pages are full, so an update cannot stay on its page: PostgreSQL writes the new
-- version to another page and adds an entry to every index, and dead versions pile up until autovacuum comes
-- round (once a minute at best). With several writers on the same rows at once (replicas; before group commit,
-- every request) that made the upserts slower batch after batch: the benchmark with 4 concurrent writers saw 5-8 %
-- HOT updates and 300,000 dead rows beside 1,500 live ones; with half-empty pages, 62-70 % HOT and about 40 % less
-- PostgreSQL CPU per event. A heap-only (HOT) update needs no index entry, and the page's dead versions are
-- pruned on its next visit.
-- The price: past days' and windows' rows keep their free space, so these two tables take up to twice the room.
-- Applies to pages written from now on; existing pages get it on a VACUUM FULL or CLUSTER.
ALTER TABLE usage_daily SET (fillfactor = 50);
ALTER TABLE quota_counters SET (fillfactor = 50);
