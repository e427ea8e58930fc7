package io.accrue.contract;

import static io.restassured.RestAssured.given;

import io.accrue.common.security.Roles;
import io.accrue.testing.TestTokens;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** Request bodies and authenticated request specs shared by the HTTP tests. */
public final class ContractFixtures {

    public static final String PROBLEM = "application/problem+json";

    private ContractFixtures() {
    }

    public static RequestSpecification as(String org, String role) {
        return given().header("Authorization", TestTokens.bearer(org, role)).contentType(ContentType.JSON);
    }

    public static RequestSpecification admin(String org) {
        return as(org, Roles.BILLING_ADMIN);
    }

    public static RequestSpecification service() {
        return given().header("Authorization", TestTokens.as(Roles.BILLING_SERVICE).bearer())
                .contentType(ContentType.JSON);
    }

    public static String draft(String termStart, String termEnd, String commitment, String period) {
        return draft(termStart, termEnd, commitment, period, "0");
    }

    public static String draft(String termStart, String termEnd, String commitment, String period, String credits) {
        return """
                {"currency":"USD","termStart":"%s","termEnd":"%s",
                 "commitment":{"amount":"%s","period":"%s"},
                 "negotiatedRates":[{"model":"gpt-4o","kind":"discount_percent","value":"20"},
                                    {"meter":"llm_tokens","kind":"fixed_unit_price","value":"0.000002"}],
                 "prepaidCredits":"%s",
                 "minimums":[{"period":"monthly","amount":"1000.00"}],
                 "customTerms":"Net 30. Overage at negotiated rates.",
                 "documentRef":"https://docs.example.com/msa-2026.pdf"}"""
                .formatted(termStart, termEnd, commitment, period, credits);
    }

    /** A 2026 calendar-year contract, 120 000 USD a year committed, quarterly periods. */
    public static String yearDraft() {
        return draft("2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z", "30000.00", "quarterly", "5000.00");
    }

    /** Drafts a contract and returns its id. */
    public static String createDraft(String org, String body) {
        return admin(org).body(body).when().post("/v1/orgs/{org}/contracts", org)
                .then().statusCode(201).extract().path("id");
    }

    /** Drafts and activates a contract; returns its id. */
    public static String createActive(String org, String body) {
        String id = createDraft(org, body);
        admin(org).body("{\"reason\":\"signed\"}").when()
                .post("/v1/orgs/{org}/contracts/{id}/activate", org, id).then().statusCode(200);
        return id;
    }
}
