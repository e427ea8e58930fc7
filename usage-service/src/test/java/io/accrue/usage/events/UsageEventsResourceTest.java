package io.accrue.usage.events;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.accrue.common.security.Roles;
import io.accrue.testing.TestTokens;
import io.accrue.usage.UsageFixtures;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * An organisation reads its own events back (issue 20.4): keyset pages that cover every event once in order,
 * filters, a CSV / NDJSON export of the same rows, each with the price version, cost and revenue stored for it;
 * another organisation's events are never visible; every bad parameter is a 400 problem; and the statements read
 * usage_events through its index on a table large enough that the planner would otherwise scan it.
 */
@QuarkusTest
class UsageEventsResourceTest {

    private static final String FROM = "2026-03-01T00:00:00Z";
    private static final String TO = "2026-03-16T00:00:00Z";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    AgroalDataSource db;

    private static void ingest(String org, String env, String... events) {
        given().header("Authorization", TestTokens.as(Roles.USAGE_REPORTER).org(org).environment(env).bearer())
                .contentType(ContentType.JSON).body("{\"events\":[" + String.join(",", events) + "]}")
                .post("/v1/usage-events").then().statusCode(200).body("accepted", equalTo(events.length));
    }

    private static String seeded() {
        String org = "ev-" + UUID.randomUUID();
        List<String> live = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            // inside the late-event window (3 days before the test clock's 2026-03-15T10:00)
            live.add(UsageFixtures.event("e-" + i, i % 2 == 0 ? "u-even" : "u-odd",
                    i < 5 ? "gpt-4o-mini" : "gpt-4o", 100 + i, 10, "2026-03-14T0" + i + ":00:00Z"));
        }
        // two events at the same instant: the cursor breaks the tie by event id
        live.add(UsageFixtures.event("e-tie-a", "u-even", "gpt-4o-mini", 1, 1, "2026-03-14T02:00:00Z"));
        ingest(org, "live", live.toArray(String[]::new));
        ingest(org, "test", UsageFixtures.event("t-1", "u-even", "gpt-4o-mini", 5, 5, "2026-03-14T03:00:00Z"));
        return org;
    }

    private static io.restassured.specification.RequestSpecification as(String org) {
        return given().header("Authorization", TestTokens.bearer(org, Roles.MEMBER));
    }

    @Test
    void pagesCoverEveryEventOnceInOrderWithItsRating() throws Exception {
        String org = seeded();
        List<JsonPath> pages = new ArrayList<>();
        String cursor = null;
        List<String> ids = new ArrayList<>();
        List<String> order = new ArrayList<>();
        do {
            var req = as(org).queryParam("from", FROM).queryParam("to", TO).queryParam("limit", 3);
            if (cursor != null) {
                req = req.queryParam("cursor", cursor);
            }
            JsonPath page = req.get("/v1/orgs/{o}/usage/events", org).then().statusCode(200).extract().jsonPath();
            pages.add(page);
            for (Map<String, Object> e : page.<Map<String, Object>>getList("items")) {
                ids.add((String) e.get("eventId"));
                order.add(e.get("occurredAt") + "|" + e.get("eventId"));
            }
            cursor = page.getString("nextCursor");
        } while (cursor != null);
        assertEquals(8, ids.size(), ids.toString());
        assertEquals(8, ids.stream().distinct().count(), "no event twice: " + ids);
        List<String> sorted = new ArrayList<>(order);
        sorted.sort(null);
        assertEquals(sorted, order, "oldest first, ties by event id");
        assertFalse(ids.contains("t-1"), "test usage is not in live");

        // each shows what it was rated with, exactly as stored
        JsonPath first = pages.get(0);
        String eventId = first.getString("items[0].eventId");
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "select price_version_id::text, cost, revenue, currency from usage_events where org_id = ? and "
                                + "environment = 'live' and event_id = ?")) {
            ps.setString(1, org);
            ps.setString(2, eventId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertNotNull(rs.getString(1), "a priced event has its price version");
                assertEquals(rs.getString(1), first.getString("items[0].priceVersionId"));
                assertEquals(0, rs.getBigDecimal(2).compareTo(new BigDecimal(first.getString("items[0].cost"))));
                assertEquals(0, rs.getBigDecimal(3).compareTo(new BigDecimal(first.getString("items[0].revenue"))));
                assertEquals(rs.getString(4), first.getString("items[0].currency"));
            }
        }
    }

    @Test
    void filtersNarrowTheList() {
        String org = seeded();
        as(org).queryParam("from", FROM).queryParam("to", TO).queryParam("endUserId", "u-odd")
                .get("/v1/orgs/{o}/usage/events", org).then().statusCode(200).body("items", hasSize(3))
                .body("items.endUserId.unique()", equalTo(List.of("u-odd")));
        as(org).queryParam("from", FROM).queryParam("to", TO).queryParam("model", "gpt-4o")
                .get("/v1/orgs/{o}/usage/events", org).then().statusCode(200).body("items", hasSize(2));
        as(org).queryParam("from", FROM).queryParam("to", TO).queryParam("eventId", "e-3")
                .get("/v1/orgs/{o}/usage/events", org).then().statusCode(200).body("items", hasSize(1))
                .body("items[0].eventId", equalTo("e-3")).body("items[0].inputTokens", equalTo(103));
        as(org).queryParam("from", FROM).queryParam("to", TO).queryParam("environment", "test")
                .get("/v1/orgs/{o}/usage/events", org).then().statusCode(200).body("items", hasSize(1))
                .body("items[0].eventId", equalTo("t-1")).body("items[0].environment", equalTo("test"));
        // the window is by occurred_at: [02:00, 03:00) holds e-2 and the tie
        as(org).queryParam("from", "2026-03-14T02:00:00Z").queryParam("to", "2026-03-14T03:00:00Z")
                .get("/v1/orgs/{o}/usage/events", org).then().statusCode(200)
                .body("items.eventId", equalTo(List.of("e-2", "e-tie-a")));
    }

    @Test
    void anotherOrganisationsEventsAreNeverVisible() {
        String a = seeded();
        String b = seeded();
        as(b).queryParam("from", FROM).queryParam("to", TO).get("/v1/orgs/{o}/usage/events", a).then()
                .statusCode(404).contentType("application/problem+json")
                .body("code", equalTo("organisation_not_found"));
        as(b).queryParam("from", FROM).queryParam("to", TO).queryParam("format", "ndjson")
                .get("/v1/orgs/{o}/usage/events/export", a).then().statusCode(404);
        // b's own list holds b's events only (both orgs use the same event ids)
        String body = as(b).queryParam("from", FROM).queryParam("to", TO).queryParam("limit", 200)
                .get("/v1/orgs/{o}/usage/events", b).then().statusCode(200).body("items", hasSize(8)).extract()
                .asString();
        assertFalse(body.contains(a));
        // a usage-reporter reads nothing
        given().header("Authorization", TestTokens.as(Roles.USAGE_REPORTER).org(a).environment("live").bearer())
                .queryParam("from", FROM).queryParam("to", TO).get("/v1/orgs/{o}/usage/events", a).then()
                .statusCode(403);
        given().queryParam("from", FROM).queryParam("to", TO).get("/v1/orgs/{o}/usage/events", a).then()
                .statusCode(401);
    }

    @Test
    void theExportHoldsTheSameRowsAsCsvAndNdjson() throws Exception {
        String org = seeded();
        String csv = as(org).queryParam("from", FROM).queryParam("to", TO).queryParam("format", "csv")
                .get("/v1/orgs/{o}/usage/events/export", org).then().statusCode(200)
                .contentType(containsString("text/csv")).extract().asString();
        String[] lines = csv.split("\r\n");
        assertEquals(UsageEventView.CSV_HEADER, lines[0]);
        assertEquals(9, lines.length, csv);
        assertTrue(lines[1].startsWith("e-"), lines[1]);

        String ndjson = as(org).queryParam("from", FROM).queryParam("to", TO).queryParam("format", "ndjson")
                .queryParam("endUserId", "u-odd").get("/v1/orgs/{o}/usage/events/export", org).then()
                .statusCode(200).contentType(containsString("application/x-ndjson")).extract()
                .asString();
        List<JsonNode> rows = new ArrayList<>();
        for (String line : ndjson.split("\n")) {
            rows.add(JSON.readTree(line));
        }
        assertEquals(3, rows.size(), ndjson);
        for (JsonNode r : rows) {
            assertEquals("u-odd", r.get("endUserId").asText());
            assertTrue(r.hasNonNull("priceVersionId") && r.has("cost") && r.has("revenue"), r.toString());
        }
    }

    @Test
    void aCsvCellIsNeverAFormula() {
        UsageEventView e = new UsageEventView("=HYPERLINK(\"x\")", "live", "a,b", "m", null, null, 1, 1, 0, 0, null,
                Instant.EPOCH, Instant.EPOCH, null, null, BigDecimal.ZERO, BigDecimal.ZERO, true, null);
        String line = e.csv();
        assertTrue(line.startsWith("\"'=HYPERLINK(\"\"x\"\")\",live,\"a,b\",m,"), line);
    }

    @Test
    void badParametersAre400Problems() {
        String org = "ev-" + UUID.randomUUID();
        Object[][] cases = {
                {Map.of("to", TO), "window_required"},
                {Map.of("from", TO, "to", FROM), "window_invalid"},
                {Map.of("from", "2026-01-01T00:00:00Z", "to", "2026-06-01T00:00:00Z"), "window_too_long"},
                {Map.of("from", FROM, "to", TO, "cursor", "bm90LWEtY3Vyc29y"), "invalid_cursor"},
                {Map.of("from", FROM, "to", TO, "limit", "0"), "invalid_limit"},
                {Map.of("from", FROM, "to", TO, "environment", "prod"), "invalid_environment"},
        };
        for (Object[] c : cases) {
            @SuppressWarnings("unchecked")
            Map<String, String> q = (Map<String, String>) c[0];
            as(org).queryParams(q).get("/v1/orgs/{o}/usage/events", org).then().statusCode(400)
                    .contentType("application/problem+json").body("code", equalTo(c[1]));
        }
        as(org).queryParam("from", FROM).queryParam("to", TO).queryParam("format", "xlsx")
                .get("/v1/orgs/{o}/usage/events/export", org).then().statusCode(400)
                .body("code", equalTo("invalid_format"));
    }

    @Test
    void listAndExportReadTheIndexOnALargeTable() throws Exception {
        String big = "ev-big-" + UUID.randomUUID();
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute(
                    """
                            insert into usage_events (org_id, environment, event_id, end_user_id, model_requested, model_id,
                                provider, input_tokens, output_tokens, cached_tokens, tool_calls, occurred_at, recorded_at,
                                currency, cost, revenue, unpriced)
                            select case when g <= 60000 then '%1$s' else 'ev-other-' || (g %% 500) end, 'live', 'big-' || g,
                                'u-' || (g %% 300), 'gpt-4o', 'gpt-4o', 'openai', 100, 50, 0, 0, t, t, 'USD', 0.001, 0.0012, false
                            from (select g, timestamptz '2026-03-15T00:00:00Z' - (g * 10) * interval '1 second' as t
                                  from generate_series(1, 120000) g) x
                            on conflict do nothing"""
                            .formatted(big));
            s.execute("analyze usage_events");
        }
        // all 120,000 rows in March (V12: one partition, which a window of March is pruned to); a day is 7 % of it
        // and a seventh of the organisation's rows
        Instant from = Instant.parse("2026-03-14T00:00:00Z");
        Instant to = Instant.parse("2026-03-15T00:00:00Z");
        List<UsageEventQuery.Sql> statements = List.of(
                new UsageEventQuery(big, "live", from, to, null, null, null).sql(null, null, 51),
                new UsageEventQuery(big, "live", from, to, null, null, null).sql(Instant.parse("2026-03-14T12:00:00Z"),
                        "big-5", 51),
                new UsageEventQuery(big, "live", from, to, "u-7", null, null).sql(null, null, 51),
                new UsageEventQuery(big, "live", from, to, null, "gpt-4o", null).sql(null, null, 51),
                new UsageEventQuery(big, "live", from, to, null, null, "big-77").sql(null, null, 51),
                new UsageEventQuery(big, "live", from, to, null, null, null).sql(null, null, null));
        try (Connection c = db.getConnection()) {
            for (UsageEventQuery.Sql sql : statements) {
                StringBuilder plan = new StringBuilder();
                try (PreparedStatement ps = c.prepareStatement("explain " + sql.text())) {
                    int i = 1;
                    for (Object arg : sql.args()) {
                        if (arg instanceof Instant at) {
                            ps.setTimestamp(i++, java.sql.Timestamp.from(at));
                        } else {
                            ps.setString(i++, (String) arg);
                        }
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            plan.append(rs.getString(1)).append('\n');
                        }
                    }
                }
                assertFalse(plan.toString().contains("Seq Scan on usage_events"), sql.text() + "\n" + plan);
                assertTrue(plan.toString().contains("Index"), plan.toString());
            }
        }
    }
}
