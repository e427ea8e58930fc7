package io.accrue.subscription;

import static io.restassured.RestAssured.given;

import java.util.UUID;

import io.accrue.common.security.Roles;
import io.accrue.testing.TestTokens;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** Request helpers shared by this module's HTTP tests. */
public final class Api {

    private Api() {
    }

    public static RequestSpecification operator() {
        return given().header("Authorization", TestTokens.as(Roles.PLATFORM_OPERATOR).bearer())
                .contentType(ContentType.JSON);
    }

    public static RequestSpecification as(String org, String role) {
        return given().header("Authorization", TestTokens.bearer(org, role)).contentType(ContentType.JSON);
    }

    public static RequestSpecification service() {
        return given().header("Authorization", TestTokens.as(Roles.BILLING_SERVICE).bearer());
    }

    /** Provisions a fresh organisation and returns its id. */
    public static String provision(String prefix, String currency, String zone) {
        String org = prefix + "-" + UUID.randomUUID();
        operator().body("""
                {"orgId":"%s","name":"Acme AI","currency":"%s","timeZone":"%s"}""".formatted(org, currency, zone))
                .when().post("/v1/accounts").then().statusCode(201);
        return org;
    }
}
