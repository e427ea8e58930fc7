package io.accrue.contract.contracts;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
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

    @Enumerated(EnumType.STRING)
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

    /** True while {@code at} falls in the half-open span this contract governs. */
    public boolean governs(Instant at) {
        return !at.isBefore(termStart) && at.isBefore(effectiveEnd);
    }
}
