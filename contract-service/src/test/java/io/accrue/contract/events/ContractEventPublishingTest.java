package io.accrue.contract.events;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.accrue.contract.ContractFixtures.admin;
import static io.accrue.contract.ContractFixtures.createActive;
import static io.accrue.contract.ContractFixtures.draft;
import static io.accrue.contract.ContractFixtures.yearDraft;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.TransactionalException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;

import io.accrue.common.time.AdjustableClock;
import io.accrue.contract.SubscriptionStandIn;
import io.accrue.contract.contracts.RenewalReminders;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;

/**
 * contract-service's billing events reach subscription-service (a WireMock stand-in of
 * {@code POST /v1/billing-events}) once per fact, in order per organisation, under ids derived from the fact; an
 * outage delays them and loses none; the renewal reminder is published once per term however often its job runs.
 */
@QuarkusTest
class ContractEventPublishingTest {

    static final Instant FROZEN = Instant.parse("2026-03-15T10:00:00Z");
    private static final String PUBLISH = "/v1/billing-events";

    @Inject
    BillingEventDelivery delivery;
    @Inject
    BillingEventOutbox outbox;
    @Inject
    RenewalReminders reminders;
    @Inject
    AdjustableClock clock;
    @Inject
    CircuitBreakerMaintenance breakers;
    @Inject
    EntityManager em;
    @Inject
    ObjectMapper json;

    private String org;

    @BeforeEach
    void organisation() {
        org = "events-" + UUID.randomUUID();
        breakers.resetAll();
        server().resetAll();
        server().stubFor(post(urlPathEqualTo(PUBLISH)).atPriority(5).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody("{\"created\":true}")));
    }

    @AfterEach
    void resetClock() {
        clock.set(FROZEN);
    }

    @Test
    void aContractsLifeIsAnnouncedOncePerChangeInOrder() {
        String id = createActive(org, yearDraft());
        admin(org).body("{\"reason\":\"customer left\",\"at\":\"2026-06-01T00:00:00Z\"}")
                .when().post("/v1/orgs/{org}/contracts/{id}/terminate", org, id).then().statusCode(200);
        delivery.sendDue(10_000);

        List<JsonNode> sent = sentFor(org);
        assertEquals(List.of("contract.created", "contract.updated", "contract.ended"), types(sent));
        assertEquals(List.of("created", "activated", "terminated"),
                sent.stream().map(n -> n.at("/data/change").asText()).toList());
        String prefix = "ctr_" + id.replace("-", "") + "_t";
        assertTrue(sent.stream().allMatch(n -> n.get("id").asText().startsWith(prefix)), sent.toString());
        JsonNode ended = sent.get(2);
        assertEquals(id, ended.at("/data/contractId").asText());
        assertEquals("terminated", ended.at("/data/status").asText());
        assertEquals("active", ended.at("/data/fromStatus").asText());
        assertEquals("2026-06-01T00:00:00Z", ended.at("/data/effectiveEnd").asText());
        assertEquals("USD", ended.at("/data/currency").asText());

        // nothing is sent twice, however often the sender runs
        clock.advance(Duration.ofHours(1));
        delivery.sendDue(10_000);
        assertEquals(3, sentFor(org).size());
    }

    @Test
    void anOutageOfSubscriptionServiceDelaysTheEventsAndLosesNone() {
        StubMapping down = server().stubFor(post(urlPathEqualTo(PUBLISH)).atPriority(1)
                .withRequestBody(matchingJsonPath("$.orgId", equalTo(org)))
                .willReturn(aResponse().withStatus(503)));
        createActive(org, yearDraft());
        delivery.sendDue(10_000);
        // created was tried (with the client's retries); activated waits behind it and was never sent
        List<JsonNode> tried = sentFor(org);
        assertTrue(tried.size() >= 1);
        assertEquals(List.of("contract.created"), tried.stream().map(n -> n.get("type").asText()).distinct().toList());
        assertEquals(0, delivery.sendDue(10_000), "not due again before its backoff");

        server().removeStub(down);
        breakers.resetAll();
        server().resetRequests();
        clock.advance(Duration.ofHours(1));
        delivery.sendDue(10_000);
        List<JsonNode> sent = sentFor(org);
        assertEquals(List.of("contract.created", "contract.updated"), types(sent));
        assertEquals(tried.get(0).get("id").asText(), sent.get(0).get("id").asText(), "the same id on the retry");
        assertEquals(0, pending(org));
    }

    @Test
    void theRenewalReminderIsPublishedOncePerTermWithinTheNoticePeriod() {
        // ends 1 April: inside the 30 days' notice on 15 March
        String ending = createActive(org, draft("2026-01-01T00:00:00Z", "2026-04-01T00:00:00Z", "3000.00",
                "quarterly"));
        // another organisation's contract ends 1 June: not yet
        String other = "events-" + UUID.randomUUID();
        createActive(other, draft("2026-01-01T00:00:00Z", "2026-06-01T00:00:00Z", "3000.00", "quarterly"));

        assertTrue(reminders.remindDue() >= 1);
        clock.advance(Duration.ofHours(1));
        reminders.remindDue();
        delivery.sendDue(10_000);

        List<JsonNode> sent = sentFor(org).stream()
                .filter(n -> n.get("type").asText().equals("contract.renewal_upcoming")).toList();
        assertEquals(1, sent.size(), "one reminder per term, however often the job runs");
        JsonNode reminder = sent.get(0);
        assertEquals("ctr_" + ending.replace("-", "") + "_renewal_upcoming", reminder.get("id").asText());
        assertEquals("2026-04-01T00:00:00Z", reminder.at("/data/effectiveEnd").asText());
        assertEquals(30, reminder.at("/data/noticeDays").asInt());
        assertEquals(false, reminder.at("/data/renewalDrafted").asBoolean());
        assertTrue(sentFor(other).stream().noneMatch(n -> n.get("type").asText().equals("contract.renewal_upcoming")));
    }

    @Test
    void anEventIsRecordedOnlyInTheTransactionOfItsFact() {
        Instant at = clock.instant();
        assertThrows(TransactionalException.class,
                () -> outbox.record("evt_outside_" + org, org, "contract.updated", at, Map.of()),
                "no transaction: no fact to announce");

        assertThrows(IllegalStateException.class, () -> QuarkusTransaction.requiringNew().run(() -> {
            outbox.record("evt_rolled_back_" + org, org, "contract.updated", at, Map.of());
            throw new IllegalStateException("the fact failed");
        }));
        assertEquals(0, pending(org), "a rolled-back fact announces nothing");

        assertTrue(QuarkusTransaction.requiringNew()
                .call(() -> outbox.record("evt_kept_" + org, org, "contract.updated", at, Map.of("n", 1))));
        assertEquals(1, pending(org));
        assertEquals(false, QuarkusTransaction.requiringNew()
                .call(() -> outbox.record("evt_kept_" + org, org, "contract.updated", at, Map.of("n", 2))),
                "recording the same fact again is no second event");
        delivery.sendDue(10_000);
        List<JsonNode> sent = sentFor(org);
        assertEquals(1, sent.size());
        assertEquals(1, sent.get(0).at("/data/n").asInt(), "the first version is kept");
    }

    // ---- helpers

    private static WireMockServer server() {
        return SubscriptionStandIn.server();
    }

    private List<JsonNode> sentFor(String orgId) {
        return server().findAll(postRequestedFor(urlPathEqualTo(PUBLISH))).stream().map(r -> {
            try {
                return json.readTree(r.getBodyAsString());
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }).filter(n -> orgId.equals(n.get("orgId").asText())).toList();
    }

    private static List<String> types(List<JsonNode> sent) {
        return sent.stream().map(n -> n.get("type").asText()).toList();
    }

    private long pending(String orgId) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(
                "SELECT count(*) FROM billing_event_outbox WHERE org_id = ?1 AND status = 'pending'")
                .setParameter(1, orgId).getSingleResult()).longValue());
    }
}
