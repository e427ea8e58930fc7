package io.accrue.contract.drawdown;

import static io.accrue.contract.ContractFixtures.PROBLEM;
import static io.accrue.contract.ContractFixtures.admin;
import static io.accrue.contract.ContractFixtures.as;
import static io.accrue.contract.ContractFixtures.createActive;
import static io.accrue.contract.ContractFixtures.createDraft;
import static io.accrue.contract.ContractFixtures.service;
import static io.accrue.contract.ContractFixtures.yearDraft;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.accrue.common.security.Roles;
import io.accrue.common.time.AdjustableClock;
import io.accrue.contract.trueup.TrueUpService;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;

@QuarkusTest
class DrawdownAndTrueUpTest {

    static final Instant FROZEN = Instant.parse("2026-03-15T10:00:00Z");

    @Inject
    AdjustableClock clock;
    @Inject
    TrueUpService trueUps;

    private String org;
    private String contract;

    @BeforeEach
    void activeContract() {
        org = "org-" + UUID.randomUUID();
        // 2026, 30 000 USD committed per quarter, 5 000 USD prepaid credits
        contract = createActive(org, yearDraft());
    }

    @AfterEach
    void resetClock() {
        clock.set(FROZEN);
    }

    @Test
    void aDrawdownIsRecordedOncePerInvoiceAndAReplayAnswersTheFirstResult() {
        ExtractableResponse<Response> first = post(drawdown("inv-1", "2026-01-01", "2026-02-01", "10000.00", "2000"))
                .then().statusCode(201)
                .body("invoiceId", equalTo("inv-1"))
                .body("amount.amount", equalTo("10000.000000000000"))
                .body("amount.currency", equalTo("USD"))
                .body("creditsApplied.amount", equalTo("2000.000000000000"))
                .body("commitmentPeriodStart", equalTo("2026-01-01T00:00:00Z"))
                .extract();
        // a replay, even one carrying other numbers, answers the first result and records nothing
        post(drawdown("inv-1", "2026-01-01", "2026-02-01", "99999.00", "0"))
                .then().statusCode(200).header("Idempotent-Replayed", "true")
                .body("id", equalTo(first.path("id")))
                .body("amount.amount", equalTo("10000.000000000000"));
        as(org, Roles.MEMBER).when().get("/v1/orgs/{org}/contracts/{id}/drawdowns", org, contract)
                .then().statusCode(200).body("", hasSize(1));
        terms().body("prepaidCreditBalance.amount", equalTo("3000.000000000000"));
    }

    @Test
    void concurrentReplaysRecordExactlyOnce() throws Exception {
        int n = 8;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<ExtractableResponse<Response>>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Callable<ExtractableResponse<Response>> call = () -> {
                    start.await();
                    return post(drawdown("inv-race", "2026-02-01", "2026-03-01", "700.00", "100")).then().extract();
                };
                futures.add(pool.submit(call));
            }
            start.countDown();
            List<Integer> codes = new ArrayList<>();
            HashSet<String> ids = new HashSet<>();
            for (var f : futures) {
                codes.add(f.get().statusCode());
                ids.add(f.get().path("id"));
            }
            assertEquals(1, codes.stream().filter(c -> c == 201).count(), codes.toString());
            assertEquals(n - 1, codes.stream().filter(c -> c == 200).count(), codes.toString());
            assertEquals(1, ids.size());
        } finally {
            pool.shutdown();
        }
        admin(org).when().get("/v1/orgs/{org}/contracts/{id}/drawdowns", org, contract).then().body("", hasSize(1));
        terms().body("prepaidCreditBalance.amount", equalTo("4900.000000000000"));
    }

    @Test
    void bareDecimalAmountsAreInTheContractsCurrency() {
        // the shape invoice-service's client sends: amounts as decimal strings, invoice id a UUID
        String invoiceId = UUID.randomUUID().toString();
        post("""
                {"invoiceId":"%s","periodStart":"2026-02-01T00:00:00Z","periodEnd":"2026-03-01T00:00:00Z",
                 "amount":"1234.56","creditsApplied":"34.56"}""".formatted(invoiceId))
                .then().statusCode(201)
                .body("invoiceId", equalTo(invoiceId))
                .body("amount.amount", equalTo("1234.560000000000"))
                .body("amount.currency", equalTo("USD"))
                .body("creditsApplied.amount", equalTo("34.560000000000"))
                .body("afterTrueUp", equalTo(false));
        post("""
                {"invoiceId":"x","periodStart":"2026-02-01T00:00:00Z","periodEnd":"2026-03-01T00:00:00Z",
                 "amount":{"amount":"1","currency":"USD","note":"prompt text"}}""")
                .then().statusCode(400).contentType(PROBLEM);
        admin(org).when().get("/v1/orgs/{org}/contracts/{id}/drawdowns", org, contract).then().body("", hasSize(1));
    }

    @Test
    void creditsCannotExceedTheBalanceAndNothingIsPersisted() {
        post(drawdown("inv-a", "2026-01-01", "2026-02-01", "6000", "6000"))
                .then().statusCode(422).contentType(PROBLEM).body("code", equalTo("insufficient_credits"))
                .body("balance.amount", equalTo("5000.000000000000"));
        post(drawdown("inv-c", "2026-01-01", "2026-02-01", "100", "0").replace("\"USD\"", "\"EUR\""))
                .then().statusCode(422).body("code", equalTo("currency_mismatch"));
        post(drawdown("inv-d", "2027-02-01", "2027-03-01", "100", "0"))
                .then().statusCode(422).body("code", equalTo("period_outside_term"));
        post("{\"invoiceId\":\"inv-e\",\"periodStart\":\"2026-01-01T00:00:00Z\"}")
                .then().statusCode(422).body("code", equalTo("validation_failed"));
        post(drawdown("inv-f", "2026-01-01", "2026-02-01", "100", "0").replace("\"invoiceId\"",
                "\"prompt\":\"hi\",\"invoiceId\""))
                .then().statusCode(400).body("code", equalTo("unknown_field"));
        admin(org).when().get("/v1/orgs/{org}/contracts/{id}/drawdowns", org, contract).then().body("", hasSize(0));
        // credits larger than the usage they pay for: the whole usage is covered, the rest stays
        post(drawdown("inv-g", "2026-01-01", "2026-02-01", "1200", "1200")).then().statusCode(201);
        terms().body("prepaidCreditBalance.amount", equalTo("3800.000000000000"));
        // credits also pay the base fee, so they may exceed the consumption drawn (here: no usage at all)
        post(drawdown("inv-h", "2026-02-01", "2026-03-01", "0", "99.00")).then().statusCode(201);
        terms().body("prepaidCreditBalance.amount", equalTo("3701.000000000000"));
    }

    @Test
    void onlyTheSuiteAndTheOperatorPostDrawdownsForAContractOfThisOrganisation() {
        admin(org).body(drawdown("inv-1", "2026-01-01", "2026-02-01", "1", "0"))
                .when().post("/v1/orgs/{org}/contracts/{id}/drawdowns", org, contract)
                .then().statusCode(403).contentType(PROBLEM);
        String otherOrg = "org-" + UUID.randomUUID();
        String otherContract = createActive(otherOrg, yearDraft());
        service().body(drawdown("inv-1", "2026-01-01", "2026-02-01", "1", "0"))
                .when().post("/v1/orgs/{org}/contracts/{id}/drawdowns", org, otherContract)
                .then().statusCode(404).body("code", equalTo("contract_not_found"));
        admin(org).when().get("/v1/orgs/{org}/contracts/{id}/drawdowns", org, otherContract)
                .then().statusCode(404);
        admin(org).when().get("/v1/orgs/{org}/contracts/{id}/drawdowns", otherOrg, otherContract)
                .then().statusCode(404).body("code", equalTo("organisation_not_found"));
        String draft = createDraft(org,
                yearDraft().replace("2026-01-01", "2028-01-01").replace("2027-01-01", "2029-01-01"));
        service().body(drawdown("inv-2", "2028-01-01", "2028-02-01", "1", "0"))
                .when().post("/v1/orgs/{org}/contracts/{id}/drawdowns", org, draft)
                .then().statusCode(409).body("code", equalTo("contract_not_active"));
    }

    @Test
    void utilizationComparesConsumedWithCommittedAndProjectsTheShortfall() {
        post(drawdown("inv-jan", "2026-01-01", "2026-02-01", "10000.00", "0")).then().statusCode(201);
        post(drawdown("inv-feb", "2026-02-01", "2026-03-01", "2000.50", "0")).then().statusCode(201);
        as(org, Roles.MEMBER).when().get("/v1/orgs/{org}/contracts/{id}/utilization", org, contract)
                .then().statusCode(200)
                .body("windows", hasSize(4))
                .body("current.periodStart", equalTo("2026-01-01T00:00:00Z"))
                .body("current.committed", equalTo("30000.000000000000"))
                .body("current.consumed", equalTo("12000.500000000000"))
                .body("current.remaining", equalTo("17999.500000000000"))
                .body("current.overage", equalTo("0.000000000000"))
                // 12 000.50 over 73 days 10 hours of a 90-day quarter
                .body("current.projectedConsumption", equalTo("14711.169125993190"))
                .body("current.projectedShortfall", equalTo("15288.830874006810"))
                .body("committed", equalTo("120000.000000000000"))
                .body("utilizationPercent", equalTo("10.00"))
                .body("prepaidCredits.balance", equalTo("5000.000000000000"));
        // seen at the end of February (59 of 90 days), the same 12 000.50 burns faster: 18 305.84 projected
        as(org, Roles.MEMBER).queryParam("at", "2026-03-01T00:00:00Z")
                .when().get("/v1/orgs/{org}/contracts/{id}/utilization", org, contract)
                .then().statusCode(200)
                .body("current.projectedConsumption", equalTo("18305.847457627119"))
                .body("current.projectedShortfall", equalTo("11694.152542372881"));
        as(org, Roles.MEMBER).queryParam("at", "soon").when()
                .get("/v1/orgs/{org}/contracts/{id}/utilization", org, contract)
                .then().statusCode(400).contentType(PROBLEM).body("code", equalTo("invalid_value"));
        as(org, Roles.MEMBER).when().get("/v1/orgs/{org}/contracts/report", org)
                .then().statusCode(200).body("", hasSize(1)).body("[0].contractId", equalTo(contract))
                .body("[0].consumed", equalTo("12000.500000000000"));
    }

    @Test
    void theTrueUpIsComputedOnNetSpendAfterACreditNoteGaveConsumptionBack() {
        post(drawdown("inv-jan", "2026-01-01", "2026-02-01", "10000.00", "0")).then().statusCode(201);
        service().body("{\"creditNoteId\":\"cn-1\",\"invoiceId\":\"inv-jan\",\"amount\":\"0\","
                + "\"consumption\":\"4000\"}")
                .when().post("/v1/orgs/{org}/contracts/{id}/credit-returns", org, contract).then().statusCode(201);
        clock.set(Instant.parse("2026-04-04T00:00:00Z"));
        service().when().post("/v1/orgs/{org}/contracts/{id}/true-ups", org, contract)
                .then().statusCode(200).body("", hasSize(1))
                .body("[0].consumed.amount", equalTo("6000.000000000000"))
                .body("[0].shortfall.amount", equalTo("24000.000000000000"));
    }

    @Test
    void trueUpAtTheEndOfACommitmentPeriodIsComputedOnce() {
        post(drawdown("inv-jan", "2026-01-01", "2026-02-01", "10000.00", "0")).then().statusCode(201);
        post(drawdown("inv-feb", "2026-02-01", "2026-03-01", "2000.50", "0")).then().statusCode(201);
        // nothing has ended yet
        service().when().post("/v1/orgs/{org}/contracts/{id}/true-ups", org, contract)
                .then().statusCode(200).body("", hasSize(0));
        // the quarter has ended, but its last invoice may still be closing: within the grace, nothing is settled
        clock.set(Instant.parse("2026-04-02T00:00:00Z"));
        service().when().post("/v1/orgs/{org}/contracts/{id}/true-ups", org, contract)
                .then().statusCode(200).body("", hasSize(0));
        clock.set(Instant.parse("2026-04-04T00:00:00Z"));
        service().when().post("/v1/orgs/{org}/contracts/{id}/true-ups", org, contract)
                .then().statusCode(200).body("", hasSize(1))
                .body("[0].periodStart", equalTo("2026-01-01T00:00:00Z"))
                .body("[0].periodEnd", equalTo("2026-04-01T00:00:00Z"))
                .body("[0].consumed.amount", equalTo("12000.500000000000"))
                .body("[0].shortfall.amount", equalTo("17999.500000000000"))
                .body("[0].shortfall.currency", equalTo("USD"))
                .body("[0].computedAt", equalTo("2026-04-04T00:00:00Z"));
        // March usage recorded after the true-up is accepted (a billing run never fails on it) but flagged
        post(drawdown("inv-mar", "2026-03-01", "2026-04-01", "5000", "0"))
                .then().statusCode(201).body("afterTrueUp", equalTo(true));
        clock.set(Instant.parse("2026-04-05T00:00:00Z"));
        trueUps.settleAllDue("system");
        service().when().post("/v1/orgs/{org}/contracts/{id}/true-ups", org, contract)
                .then().statusCode(200).body("", hasSize(1))
                .body("[0].shortfall.amount", equalTo("17999.500000000000"))
                .body("[0].computedAt", equalTo("2026-04-04T00:00:00Z"));
        as(org, Roles.MEMBER).when().get("/v1/orgs/{org}/contracts/{id}/utilization", org, contract)
                .then().body("windows[0].trueUpShortfall", equalTo("17999.500000000000"))
                .body("windows[1].trueUpShortfall", nullValue())
                .body("trueUpBilled", equalTo("17999.500000000000"));
        // the export's records: the contract inline, with its whole ledger and settlements
        service().when().get("/v1/orgs/{org}/contracts", org)
                .then().statusCode(200)
                .body("items", hasSize(1))
                .body("items[0].id", equalTo(contract))
                .body("items[0].status", equalTo("active"))
                .body("items[0].versions", hasSize(1))
                .body("items[0].transitions", hasSize(2))
                .body("items[0].drawdowns.invoiceId", contains("inv-jan", "inv-feb", "inv-mar"))
                .body("items[0].drawdowns[2].afterTrueUp", equalTo(true))
                .body("items[0].trueUps", hasSize(1))
                .body("items[0].trueUps[0].shortfall.amount", equalTo("17999.500000000000"));
    }

    @Test
    void usageBeyondTheCommitmentLeavesNothingToTrueUp() {
        post(drawdown("inv-q2", "2026-04-01", "2026-07-01", "45000", "0")).then().statusCode(201);
        clock.set(Instant.parse("2026-07-04T00:00:00Z"));
        // the scheduled path: settles every due contract, each in its own transaction
        trueUps.settleAllDue("system");
        as(org, Roles.MEMBER).when().get("/v1/orgs/{org}/contracts/{id}/true-ups", org, contract)
                .then().statusCode(200).body("", hasSize(2))
                .body("[0].computedBy", equalTo("system"))
                .body("[0].shortfall.amount", equalTo("30000.000000000000"))
                .body("[1].consumed.amount", equalTo("45000.000000000000"))
                .body("[1].shortfall.amount", equalTo("0.000000000000"));
    }

    @Test
    void concurrentTrueUpsSettleEachPeriodOnce() throws Exception {
        clock.set(Instant.parse("2026-10-04T00:00:00Z"));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> futures = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                futures.add(pool.submit(() -> service()
                        .post("/v1/orgs/{org}/contracts/{id}/true-ups", org, contract).statusCode()));
            }
            for (var f : futures) {
                assertEquals(200, f.get());
            }
        } finally {
            pool.shutdown();
        }
        service().when().get("/v1/orgs/{org}/contracts/{id}/true-ups", org, contract)
                .then().statusCode(200).body("", hasSize(3));
    }

    @Test
    void termsAnswerWhatInvoiceServiceReads() {
        service().queryParam("at", "2026-05-10T00:00:00Z").when().get("/v1/orgs/{org}/contracts/terms", org)
                .then().statusCode(200)
                .body("contractId", equalTo(contract))
                .body("version", equalTo(1))
                .body("currency", equalTo("USD"))
                .body("termStart", equalTo("2026-01-01T00:00:00Z"))
                .body("termEnd", equalTo("2027-01-01T00:00:00Z"))
                .body("commitment.amount.amount", equalTo("30000.000000000000"))
                .body("commitment.amount.currency", equalTo("USD"))
                .body("commitment.period", equalTo("quarterly"))
                .body("commitment.periodStart", equalTo("2026-04-01T00:00:00Z"))
                .body("commitment.periodEnd", equalTo("2026-07-01T00:00:00Z"))
                .body("negotiatedRates[0].model", equalTo("gpt-4o"))
                .body("negotiatedRates[0].kind", equalTo("discount_percent"))
                .body("negotiatedRates[0].value", equalTo("20.000000000000"))
                .body("negotiatedRates[1].meter", equalTo("llm_tokens"))
                .body("negotiatedRates[1].kind", equalTo("fixed_unit_price"))
                .body("prepaidCreditBalance.amount", equalTo("5000.000000000000"))
                .body("minimums[0].period", equalTo("monthly"))
                .body("minimums[0].amount.amount", equalTo("1000.000000000000"))
                // the minimum's window containing `at`, stepped from the term start like commitment windows
                .body("minimums[0].periodStart", equalTo("2026-05-01T00:00:00Z"))
                .body("minimums[0].periodEnd", equalTo("2026-06-01T00:00:00Z"));
        service().queryParam("at", "2027-01-01T00:00:00Z").when().get("/v1/orgs/{org}/contracts/terms", org)
                .then().statusCode(404).contentType(PROBLEM).body("code", equalTo("no_active_contract"));
        service().queryParam("at", "yesterday").when().get("/v1/orgs/{org}/contracts/terms", org)
                .then().statusCode(400).body("code", equalTo("invalid_value"));
        // without at: now
        service().when().get("/v1/orgs/{org}/contracts/terms", org)
                .then().statusCode(200).body("at", equalTo("2026-03-15T10:00:00Z"));
        // drafts never answer
        String draftOrg = "org-" + UUID.randomUUID();
        createDraft(draftOrg, yearDraft());
        service().when().get("/v1/orgs/{org}/contracts/terms", draftOrg)
                .then().statusCode(404).body("code", equalTo("no_active_contract"));
        as(org, Roles.USAGE_REPORTER).when().get("/v1/orgs/{org}/contracts/terms", org).then().statusCode(403);
    }

    private Response post(String body) {
        return service().body(body).when().post("/v1/orgs/{org}/contracts/{id}/drawdowns", org, contract);
    }

    private io.restassured.response.ValidatableResponse terms() {
        return service().when().get("/v1/orgs/{org}/contracts/terms", org).then().statusCode(200);
    }

    static String drawdown(String invoiceId, String from, String to, String amount, String credits) {
        return """
                {"invoiceId":"%s","periodStart":"%sT00:00:00Z","periodEnd":"%sT00:00:00Z",
                 "amount":{"amount":"%s","currency":"USD"},"creditsApplied":{"amount":"%s","currency":"USD"}}"""
                .formatted(invoiceId, from, to, amount, credits);
    }
}
