package io.accrue.console.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.accrue.console.api.ApiResult;
import io.accrue.console.api.ConsoleConfig;
import io.accrue.console.api.Service;
import io.accrue.console.api.ServiceApi;

/**
 * The daily usage / revenue chart names the currency of the amounts it shows: usage-service's answers are in the
 * currency usage is priced in (USD), which is not the account's for an EUR account; relabelling them in euros
 * would show a wrong amount of money. Only an answer that names no currency falls back to the account's.
 */
class DailyChartCurrencyTest {

    private static final Instant START = Instant.parse("2026-03-01T00:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Answers each day's summary from the given bodies, in order, and records the ranges asked for. */
    static final class DayAnswers extends ServiceApi {

        private final List<String> bodies;
        final List<Map<String, String>> asked = new ArrayList<>();

        DayAnswers(List<String> bodies) {
            super(config(), JSON, null);
            this.bodies = bodies;
        }

        @Override
        public synchronized CompletableFuture<ApiResult> getAsync(Service service, String path,
                Map<String, String> query) {
            String body = bodies.get(asked.size());
            asked.add(query);
            try {
                return CompletableFuture.completedFuture(ApiResult.ok(200, JSON.readTree(body)));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        private static ConsoleConfig config() {
            return (ConsoleConfig) Proxy.newProxyInstance(ConsoleConfig.class.getClassLoader(),
                    new Class<?>[]{ConsoleConfig.class}, (proxy, method, args) -> method.getName()
                            .equals("callTimeout") ? Duration.ofSeconds(1) : null);
        }
    }

    private static String day(String currency, String revenue, long tokens) {
        return """
                {%s"totals":{"revenue":"%s","cost":"1.0","totalTokens":%d}}""".formatted(
                currency == null ? "" : "\"currency\":\"" + currency + "\",", revenue, tokens);
    }

    private static BarChart chart(List<String> answers, String accountCurrency) {
        var api = new DayAnswers(answers);
        var period = new UsageResource.Period(START, Instant.parse("2026-04-01T00:00:00Z"), true);
        BarChart chart = new UsageReader(api).daily("/v1/orgs/acme/usage/summary", "live", period,
                START.plusSeconds(answers.size() * 86_400L), ZoneId.of("UTC"), accountCurrency, "revenue");
        assertEquals(answers.size(), api.asked.size(), "one summary per day so far");
        return chart;
    }

    @Test
    void anEurAccountsChartShowsTheUsdAmountsUsageServiceAnsweredInDollars() {
        BarChart chart = chart(List.of(day("USD", "12.5", 1000), day("USD", "3.456", 2000)), "EUR");
        assertEquals(List.of("1 Mar", "2 Mar"), chart.bars().stream().map(BarChart.Bar::label).toList());
        assertEquals(List.of("$12.50, 1,000 tokens", "$3.46, 2,000 tokens"),
                chart.bars().stream().map(BarChart.Bar::value).toList());
    }

    @Test
    void eachDayIsLabelledInItsOwnAnswersCurrency() {
        // a day priced in JPY shows yen without decimals; a day in EUR shows euros
        BarChart chart = chart(List.of(day("JPY", "1500.4", 10), day("EUR", "2", 20)), "USD");
        assertEquals(List.of("¥1,500, 10 tokens", "€2.00, 20 tokens"),
                chart.bars().stream().map(BarChart.Bar::value).toList());
    }

    @Test
    void anAnswerWithoutACurrencyFallsBackToTheAccountsCurrency() {
        BarChart chart = chart(List.of(day(null, "7", 5)), "EUR");
        assertEquals("€7.00, 5 tokens", chart.bars().get(0).value());
    }
}
