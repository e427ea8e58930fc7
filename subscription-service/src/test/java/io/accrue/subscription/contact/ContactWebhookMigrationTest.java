package io.accrue.subscription.contact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import io.accrue.testing.PostgresResource;

/**
 * V14 on real PostgreSQL, from a database at V13 holding contact webhooks and undelivered notifications: each
 * organisation's contact URL becomes one endpoint subscribed to {@code account.status_changed}, an URL already
 * registered is not registered twice, and a notification that was still undelivered is delivered once, as the
 * dunning step's billing event, by the one sender.
 */
class ContactWebhookMigrationTest {

    @Test
    void contactWebhooksBecomeEndpointsAndUndeliveredNoticesAreDeliveredOnce() throws SQLException {
        PostgresResource database = new PostgresResource();
        database.init(Map.of("database", "subscription_v14_migration"));
        String url = database.start().get("quarkus.datasource.jdbc.url");
        migrate(url, "13");
        try (Connection c = DriverManager.getConnection(url, "postgres", "postgres");
                Statement s = c.createStatement()) {
            s.execute(
                    """
                            INSERT INTO billing_accounts (id, org_id, name, provisioned_currency, created_at, updated_at)
                            VALUES (gen_random_uuid(), 'acme', 'Acme', 'USD', now(), now());
                            INSERT INTO billing_contacts (id, org_id, name, email, receives_invoices, receives_dunning,
                                webhook_url, created_at, updated_at) VALUES
                              (gen_random_uuid(), 'acme', 'Ada', 'ada@acme.example', false, true, 'https://a.example/h', now(), now()),
                              (gen_random_uuid(), 'acme', 'Bob', 'bob@acme.example', false, true, 'https://a.example/h', now(), now()),
                              (gen_random_uuid(), 'acme', 'Cy', 'cy@acme.example', false, false, 'https://b.example/h', now(), now()),
                              (gen_random_uuid(), 'acme', 'Dee', 'dee@acme.example', false, true, 'https://c.example/h', now(), now());
                            INSERT INTO webhook_endpoints (id, org_id, url, event_types, secret, enabled, created_at, updated_at)
                            VALUES (gen_random_uuid(), 'acme', 'https://c.example/h', '*', 'whsec_AAAA', true, now(), now());
                            INSERT INTO billing_events (id, org_id, type, payload, occurred_at, created_at) VALUES
                              ('evt_old', 'acme', 'account.status_changed', '{"orgId":"acme","toStatus":"past_due"}',
                               '2026-03-01T09:00:00Z', now()),
                              ('evt_new', 'acme', 'account.status_changed', '{"orgId":"acme","toStatus":"grace"}',
                               '2026-03-04T09:00:00Z', now());
                            INSERT INTO notification_outbox (id, org_id, url, payload, created_at, attempts, next_attempt_at,
                                delivered_at) VALUES
                              (gen_random_uuid(), 'acme', 'https://a.example/h',
                               '{"occurredAt":"2026-03-01T09:00:00Z","toStatus":"past_due"}', now(), 1, now(), now()),
                              (gen_random_uuid(), 'acme', 'https://a.example/h',
                               '{"occurredAt":"2026-03-04T09:00:00Z","toStatus":"grace"}', now(), 2, now(), null),
                              (gen_random_uuid(), 'acme', 'https://a.example/h',
                               '{"occurredAt":"2026-03-04T09:00:00Z","toStatus":"grace"}', now(), 2, now(), null);
                            """);
        }

        migrate(url, "14");

        try (Connection c = DriverManager.getConnection(url, "postgres", "postgres");
                Statement s = c.createStatement()) {
            List<String> endpoints = rows(s, "SELECT url || ' ' || event_types FROM webhook_endpoints ORDER BY url");
            assertEquals(List.of("https://a.example/h account.status_changed", "https://c.example/h *"), endpoints,
                    "one endpoint per URL of a contact that received notices; a registered URL not again");
            String secret = rows(s, "SELECT secret FROM webhook_endpoints WHERE url = 'https://a.example/h'").get(0);
            assertTrue(secret.startsWith("whsec_"), secret);
            assertEquals(32, Base64.getDecoder().decode(secret.substring("whsec_".length())).length);
            String description = rows(s,
                    "SELECT description FROM webhook_endpoints WHERE url = 'https://a.example/h'").get(0);
            assertTrue(description.contains("ada@acme.example") && description.contains("bob@acme.example"),
                    description);
            assertEquals(List.of("evt_new pending"), rows(s, """
                    SELECT d.event_id || ' ' || d.status FROM webhook_deliveries d
                    JOIN webhook_endpoints e ON e.id = d.endpoint_id WHERE e.url = 'https://a.example/h'"""),
                    "the undelivered notice, once (two contacts' copies), as its billing event");
            assertEquals(List.of("1"), rows(s, """
                    SELECT count(*)::text FROM audit_log WHERE actor = 'migration:V14'
                    AND action = 'webhook_endpoint.created'"""));
            assertEquals(List.of(), rows(s, "SELECT table_name::text FROM information_schema.tables"
                    + " WHERE table_name = 'notification_outbox'"));
            assertFalse(rows(s, "SELECT column_name::text FROM information_schema.columns"
                    + " WHERE table_name = 'billing_contacts'").contains("webhook_url"));
        }
    }

    private static void migrate(String url, String target) {
        Flyway.configure().dataSource(url, "postgres", "postgres").locations("classpath:db/migration")
                .target(target).load().migrate();
    }

    private static List<String> rows(Statement s, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
