package io.accrue.usage.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import io.accrue.common.error.JsonConfig;

/**
 * The topology alone ({@link TopologyTestDriver}, its RocksDB stores): replays counted once, events out of order
 * within a minute and late within the retention counted in their own minute, two organisations interleaved on one
 * partition kept apart, and only the latest totals of a minute sent per emit.
 */
class UsageAggregationTest {

    private static final Duration RETENTION = Duration.ofDays(3).plusHours(1);
    private static final Instant T0 = Instant.parse("2026-03-15T09:00:00Z");
    /** The edge's own JSON rules (common JsonConfig): what UsageLog writes to the log. */
    private static final ObjectMapper EDGE = edgeMapper();

    private TopologyTestDriver driver;
    private TestInputTopic<String, String> log;
    private TestOutputTopic<MinuteKey, MinuteTotals> rollups;

    @BeforeEach
    void start() {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "usage-aggregation-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        driver = new TopologyTestDriver(UsageAggregation.topology(new UsageAggregation.Settings("usage", "rollups",
                RETENTION, Duration.ofSeconds(1))), p, T0);
        log = driver.createInputTopic("usage", Serdes.String().serializer(), Serdes.String().serializer());
        rollups = driver.createOutputTopic("rollups", StreamJson.serde(MinuteKey.class).deserializer(),
                StreamJson.serde(MinuteTotals.class).deserializer());
    }

    @AfterEach
    void close() {
        driver.close();
    }

    @Test
    void aReplayedBatchAndAReplayedEventCountOnce() throws Exception {
        String first = batch("org-a", T0, event("e-1", "u-1", "gpt-4o", T0.plusSeconds(5), 100, 10, "0.001"),
                event("e-2", "u-1", "gpt-4o", T0.plusSeconds(7), 200, 20, "0.002"));
        append("org-a", first, T0);
        append("org-a", first, T0.plusSeconds(1)); // a client retry: the same request appended again
        // a later request resending e-2 among a new event
        append("org-a", batch("org-a", T0.plusSeconds(2), event("e-2", "u-1", "gpt-4o", T0.plusSeconds(7), 200, 20,
                "0.002"), event("e-3", "u-1", "gpt-4o", T0.plusSeconds(30), 1, 1, "0.000000000001")),
                T0.plusSeconds(2));

        Map<MinuteKey, MinuteTotals> out = emit();
        MinuteTotals t = out.get(key("org-a", "u-1", "gpt-4o", "USD", T0));
        assertEquals(3, t.events());
        assertEquals(301, t.inputTokens());
        assertEquals(31, t.outputTokens());
        assertEquals(new BigDecimal("0.003000000001"), t.cost(), "cost summed exactly, as decimals");
        assertEquals(1, out.size());
    }

    @Test
    void outOfOrderWithinAMinuteAndLateWithinTheRetentionLandInTheirOwnMinutes() throws Exception {
        Instant ten = T0.plus(Duration.ofMinutes(10));
        append("org-a", batch("org-a", ten, event("b", "u-1", "m", ten.plusSeconds(40), 1, 1, "1"),
                event("a", "u-1", "m", ten.plusSeconds(3), 2, 2, "1")), ten);
        assertEquals(2, emit().get(key("org-a", "u-1", "m", "USD", ten)).events());

        // two days later, an event of that same minute arrives late (within the late window): the minute moves on
        Instant later = ten.plus(Duration.ofDays(2));
        append("org-a", batch("org-a", later, event("c", "u-1", "m", ten.plusSeconds(59), 4, 4, "1"),
                event("d", "u-1", "m", later, 8, 8, "1")), later);
        Map<MinuteKey, MinuteTotals> out = emit();
        MinuteTotals old = out.get(key("org-a", "u-1", "m", "USD", ten));
        assertEquals(3, old.events(), "the late event joins its minute's totals, not a new row");
        assertEquals(7, old.inputTokens());
        assertEquals(1, out.get(key("org-a", "u-1", "m", "USD", later.truncatedTo(
                java.time.temporal.ChronoUnit.MINUTES))).events());

        // and a replay of an id first seen two days ago is still a duplicate
        append("org-a", batch("org-a", later, event("a", "u-1", "m", ten.plusSeconds(3), 2, 2, "1")), later);
        assertTrue(emit().isEmpty(), "a replay within the retention moves no minute");
    }

    @Test
    void anEventOlderThanTheRetentionIsNotCounted() throws Exception {
        Instant now = T0.plus(Duration.ofDays(10));
        append("org-a", batch("org-a", now, event("fresh", "u-1", "m", now, 1, 1, "1")), now);
        append("org-a", batch("org-a", now, event("stale", "u-1", "m", now.minus(RETENTION).minusSeconds(60), 1, 1,
                "1")), now);
        Map<MinuteKey, MinuteTotals> out = emit();
        assertEquals(List.of(key("org-a", "u-1", "m", "USD", now)), List.copyOf(out.keySet()));
    }

    @Test
    void twoOrganisationsInterleavedOnOnePartitionStayApart() throws Exception {
        List<String[]> appended = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String org = i % 2 == 0 ? "org-a" : "org-b";
            // the same event ids in both organisations: ids are per organisation, never shared
            appended.add(new String[]{org, batch(org, T0, event("e-" + i / 2, "u-" + i % 3, "gpt-4o",
                    T0.plusSeconds(i), 10, 1, "0.5"))});
        }
        for (String[] a : appended) {
            append(a[0], a[1], T0);
        }
        // and the test environment of org-a holds the same ids again, its own events
        append("org-a", batch("org-a", "test", T0, event("e-0", "u-0", "gpt-4o", T0, 10, 1, "0.5")), T0);
        Map<MinuteKey, MinuteTotals> out = emit();
        long a = 0, b = 0;
        for (var e : out.entrySet()) {
            if (e.getKey().env().equals("test")) {
                assertEquals(1, e.getValue().events());
                continue;
            }
            if (e.getKey().org().equals("org-a")) {
                a += e.getValue().events();
            } else {
                b += e.getValue().events();
            }
        }
        assertEquals(10, a);
        assertEquals(10, b);
        assertEquals(new BigDecimal("5.0"), out.entrySet().stream().filter(e -> e.getKey().org().equals("org-b"))
                .map(e -> e.getValue().cost()).reduce(BigDecimal.ZERO, BigDecimal::add));
    }

    @Test
    void unpricedEventsAreTheirOwnRowsWithNoCurrencyAndTokenPartsAreSummed() throws Exception {
        String body = """
                {"org":"org-a","env":"live","recordedAt":"%s","events":[
                 {"index":0,"request":{"eventId":"p","endUserId":"u","model":"claude","occurredAt":"%s","toolCalls":2},
                  "metered":{"inputTokens":100,"outputTokens":50,"cacheReadTokens":10,"cacheWriteTokens":5,
                   "cacheWrite1hTokens":4,"audioInputTokens":3,"audioOutputTokens":2,"imageInputTokens":1,
                   "imageOutputTokens":1,"reasoningTokens":20,"serviceTier":"standard","units":{}},
                  "modelKey":"claude","currency":"USD","cost":"0.010000000000","unpriced":false,"parts":[]},
                 {"index":1,"request":{"eventId":"q","endUserId":"u","model":"claude","occurredAt":"%s"},
                  "metered":{"inputTokens":7,"outputTokens":3,"cacheReadTokens":0,"cacheWriteTokens":0,
                   "cacheWrite1hTokens":0,"audioInputTokens":0,"audioOutputTokens":0,"imageInputTokens":0,
                   "imageOutputTokens":0,"reasoningTokens":0},
                  "modelKey":"claude","currency":null,"cost":"0.000000000000","unpriced":true}]}"""
                .formatted(T0, T0, T0.plusSeconds(1));
        append("org-a", body, T0);
        Map<MinuteKey, MinuteTotals> out = emit();
        MinuteTotals priced = out.get(key("org-a", "u", "claude", "USD", T0));
        assertEquals(new MinuteTotals(1, 100, 50, 10, 5, 4, 3, 2, 1, 1, 20, 2, 0, new BigDecimal("0.010000000000")),
                priced);
        MinuteTotals unpriced = out.get(key("org-a", "u", "claude", MinuteKey.NO_CURRENCY, T0));
        assertEquals(1, unpriced.unpricedEvents());
        assertEquals(7, unpriced.inputTokens());
    }

    @Test
    void eachEmitSendsAMinuteOnceWithItsLatestTotals() throws Exception {
        for (int i = 0; i < 50; i++) {
            append("org-a", batch("org-a", T0, event("e-" + i, "u-1", "m", T0.plusSeconds(i), 1, 1, "1")), T0);
        }
        List<KeyValue<MinuteKey, MinuteTotals>> sent = emitAll();
        assertEquals(1, sent.size(), "50 batches of one minute: one record per emit, not one per event");
        assertEquals(50, sent.get(0).value.events());
        driver.advanceWallClockTime(Duration.ofSeconds(5));
        assertTrue(rollups.isEmpty(), "nothing moved, nothing sent");
    }

    private Map<MinuteKey, MinuteTotals> emit() {
        Map<MinuteKey, MinuteTotals> out = new LinkedHashMap<>();
        for (KeyValue<MinuteKey, MinuteTotals> kv : emitAll()) {
            out.put(kv.key, kv.value);
        }
        return out;
    }

    private List<KeyValue<MinuteKey, MinuteTotals>> emitAll() {
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        return rollups.readKeyValuesToList();
    }

    private void append(String org, String value, Instant at) {
        log.pipeInput(org, value, at);
    }

    private static MinuteKey key(String org, String user, String model, String currency, Instant minute) {
        return new MinuteKey(org, "live", user, model, currency,
                minute.truncatedTo(java.time.temporal.ChronoUnit.MINUTES));
    }

    private static String batch(String org, Instant recordedAt, Map<String, Object>... events) throws Exception {
        return batch(org, "live", recordedAt, events);
    }

    @SafeVarargs
    private static String batch(String org, String env, Instant recordedAt, Map<String, Object>... events)
            throws Exception {
        return EDGE.writeValueAsString(Map.of("org", org, "env", env, "recordedAt", recordedAt, "events",
                List.of(events)));
    }

    /** An event as the edge's RatedEvent serialises it (the fields the aggregation reads, and some it ignores). */
    private static Map<String, Object> event(String id, String user, String model, Instant occurredAt, long in,
            long out, String cost) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("eventId", id);
        request.put("endUserId", user);
        request.put("model", model);
        request.put("occurredAt", occurredAt);
        Map<String, Object> metered = new LinkedHashMap<>();
        for (String f : List.of("cacheReadTokens", "cacheWriteTokens", "cacheWrite1hTokens", "audioInputTokens",
                "audioOutputTokens", "imageInputTokens", "imageOutputTokens", "reasoningTokens")) {
            metered.put(f, 0);
        }
        metered.put("inputTokens", in);
        metered.put("outputTokens", out);
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("index", 0);
        e.put("request", request);
        e.put("metered", metered);
        e.put("modelKey", model);
        e.put("provider", "openai");
        e.put("currency", "USD");
        e.put("cost", new BigDecimal(cost));
        e.put("unpriced", false);
        e.put("minute", occurredAt.truncatedTo(java.time.temporal.ChronoUnit.MINUTES));
        return e;
    }

    private static ObjectMapper edgeMapper() {
        ObjectMapper m = new ObjectMapper().registerModule(new JavaTimeModule());
        new JsonConfig().customize(m);
        return m;
    }
}
