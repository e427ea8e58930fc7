package io.accrue.invoice.run;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.accrue.common.time.AdjustableClock;
import io.accrue.invoice.client.SubscriptionRecords.Account;
import io.accrue.invoice.client.SubscriptionRecords.Subscription;
import io.accrue.invoice.compute.ComputedLine;
import io.accrue.invoice.compute.ComputedLine.LineType;
import io.accrue.invoice.correction.TimelineCorrections;
import io.accrue.invoice.invoices.BillingPeriod;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A timeline correction that commits between a close's read of a minimum-spend window's charges and the close's
 * write (billing-rules "Invoices", rules 8a and 12a). The interleaving is driven step by step, not by timing: the
 * close gathers, the correction commits, then the close writes what it gathered. The write sees the window's spend
 * changed under the account's close lock and fails {@code inputs_changed}; the run then gathers again and tops the
 * window up from the corrected spend.
 */
@QuarkusTest
class CloseCorrectionRaceTest {

    private static final Instant FEB = Instant.parse("2026-02-01T00:00:00Z");
    private static final Instant MAR = Instant.parse("2026-03-01T00:00:00Z");
    private static final Instant APR = Instant.parse("2026-04-01T00:00:00Z");

    private static final String CREATED = """
            {"id":"e1","type":"created","occurredAt":"2025-12-01T00:00:00Z","effectiveAt":"2025-12-01T00:00:00Z",
             "planSlug":"pro","planVersion":3,"toStatus":"active","currency":"USD"}""";
    /** Dunning caught up on 03-20: canceled from 02-15, reactivated from 03-01 (both recorded after February's invoice). */
    private static final String LATE = """
            ,{"id":"e2","type":"status_changed","occurredAt":"2026-03-20T00:00:00Z",
             "effectiveAt":"2026-02-15T00:00:00Z","planSlug":"pro","planVersion":3,"fromStatus":"suspended",
             "toStatus":"canceled","currency":"USD"},
             {"id":"e3","type":"status_changed","occurredAt":"2026-03-20T00:00:01Z",
             "effectiveAt":"2026-03-01T00:00:00Z","planSlug":"pro","planVersion":3,"fromStatus":"canceled",
             "toStatus":"active","currency":"USD"}""";

    @Inject
    AccountCloser closer;
    @Inject
    InvoiceWriter writer;
    @Inject
    InputGatherer inputs;
    @Inject
    PeriodLedger ledger;
    @Inject
    TimelineCorrections corrections;
    @Inject
    AdjustableClock clock;

    private RunFixture fx;
    private String org;

    @BeforeEach
    void reset() {
        fx = RunFixture.fresh("race");
        org = fx.org;
        Neighbours.accounts(List.of(org));
        Neighbours.proAccount(org, 500_000, 10);
        // one quarterly-style minimum of 500.00 over [Feb, Apr): settled by March's invoice
        RunFixture.n().stubFor(get(urlPathEqualTo("/v1/orgs/" + org + "/contracts/terms")).willReturn(okJson("""
                {"contractId":"c-race","version":1,"currency":"USD","termStart":"2026-02-01T00:00:00Z",
                 "termEnd":"2026-04-01T00:00:00Z","commitment":null,"negotiatedRates":[],
                 "prepaidCreditBalance":{"amount":"0","currency":"USD"},
                 "minimums":[{"period":"quarterly","amount":{"amount":"500.000000000000","currency":"USD"},
                              "periodStart":"2026-02-01T00:00:00Z","periodEnd":"2026-04-01T00:00:00Z"}]}""")));
        fx.events(CREATED);
    }

    @AfterEach
    void restoreClock() {
        clock.set(RunFixture.NOW);
    }

    @Test
    void aCorrectionCommittingBetweenTheClosesReadAndWriteIsDetectedAndTheCloseGathersAgain() {
        fx.close(Instant.parse("2026-03-13T05:00:00Z")); // February: 99.00, the window runs on
        assertEquals(0, new BigDecimal("99.00").compareTo(fx.invoice(RunFixture.FEB).total));

        clock.set(Instant.parse("2026-04-13T06:00:00Z"));
        RunFixture.n().stubFor(get(urlPathEqualTo("/v1/accounts/" + org + "/subscription")).willReturn(
                okJson("""
                        {"status":"active","currentPeriodStart":"2026-03-01T00:00:00Z","currentPeriodEnd":"2026-04-01T00:00:00Z",
                         "cancelAtPeriodEnd":false,"currency":"USD","plan":%s}"""
                        .formatted(Neighbours.PRO_PLAN))));
        Account account = inputs.account(org);
        Subscription subscription = inputs.subscription(org);
        Period march = new Period(MAR, APR);
        BillingPeriod row = ledger.discover(org, List.of(new Period(FEB, MAR), march)).get(1);

        // 1. the close reads March's inputs: the window's earlier invoices charged 99.00 → top-up 500 − 99 − 99
        InvoiceWriter.Gathered stale = closer.gather(account, subscription, march, row);
        assertEquals(0, new BigDecimal("302.00").compareTo(topUp(stale)));

        // 2. meanwhile the late cancellation lands and its correction commits: February owes 49.50 less
        fx.events(CREATED + LATE);
        assertEquals(1, corrections.correct(org));

        // 3. the close writes what it read: refused under the close lock, nothing written
        CloseFailure refused = assertThrows(CloseFailure.class, () -> writer.persist(stale));
        assertEquals(FailureCause.INPUTS_CHANGED, refused.cause());
        assertTrue(fx.invoices(MAR).isEmpty(), "no March invoice from stale inputs");

        // 4. the run gathers again: the window is charged 99.00 − 49.50 by February, so 351.50 tops it up
        fx.close(Instant.parse("2026-04-13T00:00:00Z"));
        fx.lines(RunFixture.MAR, List.of("base_fee", "minimum_top_up"), List.of("99.00", "351.50"), "450.50");
        assertEquals(1, fx.invoices(MAR).size());
    }

    private static BigDecimal topUp(InvoiceWriter.Gathered g) {
        return g.computed().lines().stream().filter(l -> l.type() == LineType.MINIMUM_TOP_UP)
                .map(ComputedLine::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

}
