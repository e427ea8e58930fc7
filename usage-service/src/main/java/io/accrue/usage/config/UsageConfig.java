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

    Budgets budgets();

    BillingEvents billingEvents();

    Signing signing();

    Entitlements entitlements();

    StreamAggregation streamAggregation();

    /**
     * Per-minute rollups computed in the stream (io.accrue.usage.stream, docs/scaling.md): a Kafka Streams app beside
     * the per-event consumer in ingestion mode kafka, and a sink writing {@code usage_minute_rollups}. Off by default;
     * nothing bills from the rollups yet.
     */
    interface StreamAggregation {
        /** Whether this replica runs the aggregation (needs {@code accrue.usage.ingest.mode=kafka}). */
        @WithDefault("false")
        boolean enabled();

        /** The Streams application id: its consumer group, and the prefix of its internal topics. */
        @WithDefault("usage-minute-aggregation")
        String applicationId();

        /** The topic of the minutes' latest totals (created when missing, compacted, as many partitions as the log). */
        @WithDefault("accrue.usage-minute-rollups")
        String rollupTopic();

        /** The consumer group of the PostgreSQL sink. */
        @WithDefault("usage-minute-rollup-sink")
        String sinkGroupId();

        /** Where the Streams app keeps its RocksDB state (restored from the changelogs when empty). */
        @WithDefault("${java.io.tmpdir}/accrue-usage-streams")
        String stateDir();

        /**
         * Added to the late window and the future skew to give the retention of event ids and minute totals: covers
         * the edge replicas' clocks and the broker's record timestamps.
         */
        @WithDefault("PT1H")
        Duration clockMargin();

        /** How often the minutes that moved are sent to the sink: at most one row per active key in that time. */
        @WithDefault("PT1S")
        Duration emitEvery();

        /**
         * Static membership ({@code group.instance.id}, e.g. the StatefulSet pod name): a replica restarted under the
         * same id takes its partitions and their state back at once, without a rebalance; unset, a restart waits for
         * the group to drop the old member (the session timeout).
         */
        java.util.Optional<String> instanceId();

        /** Stream threads of this replica (partitions are shared among every replica's threads). */
        @WithDefault("1")
        int threads();
    }

    /** Entitlement checks (docs/entitlements.md). */
    interface Entitlements {
        /**
         * How long a metered limit's usage count is reused before it is read again: the check is meant to be called
         * per request, so at most one summary read per organisation, environment and period in this time.
         */
        @WithDefault("PT10S")
        Duration usageTtl();
    }

    Events events();

    /** The usage event table's monthly partitions (V12, {@code storage.EventPartitions}). */
    interface Events {
        /** Months after the current one whose partitions are kept created (at start and by the hourly job). */
        @WithDefault("3")
        int partitionsAhead();

        /** How often the partition job runs ({@code off} disables it). */
        @WithDefault("1h")
        String partitionEvery();

        /**
         * Full months kept before the current one; older monthly partitions are detached, then dropped (or kept
         * as a plain table when {@link #archive()}). Empty (the default): every month is kept. At least 1.
         */
        java.util.OptionalInt retentionMonths();

        /** Keep a retired month as the plain table {@code usage_events_archived_YYYY_MM} instead of dropping it. */
        @WithDefault("false")
        boolean archive();
    }

    /** Stripe metering (v2 meter events through the outbox). */
    interface Stripe {
        /** Secret key; from STRIPE_API_KEY only (the name every service uses), no default outside dev/test. */
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

    /** Budgets and their threshold alerts. */
    interface Budgets {
        /** How often the evaluator compares the rollups with the budgets ({@code off} disables it). */
        @WithDefault("15s")
        String evaluateEvery();
    }

    /**
     * Billing events (budget alerts) published to subscription-service's one webhook delivery system through the
     * {@code billing_event_outbox}.
     */
    interface BillingEvents {
        /** How often due events are published ({@code off} disables it). */
        @WithDefault("5s")
        String publishEvery();
    }

    /** Optional HMAC signatures on usage events, per client credential. */
    interface Signing {
        /** How far the signature's timestamp may be from the server clock, either way. */
        @WithDefault("PT5M")
        Duration tolerance();

        /**
         * How long a replica trusts its copy of a client's secrets. A secret added or removed on another replica
         * takes effect here within this time; on the replica that changed it, at once.
         */
        @WithDefault("PT5S")
        Duration cacheTtl();
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
        /**
         * Write transactions one replica runs at once (group commit: each takes every request queued when it
         * starts). More than one lets PostgreSQL commit one group while the next is written, but concurrent groups
         * update the same rollup and counter rows: measured on the shared 2-core machine (docs/benchmarks.md),
         * two writers cost ~70 % more PostgreSQL CPU per event and gained nothing, so the default stays 1.
         */
        @WithDefault("1")
        int writers();

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

        /**
         * {@code direct}: the edge writes accepted events to PostgreSQL and answers {@code accepted};
         * {@code kafka}: it appends them to the usage log and answers {@code queued} once the broker acknowledged
         * them, and consumers write them (docs/scaling.md).
         */
        @WithDefault("direct")
        IngestMode mode();

        Kafka kafka();
    }

    /** Ingestion through Apache Kafka ({@code accrue.usage.ingest.mode=kafka}). */
    interface Kafka {
        /** The brokers ({@code host:port,…}); required in kafka mode. */
        java.util.Optional<String> bootstrapServers();

        /** The usage log: one record per accepted request, keyed by organisation. */
        @WithDefault("accrue.usage-events")
        String topic();

        /** Partitions when this service creates the topic (it does when the topic is missing). */
        @WithDefault("12")
        int partitions();

        @WithDefault("1")
        short replicationFactor();

        /** The consumer group of every replica writing the log to PostgreSQL. */
        @WithDefault("usage-writers")
        String groupId();

        /** Whether this replica consumes the log (an edge-only replica turns it off). */
        @WithDefault("true")
        boolean consume();

        /** Records (requests) written to PostgreSQL in one transaction, at most. */
        @WithDefault("8")
        int maxRecordsPerWrite();

        /**
         * How long a consumer may spend between polls (a write retried through a PostgreSQL outage) before the group
         * counts it as stalled and gives its partitions to another replica.
         */
        @WithDefault("PT15M")
        Duration maxPollInterval();

        /** The oldest usage-log lag a quota answer reports (it is read from the broker in the background). */
        @WithDefault("PT1S")
        Duration lagMaxAge();

        /** How long the edge waits for the broker's acknowledgement before answering 503. */
        @WithDefault("PT10S")
        Duration ackTimeout();
    }

    interface Quota {
        /** How long a suspended/active answer from subscription-service is trusted. */
        @WithDefault("PT30S")
        Duration accountStatusTtl();

        /**
         * How long the last status subscription-service did answer keeps being used while it is slow or failing:
         * a suspended account stays blocked that long instead of every check allowing it as "unknown".
         */
        @WithDefault("PT1H")
        Duration accountStatusMaxStale();

        /** Default reservation lifetime when the caller names none. */
        @WithDefault("PT2M")
        Duration reservationTtl();
    }
}
