package io.accrue.usage.plansql;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.accrue.common.security.Roles;
import io.accrue.common.time.AdjustableClock;
import io.accrue.testing.PostgresResource;
import io.accrue.testing.TestTokens;
import io.accrue.usage.UsageFixtures;
import io.accrue.usage.metering.MeteringService;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * Every statement the hot paths run against usage_events reads it through an index, on a table large enough that
 * the planner would scan it sequentially if the statement let it: the paths are driven over HTTP (ingestion, quota
 * check, the current-period summary that account status reads, top end users, the daily series, forecast, the
 * period-close and export reads with {@code recordedBefore}, an unaligned window, metering reconciliation), the
 * statements they sent are taken from pg_stat_statements (preloaded by usage-service/pom.xml), and each is planned
 * with {@code EXPLAIN (GENERIC_PLAN)} — the plan a prepared statement settles on after its first executions.
 */
@QuarkusTest
class HotPathPlansTest {

    private static final String BIG = "plans-big";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    AgroalDataSource dataSource;
    @Inject
    AdjustableClock clock;
    @Inject
    MeteringService metering;

    @Test
    void noHotPathStatementScansUsageEventsSequentially() throws Exception {
        Instant now = clock.instant();
        Instant monthStart = now.atZone(ZoneOffset.UTC).truncatedTo(ChronoUnit.DAYS)
                .with(TemporalAdjusters.firstDayOfMonth()).toInstant();
        Instant monthEnd = monthStart.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("create extension if not exists pg_stat_statements");
            load(s, now);
            s.execute("select pg_stat_statements_reset()");
        }

        String reporter = TestTokens.as(Roles.USAGE_REPORTER).org(BIG).environment("live").bearer();
        String admin = TestTokens.bearer(BIG, Roles.BILLING_ADMIN);
        given().header("Authorization", reporter).contentType(ContentType.JSON)
                .body("{\"events\":[" + UsageFixtures.event("hot-1", "u-1", "gpt-4o", 100, 50, now.toString()) + ","
                        + UsageFixtures.event("hot-2", "u-2", "gpt-4o", 100, 50, now.toString()) + "]}")
                .post("/v1/usage-events").then().statusCode(200).body("accepted", org.hamcrest.Matchers.equalTo(2));
        given().header("Authorization", reporter).queryParam("endUserId", "u-1").get("/v1/quota/check").then()
                .statusCode(200);
        String[][] windows = {
                {monthStart.toString(), monthEnd.toString(), null}, // current period: account status, top users
                {monthStart.toString(), monthEnd.toString(), now.toString()}, // period close, export
                {monthStart.plusSeconds(3600).toString(), now.toString(), null}, // unaligned window
        };
        for (String[] w : windows) {
            var req = given().header("Authorization", admin).queryParam("from", w[0]).queryParam("to", w[1]);
            if (w[2] != null) {
                req = req.queryParam("recordedBefore", w[2]);
            }
            req.get("/v1/orgs/" + BIG + "/usage/summary").then().statusCode(200);
        }
        given().header("Authorization", admin).queryParam("from", monthStart.toString())
                .queryParam("to", monthEnd.toString()).get("/v1/orgs/" + BIG + "/usage/daily").then().statusCode(200);
        given().header("Authorization", admin).queryParam("from", monthStart.toString())
                .queryParam("to", monthEnd.toString()).queryParam("endUserId", "u-1")
                .get("/v1/orgs/" + BIG + "/usage/daily").then().statusCode(200);
        // spend per agent session and its priced tools (analytics)
        given().header("Authorization", admin).queryParam("from", monthStart.toString())
                .queryParam("to", monthEnd.toString()).get("/v1/orgs/" + BIG + "/usage/sessions").then()
                .statusCode(200);
        given().header("Authorization", admin).queryParam("from", monthStart.toString())
                .queryParam("to", monthEnd.toString()).get("/v1/orgs/" + BIG + "/usage/forecast").then()
                .statusCode(200);
        given().header("Authorization", admin).queryParam("from", monthStart.toString())
                .queryParam("to", now.truncatedTo(ChronoUnit.HOURS).toString())
                .get("/v1/orgs/" + BIG + "/metering/reconciliation").then().statusCode(200);
        // the metering job's round: every organisation's live events by recorded_at (V11's index)
        metering.runRound();

        List<String> statements = new ArrayList<>(), scans = new ArrayList<>();
        // the simple query protocol: the normalised texts carry $n placeholders that EXPLAIN (GENERIC_PLAN) plans
        // without values; the extended protocol would expect them bound
        String url = PostgresResource.jdbcUrl("usage");
        url += (url.contains("?") ? "&" : "?") + "preferQueryMode=simple";
        try (Connection c = DriverManager.getConnection(url, "postgres", "postgres");
                Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("""
                    select query from pg_stat_statements
                    where dbid = (select oid from pg_database where datname = current_database())
                      and query ilike '%usage\\_events%' and query not ilike '%pg_stat_statements%'
                      and query not ilike 'explain%'""")) {
                while (rs.next()) {
                    statements.add(rs.getString(1));
                }
            }
            holdingRows = partitionsHoldingRows(s);
            assertTrue(holdingRows.size() >= 2, "the load filled partitions: " + holdingRows);
            for (String q : statements) {
                if (seqScanOfEvents(plan(s, q))) {
                    scans.add(q);
                }
            }
            // the detector itself: a statement that cannot use an index is caught
            assertTrue(seqScanOfEvents(plan(s, "select count(*) from usage_events where tool_calls = $1")));
        }
        assertTrue(statements.size() >= 6, "the hot paths' statements were captured: " + statements);
        assertTrue(statements.stream().anyMatch(q -> q.contains("date_bin") && q.contains("recorded_at")),
                "the metering round's unqueued-windows read was captured: " + statements);
        assertEquals(List.of(), scans, "statements planned with a sequential scan of usage_events");
    }

    /**
     * Partition pruning (V12, monthly partitions on occurred_at): a window of the current month reads only that
     * month's partition, also with the generic plan a prepared statement settles on (pruned when it starts).
     */
    @Test
    void aWindowOfOneMonthReadsOnlyThatMonthsPartition() throws Exception {
        Instant monthStart = clock.instant().atZone(ZoneOffset.UTC).truncatedTo(ChronoUnit.DAYS)
                .with(TemporalAdjusters.firstDayOfMonth()).toInstant();
        String partition = "usage_events_" + monthStart.toString().substring(0, 7).replace('-', '_');
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            String window = "org_id = 'plans-big' and environment = 'live' and occurred_at >= timestamptz '"
                    + monthStart + "' and occurred_at < timestamptz '"
                    + monthStart.atZone(ZoneOffset.UTC).plusMonths(1).toInstant() + "'";
            List<String> planned = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("explain (format json) select count(*), sum(cost) from usage_events"
                    + " where " + window)) {
                rs.next();
                eventPartitions(JSON.readTree(rs.getString(1)), planned);
            }
            assertEquals(List.of(partition), planned.stream().distinct().toList());

            s.execute("set plan_cache_mode = force_generic_plan");
            s.execute("prepare month_window(text, text, timestamptz, timestamptz) as select count(*), sum(cost)"
                    + " from usage_events where org_id = $1 and environment = $2 and occurred_at >= $3"
                    + " and occurred_at < $4");
            List<String> executed = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("explain (analyze, format json) execute month_window('plans-big',"
                    + " 'live', '" + monthStart + "', '" + monthStart.atZone(ZoneOffset.UTC).plusMonths(1).toInstant()
                    + "')")) {
                rs.next();
                eventPartitions(JSON.readTree(rs.getString(1)), executed);
            }
            s.execute("deallocate month_window");
            s.execute("reset plan_cache_mode");
            assertEquals(List.of(partition), executed.stream().distinct().toList());
        }
    }

    /**
     * The generic plan. pg_stat_statements also turns constants into parameters ({@code coalesce(sum(x), 0)} becomes
     * {@code coalesce(sum(x), $6)}); one whose type the planner cannot infer is put back as NULL, which changes no
     * scan.
     */
    private static JsonNode plan(Statement s, String query) throws Exception {
        // a typed literal (timestamptz '2000-01-01') is normalised to "timestamptz $n", which does not parse: cast
        // (and extract(epoch from …) becomes "extract($n from …)", which does not parse either: put epoch back)
        String q = query.replaceAll("timestamptz \\$(\\d+)", "\\$$1::timestamptz")
                .replaceAll("extract\\(\\$\\d+ from", "extract(epoch from");
        for (int attempt = 0; attempt < 40; attempt++) {
            try (ResultSet rs = s.executeQuery("explain (generic_plan, format json) " + q)) {
                rs.next();
                return JSON.readTree(rs.getString(1));
            } catch (SQLException e) {
                Matcher untyped = UNTYPED.matcher(String.valueOf(e.getMessage()));
                if (!untyped.find()) {
                    throw new AssertionError("could not plan: " + query, e);
                }
                q = q.replaceAll("\\$" + untyped.group(1) + "(?!\\d)", "NULL");
            }
        }
        throw new AssertionError("could not plan: " + query);
    }

    private static final Pattern UNTYPED = Pattern.compile("could not determine data type of parameter \\$(\\d+)");

    /**
     * The partitions of usage_events that hold rows (ANALYZE's estimate). A generic plan lists every partition, and
     * the planner rightly scans an empty month's partition (a future month, created ahead) sequentially: nothing to
     * read. A sequential scan of a partition holding events is what fails.
     */
    private static java.util.Set<String> holdingRows = java.util.Set.of();

    private static java.util.Set<String> partitionsHoldingRows(Statement s) throws SQLException {
        java.util.Set<String> out = new java.util.HashSet<>();
        try (ResultSet rs = s.executeQuery("""
                select c.relname from pg_class c
                where c.relname ~ '^usage_events(_[0-9]{4}_[0-9]{2}|_default)?$' and c.reltuples >= 1000""")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** usage_events and its partitions (V12: one per month, and the default one). */
    private static final Pattern EVENTS = Pattern.compile("usage_events(_\\d{4}_\\d{2}|_default)?");

    /** The partitions of usage_events a plan reads. */
    private static void eventPartitions(JsonNode node, List<String> out) {
        if (node.isArray()) {
            node.forEach(n -> eventPartitions(n, out));
            return;
        }
        String relation = node.path("Relation Name").asText();
        if (EVENTS.matcher(relation).matches()) {
            out.add(relation);
        }
        for (String child : new String[]{"Plan", "Plans"}) {
            if (node.has(child)) {
                eventPartitions(node.get(child), out);
            }
        }
    }

    private static boolean seqScanOfEvents(JsonNode node) {
        if (node.isArray()) {
            for (JsonNode n : node) {
                if (seqScanOfEvents(n)) {
                    return true;
                }
            }
            return false;
        }
        if ("Seq Scan".equals(node.path("Node Type").asText())
                && holdingRows.contains(node.path("Relation Name").asText())) {
            return true;
        }
        for (String child : new String[]{"Plan", "Plans"}) {
            if (node.has(child) && seqScanOfEvents(node.get(child))) {
                return true;
            }
        }
        return false;
    }

    /**
     * 200,000 events of one organisation over the three months up to now plus 100 each for 1,000 smaller ones,
     * with their daily rollups, then ANALYZE: enough rows that a statement without a usable index is planned as a
     * sequential scan.
     */
    private static void load(Statement s, Instant now) throws SQLException {
        s.execute("""
                insert into usage_events (org_id, environment, event_id, end_user_id, model_requested, model_id,
                    provider, input_tokens, output_tokens, cached_tokens, tool_calls, occurred_at, recorded_at,
                    currency, cost, revenue, unpriced)
                select o, 'live', 'load-' || g, 'u-' || (g %% 500), 'gpt-4o', 'gpt-4o', 'openai', 100, 50, 0, 0,
                    t, t, 'USD', 0.001, 0.0012, false
                from (select g, case when g <= 200000 then '%1$s' else 'plans-small-' || (g %% 1000) end as o,
                        timestamptz '%2$s' - (g * 25) * interval '1 second' as t -- spread over ~87 days
                      from generate_series(1, 300000) g) x
                on conflict do nothing""".formatted(BIG, now));
        s.execute("""
                insert into usage_daily (org_id, environment, day, end_user_id, model, provider, input_tokens,
                    output_tokens, cached_tokens, requests, agent_sessions, tool_calls, cost, revenue, unpriced_events)
                select org_id, environment, (occurred_at at time zone 'UTC')::date, end_user_id, model_id, provider,
                    sum(input_tokens), sum(output_tokens), 0, count(*), 0, 0, sum(cost), sum(revenue), 0
                from usage_events where event_id like 'load-%' group by 1, 2, 3, 4, 5, 6
                on conflict do nothing""");
        s.execute("analyze");
    }
}
