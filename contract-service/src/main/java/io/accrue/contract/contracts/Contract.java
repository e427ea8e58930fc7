package io.accrue.contract.contracts;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

/** An enterprise contract of one organisation; its commercial terms live in {@link ContractVersion}s. */
@Entity
@Table(name = "contracts")
public class Contract {

    @Id
    public UUID id;

    @Column(name = "org_id", nullable = false)
    public String orgId;

    /** Changed through {@link #moveTo}; stored as its wire value ({@link ContractStatus.Column}). */
    @Column(nullable = false)
    public ContractStatus status;

    @Column(nullable = false, columnDefinition = "bpchar")
    public String currency;

    @Column(name = "term_start", nullable = false)
    public Instant termStart;

    @Column(name = "term_end", nullable = false)
    public Instant termEnd;

    /** {@link #termEnd}, or the termination instant: the end of the time this contract governs. */
    @Column(name = "effective_end", nullable = false)
    public Instant effectiveEnd;

    @Column(name = "renewal_of")
    public UUID renewalOf;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "created_by", nullable = false)
    public String createdBy;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Version
    public long version;

    /** Moves to {@code next}; a move the lifecycle does not allow is a bug (callers check first), not an input. */
    public void moveTo(ContractStatus next) {
        if (!status.mayMoveTo(next)) {
            throw new IllegalStateException("a contract may not move from " + status.wire() + " to " + next.wire());
        }
        status = next;
    }

    /** True while {@code at} falls in the half-open span this contract governs. */
    public boolean governs(Instant at) {
        return !at.isBefore(termStart) && at.isBefore(effectiveEnd);
    }
}
