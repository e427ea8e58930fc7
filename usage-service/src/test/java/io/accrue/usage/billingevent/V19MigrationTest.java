package io.accrue.usage.billingevent;

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

import io.accrue.common.outbox.OutboxStatus;
import io.accrue.common.state.WireValue;
import io.accrue.testing.PostgresResource;

/**
 * V19 puts usage-service's billing_event_outbox in the shape common's OrderedEventOutbox uses: applied to a database
 * at V14 with events in each old state, pending events stay due with their attempts and are numbered in the order
 * they were queued, published/refused become delivered/failed, and the CHECK constraint is {@link OutboxStatus}'s.
 */
class V19MigrationTest {

    private static final String DB = "usage_v19_migration";

    @Test
    void queuedEventsKeepTheirPlaceAndStatesTakeTheSharedNames() throws SQLException {
        try (Connection c = DriverManager.getConnection(PostgresResource.jdbcUrl("postgres"), "postgres", "postgres");
                Statement s = c.createStatement()) {
            s.execute("drop database if exists " + DB + " with (force)");
            s.execute("create database " + DB);
        }
        String url = PostgresResource.jdbcUrl(DB);
        flyway(url, "14").migrate();
        try (Connection c = DriverManager.getConnection(url, "postgres", "postgres");
                Statement s = c.createStatement()) {
            s.execute("""
                    insert into billing_event_outbox (id, org_id, type, occurred_at, data, status, attempts,
                        next_attempt_at, last_error, created_at, published_at) values
                    ('evt_b', 'org-a', 'usage.threshold_reached', '2026-03-01T10:00:00Z', '{"n":2}', 'pending', 3,
                        '2026-03-01T11:00:00Z', 'HTTP 503', '2026-03-01T10:00:02Z', null),
                    ('evt_a', 'org-a', 'usage.threshold_reached', '2026-03-01T10:00:00Z', '{"n":1}', 'pending', 0,
                        '2026-03-01T10:00:00Z', null, '2026-03-01T10:00:01Z', null),
                    ('evt_p', 'org-b', 'usage.threshold_reached', '2026-03-01T09:00:00Z', '{}', 'published', 1,
                        '2026-03-01T09:00:00Z', null, '2026-03-01T09:00:00Z', '2026-03-01T09:00:05Z'),
                    ('evt_r', 'org-b', 'usage.threshold_reached', '2026-03-01T08:00:00Z', '{}', 'refused', 1,
                        '2026-03-01T08:00:00Z', 'refused: HTTP 422', '2026-03-01T08:00:00Z', null)""");
        }

        flyway(url, "19").migrate();

        try (Connection c = DriverManager.getConnection(url, "postgres", "postgres");
                Statement s = c.createStatement()) {
            assertEquals(List.of("evt_r:failed:1:1:false", "evt_p:delivered:2:1:true", "evt_a:pending:3:0:false",
                    "evt_b:pending:4:3:false"), rows(s), "numbered in queue order, attempts and delivery kept");
            assertEquals(List.of("evt_a:2026-03-01 10:00:00+00", "evt_b:2026-03-01 11:00:00+00"), strings(s,
                    "select event_id || ':' || next_attempt_at from billing_event_outbox where status = 'pending'"
                            + " and give_up_at is null order by seq"),
                    "pending rows stay due when they were, never given up");
            assertEquals(List.of("{\"n\":1}"), strings(s, "select payload from billing_event_outbox"
                    + " where event_id = 'evt_a'"));
            // a new event is numbered after the migrated ones
            s.execute("""
                    insert into billing_event_outbox (event_id, org_id, type, occurred_at, payload, status,
                        next_attempt_at, created_at)
                    values ('evt_new', 'org-a', 't', now(), '{}', 'pending', now(), now())""");
            assertEquals(List.of("5"), strings(s, "select seq from billing_event_outbox where event_id = 'evt_new'"));
            // the CHECK constraint is the enum's
            for (OutboxStatus status : OutboxStatus.values()) {
                s.execute(
                        "update billing_event_outbox set status = '" + status.wire() + "' where event_id = 'evt_new'");
            }
            SQLException old = assertThrows(SQLException.class,
                    () -> s.execute("update billing_event_outbox set status = 'published' where event_id = 'evt_new'"));
            assertEquals("23514", old.getSQLState());
            assertEquals(List.of(String.join(",", List.of(OutboxStatus.values()).stream().map(WireValue::wire)
                    .sorted().toList())), strings(s, """
                            select string_agg(v, ',' order by v) from (select unnest(regexp_matches(
                                pg_get_constraintdef(oid), '''([a-z_]+)''', 'g')) v from pg_constraint
                                where conname = 'billing_event_outbox_status') x"""));
        }
    }

    private static List<String> rows(Statement s) throws SQLException {
        return strings(s, "select event_id || ':' || status || ':' || seq || ':' || attempts || ':'"
                + " || (delivered_at is not null) from billing_event_outbox order by seq");
    }

    private static List<String> strings(Statement s, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        s.execute("set timezone = 'UTC'");
        try (ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static Flyway flyway(String url, String target) {
        return Flyway.configure().dataSource(url, "postgres", "postgres").locations("classpath:db/migration")
                .target(target).load();
    }
}
