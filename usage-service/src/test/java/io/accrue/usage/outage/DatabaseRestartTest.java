package io.accrue.usage.outage;

import static io.restassured.RestAssured.given;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.accrue.common.security.Roles;
import io.accrue.testing.OidcKeysResource;
import io.accrue.testing.RestartDrill;
import io.accrue.testing.RestartSql;
import io.accrue.testing.RestartablePostgresResource;
import io.accrue.testing.TestTokens;
import io.accrue.usage.StripeStub;
import io.accrue.usage.SubscriptionServiceStub;
import io.accrue.usage.UsageFixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * A real PostgreSQL restart under concurrent ingestion and reads ({@link RestartDrill}): 503
 * {@code database_unavailable} with Retry-After while it is down (a gateway retries the event later), no request
 * failing on a dead pooled connection afterwards, and a usage event stored exactly when its ingestion succeeded.
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
                    new TestResourceEntry(RestartablePostgresResource.class, Map.of("database", "usage_restart")),
                    new TestResourceEntry(OidcKeysResource.class), new TestResourceEntry(SubscriptionServiceStub.class),
                    new TestResourceEntry(StripeStub.class));
        }
    }

    private static final String ORG = "restart-org";

    @Test
    void noRequestFailsOnADeadConnectionAndNoEventIsLostOrHalfWritten() throws Exception {
        String reporter = TestTokens.as(Roles.USAGE_REPORTER).org(ORG).environment("live").token();
        String reader = TestTokens.as(Roles.OWNER).org(ORG).token();
        RestartDrill.of(key -> given().auth().oauth2(reader).get("/v1/orgs/{orgId}/budgets", ORG))
                .writes(key -> given().auth().oauth2(reporter).contentType("application/json")
                        .body(UsageFixtures.event(key, "u-1", "gpt-4o", 10, 5, "2026-03-15T09:00:00Z"))
                        .post("/v1/usage-events"),
                        key -> RestartSql.count("select count(*) from usage_events where event_id = ?", key) > 0)
                .run();
    }
}
