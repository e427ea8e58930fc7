package io.accrue.usage.ingest;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/** An event that passed validation and was priced, waiting for its durable insert; counts are {@code metered}'s. */
record RatedEvent(int index, UsageEventRequest request, io.accrue.usage.rating.Metered metered, String modelKey,
        String provider, String canonicalModel,
        UUID priceVersionId, String currency, BigDecimal cost, boolean unpriced, Instant day, Instant month,
        Instant minute) {}
