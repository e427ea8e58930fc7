package io.accrue.invoice.invoices;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;

import java.time.Instant;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.accrue.common.security.Roles;
import io.accrue.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

@QuarkusTest
class InvoiceCommandsTest {

    static final Instant JAN = Instant.parse("2026-01-01T00:00:00Z");
    static final Instant FEB = Instant.parse("2026-02-01T00:00:00Z");

    @Inject
    InvoiceFixtures fixtures;

    private String org;
    private Invoice invoice;

    @BeforeEach
    void anOpenInvoice() {
        org = "cmd-" + UUID.randomUUID();
        invoice = fixtures.insert(org, "open", JAN, FEB, "USD", "99.00", "7.50");
    }

    @Test
    void creditNoteRefundsLinesAndLeavesTheInvoiceUntouched() {
        operator()
                .body("{\"reason\":\"SLA breach\",\"lines\":[{\"position\":1,\"amount\":\"10.00\"},{\"position\":2}]}")
                .when().post("/v1/orgs/{org}/invoices/{id}/credit-notes", org, invoice.id)
                .then().statusCode(201)
                .body("kind", equalTo("credit_note"))
                .body("status", equalTo("open"))
                .body("number", matchesPattern("CN-\\d{6}"))
                .body("correctsInvoiceId", equalTo(invoice.id.toString()))
                .body("lines.amount", contains("-10.00", "-7.50"))
                .body("total", equalTo("-17.50"));
        // the original never changes
        given().header("Authorization", TestTokens.bearer(org, Roles.MEMBER))
                .when().get("/v1/orgs/{org}/invoices/{id}", org, invoice.id)
                .then().statusCode(200).body("total", equalTo("106.50"))
                .body("lines.amount", contains("99.00", "7.50"));
        // line 2 is fully credited now; line 1 has 89.00 left
        operator().body("{\"reason\":\"again\",\"lines\":[{\"position\":2,\"amount\":\"0.01\"}]}")
                .when().post("/v1/orgs/{org}/invoices/{id}/credit-notes", org, invoice.id)
                .then().statusCode(422).body("code", equalTo("credit_note_invalid"));
        operator().body("{\"reason\":\"again\",\"lines\":[{\"position\":1,\"amount\":\"89.01\"}]}")
                .when().post("/v1/orgs/{org}/invoices/{id}/credit-notes", org, invoice.id)
                .then().statusCode(422).body("code", equalTo("credit_note_invalid"));
        operator().body("{\"reason\":\"rest\",\"lines\":[{\"position\":1,\"amount\":\"89.00\"}]}")
                .when().post("/v1/orgs/{org}/invoices/{id}/credit-notes", org, invoice.id)
                .then().statusCode(201).body("total", equalTo("-89.00"));
        // credit notes appear in the list beside the invoice
        given().header("Authorization", TestTokens.bearer(org, Roles.MEMBER))
                .when().get("/v1/orgs/{org}/invoices", org)
                .then().statusCode(200).body("items.kind", hasItem("credit_note"));
    }

    @Test
    void creditNoteRejectionsPersistNothing() {
        operator().body("{\"reason\":\"\",\"lines\":[]}")
                .when().post("/v1/orgs/{org}/invoices/{id}/credit-notes", org, invoice.id)
                .then().statusCode(422).body("code", equalTo("validation_failed"))
                .body("violations.field", hasItem("lines"));
        operator().body("{\"reason\":\"x\",\"lines\":[{\"position\":9}]}")
                .when().post("/v1/orgs/{org}/invoices/{id}/credit-notes", org, invoice.id)
                .then().statusCode(422).body("code", equalTo("credit_note_invalid"));
        operator().body("{\"reason\":\"x\",\"lines\":[{\"position\":1,\"amount\":\"1.005\"}]}")
                .when().post("/v1/orgs/{org}/invoices/{id}/credit-notes", org, invoice.id)
                .then().statusCode(422).body("code", equalTo("credit_note_invalid"));
        operator().body("{\"reason\":\"x\",\"lines\":[{\"position\":1}],\"refundTo\":\"card\"}")
                .when().post("/v1/orgs/{org}/invoices/{id}/credit-notes", org, invoice.id)
                .then().statusCode(400).body("code", equalTo("unknown_field"));
        // the organisation's own admin cannot credit itself
        given().header("Authorization", TestTokens.bearer(org, Roles.BILLING_ADMIN)).contentType(ContentType.JSON)
                .body("{\"reason\":\"x\",\"lines\":[{\"position\":1}]}")
                .when().post("/v1/orgs/{org}/invoices/{id}/credit-notes", org, invoice.id)
                .then().statusCode(403).body("code", equalTo("forbidden"));
        given().header("Authorization", TestTokens.bearer(org, Roles.MEMBER))
                .when().get("/v1/orgs/{org}/invoices", org)
                .then().statusCode(200).body("items.kind", contains("invoice"));
    }

    @Test
    void manualStatusFollowsTheLifecycle() {
        operator().body("{\"status\":\"uncollectible\"}")
                .when().post("/v1/orgs/{org}/invoices/{id}/status", org, invoice.id)
                .then().statusCode(200).body("status", equalTo("uncollectible"));
        operator().body("{\"status\":\"paid\"}")
                .when().post("/v1/orgs/{org}/invoices/{id}/status", org, invoice.id)
                .then().statusCode(200).body("status", equalTo("paid"));
        operator().body("{\"status\":\"void\"}")
                .when().post("/v1/orgs/{org}/invoices/{id}/status", org, invoice.id)
                .then().statusCode(409).body("code", equalTo("invoice_status_conflict"));
        operator().body("{\"status\":\"draft\"}")
                .when().post("/v1/orgs/{org}/invoices/{id}/status", org, invoice.id)
                .then().statusCode(409).body("code", equalTo("invoice_status_conflict"));
        operator().body("{\"status\":\"refunded\"}")
                .when().post("/v1/orgs/{org}/invoices/{id}/status", org, invoice.id)
                .then().statusCode(400).body("code", equalTo("invalid_value"));
        given().header("Authorization", TestTokens.bearer(org, Roles.MEMBER))
                .when().get("/v1/orgs/{org}/invoices/{id}", org, invoice.id)
                .then().body("status", equalTo("paid"));
    }

    private static RequestSpecification operator() {
        return given().header("Authorization", TestTokens.as(Roles.PLATFORM_OPERATOR).bearer())
                .contentType(ContentType.JSON);
    }
}
