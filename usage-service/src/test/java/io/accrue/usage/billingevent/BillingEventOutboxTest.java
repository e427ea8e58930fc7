package io.accrue.usage.billingevent;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.accrue.common.time.AdjustableClock;
import io.accrue.usage.SubscriptionServiceStub;
import io.accrue.usage.billingevent.BillingEventOutbox.Publication;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;

/**
 * usage-service's billing events on common's ordered outbox, against the real database and a subscription-service
 * stand-in: an organisation's events leave in the order they were recorded, a failed send is retried with the backoff
 * and never given up, and an event whose worker died after claiming it is sent once its lease ends.
 */
@QuarkusTest
class BillingEventOutboxTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    BillingEventOutbox outbox;
    @Inject
    AgroalDataSource dataSource;
    @Inject
    AdjustableClock clock;

    private final WireMock subscriptionService = SubscriptionServiceStub.admin();
    private String org;
    private Instant start;

    @BeforeEach
    void freshOrganisation() {
        org = "org-" + UUID.randomUUID();
        start = clock.instant();
        drain(); // events other tests left due are not this test's
    }

    @AfterEach
    void resetClock() {
        clock.set(start);
    }

    @Test
    void anOrganisationsEventsLeaveInTheOrderTheyWereRecorded() {
        String first = record();
        String second = record();
        // the first is refused with our credentials (401: retried, not final); the second must wait behind it
        StubMapping unauthorised = failing(first, 401);
        drain();
        assertEquals(List.of(first), sentIds(), "the second is not sent while the first is unsent");
        assertEquals("pending", publication(second).status());
        assertEquals(0, publication(second).attempts(), "waiting behind an earlier event uses no attempt");

        subscriptionService.removeStubMapping(unauthorised);
        clock.advance(Duration.ofMinutes(1)); // past the first retry (at most 30 s)
        drain();
        assertEquals(List.of(first, first, second), sentIds());
        assertEquals("published", publication(first).status());
        assertEquals(2, publication(first).attempts());
        assertEquals("published", publication(second).status());
        assertEquals(1, publication(second).attempts());
    }

    @Test
    void aFailingSendIsRetriedWithTheBackoffAndNeverGivenUp() {
        String id = record();
        StubMapping forbidden = failing(id, 403);
        drain();
        Publication failed = publication(id);
        assertEquals("pending", failed.status());
        assertEquals(1, failed.attempts());
        assertTrue(failed.lastError().contains("403"), failed.lastError());
        assertNotNull(failed.nextAttemptAt());
        drain(); // not due before the backoff: nothing is sent
        assertEquals(1, sentIds().size());

        // four days of failures: past the three days after which invoice-service gives an event up
        while (clock.instant().isBefore(start.plus(Duration.ofDays(4)))) {
            clock.advance(Duration.ofHours(1));
            drain();
        }
        Publication stillPending = publication(id);
        assertEquals("pending", stillPending.status(), "an outage never gives a budget alert up");
        assertEquals(sentIds().size(), stillPending.attempts(), "one send per due retry, none in between");
        assertTrue(stillPending.attempts() > 90, "retried every hour at most: " + stillPending.attempts());
        assertNull(giveUpAt(id));

        subscriptionService.removeStubMapping(forbidden);
        clock.advance(Duration.ofHours(1)); // the backoff is capped at one hour
        drain();
        assertEquals("published", publication(id).status());
        assertNotNull(publication(id).publishedAt());
        assertNull(publication(id).nextAttemptAt());
    }

    @Test
    void anEventWhoseWorkerDiedAfterTheClaimIsSentOnceTheLeaseEnds() throws SQLException {
        String id = record();
        // what a claim commits (a lease of two minutes, the attempt counted), then the worker dies before sending
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "update billing_event_outbox set next_attempt_at = ?, attempts = attempts + 1 where event_id = ?")) {
            ps.setTimestamp(1, Timestamp.from(clock.instant().plus(Duration.ofMinutes(2))));
            ps.setString(2, id);
            assertEquals(1, ps.executeUpdate());
        }
        drain();
        assertEquals(List.of(), sentIds(), "leased to the dead worker: no other worker sends it meanwhile");

        clock.advance(Duration.ofMinutes(3));
        drain();
        drain();
        assertEquals(List.of(id), sentIds(), "sent once, after the lease");
        assertEquals("published", publication(id).status());
        assertEquals(2, publication(id).attempts(), "the crashed attempt counts");
    }

    private String record() {
        String id = BillingEventOutbox.eventId(UUID.randomUUID());
        assertTrue(QuarkusTransaction.requiringNew().call(() -> outbox.record(id, org,
                BillingEventOutbox.USAGE_THRESHOLD_REACHED, clock.instant(), Map.of("orgId", org))));
        assertFalse(QuarkusTransaction.requiringNew().call(() -> outbox.record(id, org,
                BillingEventOutbox.USAGE_THRESHOLD_REACHED, clock.instant(), Map.of("orgId", org))),
                "an id recorded again is no second event");
        clock.advance(Duration.ofMillis(1)); // the next fact is a moment later, as facts are
        return id;
    }

    private StubMapping failing(String id, int status) {
        return subscriptionService.register(post(urlPathEqualTo("/v1/billing-events")).atPriority(1)
                .withRequestBody(matchingJsonPath("$.id", WireMock.equalTo(id)))
                .willReturn(aResponse().withStatus(status).withHeader("Content-Type", "application/problem+json")
                        .withBody("{\"status\":" + status + ",\"code\":\"unauthorized\"}")));
    }

    private void drain() {
        for (int i = 0; i < 1000 && outbox.publishNext(); i++) {
            // publish everything due
        }
    }

    private Publication publication(String id) {
        return outbox.publications(List.of(id)).get(id);
    }

    private Instant giveUpAt(String id) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c
                        .prepareStatement("select give_up_at from billing_event_outbox where event_id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                Timestamp t = rs.getTimestamp(1);
                return t == null ? null : t.toInstant();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The ids of this organisation's sends that reached the stand-in, in the order they arrived. */
    private List<String> sentIds() {
        List<LoggedRequest> requests = new ArrayList<>(subscriptionService
                .find(postRequestedFor(urlPathEqualTo("/v1/billing-events"))
                        .withRequestBody(matchingJsonPath("$.orgId", WireMock.equalTo(org)))));
        requests.sort((a, b) -> a.getLoggedDate().compareTo(b.getLoggedDate()));
        List<String> ids = new ArrayList<>();
        for (LoggedRequest r : requests) {
            try {
                ids.add(JSON.readTree(r.getBodyAsString()).path("id").asText());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return ids;
    }
}
