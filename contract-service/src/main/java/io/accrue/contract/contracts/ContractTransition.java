package io.accrue.contract.contracts;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One audited change of a contract: who, what, why. Rows are only ever inserted. */
@Entity
@Table(name = "contract_transitions")
public class ContractTransition {

    /** Identity order is the order things happened in, even when the clock stands still. */
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "contract_id", nullable = false)
    public UUID contractId;

    @Column(name = "from_status")
    public ContractStatus fromStatus;

    @Column(name = "to_status", nullable = false)
    public ContractStatus toStatus;

    /** created, edited, activated, amended, terminated, expired, renewed. */
    @Column(nullable = false)
    public String action;

    @Column(nullable = false)
    public String reason;

    @Column(nullable = false)
    public String actor;

    @Column(name = "occurred_at", nullable = false)
    public Instant occurredAt;
}
