package io.accrue.contract.drawdown;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import io.accrue.common.time.RecordedData;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * The test clock goes back no further than the latest contract transition (draft, activation, termination…) or
 * drawdown recorded: before it, commitments would have been drawn down, or contracts changed, in the future.
 */
@ApplicationScoped
public class RecordedDrawdowns implements RecordedData {

    private final EntityManager em;

    RecordedDrawdowns(EntityManager em) {
        this.em = em;
    }

    @Override
    public Optional<Mark> latest() {
        Object[] row = QuarkusTransaction.requiringNew().call(() -> (Object[]) em.createNativeQuery(
                "SELECT (SELECT max(occurred_at) FROM contract_transitions), (SELECT max(recorded_at) FROM drawdowns)")
                .getSingleResult());
        return RecordedData.latestOf(Mark.of(row[0], "the latest contract transition"),
                Mark.of(row[1], "the latest drawdown recorded"));
    }
}
