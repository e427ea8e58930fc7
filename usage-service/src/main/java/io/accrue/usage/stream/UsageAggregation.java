package io.accrue.usage.stream;

import java.time.Duration;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.AutoOffsetReset;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.TimestampExtractor;
import org.apache.kafka.streams.state.Stores;

/**
 * The stream aggregation's topology, pure (no CDI, no broker: {@code UsageAggregationTest} drives it with
 * {@code TopologyTestDriver}): the usage log in, keyed by organisation as the edge appends it; each event counted once
 * by (organisation, environment, event id) into its (end user, model, currency, UTC minute) totals; the totals of the
 * minutes that moved out, every {@code emitEvery}, to the rollup topic, keyed by {@link MinuteKey} — the latest value
 * of each, which the PostgreSQL sink ({@link MinuteRollupSink}) upserts.
 *
 * <p>
 * Run with {@code processing.guarantee=exactly_once_v2} ({@link StreamAggregation}): the state stores' changelogs,
 * the emitted totals and the log's consumed offsets commit in one Kafka transaction, so a crash replays from the last
 * commit against the state as of that commit, and counts nothing twice.
 */
public final class UsageAggregation {

    static final String SOURCE = "usage-log";
    static final String PROCESSOR = "count-once-per-minute";
    static final String SINK = "minute-rollups";
    static final String SEEN = "seen-event-ids";
    static final String TOTALS = "minute-totals";
    static final String MOVED = "moved-minutes";

    /**
     * @param retention how long an event id and a minute's totals are kept, by stream time (the log's record
     *        timestamps): at least the late window plus the future skew, since the edge refuses an event older than
     *        the late window ({@code event_too_old}) and answers a replay that old {@code duplicate} from PostgreSQL —
     *        no event older than that reaches the log; a margin on top covers the edge replicas' clocks
     * @param emitEvery how often (wall clock) the minutes that moved are sent on: PostgreSQL receives at most one row
     *        per active key in that time, whatever the event rate
     */
    public record Settings(String usageTopic, String rollupTopic, Duration retention, Duration emitEvery) {}

    private UsageAggregation() {
    }

    /** A record's time: when the edge took the request ({@code recordedAt}); the broker's timestamp for a stray record. */
    static final class EdgeTime implements TimestampExtractor {
        @Override
        public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
            return record.value() instanceof LoggedBatch b && b.recordedAt() != null
                    ? b.recordedAt().toEpochMilli()
                    : record.timestamp();
        }
    }

    public static Topology topology(Settings settings) {
        Topology t = new Topology();
        // stream time is the edge's clock (recordedAt), the one its late window is judged by — not the broker's
        // a new application starts at the log's beginning: every event the log still holds is counted
        t.addSource(AutoOffsetReset.earliest(), SOURCE, new EdgeTime(), Serdes.String().deserializer(),
                StreamJson.serde(LoggedBatch.class).deserializer(), settings.usageTopic());
        t.addProcessor(PROCESSOR, () -> new CountOncePerMinute(settings.retention(), settings.emitEvery()), SOURCE);
        // one id per event, kept for the retention; a window of 1 ms, since only the id's presence matters
        t.addStateStore(Stores.windowStoreBuilder(
                Stores.persistentWindowStore(SEEN, settings.retention(), Duration.ofMillis(1), false),
                Serdes.String(), Serdes.Long()), PROCESSOR);
        // one value per series and minute (the window's start); minutes older than the retention drop off by segment
        t.addStateStore(Stores.windowStoreBuilder(
                Stores.persistentWindowStore(TOTALS, settings.retention(), Duration.ofMinutes(1), false),
                Serdes.String(), StreamJson.serde(MinuteTotals.class)), PROCESSOR);
        // the minutes updated since the last emit: a store, not a field, so a crash between the update and the emit
        // loses no emit (the transaction that committed the update committed this too)
        t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(MOVED),
                StreamJson.serde(MinuteKey.class), Serdes.Long()), PROCESSOR);
        t.addSink(SINK, settings.rollupTopic(), StreamJson.serde(MinuteKey.class).serializer(),
                StreamJson.serde(MinuteTotals.class).serializer(), PROCESSOR);
        return t;
    }
}
