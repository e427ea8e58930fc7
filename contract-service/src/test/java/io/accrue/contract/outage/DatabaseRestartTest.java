package io.accrue.contract.outage;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.accrue.common.security.Roles;
import io.accrue.contract.ContractFixtures;
import io.accrue.testing.OidcKeysResource;
import io.accrue.testing.RestartDrill;
import io.accrue.testing.RestartSql;
import io.accrue.testing.RestartablePostgresResource;
import io.accrue.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * A real PostgreSQL restart under concurrent readers and writers ({@link RestartDrill}): 503
 * {@code database_unavailable} with Retry-After while it is down, no request failing on a dead pooled connection
 * afterwards, and a draft contract stored exactly when its creation was answered 201.
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
                    new TestResourceEntry(RestartablePostgresResource.class, Map.of("database", "contract_restart")),
                    new TestResourceEntry(OidcKeysResource.class));
        }
    }

    private static final String ORG = "restart-org";

    @Test
    void noRequestFailsOnADeadConnectionAndNothingIsHalfWritten() throws Exception {
        String token = TestTokens.as(Roles.OWNER, Roles.BILLING_ADMIN).org(ORG).token();
        String draft = ContractFixtures.yearDraft();
        RestartDrill.of(key -> given().auth().oauth2(token).get("/v1/orgs/{orgId}/contracts", ORG))
                .writes(key -> given().auth().oauth2(token).contentType("application/json")
                        .body(draft.replace("https://docs.example.com/msa-2026.pdf", key))
                        .post("/v1/orgs/{orgId}/contracts", ORG), DatabaseRestartTest::stored)
                .run();
        assertEquals(0, RestartSql.count("select count(*) from contracts c where not exists"
                + " (select 1 from contract_versions v where v.contract_id = c.id)"),
                "a contract without its version was left behind");
    }

    private static boolean stored(String documentRef) {
        return RestartSql.count("select count(*) from contract_versions v join contracts c on c.id = v.contract_id"
                + " where v.document_ref = ?", documentRef) > 0;
    }
}
