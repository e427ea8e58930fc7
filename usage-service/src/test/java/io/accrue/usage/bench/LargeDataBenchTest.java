package io.accrue.usage.bench;

import static io.restassured.RestAssured.given;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.accrue.common.security.Roles;
import io.accrue.common.time.AdjustableClock;
import io.accrue.testing.TestTokens;
import io.accrue.usage.storage.EventPartitions;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;

/**
 * Issue 16.5, cost flat in data size (tag {@code bench}): the read paths measured for an organisation with no events,
 * then the same organisation after loading {@code bench.largeEvents} events (default 2,000,000) over the three
 * months up to now with their daily rollups, plus 100 events each for 1,000 smaller organisations, all with SQL.
 * Each path is called {@code bench.largeCalls} times one after the other (closed loop, not paced); the latencies
 * are printed as {@code bench large ...} lines.
 */
@QuarkusTest
@Tag("bench")
class LargeDataBenchTest {

    static final int EVENTS = Integer.getInteger("bench.largeEvents", 2_000_000);
    static final int CALLS = Integer.getInteger("bench.largeCalls", 200);

    @Inject
    AgroalDataSource dataSource;
    @Inject
    AdjustableClock clock;
    @Inject
    EventPartitions partitions;

    @Test
    void readPathsCostTheSameOnALargeDatabase() throws SQLException {
        String org = "large-big";
        Instant now = clock.instant();
        Instant monthStart = now.atZone(ZoneOffset.UTC).truncatedTo(ChronoUnit.DAYS)
                .with(TemporalAdjusters.firstDayOfMonth()).toInstant();
        Instant monthEnd = monthStart.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        Map<String, Supplier<RequestSpecification>> paths = paths(org, monthStart, monthEnd, now);
        paths.forEach((name, path) -> measure("warm-up", name, path, CALLS / 4));
        Map<String, double[]> empty = new LinkedHashMap<>();
        paths.forEach((name, path) -> empty.put(name, measure("empty", name, path, CALLS)));

        YearMonth current = YearMonth.from(now.atZone(ZoneOffset.UTC));
        for (int m = 3; m >= 0; m--) {
            partitions.ensure(current.minusMonths(m)); // the months loaded have their partitions, as in production
        }
        long t0 = System.nanoTime();
        load(org, now);
        System.out.printf("bench large load: %d + 100,000 events with rollups in %.1f s%n", EVENTS,
                (System.nanoTime() - t0) / 1e9);
        paths.forEach((name, path) -> measure("warm-up", name, path, CALLS / 4));
        paths.forEach((name, path) -> {
            double[] large = measure("large", name, path, CALLS);
            double[] e = empty.get(name);
            System.out.printf("bench large | %s | empty p50 %.2f / p99 %.2f ms | %d events p50 %.2f / p99 %.2f ms"
                    + " | ratio p50 %.2f%n", name, e[0], e[1], EVENTS, large[0], large[1], large[0] / e[0]);
        });
    }

    private static Map<String, Supplier<RequestSpecification>> paths(String org, Instant from, Instant to,
            Instant now) {
        String reporter = TestTokens.as(Roles.USAGE_REPORTER).org(org).environment("live").bearer();
        String admin = TestTokens.bearer(org, Roles.BILLING_ADMIN);
        Map<String, Supplier<RequestSpecification>> out = new LinkedHashMap<>();
        out.put("GET /v1/quota/check", () -> given().header("Authorization", reporter)
                .queryParam("endUserId", "u-1").basePath("/v1/quota/check"));
        out.put("current-period summary (account status reads it)", () -> given().header("Authorization", admin)
                .queryParam("from", from.toString()).queryParam("to", to.toString())
                .basePath("/v1/orgs/" + org + "/usage/summary"));
        out.put("period-close / export summary (recordedBefore)", () -> given().header("Authorization", admin)
                .queryParam("from", from.toString()).queryParam("to", to.toString())
                .queryParam("recordedBefore", now.toString()).basePath("/v1/orgs/" + org + "/usage/summary"));
        out.put("daily series", () -> given().header("Authorization", admin).queryParam("from", from.toString())
                .queryParam("to", to.toString()).basePath("/v1/orgs/" + org + "/usage/daily"));
        out.put("forecast", () -> given().header("Authorization", admin).queryParam("from", from.toString())
                .queryParam("to", to.toString()).basePath("/v1/orgs/" + org + "/usage/forecast"));
        return out;
    }

    /** p50 and p99 in ms of {@code calls} sequential calls, each answered 200. */
    private static double[] measure(String phase, String name, Supplier<RequestSpecification> path, int calls) {
        double[] ms = new double[calls];
        for (int i = 0; i < calls; i++) {
            long t = System.nanoTime();
            path.get().get().then().statusCode(200);
            ms[i] = (System.nanoTime() - t) / 1e6;
        }
        Arrays.sort(ms);
        return new double[]{ms[calls / 2], ms[Math.min(calls - 1, (int) Math.ceil(calls * 0.99) - 1)]};
    }

    private void load(String org, Instant now) throws SQLException {
        // spread over ~90 days before now; 500 end users; rollups from the events, as ingestion would have moved them
        long spacingMicros = 90L * 86_400_000_000L / EVENTS;
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("""
                    insert into usage_events (org_id, environment, event_id, end_user_id, model_requested, model_id,
                        provider, input_tokens, output_tokens, cached_tokens, tool_calls, occurred_at, recorded_at,
                        currency, cost, revenue, unpriced)
                    select o, 'live', 'large-' || g, 'u-' || (g %% 500), 'gpt-4o', 'gpt-4o', 'openai', 100, 50, 0, 0,
                        t, t, 'USD', 0.001, 0.0012, false
                    from (select g, case when g <= %3$d then '%1$s' else 'large-small-' || (g %% 1000) end as o,
                            timestamptz '%2$s' - case when g <= %3$d then g::bigint * %4$d
                                else (g - %3$d)::bigint * 77760000 end * interval '1 microsecond' as t
                          from generate_series(1, %3$d + 100000) g) x""".formatted(org, now, EVENTS, spacingMicros));
            s.execute(
                    """
                            insert into usage_event_ids (org_id, environment, event_id, occurred_at)
                            select org_id, environment, event_id, occurred_at from usage_events where event_id like 'large-%'""");
            s.execute(
                    """
                            insert into usage_daily (org_id, environment, day, end_user_id, model, provider, input_tokens,
                                output_tokens, cached_tokens, requests, agent_sessions, tool_calls, cost, revenue, unpriced_events)
                            select org_id, environment, (occurred_at at time zone 'UTC')::date, end_user_id, model_id, provider,
                                sum(input_tokens), sum(output_tokens), 0, count(*), 0, 0, sum(cost), sum(revenue), 0
                            from usage_events where event_id like 'large-%' group by 1, 2, 3, 4, 5, 6
                            on conflict do nothing""");
            s.execute("""
                    insert into usage_currencies (org_id, environment, day, currency)
                    select distinct org_id, environment, day, 'USD' from usage_daily where org_id like 'large-%'
                    on conflict do nothing""");
            s.execute("analyze");
        }
    }
}
