package io.accrue.invoice.coupon;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.accrue.invoice.StandInsResource.stripe;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import com.lowagie.text.pdf.PdfReader;
import com.lowagie.text.pdf.parser.PdfTextExtractor;

import io.accrue.common.security.Roles;
import io.accrue.common.time.AdjustableClock;
import io.accrue.invoice.invoices.Invoice;
import io.accrue.invoice.outbox.OutboxDelivery;
import io.accrue.invoice.run.AccountCloser;
import io.accrue.invoice.run.RunFixture;
import io.accrue.testing.TestTokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * Coupons applied by real closes (billing-rules "Coupons" C2–C4): Pro v3 (99.00 a month, 1 M tokens included, then
 * 0.003 per 1,000) with 11 M tokens a month, so every period charges 99.00 + 30.00 = 129.00 before its coupons.
 */
@QuarkusTest
class CouponCloseTest {

    static final String FEB = RunFixture.FEB;
    static final String MAR = RunFixture.MAR;
    static final String APR = RunFixture.APR;
    static final String MAY = "2026-05-01T00:00:00Z";

    @Inject
    AccountCloser closer;
    @Inject
    EntityManager em;
    @Inject
    AdjustableClock clock;
    @Inject
    OutboxDelivery delivery;

    private RunFixture fx;
    private String org;

    @BeforeEach
    void fresh() {
        fx = RunFixture.fresh("cpc");
        org = fx.org;
        RunFixture.n().stubFor(get(urlPathEqualTo("/v1/accounts/" + org)).willReturn(okJson("""
                {"orgId":"%s","name":"Coupons","currency":"USD","timeZone":"UTC","planSlug":"pro",
                 "stripeCustomerId":null,"meteredEnabled":false,"createdAt":"2026-02-01T00:00:00Z"}"""
                .formatted(org))));
        fx.events("""
                {"id":"ev-1","type":"subscription_created","effectiveAt":"2026-02-01T00:00:00Z",
                 "planSlug":"pro","planVersion":3,"toStatus":"active","currency":"USD"}""");
        for (String month : List.of(FEB, MAR, APR)) {
            fx.tokenUsage(month, 11_000_000);
        }
    }

    @AfterEach
    void restoreClock() {
        clock.set(RunFixture.NOW);
    }

    @Test
    void onceRepeatingAndForeverCouponsAcrossThreePeriodsInRedemptionOrder() throws Exception {
        // redeemed in January, before the first period ends: in this order
        clock.set(Instant.parse("2026-01-20T00:00:00Z"));
        fx.subscriptionPro("active", FEB, MAR);
        String once = redeem("{\"name\":\"Welcome\",\"percentOff\":10,\"appliesTo\":\"all\",\"duration\":\"once\"}");
        String twice = redeem("""
                {"name":"Usage 20","amountOff":20,"currency":"USD","appliesTo":"usage","duration":"repeating",
                 "durationPeriods":2}""");
        String always = redeem(
                "{\"name\":\"Half base\",\"percentOff\":50,\"appliesTo\":\"base_fee\",\"duration\":\"forever\"}");

        // February: 10 % of 129.00 = 12.90 (9.90 of it on the base fee); 20.00 of the 27.00 usage left; half of
        // the 89.10 base fee left = 44.55
        close("2026-03-02T03:00:00Z", MAR, APR);
        fx.lines(FEB, List.of("base_fee", "overage", "coupon_discount", "coupon_discount", "coupon_discount"),
                List.of("99.00", "30.00", "-12.90", "-20.00", "-44.55"), "51.55");
        // a rerun finds the period invoiced: the once coupon is used by that one invoice
        closer.close(org, Instant.parse("2026-03-02T00:00:00Z"));
        assertEquals(1, fx.invoices(Instant.parse(FEB)).size());
        assertEquals(1L, uses(once));

        // March: the once coupon is spent; the repeating one's second and last period
        close("2026-04-02T03:00:00Z", APR, MAY);
        fx.lines(MAR, List.of("base_fee", "overage", "coupon_discount", "coupon_discount"),
                List.of("99.00", "30.00", "-20.00", "-49.50"), "59.50");
        // April: only the forever coupon
        close("2026-05-02T03:00:00Z", MAY, "2026-06-01T00:00:00Z");
        fx.lines(APR, List.of("base_fee", "overage", "coupon_discount"), List.of("99.00", "30.00", "-49.50"),
                "79.50");
        closer.close(org, Instant.parse("2026-05-02T00:00:00Z"));

        assertEquals(1L, uses(once));
        assertEquals(2L, uses(twice));
        assertEquals(3L, uses(always));
        given().header("Authorization", TestTokens.bearer(org, Roles.OWNER)).get("/v1/orgs/" + org + "/coupons")
                .then().statusCode(200).body("coupon.name", is(List.of("Welcome", "Usage 20", "Half base")))
                .body("periodsUsed", is(List.of(1, 2, 3)))
                .body("periodsRemaining", is(java.util.Arrays.asList(0, 0, null)))
                .body("[1].applications.amount", is(List.of("20", "20")));

        // the line is named with its coupon on the PDF and in the export
        Invoice feb = fx.invoice(FEB);
        byte[] pdf = given().header("Authorization", TestTokens.bearer(org, Roles.OWNER))
                .get("/v1/orgs/{org}/invoices/{id}/pdf", org, feb.id).then().statusCode(200).extract().asByteArray();
        PdfReader reader = new PdfReader(pdf);
        String text = new PdfTextExtractor(reader).getTextFromPage(1);
        reader.close();
        assertTrue(text.contains("Coupon Welcome: 10% off all charges"), text);
        assertTrue(text.contains("-44.55"), text);
        given().header("Authorization", TestTokens.bearer(org, Roles.OWNER))
                .get("/v1/orgs/{org}/invoices/{id}/lines.csv",
                        org, feb.id)
                .then().statusCode(200).body(containsString("Coupon Usage 20"));
    }

    @Test
    void aCrashWhileWritingTheInvoiceUsesNoCouponAndTheRetryUsesItOnce() {
        clock.set(Instant.parse("2026-02-10T00:00:00Z"));
        fx.subscriptionPro("active", FEB, MAR);
        String once = redeem("{\"name\":\"Ten\",\"amountOff\":10,\"currency\":\"USD\",\"appliesTo\":\"all\","
                + "\"duration\":\"once\"}");
        clock.set(Instant.parse("2026-03-02T03:00:00Z"));
        fx.subscriptionPro("active", MAR, APR);
        // the invoice's transaction fails at its last step, recording the coupon's use: all of it rolls back
        QuarkusTransaction.requiringNew().run(() -> {
            em.createNativeQuery("""
                    CREATE OR REPLACE FUNCTION coupon_test_fail() RETURNS trigger AS $$
                    BEGIN RAISE EXCEPTION 'injected failure'; END; $$ LANGUAGE plpgsql""").executeUpdate();
            em.createNativeQuery("CREATE TRIGGER coupon_test_fail BEFORE INSERT ON coupon_applications"
                    + " FOR EACH ROW WHEN (NEW.redemption_id = '" + once + "') EXECUTE FUNCTION coupon_test_fail()")
                    .executeUpdate();
        });
        try {
            assertThrows(RuntimeException.class, () -> closer.close(org, Instant.parse("2026-03-02T00:00:00Z")));
        } finally {
            QuarkusTransaction.requiringNew().run(() -> {
                em.createNativeQuery("DROP TRIGGER coupon_test_fail ON coupon_applications").executeUpdate();
                em.createNativeQuery("DROP FUNCTION coupon_test_fail()").executeUpdate();
            });
        }
        assertEquals(0, fx.invoices(Instant.parse(FEB)).size());
        assertEquals(0L, uses(once));

        // two closes racing after the crash: one invoice, the coupon used by it alone
        CompletableFuture<?> a = CompletableFuture
                .runAsync(() -> closer.close(org, Instant.parse("2026-03-02T00:00:00Z")));
        CompletableFuture<?> b = CompletableFuture
                .runAsync(() -> closer.close(org, Instant.parse("2026-03-02T00:00:00Z")));
        CompletableFuture.allOf(a, b).join();
        fx.lines(FEB, List.of("base_fee", "overage", "coupon_discount"), List.of("99.00", "30.00", "-10.00"), "119.00");
        assertEquals(1L, uses(once));
        UUID invoice = fx.invoice(FEB).id;
        assertEquals(invoice, QuarkusTransaction.requiringNew().call(() -> em.createQuery(
                "select a.invoiceId from CouponApplication a where a.redemptionId = :r", UUID.class)
                .setParameter("r", UUID.fromString(once)).getSingleResult()));
    }

    @Test
    void aCouponRedeemedAfterAPeriodEndedDiscountsTheNextOne() {
        clock.set(Instant.parse("2026-03-01T00:00:00Z"));
        fx.subscriptionPro("active", MAR, APR);
        redeem("{\"name\":\"Late\",\"percentOff\":100,\"appliesTo\":\"usage\",\"duration\":\"once\"}");
        close("2026-03-02T03:00:00Z", MAR, APR);
        fx.lines(FEB, List.of("base_fee", "overage"), List.of("99.00", "30.00"), "129.00");
        close("2026-04-02T03:00:00Z", APR, MAY);
        fx.lines(MAR, List.of("base_fee", "overage", "coupon_discount"), List.of("99.00", "30.00", "-30.00"), "99.00");
    }

    @Test
    void theDiscountLineGoesToStripeAsANegativeInvoiceItem() {
        RunFixture.n().stubFor(get(urlPathEqualTo("/v1/accounts/" + org)).willReturn(okJson("""
                {"orgId":"%s","name":"Coupons","currency":"USD","timeZone":"UTC","planSlug":"pro",
                 "stripeCustomerId":"cus_coupon","meteredEnabled":false,"createdAt":"2026-02-01T00:00:00Z"}"""
                .formatted(org))));
        clock.set(Instant.parse("2026-02-10T00:00:00Z"));
        fx.subscriptionPro("active", FEB, MAR);
        redeem("{\"name\":\"Ten\",\"amountOff\":10,\"currency\":\"USD\",\"appliesTo\":\"all\",\"duration\":\"once\"}");
        close("2026-03-02T03:00:00Z", MAR, APR);
        Invoice feb = fx.invoice(FEB);
        // other test classes leave their own outbox rows: out of the way first
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery(
                "UPDATE outbox SET status = 'delivered' WHERE invoice_id IS DISTINCT FROM ?1")
                .setParameter(1, feb.id).executeUpdate());
        String body = "{\"id\":\"in_coupon\",\"object\":\"invoice\",\"status\":\"draft\",\"currency\":\"usd\"}";
        List<StubMapping> stubs = List.of(
                stripe().stubFor(post(urlPathEqualTo("/v1/invoices")).atPriority(1).willReturn(okJson(body))),
                stripe().stubFor(post(urlPathEqualTo("/v1/invoiceitems")).atPriority(1).willReturn(
                        okJson("{\"id\":\"ii_c\",\"object\":\"invoiceitem\",\"invoice\":\"in_coupon\"}"))),
                stripe().stubFor(post(urlPathEqualTo("/v1/invoices/in_coupon/finalize")).atPriority(1)
                        .willReturn(okJson(body.replace("draft", "open")))));
        try {
            assertEquals(1, delivery.deliverDue(10));
            // base fee 9900, overage 3000, the coupon's -1000
            stripe().verify(postRequestedFor(urlPathEqualTo("/v1/invoiceitems"))
                    .withHeader("Idempotency-Key", equalTo("accrue-invoice-" + feb.id + "-item-3"))
                    .withRequestBody(containing("amount=-1000")));
        } finally {
            stubs.forEach(stripe()::removeStub);
        }
    }

    private void close(String now, String currentStart, String currentEnd) {
        clock.set(Instant.parse(now));
        fx.subscriptionPro("active", currentStart, currentEnd);
        closer.close(org, Instant.parse(now).minusSeconds(3 * 3600));
    }

    /** Creates the coupon and a code, the owner redeems it: the redemption's id. */
    private String redeem(String coupon) {
        String operator = TestTokens.as(Roles.PLATFORM_OPERATOR).bearer();
        String id = given().header("Authorization", operator).contentType(ContentType.JSON).body(coupon)
                .post("/v1/coupons").then().statusCode(201).extract().path("id");
        String code = "C-" + UUID.randomUUID().toString().substring(0, 8);
        given().header("Authorization", operator).contentType(ContentType.JSON).body(Map.of("code", code))
                .post("/v1/coupons/" + id + "/promotion-codes").then().statusCode(201);
        return given().header("Authorization", TestTokens.bearer(org, Roles.OWNER)).contentType(ContentType.JSON)
                .body(Map.of("promotionCode", code)).post("/v1/orgs/" + org + "/coupons").then().statusCode(201)
                .extract().path("id");
    }

    private long uses(String redemption) {
        return QuarkusTransaction.requiringNew().call(() -> em.createQuery(
                "select count(a) from CouponApplication a where a.redemptionId = :r", Long.class)
                .setParameter("r", UUID.fromString(redemption)).getSingleResult());
    }
}
