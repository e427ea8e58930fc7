package io.accrue.usage.ingest;

import java.time.Instant;
import java.util.List;

/**
 * One request's events after validation and rating, ready to be written: distinct event ids, all of one
 * organisation and environment, recorded at the moment the request was taken.
 */
record PricedBatch(String org, String env, Instant recordedAt, List<RatedEvent> events) {}
