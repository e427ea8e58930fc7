package io.accrue.usage.config;

/** Where the ingestion edge hands accepted events ({@code accrue.usage.ingest.mode}). */
public enum IngestMode {
    /** Written to PostgreSQL before the answer ({@code accepted}). */
    DIRECT,
    /** Appended to the Kafka usage log before the answer ({@code queued}); consumers write PostgreSQL. */
    KAFKA
}
