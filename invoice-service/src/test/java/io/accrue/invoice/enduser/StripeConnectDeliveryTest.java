package io.accrue.invoice.enduser;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.RequestMethod;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.stripe.net.Webhook;

import io.accrue.common.security.Roles;
import io.accrue.common.time.AdjustableClock;
import io.accrue.invoice.StandInsResource;
import io.accrue.invoice.outbox.OutboxDelivery;
import io.accrue.localstack.StripeConnectStandIn;
import io.accrue.localstack.StripeConnectStandIn.Fault;
import io.accrue.testing.TestTokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;

/**
 * Stripe Connect delivery of end-user invoices against {@link StripeConnectStandIn}, a stand-in that keeps objects
 * per connected account and replays idempotency keys the way Stripe's v1 API does.
 */
@QuarkusTest
class StripeConnectDeliveryTest {

    static final Instant NOW = Instant.parse("2026-03-15T10:00:00Z");
    static final String ACCOUNT = "acct_1ConnectOrgTest";
    static final String FEB = "\"periodStart\":\"2026-02-01T00:00:00Z\",\"periodEnd\":\"2026-03-01T00:00:00Z\"";
    static final String JAN = "\"periodStart\":\"2026-01-01T00:00:00Z\",\"periodEnd\":\"2026-02-01T00:00:00Z\"";
    static final String ONE_USER = """
            [{"endUserId":"u-1","totalTokens":1000000,"requests":120,"cost":"1000","revenue":"1234.565"}]""";

    @Inject
    OutboxDelivery delivery;
    @Inject
    EntityManager em;
    @Inject
    AdjustableClock clock;
    @Inject
    CircuitBreakerMaintenance breakers;

    private String org;

    @BeforeEach
    void aConnectedOrganisation() {
        breakers.resetAll();
        org = "cn-" + UUID.randomUUID().toString().substring(0, 8);
        standIn().reset();
        standIn().account(ACCOUNT, true);
        stripe().resetAll();
        stripe().stubFor(any(urlPathMatching("/v1/.*")).willReturn(aResponse()
                .withTransformers(StripeConnectStandIn.NAME)));
        usage("EUR", ONE_USER);
        EndUserNeighbours.billingAccount(org, "UTC", "month");
        // other test classes leave outbox rows behind: out of the way, so each delivery here is this test's
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery(
                "UPDATE outbox SET status = 'delivered' WHERE status = 'pending'").executeUpdate());
    }

    @AfterEach
    void restoreClock() {
        clock.set(NOW);
    }

    @Test
    void eachInvoiceGoesToTheConnectedAccountWithTheApplicationFeeToTheCent() throws Exception {
        usage("EUR", """
                [{"endUserId":"u-1","totalTokens":1000000,"requests":120,"cost":"1000","revenue":"1234.565"},
                 {"endUserId":"u-2","totalTokens":800,"requests":2,"cost":"0.5","revenue":"0.994999"}]""");
        generate(connect(FEB, ",\"applicationFeePercent\":\"12.5\"")).statusCode(200)
                .body("created", equalTo(2))
                .body("invoices.status", contains("pending_delivery", "pending_delivery"))
                .body("invoices.amount", contains("1234.57", "0.99"))
                .body("invoices.applicationFee", contains("154.32", "0.12"))
                .body("invoices.daysUntilDue", contains(30, 30))
                .body("invoices.stripeInvoiceId", contains(nullValue(), nullValue()));
        // nothing reaches Stripe but the account check until the outbox delivers
        assertEquals(0, posts(".*").size());

        assertEquals(2, delivery.deliverDue(10));
        assertEquals(0, delivery.deliverDue(10));
        List<Map<String, Object>> views = invoices(FEB).body("status", everyItem(equalTo("sent")))
                .body("deliveryAttempts", everyItem(equalTo(1)))
                .body("lastDeliveryError", everyItem(nullValue()))
                .body("hostedInvoiceUrl", everyItem(startsWith("https://invoice.stripe.com/i/")))
                .extract().jsonPath().getList("$");

        assertEquals(2, standIn().objects(ACCOUNT, "customer").size());
        assertEquals(2, standIn().objects(ACCOUNT, "invoice").size());
        assertEquals(2, standIn().objects(ACCOUNT, "invoiceitem").size());
        Map<String, Object> u1 = views.getFirst();
        String stripeInvoice = (String) u1.get("stripeInvoiceId");
        Map<String, String> created = standIn().createParams(stripeInvoice);
        assertEquals("15432", created.get("application_fee_amount"));
        assertEquals("eur", created.get("currency"));
        assertEquals("send_invoice", created.get("collection_method"));
        assertEquals("30", created.get("days_until_due"));
        assertEquals("false", created.get("auto_advance"));
        assertEquals(u1.get("id"), created.get("metadata[accrue_end_user_invoice_id]"));
        assertEquals(u1.get("stripeCustomerId"), created.get("customer"));
        Map<String, Object> onStripe = only(standIn().objects(ACCOUNT, "invoice").stream()
                .filter(i -> i.get("id").equals(stripeInvoice)).toList());
        assertEquals("open", onStripe.get("status"));
        assertEquals(true, onStripe.get("auto_advance"));
        assertEquals(123457L, ((Number) onStripe.get("amount_due")).longValue());
        Map<String, Object> item = only(standIn().objects(ACCOUNT, "invoiceitem").stream()
                .filter(i -> i.get("invoice").equals(stripeInvoice)).toList());
        assertEquals(123457L, ((Number) item.get("amount")).longValue());
        assertEquals("12", standIn().createParams((String) views.get(1).get("stripeInvoiceId"))
                .get("application_fee_amount"));

        // every call but the platform's own account check runs as the connected account; every write has its key
        for (LoggedRequest r : stripe().findAll(RequestPatternBuilder.allRequests())) {
            if (r.getUrl().startsWith("/v1/accounts/")) {
                assertNull(r.getHeader("Stripe-Account"), r.getUrl());
            } else {
                assertEquals(ACCOUNT, r.getHeader("Stripe-Account"), r.getUrl());
            }
        }
        String id = (String) u1.get("id");
        assertEquals(List.of(customerKey("u-1")), keys(posts("/v1/customers").stream()
                .filter(r -> r.getBodyAsString().contains("u-1")).toList()));
        assertTrue(keys(posts("/v1/invoices")).contains("accrue-eui-" + id + "-invoice"));
        assertTrue(keys(posts("/v1/invoiceitems")).contains("accrue-eui-" + id + "-item"));
        assertEquals(List.of("accrue-eui-" + id + "-finalize"), keys(posts("/v1/invoices/" + stripeInvoice
                + "/finalize")));

        // a rerun of the period invoices and queues nobody twice
        generate(connect(FEB, ",\"applicationFeePercent\":\"12.5\"")).statusCode(200)
                .body("created", equalTo(0)).body("alreadyInvoiced", equalTo(2));
        assertEquals(0, delivery.deliverDue(10));
        assertEquals(2L, count("SELECT count(*) FROM outbox o JOIN end_user_invoices e"
                + " ON e.id = o.end_user_invoice_id WHERE e.org_id = ?1"));
    }

    @Test
    void aZeroDecimalCurrencyIsSentInWholeUnits() {
        usage("JPY", """
                [{"endUserId":"u-1","totalTokens":5000,"requests":3,"cost":"1000","revenue":"1234.5"}]""");
        generate(connect(FEB, ",\"applicationFeePercent\":\"10\",\"daysUntilDue\":14")).statusCode(200)
                .body("invoices.amount", contains("1235")).body("invoices.applicationFee", contains("124"));
        assertEquals(1, delivery.deliverDue(10));
        String stripeInvoice = invoices(FEB).body("status", contains("sent")).extract().path("[0].stripeInvoiceId");
        Map<String, String> created = standIn().createParams(stripeInvoice);
        assertEquals("124", created.get("application_fee_amount"));
        assertEquals("jpy", created.get("currency"));
        assertEquals("14", created.get("days_until_due"));
        assertEquals(1235L, ((Number) only(standIn().objects(ACCOUNT, "invoiceitem")).get("amount")).longValue());
    }

    @Test
    void timeoutsAndErrorsAreRetriedIntoExactlyOneCustomerItemAndInvoice() {
        generate(connect(FEB, ",\"applicationFeePercent\":\"12.5\"")).statusCode(200);
        String id = invoices(FEB).extract().path("[0].id");
        // the customer is created but the answer never arrives
        standIn().failNext("POST", "/v1/customers", Fault.ANSWER_AFTER_TIMEOUT);
        // the invoice is created, then Stripe answers 500 (and keeps that 500 under the key)
        standIn().failNext("POST", "/v1/invoices", Fault.ERROR_AFTER_CREATING);
        // the item is added but the answer never arrives
        standIn().failNext("POST", "/v1/invoiceitems", Fault.ANSWER_AFTER_TIMEOUT);

        assertEquals(1, delivery.deliverDue(10));
        one(id).body("status", equalTo("pending_delivery")).body("deliveryAttempts", equalTo(1))
                .body("lastDeliveryError", containsString("did not answer"));
        assertEquals(0, delivery.deliverDue(10), "not due before its backoff");
        for (int attempt = 2; attempt <= 4; attempt++) {
            clock.advance(Duration.ofHours(1));
            assertEquals(1, delivery.deliverDue(10));
        }
        one(id).body("status", equalTo("sent")).body("deliveryAttempts", equalTo(4))
                .body("lastDeliveryError", nullValue());

        assertEquals(1, standIn().objects(ACCOUNT, "customer").size());
        Map<String, Object> invoice = only(standIn().objects(ACCOUNT, "invoice"));
        Map<String, Object> item = only(standIn().objects(ACCOUNT, "invoiceitem"));
        assertEquals(invoice.get("id"), item.get("invoice"));
        assertEquals("open", invoice.get("status"));
        assertEquals(123457L, ((Number) invoice.get("amount_due")).longValue());
        one(id).body("stripeInvoiceId", equalTo(invoice.get("id")));

        // the lost customer answer was learnt by repeating its key; the kept 500 was read past under fresh keys
        assertEquals(List.of(customerKey("u-1"), customerKey("u-1")), keys(posts("/v1/customers")));
        assertEquals(List.of("accrue-eui-" + id + "-invoice"), keys(posts("/v1/invoices")));
        assertEquals(List.of("accrue-eui-" + id + "-item-g1"), keys(posts("/v1/invoiceitems")));
        assertEquals(List.of("accrue-eui-" + id + "-finalize-g1"), keys(posts("/v1/invoices/[^/]+/finalize")));
        assertEquals(0, delivery.deliverDue(10));
    }

    @Test
    void anErrorKeptUnderAKeyIsNotRepeatedAndAnErrorBeforeExecutionChangesNothing() {
        generate(connect(FEB, "")).statusCode(200);
        String id = invoices(FEB).extract().path("[0].id");
        standIn().failNext("POST", "/v1/invoices", Fault.ERROR_WITHOUT_CREATING);
        standIn().failNext("POST", "/v1/invoices/[^/]+/finalize", Fault.ERROR_BEFORE_EXECUTION);

        assertEquals(1, delivery.deliverDue(10));
        one(id).body("lastDeliveryError", containsString("HTTP 500"));
        clock.advance(Duration.ofHours(1));
        assertEquals(1, delivery.deliverDue(10));
        one(id).body("status", equalTo("pending_delivery"));
        clock.advance(Duration.ofHours(1));
        assertEquals(1, delivery.deliverDue(10));
        one(id).body("status", equalTo("sent")).body("deliveryAttempts", equalTo(3));

        assertEquals(1, standIn().objects(ACCOUNT, "invoice").size());
        assertEquals(1, standIn().objects(ACCOUNT, "invoiceitem").size());
        // no fee asked: none sent
        assertNull(standIn().createParams((String) only(standIn().objects(ACCOUNT, "invoice")).get("id"))
                .get("application_fee_amount"));
        assertEquals(List.of("accrue-eui-" + id + "-invoice", "accrue-eui-" + id + "-invoice-g1"),
                keys(posts("/v1/invoices")));
        assertEquals(List.of("accrue-eui-" + id + "-finalize-g1", "accrue-eui-" + id + "-finalize-g2"),
                keys(posts("/v1/invoices/[^/]+/finalize")));
    }

    @Test
    void aLaterInvoiceOfTheSameEndUserReusesItsStoredCustomer() {
        generate(connect(FEB, "")).statusCode(200);
        assertEquals(1, delivery.deliverDue(10));
        generate(connect(JAN, "")).statusCode(200).body("created", equalTo(1));
        assertEquals(1, delivery.deliverDue(10));

        String feb = invoices(FEB).body("status", contains("sent")).extract().path("[0].stripeCustomerId");
        String jan = invoices(JAN).body("status", contains("sent")).extract().path("[0].stripeCustomerId");
        assertNotNull(feb);
        assertEquals(feb, jan);
        assertEquals(1, posts("/v1/customers").size());
        assertEquals(1, standIn().objects(ACCOUNT, "customer").size());
        assertEquals(2, standIn().objects(ACCOUNT, "invoice").stream().filter(i -> feb.equals(i.get("customer")))
                .count());
        assertEquals(1L, count("SELECT count(*) FROM connect_customers WHERE org_id = ?1"));
    }

    @Test
    void deliveryFailsAfterTheLastAttemptWithItsErrorAndCanBeDeliveredAgain() {
        generate(connect(FEB, "")).statusCode(200);
        String id = invoices(FEB).extract().path("[0].id");
        // the organisation disconnects its account after the invoices were made
        standIn().disconnect(ACCOUNT);
        for (int attempt = 1; attempt <= OutboxDelivery.MAX_ATTEMPTS; attempt++) {
            assertEquals(1, delivery.deliverDue(10), "attempt " + attempt);
            clock.advance(Duration.ofHours(2));
        }
        assertEquals(0, delivery.deliverDue(10));
        one(id).body("status", equalTo("delivery_failed"))
                .body("deliveryAttempts", equalTo(OutboxDelivery.MAX_ATTEMPTS))
                .body("lastDeliveryError", containsString("account_invalid"))
                .body("stripeInvoiceId", nullValue());
        assertEquals(0, standIn().objects(ACCOUNT, "invoice").size());

        standIn().account(ACCOUNT, true);
        given().header("Authorization", TestTokens.bearer(org, Roles.OWNER))
                .when().post("/v1/orgs/{org}/end-user-invoices/{id}/redeliver", org, id)
                .then().statusCode(200).body("status", equalTo("pending_delivery"));
        assertEquals(1, delivery.deliverDue(10));
        one(id).body("status", equalTo("sent")).body("lastDeliveryError", nullValue());
        assertEquals(1, standIn().objects(ACCOUNT, "customer").size());
        assertEquals(1, standIn().objects(ACCOUNT, "invoice").size());
        assertEquals(1, standIn().objects(ACCOUNT, "invoiceitem").size());
        given().header("Authorization", TestTokens.bearer(org, Roles.OWNER))
                .when().post("/v1/orgs/{org}/end-user-invoices/{id}/redeliver", org, id)
                .then().statusCode(409).contentType("application/problem+json")
                .body("code", equalTo("delivery_not_failed"));
    }

    /** The organisation's account stored once in subscription-service: requests need not name it. */
    @Test
    void theStoredConnectAccountIsUsedAndANamedOtherOneIsRefused() {
        EndUserNeighbours.billingAccount(org, "UTC", "month", ACCOUNT);
        generate("{" + FEB + ",\"delivery\":\"stripe_connect\"}").statusCode(200).body("created", equalTo(1))
                .body("invoices[0].connectedAccountId", equalTo(ACCOUNT));
        assertEquals(1, delivery.deliverDue(10));
        assertEquals(1, standIn().objects(ACCOUNT, "invoice").size());
        // naming the stored account is fine (idempotent: the same period answers the same invoice)
        generate(connect(FEB, "")).statusCode(200).body("created", equalTo(0));
        // naming another one is refused before Stripe or the database is touched
        standIn().account("acct_1Other", true);
        generate(connect(JAN, "").replace(ACCOUNT, "acct_1Other")).statusCode(422)
                .contentType("application/problem+json").body("code", equalTo("connected_account_mismatch"));
        invoices(JAN).body("size()", equalTo(0));
    }

    @Test
    void rejectedRequestsPersistNothingAndWriteNothingToStripe() {
        generate("{" + FEB + ",\"delivery\":\"stripe_connect\"}").statusCode(422)
                .contentType("application/problem+json").body("code", equalTo("connected_account_required"));
        generate(connect(FEB, "").replace(ACCOUNT, "acct-not-an-id")).statusCode(422)
                .body("code", equalTo("validation_failed"))
                .body("violations[0].field", containsString("connectedAccountId"));
        generate(connect(FEB, ",\"daysUntilDue\":0")).statusCode(422).body("code", equalTo("validation_failed"));
        generate(connect(FEB, "").replace(ACCOUNT, "acct_1SomeoneElse")).statusCode(422)
                .body("code", equalTo("connected_account_invalid")).body("stripeCode", equalTo("account_invalid"));
        standIn().account("acct_1NotOnboarded", false);
        generate(connect(FEB, "").replace(ACCOUNT, "acct_1NotOnboarded")).statusCode(422)
                .body("code", equalTo("connected_account_not_ready"));
        generate("{" + FEB + ",\"delivery\":\"export\",\"connectedAccountId\":\"" + ACCOUNT + "\"}")
                .statusCode(422).body("code", equalTo("delivery_option_unexpected"));
        standIn().failNext("GET", "/v1/accounts/.*", Fault.ERROR_BEFORE_EXECUTION);
        generate(connect(FEB, "")).statusCode(502).body("code", equalTo("stripe_unavailable"));
        StandInsResource.neighbours().stubFor(get(urlPathEqualTo("/v1/orgs/" + org + "/usage/summary"))
                .willReturn(aResponse().withStatus(503)));
        generate(connect(FEB, "")).statusCode(502).body("code", equalTo("neighbour_unavailable"));

        invoices(FEB).body("$", hasSize(0));
        assertEquals(0L, count("SELECT count(*) FROM end_user_invoices WHERE org_id = ?1"));
        assertEquals(0L, count("SELECT count(*) FROM connect_customers WHERE org_id = ?1"));
        assertEquals(0, posts(".*").size());
        assertEquals(0, delivery.deliverDue(10));
    }

    @Test
    void anotherOrganisationSeesNothingAndChangesNothing() {
        generate(connect(FEB, "")).statusCode(200).body("created", equalTo(1));
        String id = invoices(FEB).extract().path("[0].id");
        String other = "cn-other-" + UUID.randomUUID().toString().substring(0, 8);
        String stranger = TestTokens.bearer(other, Roles.OWNER);

        given().header("Authorization", stranger).queryParam("periodStart", "2026-02-01T00:00:00Z")
                .queryParam("periodEnd", "2026-03-01T00:00:00Z")
                .when().get("/v1/orgs/{org}/end-user-invoices", org)
                .then().statusCode(404).contentType("application/problem+json")
                .body("code", equalTo("organisation_not_found"));
        given().header("Authorization", stranger).when().get("/v1/orgs/{org}/end-user-invoices/{id}", org, id)
                .then().statusCode(404).body("code", equalTo("organisation_not_found"));
        given().header("Authorization", stranger)
                .when().post("/v1/orgs/{org}/end-user-invoices/{id}/redeliver", org, id)
                .then().statusCode(404).body("code", equalTo("organisation_not_found"));
        given().header("Authorization", stranger).contentType(ContentType.JSON).body(connect(JAN, ""))
                .when().post("/v1/orgs/{org}/end-user-invoices", org)
                .then().statusCode(404).body("code", equalTo("organisation_not_found"));
        // its own path with the other organisation's invoice id
        given().header("Authorization", stranger).when().get("/v1/orgs/{org}/end-user-invoices/{id}", other, id)
                .then().statusCode(404).contentType("application/problem+json")
                .body("code", equalTo("end_user_invoice_not_found"));
        given().header("Authorization", stranger)
                .when().post("/v1/orgs/{org}/end-user-invoices/{id}/redeliver", other, id)
                .then().statusCode(404).body("code", equalTo("end_user_invoice_not_found"));
        given().when().get("/v1/orgs/{org}/end-user-invoices/{id}", org, id).then().statusCode(401);
        given().header("Authorization", TestTokens.bearer(org, Roles.MEMBER))
                .when().get("/v1/orgs/{org}/end-user-invoices/{id}", org, id).then().statusCode(403);
        given().header("Authorization", TestTokens.bearer(org, Roles.BILLING_ADMIN))
                .when().get("/v1/orgs/{org}/end-user-invoices/{id}", org, "not-a-uuid")
                .then().statusCode(404).body("code", equalTo("end_user_invoice_not_found"));

        assertEquals(1L, count("SELECT count(*) FROM end_user_invoices WHERE org_id = ?1"));
        one(id).body("status", equalTo("pending_delivery"));
    }

    @Test
    void connectEventsOfTheAccountSettleTheInvoiceOnceAndNoOtherAccountsDo() throws Exception {
        generate(connect(FEB, "")).statusCode(200).body("created", equalTo(1));
        assertEquals(1, delivery.deliverDue(10));
        String id = invoices(FEB).body("status", contains("sent")).extract().path("[0].id");
        String stripeInvoice = invoices(FEB).extract().path("[0].stripeInvoiceId");

        // the same event from another connected account settles nothing
        String foreign = connectEvent("evt_foreign_" + id, "invoice.paid", "acct_1SomeoneElse", stripeInvoice, id);
        webhook(foreign).statusCode(200).body("status", equalTo("unknown_invoice"));
        one(id).body("status", equalTo("sent")).body("settledAt", nullValue());

        String unc = connectEvent("evt_unc_" + id, "invoice.marked_uncollectible", ACCOUNT, stripeInvoice, id);
        webhook(unc).statusCode(200).body("status", equalTo("applied"));
        one(id).body("status", equalTo("uncollectible"));
        String paid = connectEvent("evt_paid_" + id, "invoice.paid", ACCOUNT, stripeInvoice, id);
        webhook(paid).statusCode(200).body("status", equalTo("applied"));
        one(id).body("status", equalTo("paid")).body("settledAt", equalTo(NOW.toString()));
        // redelivered: nothing changes; a late void after payment is recorded and ignored
        webhook(paid).statusCode(200).body("status", equalTo("duplicate"));
        String voided = connectEvent("evt_void_" + id, "invoice.voided", ACCOUNT, stripeInvoice, id);
        webhook(voided).statusCode(200).body("status", equalTo("ignored_transition"));
        one(id).body("status", equalTo("paid"));
        String settlingEvents = "SELECT count(*) FROM stripe_events s JOIN end_user_invoices e"
                + " ON e.id = s.end_user_invoice_id WHERE e.org_id = ?1";
        assertEquals(3L, count(settlingEvents)); // uncollectible, paid, the late void; not the foreign one

        // a signature by a secret the service does not hold is refused and records nothing
        String other = connectEvent("evt_forged_" + id, "invoice.voided", ACCOUNT, stripeInvoice, id);
        given().contentType(ContentType.JSON).body(other)
                .header("Stripe-Signature", Webhook.Signature.generateSignatureHeader(other, "whsec_someone_else",
                        clock.instant().getEpochSecond()))
                .when().post("/v1/stripe/webhooks").then().statusCode(400).body("code", equalTo("invalid_signature"));
        assertEquals(3L, count(settlingEvents));
        one(id).body("status", equalTo("paid"));
    }

    private ValidatableResponse webhook(String payload) throws Exception {
        return given().contentType(ContentType.JSON).body(payload)
                .header("Stripe-Signature", Webhook.Signature.generateSignatureHeader(payload, "whsec_test_invoice",
                        clock.instant().getEpochSecond()))
                .when().post("/v1/stripe/webhooks").then();
    }

    /** A Connect event: Stripe names the connected account it happened on in {@code account}. */
    private String connectEvent(String eventId, String type, String account, String stripeInvoice,
            String endUserInvoice) {
        return """
                {"id":"%s","object":"event","account":"%s","api_version":"2026-07-29.dahlia","created":%d,
                 "livemode":false,"pending_webhooks":1,"request":{"id":null,"idempotency_key":null},"type":"%s",
                 "data":{"object":{"id":"%s","object":"invoice","currency":"eur","status":"paid",
                   "metadata":{"accrue_end_user_invoice_id":"%s","accrue_org_id":"%s"}}}}""".formatted(eventId,
                account, clock.instant().getEpochSecond(), type, stripeInvoice, endUserInvoice, org);
    }

    private void usage(String currency, String byEndUser) {
        StandInsResource.neighbours().stubFor(get(urlPathEqualTo("/v1/orgs/" + org + "/usage/summary"))
                .willReturn(okJson("""
                        {"orgId":"%s","environment":"live","currency":"%s",
                         "totals":{"totalTokens":1,"requests":1,"cost":"1","revenue":"1","unpricedEvents":0},
                         "byModel":[],"byEndUser":%s}""".formatted(org, currency, byEndUser))));
    }

    private static String connect(String period, String extra) {
        return "{" + period + ",\"delivery\":\"stripe_connect\",\"connectedAccountId\":\"" + ACCOUNT + "\"" + extra
                + "}";
    }

    private ValidatableResponse generate(String body) {
        return given().header("Authorization", TestTokens.bearer(org, Roles.BILLING_ADMIN))
                .contentType(ContentType.JSON).body(body)
                .when().post("/v1/orgs/{org}/end-user-invoices", org).then();
    }

    private ValidatableResponse invoices(String period) {
        boolean feb = period.equals(FEB);
        String start = feb ? "2026-02-01T00:00:00Z" : "2026-01-01T00:00:00Z";
        String end = feb ? "2026-03-01T00:00:00Z" : "2026-02-01T00:00:00Z";
        return given().header("Authorization", TestTokens.bearer(org, Roles.OWNER))
                .queryParam("periodStart", start).queryParam("periodEnd", end)
                .when().get("/v1/orgs/{org}/end-user-invoices", org).then().statusCode(200);
    }

    private ValidatableResponse one(String id) {
        return given().header("Authorization", TestTokens.bearer(org, Roles.BILLING_ADMIN))
                .when().get("/v1/orgs/{org}/end-user-invoices/{id}", org, id).then().statusCode(200);
    }

    private long count(String sql) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(sql)
                .setParameter(1, org).getSingleResult()).longValue());
    }

    private static List<LoggedRequest> posts(String pathRegex) {
        return stripe().findAll(RequestPatternBuilder.newRequestPattern(RequestMethod.POST,
                urlPathMatching(pathRegex)));
    }

    private static List<String> keys(List<LoggedRequest> requests) {
        return requests.stream().map(r -> r.getHeader("Idempotency-Key")).toList();
    }

    private String customerKey(String endUser) {
        try {
            return "accrue-connect-customer-" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest((org + "\n" + ACCOUNT + "\n" + endUser).getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> T only(List<T> items) {
        assertEquals(1, items.size(), String.valueOf(items));
        return items.getFirst();
    }

    private static StripeConnectStandIn standIn() {
        return StripeConnectStandIn.instance();
    }

    private static WireMockServer stripe() {
        return StandInsResource.stripe();
    }
}
