package io.accrue.usage.ingest;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/**
 * An event that passed validation and was priced, waiting for its durable insert; counts are {@code metered}'s,
 * {@code parts} what each dimension cost (empty when unpriced).
 */
record RatedEvent(int index, UsageEventRequest request, io.accrue.usage.rating.Metered metered, String modelKey,
        String provider, String canonicalModel,
        UUID priceVersionId, String currency, BigDecimal cost, boolean unpriced, Instant day, Instant month,
        Instant minute, java.util.List<io.accrue.usage.rating.Rating.Part> parts) {}
