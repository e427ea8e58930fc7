package io.accrue.usage.quota;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.accrue.common.security.Roles;
import io.accrue.common.time.WallTime;
import io.accrue.testing.TestTokens;
import io.accrue.usage.SubscriptionServiceStub;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;

/**
 * The quota check never fails open because subscription-service (or our call to it) is slow or failing: a
 * suspended account seen once stays blocked through the real client's timeout, retry and fallback, for the
 * documented staleness bound ({@code account-status-max-stale}, default PT1H). Time is moved with a fake ticker.
 */
@QuarkusTest
class SuspensionUnderDegradedNeighbourTest {

    static class FakeTicker extends WallTime {
        private final Instant origin = Instant.now();

        volatile long nanos = 0;

        @Override
        public Instant now() {
            return origin.plusNanos(nanos);
        }
    }

    private final FakeTicker ticker = new FakeTicker();

    @Inject
    CircuitBreakerMaintenance breakers;

    @BeforeEach
    void fakeTimeAndAClosedCircuit() {
        QuarkusMock.installMockForType(ticker, WallTime.class);
        // earlier tests' failed lookups may have opened the client's breaker; each test starts with the status seen
        breakers.resetAll();
        // the first call of a fresh application builds the REST client, which on a loaded machine can outlast the
        // 500 ms timeout: warm it with an organisation of no interest before the test's first lookup
        check("warm-" + UUID.randomUUID());
        breakers.resetAll();
    }

    @Test
    void aSuspendedAccountStaysBlockedWhileTheStatusLookupTimesOut() {
        blockedThroughDegradedLookups("slowafter");
    }

    @Test
    void aSuspendedAccountStaysBlockedWhileTheStatusLookupFails() {
        blockedThroughDegradedLookups("failafter");
    }

    private void blockedThroughDegradedLookups(String kind) {
        String org = kind + "-" + UUID.randomUUID();
        SubscriptionServiceStub.degrade(kind, false);
        check(org).statusCode(403).body("code", equalTo("account_suspended"));
        SubscriptionServiceStub.degrade(kind, true);
        // past the 30 s TTL: each refresh now times out (3 s answer, 500 ms timeout) or gets 503
        for (int i = 0; i < 3; i++) {
            advance(Duration.ofSeconds(31));
            check(org).statusCode(403).body("code", equalTo("account_suspended"));
        }
        // past the staleness bound (one hour after the last real answer) the status is no longer known
        advance(Duration.ofHours(1));
        check(org).statusCode(200).body("allowed", equalTo(true)).body("flagged", equalTo(true))
                .body("reason", equalTo("account_status_unknown"));
    }

    private void advance(Duration d) {
        ticker.nanos += d.toNanos();
    }

    private static ValidatableResponse check(String org) {
        return given()
                .header("Authorization", TestTokens.as(Roles.USAGE_REPORTER).org(org).environment("live").bearer())
                .queryParam("endUserId", "u-1").when().get("/v1/quota/check").then();
    }
}
