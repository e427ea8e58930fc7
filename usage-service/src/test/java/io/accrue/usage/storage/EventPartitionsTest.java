package io.accrue.usage.storage;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.accrue.common.security.Roles;
import io.accrue.common.time.AdjustableClock;
import io.accrue.testing.TestTokens;
import io.accrue.usage.UsageFixtures;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * The monthly partitions of usage_events (V12): created ahead idempotently, old months retired (dropped or
 * archived) with their ids still claimed, ingestion into a month that had no partition yet, and a replay whose
 * occurredAt falls in another month's partition still a duplicate.
 */
@QuarkusTest
class EventPartitionsTest {

    @Inject
    EventPartitions partitions;
    @Inject
    AdjustableClock clock;
    @Inject
    AgroalDataSource dataSource;

    @Test
    void monthsAheadAreCreatedOnceAndTheSecondRunChangesNothing() {
        YearMonth now = YearMonth.now(clock.withZone(ZoneOffset.UTC));
        partitions.ensureAhead();
        List<YearMonth> months = partitions.months();
        for (int i = 0; i <= 3; i++) {
            assertTrue(months.contains(now.plusMonths(i)), now.plusMonths(i) + " in " + months);
        }
        assertEquals(List.of(), partitions.ensureAhead(), "nothing left to create");
        assertEquals(months, partitions.months());
        assertFalse(partitions.ensure(now), "an existing month is left as it is");
    }

    @Test
    void monthsPastTheRetentionAreDetachedDroppedOrArchivedAndTheirIdsStayClaimed() throws SQLException {
        YearMonth jan = YearMonth.of(2020, 1), feb = YearMonth.of(2020, 2);
        partitions.ensure(jan);
        partitions.ensure(feb);
        String org = "org-" + UUID.randomUUID();
        insertEvent(org, "r-jan", "2020-01-15T00:00:00Z");
        insertEvent(org, "r-feb", "2020-02-15T00:00:00Z");
        YearMonth now = YearMonth.now(clock.withZone(ZoneOffset.UTC));
        // keep every month from February 2020 on: January goes, archived
        int keepFromFeb = (int) ChronoUnit.MONTHS.between(feb, now);
        assertEquals(List.of(jan), partitions.retire(keepFromFeb, true));
        assertEquals(List.of("r-feb"), eventsOf(org), "January's event left usage_events");
        assertEquals(1, count("select count(*) from usage_events_archived_2020_01 where org_id = '" + org + "'"));
        // then February too, dropped
        int keepFromMarch = keepFromFeb - 1;
        assertEquals(List.of(feb), partitions.retire(keepFromMarch, false));
        assertEquals(List.of(), eventsOf(org));
        assertEquals(0, count("select count(*) from pg_class where relname = 'usage_events_2020_02'"));
        assertFalse(partitions.months().contains(feb));
        assertEquals(List.of(), partitions.retire(keepFromMarch, false), "a second run retires nothing");
        // a retired event's id stays taken
        assertEquals(2, count("select count(*) from usage_event_ids where org_id = '" + org + "'"));
        assertTrue(partitions.months().contains(now), "the current month is never retired");
    }

    @Test
    void aMonthWithoutAPartitionIsIngestedThenMovedIntoItsNewPartitionAndReplaysAcrossMonthsAreDuplicates()
            throws SQLException {
        Instant start = clock.instant();
        String org = "org-" + UUID.randomUUID();
        // 30 minutes into a month two after the last partition: it and the month before have none
        List<YearMonth> existing = partitions.months();
        YearMonth far = existing.get(existing.size() - 1).plusMonths(2);
        Instant t = far.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant().plus(Duration.ofMinutes(30));
        try {
            clock.set(t);
            String lastOfPrevious = t.minus(Duration.ofHours(1)).toString(); // the month before, also unpartitioned
            post(org, "{\"events\":[" + UsageFixtures.event("p-1", "u-1", "gpt-4o", 10, 5, t.toString()) + ","
                    + UsageFixtures.event("p-0", "u-1", "gpt-4o", 10, 5, lastOfPrevious) + "]}")
                    .body("accepted", equalTo(2));
            assertEquals("usage_events_default", partitionOf(org, "p-1"), "caught by the default partition");

            assertTrue(partitions.ensure(far));
            assertTrue(partitions.ensure(far.minusMonths(1)));
            assertEquals(EventPartitions.name(far), partitionOf(org, "p-1"), "moved with its month");
            assertEquals(EventPartitions.name(far.minusMonths(1)), partitionOf(org, "p-0"));
            assertEquals(0, count("select count(*) from usage_events_default where org_id = '" + org + "'"));

            post(org, "{\"events\":[" + UsageFixtures.event("p-2", "u-1", "gpt-4o", 10, 5, t.toString()) + "]}")
                    .body("accepted", equalTo(1));
            assertEquals(EventPartitions.name(far), partitionOf(org, "p-2"), "new events go to the new partition");

            // p-0 replayed with an occurredAt in the other month's partition, p-1 in its own: both duplicates
            post(org, "{\"events\":[" + UsageFixtures.event("p-0", "u-1", "gpt-4o", 10, 5, t.toString()) + ","
                    + UsageFixtures.event("p-1", "u-1", "gpt-4o", 10, 5, lastOfPrevious) + "]}")
                    .body("accepted", equalTo(0)).body("duplicates", equalTo(2));
            assertEquals(3, count("select count(*) from usage_events where org_id = '" + org + "'"));
            assertEquals(EventPartitions.name(far.minusMonths(1)), partitionOf(org, "p-0"), "the first one stays");
        } finally {
            clock.set(start);
        }
    }

    private static io.restassured.response.ValidatableResponse post(String org, String body) {
        return given()
                .header("Authorization", TestTokens.as(Roles.USAGE_REPORTER).org(org).environment("live").bearer())
                .contentType(ContentType.JSON).body(body).when().post("/v1/usage-events").then().statusCode(200);
    }

    /** An event as the migration or an import writes it: the row and its claimed id. */
    private void insertEvent(String org, String id, String at) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("""
                    insert into usage_events (org_id, environment, event_id, end_user_id, model_requested,
                        input_tokens, output_tokens, cached_tokens, tool_calls, occurred_at, recorded_at, cost, revenue,
                        unpriced)
                    values ('%1$s', 'live', '%2$s', 'u', 'gpt-4o', 1, 1, 0, 0, '%3$s', '%3$s', 0, 0, true)"""
                    .formatted(org, id, at));
            s.execute("insert into usage_event_ids values ('%s', 'live', '%s', '%s')".formatted(org, id, at));
        }
    }

    private List<String> eventsOf(String org) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "select event_id from usage_events where org_id = ? order by event_id")) {
            ps.setString(1, org);
            try (ResultSet rs = ps.executeQuery()) {
                List<String> out = new java.util.ArrayList<>();
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
                return out;
            }
        }
    }

    private String partitionOf(String org, String id) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "select tableoid::regclass::text from usage_events where org_id = ? and event_id = ?")) {
            ps.setString(1, org);
            ps.setString(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next(), id + " is recorded");
                return rs.getString(1);
            }
        }
    }

    private long count(String sql) throws SQLException {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
