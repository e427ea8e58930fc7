package io.accrue.invoice.minimum;

import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import java.time.Instant;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.accrue.common.time.AdjustableClock;
import io.accrue.invoice.run.Neighbours;
import io.accrue.invoice.run.RunFixture;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Contract minimum spend over two closes (billing-rules "Invoices", rule 8a): a monthly minimum tops up each
 * month, a two-month window is topped up by the invoice that ends it, counting what February charged and the
 * monthly top-ups, never its own kind; prepaid credits then pay part of it.
 */
@QuarkusTest
class MinimumsRunTest {

    @Inject
    AdjustableClock clock;

    private RunFixture fx;
    private String org;

    @BeforeEach
    void reset() {
        fx = RunFixture.fresh("min");
        org = fx.org;
        Neighbours.accounts(List.of(org));
    }

    @AfterEach
    void restoreClock() {
        clock.set(RunFixture.NOW);
    }

    @Test
    void monthlyAndWindowMinimumsAcrossTwoCloses() {
        // February: Pro 99.00, within allowances; monthly minimum 150 → top-up 51.00; the window runs on
        Neighbours.proAccount(org, 500_000, 10);
        terms("2026-02", "2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z", "0");
        fx.close(Instant.parse("2026-03-08T00:00:00Z")); // a run is unique per as-of: one no other test class uses
        fx.lines(RunFixture.FEB, List.of("base_fee", "minimum_top_up"),
                List.of("99.00", "51.00"), "150.00");

        // March: the same; the quarterly window [Feb, Apr) ends: 500 − (99 + 51) − (99 + 51) = 200.00, then
        // 120.00 of prepaid credits pay part of what is owed
        clock.set(Instant.parse("2026-04-08T01:00:00Z"));
        fx.subscriptionPro("active", RunFixture.MAR, RunFixture.APR);
        terms("2026-03", "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z", "120");
        // the credits are reserved at contract-service before the invoice is final, sized after the top-ups
        fx.reservation("c-min", RunFixture.RES_MAR, "120.000000000000");
        fx.close(Instant.parse("2026-04-08T00:00:00Z"));
        RunFixture.n().verify(
                putRequestedFor(urlPathEqualTo(
                        "/v1/orgs/" + org + "/contracts/c-min/credit-reservations/" + RunFixture.RES_MAR))
                        .withRequestBody(equalToJson("{\"upTo\":\"350.00\"}")));
        clock.set(RunFixture.NOW);
        fx.lines(RunFixture.MAR,
                List.of("base_fee", "minimum_top_up", "minimum_top_up", "prepaid_credit"),
                List.of("99.00", "51.00", "200.00", "-120.00"), "230.00");
    }

    private void terms(String month, String monthStart, String monthEnd, String credits) {
        RunFixture.n().stubFor(get(urlPathEqualTo("/v1/orgs/" + org + "/contracts/terms"))
                .withQueryParam("at", matching(month + "-01T00:00.*")).willReturn(okJson("""
                        {"contractId":"c-min","version":1,"currency":"USD","termStart":"2026-02-01T00:00:00Z",
                         "termEnd":"2026-04-01T00:00:00Z","commitment":null,"negotiatedRates":[],
                         "prepaidCreditBalance":{"amount":"%s","currency":"USD"},
                         "minimums":[{"period":"quarterly","amount":{"amount":"500.000000000000","currency":"USD"},
                                      "periodStart":"2026-02-01T00:00:00Z","periodEnd":"2026-04-01T00:00:00Z"},
                                     {"period":"monthly","amount":{"amount":"150.000000000000","currency":"USD"},
                                      "periodStart":"%s","periodEnd":"%s"}]}""".formatted(credits, monthStart,
                        monthEnd))));
    }

}
