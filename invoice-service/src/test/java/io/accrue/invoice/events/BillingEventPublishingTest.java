package io.accrue.invoice.events;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;

import io.accrue.common.security.Roles;
import io.accrue.common.time.AdjustableClock;
import io.accrue.invoice.invoices.Invoice;
import io.accrue.invoice.invoices.InvoiceFixtures;
import io.accrue.invoice.run.Neighbours;
import io.accrue.invoice.run.RunFixture;
import io.accrue.testing.TestTokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;

/**
 * invoice-service's billing events reach subscription-service (a WireMock stand-in of {@code POST /v1/billing-events})
 * once per fact, in order, under ids derived from the fact; an outage of subscription-service delays them and loses
 * none; a rerun of the close, a second status change or a second failure with the same cause makes no second event.
 */
@QuarkusTest
class BillingEventPublishingTest {

    private static final String PUBLISH = "/v1/billing-events";
    /** The period-close CronJob's as-of instants (each run of the fixture adds its own seconds). */
    private static final Instant CLOSE = Instant.parse("2026-03-02T00:00:00Z");
    private static final Instant RERUN = Instant.parse("2026-03-03T00:00:00Z");

    @Inject
    BillingEventDelivery delivery;
    @Inject
    InvoiceFixtures fixtures;
    @Inject
    EntityManager em;
    @Inject
    AdjustableClock clock;
    @Inject
    CircuitBreakerMaintenance breakers;
    @Inject
    ObjectMapper json;

    private RunFixture fx;
    private String org;

    @BeforeEach
    void freshOrganisation() {
        fx = RunFixture.fresh("events");
        org = fx.org;
        Neighbours.accounts(List.of(org));
        Neighbours.proAccount(org, 2_000_000, 0);
    }

    @AfterEach
    void restoreClock() {
        clock.set(RunFixture.NOW);
    }

    @Test
    void aCloseIsAnnouncedCreatedThenFinalizedOnceEvenWhenTheRunIsRepeated() {
        accept();
        fx.close(CLOSE);
        Invoice invoice = fx.invoice(RunFixture.FEB);
        sendAll();

        List<JsonNode> sent = sentFor(org);
        String hex = invoice.id.toString().replace("-", "");
        assertEquals(List.of("invoice.created", "invoice.finalized"), types(sent));
        assertEquals(List.of("inv_" + hex + "_created", "inv_" + hex + "_finalized"), ids(sent));
        JsonNode finalized = sent.get(1);
        assertEquals(org, finalized.get("orgId").asText());
        assertEquals(invoice.id.toString(), finalized.at("/data/invoiceId").asText());
        assertEquals("invoice", finalized.at("/data/kind").asText());
        assertEquals(invoice.number, finalized.at("/data/number").asText());
        assertEquals("open", finalized.at("/data/status").asText());
        assertEquals("USD", finalized.at("/data/currency").asText());
        // money as a string at the currency's minor unit, exactly the invoice's total
        assertEquals(invoice.total.setScale(2).toPlainString(), finalized.at("/data/total").asText());
        assertTrue(finalized.at("/data/total").isTextual());
        assertEquals(RunFixture.FEB, finalized.at("/data/periodStart").asText());

        // the same close again (another run, the next day's CronJob): the period is invoiced, nothing new to say
        fx.close(RERUN);
        sendAll();
        assertEquals(2, sentFor(org).size());
        assertEquals(2, recorded(org), "one outbox row per fact");
    }

    @Test
    void anOutageOfSubscriptionServiceDelaysTheEventsAndLosesNoneNorSendsOneTwice() {
        StubMapping down = RunFixture.n().stubFor(post(urlPathEqualTo(PUBLISH)).atPriority(1)
                .withRequestBody(matchingJsonPath("$.orgId", equalTo(org)))
                .willReturn(aResponse().withStatus(503)));
        accept();
        fx.close(CLOSE);
        Invoice invoice = fx.invoice(RunFixture.FEB);
        sendAll();

        // created was tried (with the client's retries) and failed; finalized waits behind it and was never sent
        List<JsonNode> tried = sentFor(org);
        assertTrue(tried.size() >= 1);
        assertEquals(List.of("invoice.created"), tried.stream().map(n -> n.get("type").asText()).distinct().toList());
        assertEquals("pending", status("inv_" + invoice.id.toString().replace("-", "") + "_created"));
        assertEquals(0, delivery.sendDue(100), "not due again before its backoff");

        // subscription-service is back an hour later: both go out, in order, under the ids tried before
        RunFixture.n().removeStub(down);
        breakers.resetAll();
        clock.advance(Duration.ofHours(1));
        RunFixture.n().resetRequests();
        sendAll();
        List<JsonNode> sent = sentFor(org);
        assertEquals(List.of("invoice.created", "invoice.finalized"), types(sent));
        assertEquals(ids(tried).get(0), ids(sent).get(0), "the retry carries the same event id");
        assertEquals("delivered", status(ids(sent).get(1)));

        // nothing is left to send, however often the sender runs
        clock.advance(Duration.ofHours(2));
        sendAll();
        assertEquals(2, sentFor(org).size());
    }

    @Test
    void paymentAndCreditNotesAreAnnouncedOncePerFact() {
        accept();
        Invoice invoice = fixtures.insert(org, "open", Instant.parse("2026-01-01T00:00:00Z"),
                Instant.parse(RunFixture.FEB), "USD", "99.00", "7.50");
        String hex = invoice.id.toString().replace("-", "");
        paid(invoice).then().statusCode(200);
        // asking again changes nothing and says nothing
        paid(invoice).then().statusCode(200);
        String note = operator().body("{\"reason\":\"SLA breach\",\"lines\":[{\"position\":1,\"amount\":\"10.00\"}]}")
                .when().post("/v1/orgs/{org}/invoices/{id}/credit-notes", org, invoice.id)
                .then().statusCode(201).extract().path("id");
        sendAll();

        List<JsonNode> sent = sentFor(org);
        assertEquals(List.of("invoice.paid", "credit_note.created"), types(sent));
        assertEquals("inv_" + hex + "_paid", sent.get(0).get("id").asText());
        assertEquals("106.50", sent.get(0).at("/data/total").asText());
        assertEquals("paid", sent.get(0).at("/data/status").asText());
        JsonNode credit = sent.get(1);
        assertEquals("cn_" + note.replace("-", "") + "_created", credit.get("id").asText());
        assertEquals(note, credit.at("/data/creditNoteId").asText());
        assertEquals(invoice.id.toString(), credit.at("/data/correctsInvoiceId").asText());
        assertEquals("-10.00", credit.at("/data/total").asText());
        assertEquals("USD", credit.at("/data/currency").asText());
    }

    @Test
    void anUnbilledPeriodIsAnnouncedOncePerCauseAcrossReruns() {
        accept();
        RunFixture.n().stubFor(get(urlPathEqualTo("/v1/orgs/" + org + "/usage/summary")).atPriority(1)
                .willReturn(aResponse().withStatus(503)));
        fx.close(CLOSE);
        breakers.resetAll();
        fx.close(RERUN);
        sendAll();

        List<JsonNode> sent = sentFor(org);
        assertEquals(List.of("billing_period.unbilled"), types(sent));
        JsonNode event = sent.get(0);
        assertTrue(event.get("id").asText().matches("bp_[0-9a-f]{32}_neighbour_unavailable"), event.toString());
        assertEquals(RunFixture.FEB, event.at("/data/periodStart").asText());
        assertEquals(RunFixture.MAR, event.at("/data/periodEnd").asText());
        assertEquals("neighbour_unavailable", event.at("/data/cause").asText());
        assertTrue(event.at("/data/retrying").asBoolean());
        assertEquals(1, recorded(org));
        assertEquals(2, QuarkusTransaction.requiringNew().call(() -> ((Number) em
                .createNativeQuery("SELECT attempts FROM billing_periods WHERE org_id = ?1").setParameter(1, org)
                .getSingleResult()).intValue()), "both closes tried the period and failed the same way");
    }

    // ---- helpers

    /** subscription-service accepts every event (201), as it does a new id. */
    private static void accept() {
        RunFixture.n().stubFor(post(urlPathEqualTo(PUBLISH)).atPriority(5).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody("{\"created\":true}")));
    }

    private void sendAll() {
        delivery.sendDue(500);
    }

    /** The events subscription-service received for the organisation, in the order they arrived. */
    private List<JsonNode> sentFor(String orgId) {
        return RunFixture.n().findAll(postRequestedFor(urlPathEqualTo(PUBLISH))).stream().map(r -> {
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

    private static List<String> ids(List<JsonNode> sent) {
        return sent.stream().map(n -> n.get("id").asText()).toList();
    }

    private long recorded(String orgId) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) em
                .createNativeQuery("SELECT count(*) FROM billing_event_outbox WHERE org_id = ?1")
                .setParameter(1, orgId).getSingleResult()).longValue());
    }

    private String status(String eventId) {
        return QuarkusTransaction.requiringNew().call(() -> (String) em
                .createNativeQuery("SELECT status FROM billing_event_outbox WHERE event_id = ?1")
                .setParameter(1, eventId).getSingleResult());
    }

    private io.restassured.response.Response paid(Invoice invoice) {
        return operator().body("{\"status\":\"paid\"}")
                .when().post("/v1/orgs/{org}/invoices/{id}/status", org, invoice.id);
    }

    private static io.restassured.specification.RequestSpecification operator() {
        return given().header("Authorization", TestTokens.as(Roles.PLATFORM_OPERATOR).bearer())
                .contentType(ContentType.JSON);
    }
}
