package io.accrue.contract.credits;

import static io.accrue.contract.ContractFixtures.PROBLEM;
import static io.accrue.contract.ContractFixtures.as;
import static io.accrue.contract.ContractFixtures.createActive;
import static io.accrue.contract.ContractFixtures.service;
import static io.accrue.contract.ContractFixtures.yearDraft;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.accrue.common.security.Roles;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

/** Prepaid credits (5 000 USD on the year contract) that a close reserves, a drawdown consumes, a credit note returns. */
@QuarkusTest
class CreditReservationTest {

    private String org;
    private String contract;

    @BeforeEach
    void activeContract() {
        org = "org-" + UUID.randomUUID();
        contract = createActive(org, yearDraft());
    }

    @Test
    void aHeldReservationIsSpentForEveryOtherReaderUntilItsDrawdownConsumesIt() {
        reserve("p-jan", "3000").statusCode(200).body("amount.amount", equalTo("3000.000000000000"))
                .body("status", equalTo("held"));
        // the next close sees the balance without what January holds, although January's drawdown is not there yet
        balance("2000.000000000000");
        reserve("p-feb", "4000").statusCode(200).body("amount.amount", equalTo("2000.000000000000"));
        balance("0.000000000000");
        // January's close is retried after a crash: the same reservation is resized, not doubled
        reserve("p-jan", "2500").statusCode(200).body("amount.amount", equalTo("2500.000000000000"));
        balance("500.000000000000");

        // January's drawdown arrives and consumes its reservation; the balance does not move again
        drawdown("inv-jan", "2026-01-01", "2026-02-01", "2500", "p-jan").statusCode(201);
        balance("500.000000000000");
        reserve("p-jan", "9999").statusCode(200).body("status", equalTo("consumed"))
                .body("amount.amount", equalTo("2500.000000000000"));
        as(org, Roles.MEMBER).when().get("/v1/orgs/{o}/contracts/{c}/credit-reservations", org, contract)
                .then().statusCode(200).body("", hasSize(2));
    }

    @Test
    void aDrawdownWithoutItsReservationCannotSpendWhatAnotherCloseHolds() {
        reserve("p-jan", "5000").statusCode(200);
        drawdown("inv-x", "2026-02-01", "2026-03-01", "1", null).statusCode(422)
                .contentType(PROBLEM).body("code", equalTo("insufficient_credits"))
                .body("balance.amount", equalTo("0.000000000000"));
    }

    @Test
    void releasedCreditsGoBackAndAReleasedReferenceStaysClosed() {
        reserve("p-jan", "1200").statusCode(200);
        service().when().delete("/v1/orgs/{o}/contracts/{c}/credit-reservations/{r}", org, contract, "p-jan")
                .then().statusCode(200).body("status", equalTo("released"));
        balance("5000.000000000000");
        reserve("p-jan", "10").statusCode(409).body("code", equalTo("reservation_released"));
        service().when().delete("/v1/orgs/{o}/contracts/{c}/credit-reservations/{r}", org, contract, "nope")
                .then().statusCode(404).body("code", equalTo("reservation_not_found"));
    }

    @Test
    void concurrentReservationsNeverHoldMoreThanTheGrant() throws Exception {
        int n = 8;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<String>> held = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                String ref = "p-" + i;
                held.add(pool.submit(() -> {
                    start.await();
                    return reserve(ref, "1000").statusCode(200).extract().path("amount.amount");
                }));
            }
            start.countDown();
            BigDecimal sum = BigDecimal.ZERO;
            for (Future<String> f : held) {
                sum = sum.add(new BigDecimal(f.get()));
            }
            assertEquals(0, new BigDecimal("5000").compareTo(sum), sum.toPlainString());
        } finally {
            pool.shutdown();
        }
        balance("0.000000000000");
    }

    @Test
    void aCreditNoteGivesBackAtMostWhatItsInvoiceAppliedOncePerNote() {
        reserve("p-jan", "1500").statusCode(200);
        drawdown("inv-jan", "2026-01-01", "2026-02-01", "1500", "p-jan").statusCode(201);
        balance("3500.000000000000");
        giveBack("cn-1", "inv-jan", "1000").statusCode(201).body("amount.amount", equalTo("1000.000000000000"));
        giveBack("cn-1", "inv-jan", "1000").statusCode(200).header("Idempotent-Replayed", "true");
        balance("4500.000000000000");
        giveBack("cn-2", "inv-jan", "500.01").statusCode(422).body("code", equalTo("credit_return_exceeds_applied"))
                .body("returnable.amount", equalTo("500.000000000000"));
        giveBack("cn-2", "inv-jan", "500").statusCode(201);
        balance("5000.000000000000");
        giveBack("cn-3", "inv-unknown", "1").statusCode(409).body("code", equalTo("drawdown_not_recorded"));
        as(org, Roles.OWNER).when().get("/v1/orgs/{o}/contracts/{c}/credit-returns", org, contract)
                .then().statusCode(200).body("", hasSize(2));
    }

    @Test
    void aCreditNoteGivesTheCommitmentBackWhatItsUsageConsumedOncePerNote() throws Exception {
        // January's invoice consumed 10 000 of the quarter's 30 000 commitment
        service().body("""
                {"invoiceId":"inv-jan","periodStart":"2026-01-01T00:00:00Z","periodEnd":"2026-02-01T00:00:00Z",
                 "amount":"10000","creditsApplied":"0"}""")
                .when().post("/v1/orgs/{o}/contracts/{c}/drawdowns", org, contract).then().statusCode(201);
        giveBack("cn-1", "inv-jan", "0", "2500").statusCode(201)
                .body("consumption.amount", equalTo("2500.000000000000"))
                .body("amount.amount", equalTo("0.000000000000"))
                .body("windowStart", equalTo("2026-01-01T00:00:00Z"));
        // a replayed note (the outbox retried after a lost answer) gives nothing back twice
        giveBack("cn-1", "inv-jan", "0", "2500").statusCode(200).header("Idempotent-Replayed", "true");
        consumed("7500.000000000000");

        // eight concurrent deliveries of one note: one records, the others answer the first result
        int n = 8;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> codes = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                codes.add(pool.submit(() -> {
                    start.await();
                    return giveBack("cn-2", "inv-jan", "0", "1000").extract().statusCode();
                }));
            }
            start.countDown();
            int created = 0;
            for (Future<Integer> f : codes) {
                created += f.get() == 201 ? 1 : 0;
            }
            assertEquals(1, created);
        } finally {
            pool.shutdown();
        }
        consumed("6500.000000000000");

        // never more than the invoice consumed over all its notes; a note that gives nothing back is refused
        giveBack("cn-3", "inv-jan", "0", "6500.01").statusCode(422).contentType(PROBLEM)
                .body("code", equalTo("credit_return_exceeds_consumed"))
                .body("returnable.amount", equalTo("6500.000000000000"));
        giveBack("cn-4", "inv-jan", "0", null).statusCode(422).body("code", equalTo("credit_return_invalid"));
        giveBack("cn-5", "inv-jan", "0", "{\"amount\":\"1\",\"currency\":\"EUR\"}").statusCode(422)
                .body("code", equalTo("currency_mismatch"));
        consumed("6500.000000000000");
        as(org, Roles.MEMBER).when().get("/v1/orgs/{o}/contracts/report", org).then().statusCode(200)
                .body("[0].consumed", equalTo("6500.000000000000"));
        balance("5000.000000000000");
    }

    @Test
    void onlyTheSuiteMovesCredits() {
        as(org, Roles.OWNER).contentType("application/json").body("{\"upTo\":\"1\"}")
                .when().put("/v1/orgs/{o}/contracts/{c}/credit-reservations/{r}", org, contract, "p-1")
                .then().statusCode(403).body("code", equalTo("forbidden"));
        service().body("{\"upTo\":\"1\",\"extra\":1}")
                .when().put("/v1/orgs/{o}/contracts/{c}/credit-reservations/{r}", org, contract, "p-1")
                .then().statusCode(400).body("code", equalTo("unknown_field"));
        service().body("{\"upTo\":\"1\"}")
                .when().put("/v1/orgs/{o}/contracts/{c}/credit-reservations/{r}", "org-other", contract, "p-1")
                .then().statusCode(404);
        balance("5000.000000000000");
    }

    private ValidatableResponse reserve(String reference, String upTo) {
        return service().body("{\"upTo\":{\"amount\":\"" + upTo + "\",\"currency\":\"USD\"}}")
                .when().put("/v1/orgs/{o}/contracts/{c}/credit-reservations/{r}", org, contract, reference).then();
    }

    private ValidatableResponse drawdown(String invoice, String from, String to, String credits, String reservation) {
        return service().body("""
                {"invoiceId":"%s","periodStart":"%sT00:00:00Z","periodEnd":"%sT00:00:00Z","amount":"0",
                 "creditsApplied":"%s"%s}""".formatted(invoice, from, to, credits,
                reservation == null ? "" : ",\"reservation\":\"" + reservation + "\""))
                .when().post("/v1/orgs/{o}/contracts/{c}/drawdowns", org, contract).then();
    }

    private ValidatableResponse giveBack(String note, String invoice, String amount) {
        return service().body("{\"creditNoteId\":\"%s\",\"invoiceId\":\"%s\",\"amount\":\"%s\"}"
                .formatted(note, invoice, amount))
                .when().post("/v1/orgs/{o}/contracts/{c}/credit-returns", org, contract).then();
    }

    /** A credit return with a commitment consumption part ({@code consumption} a decimal or a money object). */
    private ValidatableResponse giveBack(String note, String invoice, String amount, String consumption) {
        String part = consumption == null
                ? ""
                : ",\"consumption\":" + (consumption.startsWith("{") ? consumption : "\"" + consumption + "\"");
        return service().body("{\"creditNoteId\":\"%s\",\"invoiceId\":\"%s\",\"amount\":\"%s\"%s}"
                .formatted(note, invoice, amount, part))
                .when().post("/v1/orgs/{o}/contracts/{c}/credit-returns", org, contract).then();
    }

    private void consumed(String expected) {
        as(org, Roles.MEMBER).when().get("/v1/orgs/{o}/contracts/{c}/utilization", org, contract).then()
                .statusCode(200).body("windows[0].consumed", equalTo(expected));
    }

    private void balance(String expected) {
        service().when().get("/v1/orgs/{o}/contracts/terms", org).then().statusCode(200)
                .body("prepaidCreditBalance.amount", equalTo(expected));
    }
}
