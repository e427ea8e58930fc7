package io.accrue.usage.ingest;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import io.accrue.common.time.RecordedData;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * The test clock goes back no further than the latest usage: the latest instant an event occurred at or was
 * recorded at (a late event occurred before it was recorded; the clock skew allowance can put occurred after).
 */
@ApplicationScoped
public class RecordedUsage implements RecordedData {

    private final EntityManager em;

    RecordedUsage(EntityManager em) {
        this.em = em;
    }

    @Override
    public Optional<Mark> latest() {
        Object[] row = QuarkusTransaction.requiringNew().call(() -> (Object[]) em.createNativeQuery(
                "SELECT max(occurred_at), max(recorded_at) FROM usage_events").getSingleResult());
        return RecordedData.latestOf(Mark.of(row[0], "the latest usage event (occurred)"),
                Mark.of(row[1], "the latest usage event (recorded)"));
    }
}
