package io.accrue.usage.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import io.accrue.testing.PostgresResource;

/**
 * V12 turns usage_events into monthly partitions: applied to a database at V11 holding events of several months
 * (and one far in the past), every row comes through with its values, lands in its month's partition (the old one in
 * its own), its id is claimed in usage_event_ids, and a replay of an id is still refused.
 */
class V12MigrationTest {

    private static final String DB = "usage_v12_migration";

    @Test
    void existingEventsAreMovedIntoMonthlyPartitionsWithTheirIdsClaimed() throws SQLException {
        try (Connection c = DriverManager.getConnection(PostgresResource.jdbcUrl("postgres"), "postgres", "postgres");
                Statement s = c.createStatement()) {
            s.execute("drop database if exists " + DB + " with (force)");
            s.execute("create database " + DB);
        }
        String url = PostgresResource.jdbcUrl(DB);
        flyway(url, "11").migrate();
        try (Connection c = DriverManager.getConnection(url, "postgres", "postgres");
                Statement s = c.createStatement()) {
            // 3 months of one org (one event every 6 h), one event in 2019, one unpriced one
            s.execute("""
                    insert into usage_events (org_id, environment, event_id, end_user_id, model_requested, model_id,
                        provider, input_tokens, output_tokens, cached_tokens, tool_calls, occurred_at, recorded_at,
                        currency, cost, revenue, unpriced)
                    select 'org-a', 'live', 'e-' || g, 'u-' || (g % 7), 'gpt-4o', 'gpt-4o', 'openai', g, 2 * g, 0, 0,
                        timestamptz '2026-09-01T00:00:00Z' + g * interval '6 hours',
                        timestamptz '2026-09-01T00:00:00Z' + g * interval '6 hours' + interval '1 second',
                        'USD', g * 0.001, g * 0.0012, false
                    from generate_series(0, 359) g""");
            s.execute("""
                    insert into usage_events (org_id, environment, event_id, end_user_id, model_requested,
                        input_tokens, output_tokens, cached_tokens, tool_calls, occurred_at, recorded_at, cost, revenue,
                        unpriced)
                    values ('org-b', 'test', 'old-1', 'u', 'mystery', 5, 5, 0, 0, '2019-05-05T00:00:00Z',
                        '2019-05-05T00:00:00Z', 0, 0, true)""");
        }
        String before = fingerprint(url);

        flyway(url, "12").migrate();

        try (Connection c = DriverManager.getConnection(url, "postgres", "postgres");
                Statement s = c.createStatement()) {
            assertEquals(before, fingerprint(url), "every row with every value");
            assertEquals(361, count(s, "select count(*) from usage_event_ids"));
            assertEquals(0, count(s, """
                    select count(*) from usage_events e
                    left join usage_event_ids i using (org_id, environment, event_id, occurred_at)
                    where i.event_id is null"""), "each event's id is claimed with its occurred_at");
            assertEquals(List.of("usage_events_2019_05:1", "usage_events_2026_09:120", "usage_events_2026_10:124",
                    "usage_events_2026_11:116"), rowsByPartition(s));
            assertEquals(1, count(s, "select count(*) from pg_class where relname = 'usage_events_2027_03'"),
                    "three months ahead of now exist");
            assertEquals(1,
                    count(s, "select count(*) from pg_partitioned_table p join pg_class c on c.oid = p.partrelid"
                            + " where c.relname = 'usage_events'"));
            // idempotency: the id is taken, whatever occurredAt a replay carries
            SQLException replay = assertThrows(SQLException.class, () -> s.execute("""
                    insert into usage_event_ids values ('org-a', 'live', 'e-5', '2026-11-30T00:00:00Z')"""));
            assertEquals("23505", replay.getSQLState());
            // the same row again in usage_events (same month) is refused by its primary key too
            SQLException dup = assertThrows(SQLException.class, () -> s.execute("""
                    insert into usage_events select * from usage_events where event_id = 'e-5'"""));
            assertEquals("23505", dup.getSQLState());
            // V10's currency triggers still fire on the partitioned table
            s.execute("""
                    insert into usage_events (org_id, environment, event_id, end_user_id, model_requested,
                        input_tokens, output_tokens, cached_tokens, tool_calls, occurred_at, recorded_at, currency,
                        cost, revenue, unpriced)
                    values ('org-c', 'live', 'n-1', 'u', 'gpt-4o', 1, 1, 0, 0, '2026-10-10T10:00:00Z',
                        '2026-10-10T10:00:00Z', 'EUR', 0, 0, false)""");
            assertEquals(1, count(s, "select count(*) from usage_currencies where org_id = 'org-c' and currency = 'EUR'"
                    + " and day = '2026-10-10'"));
            assertEquals(0, count(s, "select count(*) from pg_class where relname = 'usage_events_unpartitioned'"));
        }
    }

    private static Flyway flyway(String url, String target) {
        return Flyway.configure().dataSource(url, "postgres", "postgres").locations("classpath:db/migration")
                .target(target).load();
    }

    /** Every value of every event, in one text: equal before and after means no row or value changed. */
    private static String fingerprint(String url) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, "postgres", "postgres");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("""
                        select count(*) || ':' || md5(string_agg(row(e.*)::text, '|' order by org_id, environment,
                            event_id)) from usage_events e""")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static List<String> rowsByPartition(Statement s) throws SQLException {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("""
                select tableoid::regclass::text, count(*) from usage_events group by 1 order by 1""")) {
            while (rs.next()) {
                out.add(rs.getString(1) + ":" + rs.getLong(2));
            }
        }
        return out;
    }

    private static long count(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
