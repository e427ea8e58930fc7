package io.accrue.invoice.outage;

import static io.restassured.RestAssured.given;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.accrue.common.security.Roles;
import io.accrue.invoice.StandInsResource;
import io.accrue.testing.OidcKeysResource;
import io.accrue.testing.RestartDrill;
import io.accrue.testing.RestartSql;
import io.accrue.testing.RestartablePostgresResource;
import io.accrue.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * A real PostgreSQL restart under concurrent reads and writes ({@link RestartDrill}): 503
 * {@code database_unavailable} with Retry-After while it is down, no request failing on a dead pooled connection
 * afterwards, and an exchange rate stored exactly when recording it was answered 200 (each write records a day of
 * its own, its source naming the write).
 */
@QuarkusTest
@TestProfile(DatabaseRestartTest.OwnServer.class)
class DatabaseRestartTest {

    public static class OwnServer implements QuarkusTestProfile {
        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(
                    new TestResourceEntry(RestartablePostgresResource.class, Map.of("database", "invoice_restart")),
                    new TestResourceEntry(OidcKeysResource.class), new TestResourceEntry(StandInsResource.class));
        }
    }

    @Test
    void noRequestFailsOnADeadConnectionAndNothingIsHalfWritten() throws Exception {
        String token = TestTokens.as(Roles.PLATFORM_OPERATOR).token();
        AtomicInteger days = new AtomicInteger();
        Map<String, String> dayOf = new ConcurrentHashMap<>();
        RestartDrill.of(key -> given().auth().oauth2(token).get("/v1/exchange-rates"))
                .writes(key -> {
                    // the test clock stands at 2026-03-15: every write a past day of its own
                    String day = LocalDate.of(2026, 3, 14).minusDays(days.getAndIncrement()).toString();
                    dayOf.put(key, day);
                    return given().auth().oauth2(token).contentType("application/json")
                            .body("{\"rate\":\"0.9\",\"source\":\"" + key + "\"}")
                            .put("/v1/exchange-rates/USD/EUR/{day}", day);
                }, key -> RestartSql.count("select count(*) from exchange_rates where rate_date = cast(? as date)"
                        + " and source = ?", dayOf.get(key), key) > 0)
                .run();
    }
}
