package io.accrue.usage.stream;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.jboss.logging.Logger;

/**
 * De-duplicates a batch's events by (organisation, environment, event id) and adds each new one to its minute's
 * totals; every {@code emitEvery} sends the totals of the minutes that moved. All state is in the task's stores
 * (changelogged, committed with the offsets under exactly-once), none in fields.
 */
final class CountOncePerMinute implements Processor<String, LoggedBatch, MinuteKey, MinuteTotals> {

    private static final Logger LOG = Logger.getLogger(CountOncePerMinute.class);

    private final Duration retention;
    private final Duration emitEvery;
    private ProcessorContext<MinuteKey, MinuteTotals> context;
    private WindowStore<String, Long> seen;
    private WindowStore<String, MinuteTotals> totals;
    private KeyValueStore<MinuteKey, Long> moved;

    CountOncePerMinute(Duration retention, Duration emitEvery) {
        this.retention = retention;
        this.emitEvery = emitEvery;
    }

    @Override
    public void init(ProcessorContext<MinuteKey, MinuteTotals> context) {
        this.context = context;
        this.seen = context.getStateStore(UsageAggregation.SEEN);
        this.totals = context.getStateStore(UsageAggregation.TOTALS);
        this.moved = context.getStateStore(UsageAggregation.MOVED);
        context.schedule(emitEvery, PunctuationType.WALL_CLOCK_TIME, this::emitMoved);
    }

    @Override
    public void process(Record<String, LoggedBatch> record) {
        LoggedBatch batch = record.value();
        if (batch == null || batch.events() == null) {
            return;
        }
        // the oldest instant the stores still hold: stream time (the log's latest recordedAt) less the retention
        long horizon = Math.max(context.currentStreamTimeMs(), record.timestamp()) - retention.toMillis();
        for (LoggedBatch.Event e : batch.events()) {
            Instant occurred = e.request().occurredAt();
            if (occurred.toEpochMilli() < horizon) {
                // cannot happen while retention ≥ late window + skew (the edge refuses such events); said, not hidden
                LOG.warnf("usage event %s of %s occurred at %s, before the aggregation's retention (%s): not counted"
                        + " in the minute rollups (the per-event tables hold it)", e.request().eventId(), batch.org(),
                        occurred, retention);
                continue;
            }
            String id = batch.org() + '\u0000' + batch.env() + '\u0000' + e.request().eventId();
            if (seenBefore(id, occurred.toEpochMilli())) {
                continue;
            }
            seen.put(id, record.timestamp(), occurred.toEpochMilli());
            MinuteKey key = new MinuteKey(batch.org(), batch.env(), e.request().endUserId(), e.modelKey(),
                    e.currency() == null ? MinuteKey.NO_CURRENCY : e.currency(),
                    occurred.truncatedTo(ChronoUnit.MINUTES));
            long minute = key.minute().toEpochMilli();
            MinuteTotals before = totals.fetch(key.series(), minute);
            totals.put(key.series(), (before == null ? MinuteTotals.NONE : before).plus(e), minute);
            moved.put(key, minute);
        }
    }

    /**
     * Whether the id was counted: looked up around its occurredAt over the whole retention, so a replay that carries
     * another occurredAt (a client resending the id with a new time) is still the same event, as in PostgreSQL.
     */
    private boolean seenBefore(String id, long occurredAt) {
        try (WindowStoreIterator<Long> it = seen.fetch(id, Instant.ofEpochMilli(occurredAt).minus(retention),
                Instant.ofEpochMilli(occurredAt).plus(retention))) {
            return it.hasNext();
        }
    }

    /** Sends the moved minutes' totals, timestamped with the wall clock (the rollup topic's retention runs on it). */
    private void emitMoved(long now) {
        List<MinuteKey> sent = new ArrayList<>();
        try (KeyValueIterator<MinuteKey, Long> it = moved.all()) {
            while (it.hasNext()) {
                KeyValue<MinuteKey, Long> m = it.next();
                MinuteTotals t = totals.fetch(m.key.series(), m.value);
                if (t != null) {
                    context.forward(new Record<>(m.key, t, now));
                }
                sent.add(m.key);
            }
        }
        sent.forEach(moved::delete);
    }
}
