package io.accrue.e2e;

import static io.restassured.RestAssured.given;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;

import io.restassured.http.ContentType;

/** The period-close CronJob's calls on the suite: every service's clock moved, a billing run started and awaited. */
final class PeriodClose {

    static final List<String> SERVICES = List.of("subscription-service", "usage-service", "invoice-service",
            "contract-service");

    private PeriodClose() {
    }

    /** Starts a billing run (the CronJob's call) and waits until every item of it is done. */
    static void run() {
        awaitRun(startRun());
    }

    static String startRun() {
        return given().auth().oauth2(Suite.serviceToken()).contentType(ContentType.JSON).body("{}")
                .post(Suite.url("invoice-service") + "/v1/billing-runs").then().statusCode(202).extract().path("id");
    }

    static void awaitRun(String runId) {
        Awaitility.await("billing run " + runId).atMost(Duration.ofSeconds(300)).pollInterval(Duration.ofMillis(300))
                .until(() -> given().auth().oauth2(Suite.serviceToken())
                        .get(Suite.url("invoice-service") + "/v1/billing-runs/{id}", runId).then().extract().jsonPath(),
                        run -> !"planning".equals(run.getString("status")) && run.getInt("progress.pending") == 0);
    }

    static Instant clock(String service) {
        return Instant.parse(given().auth().oauth2(Suite.operatorToken())
                .get(Suite.url(service) + "/v1/operator/clock").then().statusCode(200).extract().path("now"));
    }

    static void moveClocks(Instant to) {
        for (String service : SERVICES) {
            given().auth().oauth2(Suite.operatorToken()).contentType(ContentType.JSON)
                    .body(Map.of("setTo", to.toString())).post(Suite.url(service) + "/v1/operator/clock").then()
                    .statusCode(200);
        }
    }
}
