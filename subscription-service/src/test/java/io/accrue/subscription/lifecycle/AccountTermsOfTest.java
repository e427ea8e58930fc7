package io.accrue.subscription.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The terms an account view shows, from the subscription as it is at an instant (pure). */
class AccountTermsOfTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "inside the period: as stored              | 2026-03-20T00:00:00Z | active   | false | -      | -   | pro 1 USD active",
            "inside the period: pending not yet        | 2026-03-31T23:59:59Z | active   | false | free 2 | EUR | pro 1 USD active",
            "boundary passed, rollover not yet run     | 2026-04-01T00:00:00Z | past_due | false | free 2 | EUR | free 2 EUR past_due",
            "only a currency switch pending            | 2026-04-02T00:00:00Z | active   | false | -      | JPY | pro 1 JPY active",
            "canceled at period end                    | 2026-04-01T00:00:00Z | active   | true  | free 2 | EUR | pro 1 USD canceled",
            "canceled earlier: stays as it ended       | 2026-05-01T00:00:00Z | canceled | false | -      | -   | pro 1 USD canceled",
    })
    void showsTheTermsInEffect(String name, String now, String status, boolean cancelAtEnd, String pendingPlan,
            String pendingCurrency, String expected) {
        Subscription s = new Subscription();
        s.planSlug = "pro";
        s.planVersion = 1;
        s.currency = "USD";
        s.status = io.accrue.common.state.WireValue.find(SubscriptionStatus.class, status).orElseThrow();
        s.cancelAtPeriodEnd = cancelAtEnd;
        s.currentPeriodStart = Instant.parse("2026-03-01T00:00:00Z");
        s.currentPeriodEnd = Instant.parse("2026-04-01T00:00:00Z");
        if (!pendingPlan.equals("-")) {
            s.pendingPlanSlug = pendingPlan.split(" ")[0];
            s.pendingPlanVersion = Integer.valueOf(pendingPlan.split(" ")[1]);
        }
        s.pendingCurrency = pendingCurrency.equals("-") ? null : pendingCurrency;
        AccountTerms t = AccountTerms.of(s, Instant.parse(now));
        assertEquals(expected, t.planSlug() + " " + t.planVersion() + " " + t.currency() + " " + t.status().wire());
    }
}
