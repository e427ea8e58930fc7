package io.accrue.subscription.outage;

import static io.restassured.RestAssured.given;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.accrue.common.security.Roles;
import io.accrue.subscription.Api;
import io.accrue.subscription.StandInsResource;
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
 * afterwards, and a billing contact stored exactly when its creation was answered 201.
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
                    new TestResourceEntry(RestartablePostgresResource.class,
                            Map.of("database", "subscription_restart")),
                    new TestResourceEntry(OidcKeysResource.class), new TestResourceEntry(StandInsResource.class));
        }
    }

    @Test
    void noRequestFailsOnADeadConnectionAndNothingIsHalfWritten() throws Exception {
        String org = Api.provision("restart", "USD", "UTC");
        String token = TestTokens.as(Roles.OWNER, Roles.BILLING_ADMIN).org(org).token();
        RestartDrill.of(key -> given().auth().oauth2(token).get("/v1/accounts/{orgId}", org))
                .writes(key -> given().auth().oauth2(token).contentType("application/json").body("""
                        {"name":"Ada","email":"%s@example.com","receivesInvoices":false,"receivesDunning":false}"""
                        .formatted(key)).post("/v1/accounts/{orgId}/contacts", org),
                        key -> RestartSql.count("select count(*) from billing_contacts where email = ?",
                                key + "@example.com") > 0)
                .run();
    }
}
