package io.accrue.usage.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of usage-service ({@code accrue.usage.*}). */
@ConfigMapping(prefix = "accrue.usage")
public interface UsageConfig {

    Pricing pricing();

    Ingest ingest();

    Quota quota();

    Stripe stripe();

    /** Stripe metering (v2 meter events through the outbox). */
    interface Stripe {
        /** Secret key; from ACCRUE_STRIPE_API_KEY only. */
        String apiKey();

        String apiBase();

        String meterEventsBase();

        /** The Stripe meter's event name the token totals are reported under. */
        @WithDefault("accrue_llm_tokens")
        String meterEventName();

        /** How often the metering round runs ({@code off} disables it). */
        @WithDefault("5m")
        String meterEvery();

        /**
         * How far back a round looks for closed hours that were never queued (the service was down, or the
         * account could not be read, for longer than an hour). Older windows stay unqueued, visible in the
         * reconciliation.
         */
        @WithDefault("PT48H")
        Duration meterCatchUp();
    }

    interface Pricing {
        /**
         * How far ahead a new price version must start. Longer than {@link #cacheTtl()}, so every replica has
         * loaded a version before it takes effect and no event is rated with a stale catalog.
         */
        @WithDefault("PT1M")
        Duration minLead();

        /** How long a replica keeps its in-memory copy of the catalog. */
        @WithDefault("PT2S")
        Duration cacheTtl();
    }

    interface Ingest {
        /** Events older than this (by occurred_at) are refused with {@code event_too_old}. */
        @WithDefault("P3D")
        Duration lateWindow();

        /** Events further in the future than this are refused with {@code event_in_future}. */
        @WithDefault("PT5M")
        Duration futureSkew();

        /** {@code reject}: an unknown model is refused; {@code flag}: accepted as unpriced and counted. */
        @WithDefault("reject")
        String unknownModel();

        /** Largest batch accepted in one request. */
        @WithDefault("1000")
        int maxBatch();
    }

    interface Quota {
        /** How long a suspended/active answer from subscription-service is trusted. */
        @WithDefault("PT30S")
        Duration accountStatusTtl();

        /** Default reservation lifetime when the caller names none. */
        @WithDefault("PT2M")
        Duration reservationTtl();
    }
}
