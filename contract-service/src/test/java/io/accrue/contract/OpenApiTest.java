package io.accrue.contract;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasKey;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/** The published contract lists every endpoint (the end-to-end tenancy sweep walks it). */
@QuarkusTest
class OpenApiTest {

    @Test
    void everyEndpointIsDocumented() {
        given().queryParam("format", "json").when().get("/q/openapi")
                .then().statusCode(200)
                .body("paths", hasKey("/v1/orgs/{orgId}/contracts"))
                .body("paths", hasKey("/v1/orgs/{orgId}/contracts/{contractId}"))
                .body("paths", hasKey("/v1/orgs/{orgId}/contracts/terms"))
                .body("paths", hasKey("/v1/orgs/{orgId}/contracts/report"))
                .body("paths", hasKey("/v1/orgs/{orgId}/contracts/{contractId}/activate"))
                .body("paths", hasKey("/v1/orgs/{orgId}/contracts/{contractId}/amendments"))
                .body("paths", hasKey("/v1/orgs/{orgId}/contracts/{contractId}/drawdowns"))
                .body("paths", hasKey("/v1/orgs/{orgId}/contracts/{contractId}/utilization"))
                .body("paths", hasKey("/v1/orgs/{orgId}/contracts/{contractId}/true-ups"));
    }
}
