package io.accrue.invoice.coupon;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.accrue.common.security.Roles;
import io.accrue.common.time.AdjustableClock;
import io.accrue.invoice.run.RunFixture;
import io.accrue.testing.TestTokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

/** The coupon API over HTTP, real PostgreSQL and signed tokens (billing-rules "Coupons" C1, C2). */
@QuarkusTest
class CouponResourceTest {

    @Inject
    EntityManager em;
    @Inject
    AdjustableClock clock;

    private String org;

    @BeforeEach
    void fresh() {
        org = RunFixture.fresh("cp").org;
        // every organisation bills in USD unless a test says otherwise
        RunFixture.n().stubFor(get(urlPathMatching("/v1/accounts/[^/]+/subscription")).atPriority(10)
                .willReturn(okJson("""
                        {"status":"active","currentPeriodStart":"2026-03-01T00:00:00Z",
                         "currentPeriodEnd":"2026-04-01T00:00:00Z","cancelAtPeriodEnd":false,"currency":"USD"}""")));
    }

    @AfterEach
    void restoreClock() {
        clock.set(RunFixture.NOW);
    }

    static final String OPERATOR = "operator-alice";

    static String operator() {
        return TestTokens.as(Roles.PLATFORM_OPERATOR).subject(OPERATOR).bearer();
    }

    static ValidatableResponse post(String token, String path, Object body) {
        return given().header("Authorization", token).contentType(ContentType.JSON).body(body).when().post(path)
                .then();
    }

    static String coupon(String json) {
        return post(operator(), "/v1/coupons", json).statusCode(201).extract().path("id");
    }

    static String code(String couponId, String json) {
        return post(operator(), "/v1/coupons/" + couponId + "/promotion-codes", json).statusCode(201).extract()
                .path("code");
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void anOperatorCreatesAndReadsCouponsAndCodesAndNobodyElseDoes() {
        String id = coupon("""
                {"name":"Launch 20","percentOff":20,"appliesTo":"all","duration":"repeating","durationPeriods":3,
                 "maxRedemptions":100,"redeemBy":"2026-06-01T00:00:00Z"}""");
        String code = code(id, "{\"code\":\"" + unique("LAUNCH") + "\",\"maxRedemptions\":5}");
        given().header("Authorization", operator()).get("/v1/coupons/" + id).then().statusCode(200)
                .body("kind", is("percent_off")).body("percentOff", is("20")).body("amountOff", nullValue())
                .body("duration", is("repeating")).body("durationPeriods", is(3)).body("timesRedeemed", is(0))
                .body("createdBy", is(OPERATOR))
                .body("promotionCodes.code", hasItem(code));
        given().header("Authorization", operator()).get("/v1/coupons").then().statusCode(200)
                .body("id", hasItem(id));

        given().contentType(ContentType.JSON).body("{}").post("/v1/coupons").then().statusCode(401);
        for (String role : List.of(Roles.OWNER, Roles.BILLING_ADMIN, Roles.MEMBER)) {
            post(TestTokens.bearer(org, role), "/v1/coupons", "{\"name\":\"x\"}").statusCode(403);
            given().header("Authorization", TestTokens.bearer(org, role)).get("/v1/coupons").then().statusCode(403);
            post(TestTokens.bearer(org, role), "/v1/coupons/" + id + "/deactivate", "{}").statusCode(403);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            no value                  | {"name":"x","appliesTo":"all","duration":"once"}                                              | coupon_invalid
            both values               | {"name":"x","percentOff":10,"amountOff":5,"currency":"USD","appliesTo":"all","duration":"once"} | coupon_invalid
            zero percent              | {"name":"x","percentOff":0,"appliesTo":"all","duration":"once"}                              | coupon_invalid
            above 100 percent         | {"name":"x","percentOff":100.01,"appliesTo":"all","duration":"once"}                         | coupon_invalid
            three decimals of percent | {"name":"x","percentOff":10.555,"appliesTo":"all","duration":"once"}                         | coupon_invalid
            negative amount           | {"name":"x","amountOff":-5,"currency":"USD","appliesTo":"all","duration":"once"}             | coupon_invalid
            a yen has no cents        | {"name":"x","amountOff":1.5,"currency":"JPY","appliesTo":"all","duration":"once"}            | coupon_invalid
            amount without currency   | {"name":"x","amountOff":5,"appliesTo":"all","duration":"once"}                               | coupon_invalid
            no such currency          | {"name":"x","amountOff":5,"currency":"ZZZ","appliesTo":"all","duration":"once"}              | coupon_invalid
            percent with a currency   | {"name":"x","percentOff":5,"currency":"USD","appliesTo":"all","duration":"once"}             | coupon_invalid
            huge amount               | {"name":"x","amountOff":1e30,"currency":"USD","appliesTo":"all","duration":"once"}           | coupon_invalid
            unknown target            | {"name":"x","percentOff":5,"appliesTo":"everything","duration":"once"}                       | coupon_invalid
            unknown duration          | {"name":"x","percentOff":5,"appliesTo":"all","duration":"weekly"}                            | coupon_invalid
            repeating without periods | {"name":"x","percentOff":5,"appliesTo":"all","duration":"repeating"}                         | coupon_invalid
            repeating 121 periods     | {"name":"x","percentOff":5,"appliesTo":"all","duration":"repeating","durationPeriods":121}   | coupon_invalid
            once with periods         | {"name":"x","percentOff":5,"appliesTo":"all","duration":"once","durationPeriods":2}          | coupon_invalid
            zero redemptions          | {"name":"x","percentOff":5,"appliesTo":"all","duration":"once","maxRedemptions":0}           | coupon_invalid
            redeem-by in the past     | {"name":"x","percentOff":5,"appliesTo":"all","duration":"once","redeemBy":"2020-01-01T00:00:00Z"} | coupon_invalid
            redeem-by in 3000         | {"name":"x","percentOff":5,"appliesTo":"all","duration":"once","redeemBy":"3000-01-01T00:00:00Z"} | coupon_invalid
            blank name                | {"name":"  ","percentOff":5,"appliesTo":"all","duration":"once"}                             | coupon_invalid
            control characters        | {"name":"a\\u0007b","percentOff":5,"appliesTo":"all","duration":"once"}                      | coupon_invalid
            an unknown field          | {"name":"x","percentOff":5,"appliesTo":"all","duration":"once","stackable":true}             | unknown_field
            percent as text           | {"name":"x","percentOff":"lots","appliesTo":"all","duration":"once"}                         | invalid_value
            periods as a fraction     | {"name":"x","percentOff":5,"appliesTo":"all","duration":"repeating","durationPeriods":1.5}   | invalid_value
            """)
    void hostileCouponsAreRefused400AndNothingIsStored(String name, String body, String code) {
        long before = coupons();
        post(operator(), "/v1/coupons", body).statusCode(400).contentType("application/problem+json")
                .body("code", is(code)).body("status", is(400));
        assertEquals(before, coupons());
    }

    @Test
    void overlongStringsAreRefusedWithTheirLimit() {
        long before = coupons();
        post(operator(), "/v1/coupons", Map.of("name", "n".repeat(101), "percentOff", 5, "appliesTo", "all",
                "duration", "once")).statusCode(400).contentType("application/problem+json")
                .body("code", is("value_too_long")).body("violations[0].field", is("name"));
        assertEquals(before, coupons());
        String id = coupon("{\"name\":\"x\",\"percentOff\":5,\"appliesTo\":\"all\",\"duration\":\"once\"}");
        post(operator(), "/v1/coupons/" + id + "/promotion-codes", Map.of("code", "C".repeat(65))).statusCode(400)
                .body("code", is("value_too_long"));
        for (String bad : List.of("ab", "has space", "semi;colon", "ÜBER50")) {
            post(operator(), "/v1/coupons/" + id + "/promotion-codes", Map.of("code", bad)).statusCode(400)
                    .contentType("application/problem+json").body("code", is("promotion_code_invalid"));
        }
        post(operator(), "/v1/coupons/" + id + "/promotion-codes",
                Map.of("code", unique("OK"), "expiresAt", "2020-01-01T00:00:00Z")).statusCode(400)
                .body("code", is("promotion_code_invalid"));
        given().header("Authorization", operator()).get("/v1/coupons/" + id).then().body("promotionCodes",
                hasSize(0));
    }

    @Test
    void anOwnerRedeemsACodeInAnyCaseAndSeesItsPeriodsRemaining() {
        String id = coupon("""
                {"name":"Three months 10","percentOff":10,"appliesTo":"usage","duration":"repeating",
                 "durationPeriods":3}""");
        String code = code(id, "{\"code\":\"" + unique("Spring") + "\"}");
        post(TestTokens.bearer(org, Roles.MEMBER), "/v1/orgs/" + org + "/coupons", Map.of("promotionCode", code))
                .statusCode(403);
        post(TestTokens.bearer(org, Roles.OWNER), "/v1/orgs/" + org + "/coupons",
                Map.of("promotionCode", code.toLowerCase())).statusCode(201).body("coupon.id", is(id))
                .body("promotionCode", is(code)).body("periodsUsed", is(0)).body("periodsRemaining", is(3));
        given().header("Authorization", TestTokens.bearer(org, Roles.MEMBER)).get("/v1/orgs/" + org + "/coupons")
                .then().statusCode(200).body("coupon.name", is(List.of("Three months 10")))
                .body("periodsRemaining", is(List.of(3)));
        post(TestTokens.bearer(org, Roles.BILLING_ADMIN), "/v1/orgs/" + org + "/coupons",
                Map.of("promotionCode", code.toUpperCase())).statusCode(409)
                .body("code", is("coupon_already_redeemed"));
        // another organisation's token sees none of it
        given().header("Authorization", TestTokens.bearer("someone-else", Roles.OWNER))
                .get("/v1/orgs/" + org + "/coupons").then().statusCode(404);
        given().header("Authorization", operator()).get("/v1/coupons/" + id).then().body("timesRedeemed", is(1))
                .body("promotionCodes[0].timesRedeemed", is(1));
    }

    @Test
    void redemptionsThatMayNotHappenAreRefusedAndCountNothing() {
        String owner = TestTokens.bearer(org, Roles.OWNER);
        String path = "/v1/orgs/" + org + "/coupons";
        String coupon = coupon("{\"name\":\"Ten off\",\"amountOff\":10,\"currency\":\"USD\",\"appliesTo\":\"all\","
                + "\"duration\":\"once\",\"redeemBy\":\"2026-03-20T00:00:00Z\"}");
        String expiring = code(coupon, "{\"code\":\"" + unique("SOON") + "\",\"expiresAt\":\"2026-03-16T00:00:00Z\"}");
        String elsewhere = code(coupon, "{\"code\":\"" + unique("THEIRS") + "\",\"orgId\":\"other-org\"}");
        String single = code(coupon, "{\"code\":\"" + unique("ONE") + "\",\"maxRedemptions\":1}");
        String euro = code(coupon("{\"name\":\"Euro\",\"amountOff\":10,\"currency\":\"EUR\",\"appliesTo\":\"all\","
                + "\"duration\":\"once\"}"), "{\"code\":\"" + unique("EURO") + "\"}");

        post(owner, path, Map.of("promotionCode", elsewhere)).statusCode(404).contentType("application/problem+json")
                .body("code", is("promotion_code_not_found"));
        post(owner, path, Map.of("promotionCode", "NO-SUCH-CODE")).statusCode(404)
                .body("code", is("promotion_code_not_found"));
        post(owner, path, Map.of("promotionCode", euro)).statusCode(422).contentType("application/problem+json")
                .body("code", is("coupon_currency_mismatch"));
        post(owner, path, Map.of("couponId", coupon)).statusCode(403);
        post(owner, path, Map.of("promotionCode", single, "couponId", coupon)).statusCode(400)
                .body("code", is("coupon_redemption_invalid"));
        post(owner, path, Map.of()).statusCode(400).body("code", is("coupon_redemption_invalid"));

        // a code used up by another organisation
        post(TestTokens.bearer("first-" + org, Roles.OWNER), "/v1/orgs/first-" + org + "/coupons",
                Map.of("promotionCode", single)).statusCode(201);
        post(owner, path, Map.of("promotionCode", single)).statusCode(422).body("code", is("promotion_code_exhausted"));

        clock.set(RunFixture.NOW.plus(Duration.ofDays(2)));
        post(owner, path, Map.of("promotionCode", expiring)).statusCode(422).body("code", is("promotion_code_expired"));
        clock.set(RunFixture.NOW.plus(Duration.ofDays(6)));
        post(operator(), path, Map.of("couponId", coupon)).statusCode(422).body("code", is("coupon_expired"));

        given().header("Authorization", owner).get(path).then().statusCode(200).body("$", hasSize(0));
        // the one redemption that happened is the other organisation's
        given().header("Authorization", operator()).get("/v1/coupons/" + coupon).then().body("timesRedeemed", is(1));
    }

    @Test
    void aDeactivatedCouponOrCodeTakesNoRedemptions() {
        String owner = TestTokens.bearer(org, Roles.OWNER);
        String coupon = coupon("{\"name\":\"Off\",\"percentOff\":5,\"appliesTo\":\"all\",\"duration\":\"forever\"}");
        String code = code(coupon, "{\"code\":\"" + unique("OFF") + "\"}");
        String codeId = given().header("Authorization", operator()).get("/v1/coupons/" + coupon).then().extract()
                .path("promotionCodes[0].id");
        post(operator(), "/v1/coupons/" + coupon + "/promotion-codes/" + codeId + "/deactivate", "{}").statusCode(200)
                .body("active", is(false)).body("deactivatedBy", is(OPERATOR));
        post(owner, "/v1/orgs/" + org + "/coupons", Map.of("promotionCode", code)).statusCode(422)
                .body("code", is("promotion_code_inactive"));
        post(operator(), "/v1/coupons/" + coupon + "/deactivate", "{}").statusCode(200).body("active", is(false));
        post(operator(), "/v1/orgs/" + org + "/coupons", Map.of("couponId", coupon)).statusCode(422)
                .body("code", is("coupon_inactive"));
        post(operator(), "/v1/coupons/" + coupon + "/promotion-codes", Map.of("code", unique("LATE")))
                .statusCode(422).body("code", is("coupon_inactive"));
        post(operator(), "/v1/coupons/" + UUID.randomUUID() + "/deactivate", "{}").statusCode(404)
                .body("code", is("coupon_not_found"));
    }

    @Test
    void aCodeIsUniqueRegardlessOfCase() {
        String coupon = coupon("{\"name\":\"Off\",\"percentOff\":5,\"appliesTo\":\"all\",\"duration\":\"once\"}");
        String code = code(coupon, "{\"code\":\"" + unique("Dup") + "\"}");
        post(operator(), "/v1/coupons/" + coupon + "/promotion-codes", Map.of("code", code.toUpperCase()))
                .statusCode(409).body("code", is("promotion_code_taken"));
    }

    /** Racing redemptions of a coupon limited to 3: exactly 3 succeed, whatever the interleaving. */
    @Test
    void racingRedemptionsPassTheLimitExactlyAsOftenAsItAllows() throws Exception {
        String coupon = coupon("""
                {"name":"First three","percentOff":50,"appliesTo":"all","duration":"once","maxRedemptions":3}""");
        String code = code(coupon, "{\"code\":\"" + unique("RACE") + "\"}");
        int racers = 10;
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<Integer>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < racers; i++) {
                String racer = org + "-r" + i;
                answers.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    return given().header("Authorization", TestTokens.bearer(racer, Roles.OWNER))
                            .contentType(ContentType.JSON).body(Map.of("promotionCode", code))
                            .post("/v1/orgs/" + racer + "/coupons").statusCode();
                }, pool));
            }
            start.countDown();
            List<Integer> statuses = answers.stream().map(CompletableFuture::join).toList();
            assertEquals(3, statuses.stream().filter(s -> s == 201).count(), statuses.toString());
            assertEquals(racers - 3, statuses.stream().filter(s -> s == 422).count(), statuses.toString());
        } finally {
            pool.shutdownNow();
        }
        given().header("Authorization", operator()).get("/v1/coupons/" + coupon).then().body("timesRedeemed", is(3))
                .body("promotionCodes[0].timesRedeemed", is(3));
        assertEquals(3L, (long) QuarkusTransaction.requiringNew().call(() -> em.createQuery(
                "select count(r) from CouponRedemption r where r.couponId = :c", Long.class)
                .setParameter("c", UUID.fromString(coupon)).getSingleResult()));
    }

    private long coupons() {
        return QuarkusTransaction.requiringNew()
                .call(() -> em.createQuery("select count(c) from Coupon c", Long.class).getSingleResult());
    }
}
