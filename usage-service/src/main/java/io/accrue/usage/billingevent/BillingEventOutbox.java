package io.accrue.usage.billingevent;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.accrue.common.outbox.OrderedEventOutbox;
import io.accrue.common.outbox.OutboxStatus;
import io.accrue.common.state.WireValue;
import io.accrue.usage.client.AccountStatusClient;
import io.accrue.usage.client.AccountStatusClient.SubscriptionRejected;
import io.accrue.usage.client.BillingEventRequest;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * The billing events usage-service publishes (budget alerts as {@code usage.threshold_reached}), on their way to
 * subscription-service's one webhook delivery system: common's {@link OrderedEventOutbox}, the outbox invoice-service
 * and contract-service use, on this service's data source (plain JDBC, enlisted in the JTA transaction) and its one
 * subscription-service client. An event is recorded in the transaction that records the alert, under an id derived
 * from the alert's row ({@link #eventId}), so an alert is queued, and published, once.
 * <p>
 * Two choices of this service's: an outage never gives an event up ({@link #giveUpAfter} is empty: a late budget alert
 * is still worth having), and a 401/403 is a credential problem of ours, not a refusal of the event, so it is retried;
 * any other 4xx is subscription-service refusing this event for good.
 */
@ApplicationScoped
public class BillingEventOutbox extends OrderedEventOutbox {

    public static final String USAGE_THRESHOLD_REACHED = "usage.threshold_reached";

    /**
     * Where an event stands on its way to subscription-service, as the alert API shows it: {@code pending},
     * {@code published} (stored by subscription-service) or {@code refused} (the API's words since V14; the table
     * says delivered and failed, like the other services' outboxes).
     */
    public record Publication(String status, int attempts, Instant publishedAt, String lastError,
            Instant nextAttemptAt) {

        static String status(OutboxStatus stored) {
            return switch (stored) {
                case PENDING -> "pending";
                case DELIVERED -> "published";
                case FAILED -> "refused";
            };
        }
    }

    private final AgroalDataSource dataSource;
    private final AccountStatusClient subscriptionService;

    BillingEventOutbox(AgroalDataSource dataSource, AccountStatusClient subscriptionService, ObjectMapper json,
            Clock clock) {
        super(json, clock);
        this.dataSource = dataSource;
        this.subscriptionService = subscriptionService;
    }

    /** The event id of a fact recorded under {@code sourceId}: the same row always yields the same id. */
    public static String eventId(UUID sourceId) {
        return "evt_" + sourceId.toString().replace("-", "");
    }

    /** In the transaction of the alert it announces: a rolled-back alert announces nothing. */
    @Override
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean record(String id, String orgId, String type, Instant occurredAt, Map<String, Object> data) {
        return super.record(id, orgId, type, occurredAt, data);
    }

    /** Publishes one due event; false when nothing was due. */
    public boolean publishNext() {
        return sendDue(1) == 1;
    }

    @Override
    protected <T> T inCallerTransaction(SqlWork<T> work) {
        // inside the caller's JTA transaction Agroal hands out its enlisted connection
        return onConnection(work);
    }

    @Override
    protected <T> T inNewTransaction(SqlWork<T> work) {
        return QuarkusTransaction.requiringNew().call(() -> onConnection(work));
    }

    @Override
    protected void send(Pending event) {
        subscriptionService.publish(new BillingEventRequest(event.id(), event.orgId(), event.type(),
                event.occurredAt().toString(), event.data()));
    }

    /** A 4xx other than 401/403 (our credentials, fixed by an operator) is subscription-service's final answer. */
    @Override
    protected boolean isFinal(RuntimeException failure) {
        if (failure instanceof SubscriptionRejected rejected) {
            int status = rejected.getResponse().getStatus();
            return status != 401 && status != 403;
        }
        return false;
    }

    @Override
    protected Optional<Duration> giveUpAfter() {
        return Optional.empty();
    }

    /** Where each event stands, for the alert views. */
    public Map<String, Publication> publications(Collection<String> eventIds) {
        Map<String, Publication> out = new HashMap<>();
        if (eventIds.isEmpty()) {
            return out;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                select event_id, status, attempts, delivered_at, last_error, next_attempt_at
                from billing_event_outbox where event_id = any(?)""")) {
            ps.setArray(1, c.createArrayOf("text", eventIds.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    OutboxStatus status = WireValue.find(OutboxStatus.class, rs.getString(2)).orElseThrow();
                    out.put(rs.getString(1), new Publication(Publication.status(status), rs.getInt(3),
                            instant(rs.getTimestamp(4)), rs.getString(5),
                            status == OutboxStatus.PENDING ? instant(rs.getTimestamp(6)) : null));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading billing events failed", e);
        }
        return out;
    }

    private <T> T onConnection(SqlWork<T> work) {
        try (Connection c = dataSource.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new IllegalStateException("billing event outbox: " + e.getMessage(), e);
        }
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
