package io.accrue.usage.ingest;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.accrue.common.security.Roles;
import io.accrue.testing.TestTokens;
import io.accrue.usage.KafkaBrokerResource;
import io.accrue.usage.UsageFixtures;
import io.accrue.usage.config.UsageConfig;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * The quota bound of ingestion mode kafka (usage README, "Quota with a log in between"): a decision reads counters
 * that do not include the records its organisation's partition holds unwritten, so it admits at most that usage
 * beyond a cap — and it says how many records that was ({@code Accrue-Usage-Log-Lag}, {@code usageLog.records}).
 * Once the writers have caught up the same check sees the usage and refuses.
 */
@QuarkusTest
@TestProfile(KafkaBrokerResource.OwnWritersProfile.class)
class KafkaModeQuotaBoundTest {

    private static final long CAP = 1_000;
    private static final long TOKENS_PER_EVENT = 400;

    @Inject
    UsageLog log;
    @Inject
    IngestWriter writer;
    @Inject
    UsageConfig config;
    @Inject
    MeterRegistry registry;
    @Inject
    AgroalDataSource dataSource;

    private final String org = "bound-" + UUID.randomUUID();

    @Test
    void aCheckAdmitsBeyondTheCapAtMostTheUsageOfTheLagItReportsAndRefusesOnceWritten() throws Exception {
        admin().body("""
                {"slug":"capped","name":"Capped","pricing":"markup","markupPercent":"10","enforcement":"block",\
                "dailyTokenLimit":%d}""".formatted(CAP))
                .when().put("/v1/orgs/{org}/rate-plans/{slug}", org, "capped").then().statusCode(200);
        try (LogWriters writers = new LogWriters(log, writer, config, registry, config.ingest().kafka().groupId())) {
            int requests = 4;
            for (int i = 0; i < requests; i++) {
                reporter().body("{\"events\":[" + UsageFixtures.event("b-" + i, "u-1", "gpt-4o", 300, 100,
                        "2026-03-15T09:00:00Z") + "]}")
                        .when().post("/v1/usage-events").then().statusCode(200).body("queued", equalTo(1));
            }
            long trueUsage = requests * TOKENS_PER_EVENT;
            assertTrue(trueUsage > CAP, "the log holds more than the cap");

            // no writer yet: the counters hold nothing, the decision admits, and reports the four records it missed
            ExtractableResponse<Response> admitted = await().atMost(Duration.ofSeconds(30))
                    .until(() -> check("u-1"), r -> "4".equals(r.header("Accrue-Usage-Log-Lag")));
            assertEquals(200, admitted.statusCode());
            assertEquals(true, admitted.path("allowed"));
            assertEquals(4, (int) admitted.path("usageLog.records"));
            assertTrue(admitted.path("usageLog.asOf") != null, "the answer says when the lag was read");
            long lagged = (int) admitted.path("usageLog.records") * TOKENS_PER_EVENT; // one event per record here
            assertTrue(trueUsage - CAP <= lagged,
                    "admitted beyond the cap (" + (trueUsage - CAP) + ") ≤ usage of the lag seen (" + lagged + ")");

            writers.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> events() == requests);
            // written and committed: the same check sees the usage, refuses, and the lag it reports is gone
            await().atMost(Duration.ofSeconds(30)).until(() -> check("u-1").statusCode() == 429);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> "0".equals(check("u-2").header("Accrue-Usage-Log-Lag")));
            ExtractableResponse<Response> caughtUp = check("u-2");
            assertEquals(200, caughtUp.statusCode());
            assertEquals(0, (int) caughtUp.path("usageLog.records"));
        }
    }

    private long events() throws Exception {
        try (var c = dataSource.getConnection();
                var ps = c.prepareStatement("select count(*) from usage_events where org_id = ?")) {
            ps.setString(1, org);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private ExtractableResponse<Response> check(String endUser) {
        return reporter().queryParam("endUserId", endUser).when().get("/v1/quota/check").then().extract();
    }

    private RequestSpecification reporter() {
        return given().header("Authorization", TestTokens.as(Roles.USAGE_REPORTER).org(org).environment("live")
                .bearer()).contentType(ContentType.JSON);
    }

    private RequestSpecification admin() {
        return given().header("Authorization", TestTokens.bearer(org, Roles.BILLING_ADMIN))
                .contentType(ContentType.JSON);
    }
}
