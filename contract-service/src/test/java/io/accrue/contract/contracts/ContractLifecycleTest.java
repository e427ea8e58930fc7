package io.accrue.contract.contracts;

import static io.accrue.contract.ContractFixtures.PROBLEM;
import static io.accrue.contract.ContractFixtures.admin;
import static io.accrue.contract.ContractFixtures.as;
import static io.accrue.contract.ContractFixtures.createActive;
import static io.accrue.contract.ContractFixtures.createDraft;
import static io.accrue.contract.ContractFixtures.draft;
import static io.accrue.contract.ContractFixtures.service;
import static io.accrue.contract.ContractFixtures.yearDraft;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.accrue.common.security.Roles;
import io.accrue.common.time.AdjustableClock;
import io.accrue.testing.TestTokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;

@QuarkusTest
class ContractLifecycleTest {

    static final Instant FROZEN = Instant.parse("2026-03-15T10:00:00Z");

    @Inject
    AdjustableClock clock;
    @Inject
    EntityManager em;
    @Inject
    ContractLifecycleService lifecycle;

    private String org;

    @BeforeEach
    void organisation() {
        org = "org-" + UUID.randomUUID();
    }

    @AfterEach
    void resetClock() {
        clock.set(FROZEN);
    }

    @Test
    void activationIsAuditedWithWhoAndWhy() {
        String id = createDraft(org, yearDraft());
        RestAssured.given().header("Authorization", TestTokens.as(Roles.BILLING_ADMIN).org(org).subject("bob").bearer())
                .contentType(ContentType.JSON).body("{\"reason\":\"countersigned 2026-01-02\"}")
                .when().post("/v1/orgs/{org}/contracts/{id}/activate", org, id)
                .then().statusCode(200)
                .body("status", equalTo("active"))
                .body("transitions", hasSize(2))
                .body("transitions[1].fromStatus", equalTo("draft"))
                .body("transitions[1].toStatus", equalTo("active"))
                .body("transitions[1].action", equalTo("activated"))
                .body("transitions[1].actor", equalTo("bob"))
                .body("transitions[1].reason", equalTo("countersigned 2026-01-02"));
    }

    @Test
    void aTransitionWithoutReasonIsRefused() {
        String id = createDraft(org, yearDraft());
        admin(org).body("{\"reason\":\"\"}").when().post("/v1/orgs/{org}/contracts/{id}/activate", org, id)
                .then().statusCode(422).contentType(PROBLEM).body("violations[0].field", containsString("reason"));
        admin(org).when().get("/v1/orgs/{org}/contracts/{id}", org, id).then().body("status", equalTo("draft"));
    }

    @Test
    void memberMayReadButNotActivate() {
        String id = createDraft(org, yearDraft());
        as(org, Roles.MEMBER).body("{\"reason\":\"x\"}").when().post("/v1/orgs/{org}/contracts/{id}/activate", org, id)
                .then().statusCode(403).contentType(PROBLEM);
        service().body("{\"reason\":\"x\"}").when().post("/v1/orgs/{org}/contracts/{id}/activate", org, id)
                .then().statusCode(403);
        admin(org).when().get("/v1/orgs/{org}/contracts/{id}", org, id).then().body("status", equalTo("draft"));
    }

    @Test
    void anotherOrganisationCannotMoveOrAmendTheContract() {
        String id = createDraft(org, yearDraft());
        String intruder = "org-" + UUID.randomUUID();
        admin(intruder).body("{\"reason\":\"x\"}").when().post("/v1/orgs/{org}/contracts/{id}/activate", org, id)
                .then().statusCode(404).contentType(PROBLEM).body("code", equalTo("organisation_not_found"));
        admin(intruder).body("{\"reason\":\"x\"}").when().post("/v1/orgs/{org}/contracts/{id}/activate", intruder, id)
                .then().statusCode(404).contentType(PROBLEM).body("code", equalTo("contract_not_found"));
        admin(intruder).body(yearDraft()).when().put("/v1/orgs/{org}/contracts/{id}", intruder, id)
                .then().statusCode(404).body("code", equalTo("contract_not_found"));
        admin(org).when().get("/v1/orgs/{org}/contracts/{id}", org, id)
                .then().body("status", equalTo("draft")).body("transitions", hasSize(1));
    }

    @Test
    void onlyDraftsAreEditable() {
        String id = createDraft(org, yearDraft());
        admin(org).body(draft("2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z", "45000", "quarterly"))
                .when().put("/v1/orgs/{org}/contracts/{id}", org, id)
                .then().statusCode(200).body("versions", hasSize(1))
                .body("versions[0].commitment.amount", equalTo("45000.000000000000"))
                .body("transitions[1].action", equalTo("edited"));
        admin(org).body("{\"reason\":\"signed\"}").when().post("/v1/orgs/{org}/contracts/{id}/activate", org, id)
                .then().statusCode(200);
        admin(org).body(draft("2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z", "1", "quarterly"))
                .when().put("/v1/orgs/{org}/contracts/{id}", org, id)
                .then().statusCode(409).contentType(PROBLEM).body("code", equalTo("contract_not_editable"));
        admin(org).when().get("/v1/orgs/{org}/contracts/{id}", org, id)
                .then().body("versions[0].commitment.amount", equalTo("45000.000000000000"));
        // a second activation is not a transition from draft
        admin(org).body("{\"reason\":\"again\"}").when().post("/v1/orgs/{org}/contracts/{id}/activate", org, id)
                .then().statusCode(409).body("code", equalTo("invalid_transition")).body("status", equalTo("active"));
    }

    @Test
    void activationRefusesAnOverlappingTermAndChangesNothing() {
        String first = createActive(org, yearDraft());
        String overlapping = createDraft(org,
                draft("2026-12-01T00:00:00Z", "2027-12-01T00:00:00Z", "1000", "monthly"));
        admin(org).body("{\"reason\":\"signed\"}")
                .when().post("/v1/orgs/{org}/contracts/{id}/activate", org, overlapping)
                .then().statusCode(409).contentType(PROBLEM)
                .body("code", equalTo("contract_overlap"))
                .body("conflictingContractId", equalTo(first));
        admin(org).when().get("/v1/orgs/{org}/contracts/{id}", org, overlapping)
                .then().body("status", equalTo("draft")).body("transitions", hasSize(1));
        // half-open terms: one starting exactly where the first ends does not overlap
        String adjacent = createDraft(org, draft("2027-01-01T00:00:00Z", "2028-01-01T00:00:00Z", "1000", "annual"));
        admin(org).body("{\"reason\":\"signed\"}")
                .when().post("/v1/orgs/{org}/contracts/{id}/activate", org, adjacent).then().statusCode(200);
        // another organisation's contract over the same term is no conflict
        createActive("other-" + org, yearDraft());
    }

    @Test
    void theDatabaseRefusesOverlappingContractsEvenWithoutTheService() {
        createActive(org, yearDraft());
        String second = createDraft(org, draft("2026-06-01T00:00:00Z", "2027-06-01T00:00:00Z", "1", "annual"));
        Exception e = assertThrows(Exception.class, () -> QuarkusTransaction.requiringNew().run(() -> em
                .createNativeQuery("update contracts set status = 'active' where id = ?1")
                .setParameter(1, UUID.fromString(second)).executeUpdate()));
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        assertTrue(root.getMessage().contains("contracts_no_overlap"),
                root.getMessage());
    }

    @Test
    void concurrentActivationsOfOverlappingDraftsLetExactlyOneThrough() throws Exception {
        String a = createDraft(org, yearDraft());
        String b = createDraft(org, yearDraft());
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var fa = pool.submit(() -> admin(org).body("{\"reason\":\"r\"}")
                    .post("/v1/orgs/{org}/contracts/{id}/activate", org, a).statusCode());
            var fb = pool.submit(() -> admin(org).body("{\"reason\":\"r\"}")
                    .post("/v1/orgs/{org}/contracts/{id}/activate", org, b).statusCode());
            var codes = java.util.List.of(fa.get(), fb.get()).stream().sorted().toList();
            assertEquals(java.util.List.of(200, 409), codes);
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void amendmentIsANewVersionEffectiveFromADate() {
        String id = createActive(org, yearDraft());
        admin(org).body("""
                {"effectiveFrom":"2026-07-01T00:00:00Z","reason":"expansion: more committed spend",
                 "commitment":{"amount":"40000","period":"quarterly"},
                 "negotiatedRates":[{"model":"gpt-4o","kind":"discount_percent","value":"25"}]}""")
                .when().post("/v1/orgs/{org}/contracts/{id}/amendments", org, id)
                .then().statusCode(201)
                .body("currentVersion", equalTo(2))
                .body("versions", hasSize(2))
                .body("versions[1].effectiveFrom", equalTo("2026-07-01T00:00:00Z"))
                .body("versions[1].commitment.amount", equalTo("40000.000000000000"))
                .body("versions[1].negotiatedRates", hasSize(1))
                .body("versions[1].prepaidCredits", equalTo("5000.000000000000"))
                .body("versions[1].minimums[0].period", equalTo("monthly"))
                .body("versions[0].commitment.amount", equalTo("30000.000000000000"))
                .body("transitions[2].action", equalTo("amended"))
                .body("transitions[2].reason", containsString("expansion"));
        service().queryParam("at", "2026-06-30T23:59:59Z").when().get("/v1/orgs/{org}/contracts/terms", org)
                .then().statusCode(200).body("version", equalTo(1))
                .body("commitment.amount.amount", equalTo("30000.000000000000"))
                .body("negotiatedRates", hasSize(2));
        service().queryParam("at", "2026-07-01T00:00:00Z").when().get("/v1/orgs/{org}/contracts/terms", org)
                .then().statusCode(200).body("version", equalTo(2))
                .body("commitment.amount.amount", equalTo("40000.000000000000"))
                .body("negotiatedRates[0].value", equalTo("25.000000000000"));
    }

    @Test
    void amendmentsAreNeverRetroactiveAndKeepTheCommitmentPeriod() {
        String id = createActive(org, yearDraft());
        admin(org).body("{\"effectiveFrom\":\"2026-02-01T00:00:00Z\",\"reason\":\"backdate\"}")
                .when().post("/v1/orgs/{org}/contracts/{id}/amendments", org, id)
                .then().statusCode(422).contentType(PROBLEM).body("code", equalTo("invalid_effective_date"));
        admin(org).body("""
                {"effectiveFrom":"2026-07-01T00:00:00Z","reason":"x","commitment":{"amount":"1","period":"monthly"}}""")
                .when().post("/v1/orgs/{org}/contracts/{id}/amendments", org, id)
                .then().statusCode(422).body("code", equalTo("commitment_period_fixed"));
        admin(org).when().get("/v1/orgs/{org}/contracts/{id}", org, id)
                .then().body("versions", hasSize(1)).body("transitions", hasSize(2));
        String draftId = createDraft(org, draft("2028-01-01T00:00:00Z", "2029-01-01T00:00:00Z", "1", "annual"));
        admin(org).body("{\"effectiveFrom\":\"2028-07-01T00:00:00Z\",\"reason\":\"x\"}")
                .when().post("/v1/orgs/{org}/contracts/{id}/amendments", org, draftId)
                .then().statusCode(409).body("code", equalTo("invalid_transition"));
    }

    @Test
    void terminationEndsTheTermsAtTheTerminationInstant() {
        String id = createActive(org, yearDraft());
        admin(org).body("{\"reason\":\"customer churned\",\"at\":\"2026-06-01T00:00:00Z\"}")
                .when().post("/v1/orgs/{org}/contracts/{id}/terminate", org, id)
                .then().statusCode(200).body("status", equalTo("terminated"))
                .body("effectiveEnd", equalTo("2026-06-01T00:00:00Z"))
                .body("transitions[2].reason", equalTo("customer churned"));
        service().queryParam("at", "2026-05-31T23:59:59Z").when().get("/v1/orgs/{org}/contracts/terms", org)
                .then().statusCode(200).body("contractId", equalTo(id)).body("status", equalTo("terminated"));
        service().queryParam("at", "2026-06-01T00:00:00Z").when().get("/v1/orgs/{org}/contracts/terms", org)
                .then().statusCode(404).contentType(PROBLEM).body("code", equalTo("no_active_contract"));
        // the freed time can be covered by a new contract
        createActive(org, draft("2026-06-01T00:00:00Z", "2027-06-01T00:00:00Z", "1", "annual"));
    }

    @Test
    void terminationCannotBeBackdated() {
        String id = createActive(org, yearDraft());
        admin(org).body("{\"reason\":\"r\",\"at\":\"2026-03-01T00:00:00Z\"}")
                .when().post("/v1/orgs/{org}/contracts/{id}/terminate", org, id)
                .then().statusCode(422).body("code", equalTo("invalid_termination_date"));
        admin(org).when().get("/v1/orgs/{org}/contracts/{id}", org, id).then().body("status", equalTo("active"));
    }

    @Test
    void renewalDraftsTheSuccessorAndActivatingItMarksThePredecessorRenewed() {
        String id = createActive(org, yearDraft());
        String renewal = admin(org).body("{\"reason\":\"second year\",\"termEnd\":\"2028-01-01T00:00:00Z\"}")
                .when().post("/v1/orgs/{org}/contracts/{id}/renewals", org, id)
                .then().statusCode(201).body("status", equalTo("draft"))
                .body("renewalOf", equalTo(id))
                .body("termStart", equalTo("2027-01-01T00:00:00Z"))
                .body("versions[0].commitment.amount", equalTo("30000.000000000000"))
                .extract().path("id");
        admin(org).body("{\"reason\":\"again\",\"termEnd\":\"2028-01-01T00:00:00Z\"}")
                .when().post("/v1/orgs/{org}/contracts/{id}/renewals", org, id)
                .then().statusCode(409).body("code", equalTo("already_renewed"));
        admin(org).body("{\"reason\":\"signed renewal\"}")
                .when().post("/v1/orgs/{org}/contracts/{id}/activate", org, renewal).then().statusCode(200);
        admin(org).when().get("/v1/orgs/{org}/contracts/{id}", org, id)
                .then().body("status", equalTo("renewed"))
                .body("transitions.action", hasItems("renewal_drafted", "renewed"));
        // the renewed contract still answers for its own term, the renewal for the next one
        service().queryParam("at", "2026-12-31T00:00:00Z").when().get("/v1/orgs/{org}/contracts/terms", org)
                .then().statusCode(200).body("contractId", equalTo(id));
        service().queryParam("at", "2027-01-01T00:00:00Z").when().get("/v1/orgs/{org}/contracts/terms", org)
                .then().statusCode(200).body("contractId", equalTo(renewal));
    }

    @Test
    void contractsPastTheirEndExpire() {
        String id = createActive(org, draft("2026-01-01T00:00:00Z", "2026-04-01T00:00:00Z", "100", "monthly"));
        lifecycle.expireDue();
        admin(org).when().get("/v1/orgs/{org}/contracts/{id}", org, id).then().body("status", equalTo("active"));
        clock.set(Instant.parse("2026-04-01T00:00:00Z"));
        lifecycle.expireDue();
        admin(org).when().get("/v1/orgs/{org}/contracts/{id}", org, id)
                .then().body("status", equalTo("expired"))
                .body("transitions[2].actor", equalTo("system"))
                .body("transitions[2].action", equalTo("expired"));
        // expired is final: a second run changes nothing
        lifecycle.expireDue();
        admin(org).when().get("/v1/orgs/{org}/contracts/{id}", org, id).then().body("transitions", hasSize(3));
    }

    @Test
    void activatingATermAlreadyOverIsRefused() {
        String id = createDraft(org, draft("2025-01-01T00:00:00Z", "2026-01-01T00:00:00Z", "1", "annual"));
        admin(org).body("{\"reason\":\"late paperwork\"}")
                .when().post("/v1/orgs/{org}/contracts/{id}/activate", org, id)
                .then().statusCode(422).body("code", equalTo("term_already_ended"));
    }
}
