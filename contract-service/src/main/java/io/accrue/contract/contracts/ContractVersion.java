package io.accrue.contract.contracts;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.OrderColumn;
import jakarta.persistence.Table;

/**
 * The commercial terms of a contract from {@link #effectiveFrom} until the next version's start. Version 1
 * is the signed draft; each amendment adds a version and never rewrites an earlier one, so the terms an
 * invoice was computed with can always be read again.
 */
@Entity
@Table(name = "contract_versions")
public class ContractVersion {

    @Id
    public UUID id;

    @Column(name = "contract_id", nullable = false)
    public UUID contractId;

    @Column(nullable = false)
    public int number;

    @Column(name = "effective_from", nullable = false)
    public Instant effectiveFrom;

    @Column(name = "commitment_amount", nullable = false, precision = 24, scale = 12)
    public BigDecimal commitmentAmount;

    @Column(name = "commitment_period", nullable = false)
    public String commitmentPeriod;

    @Column(name = "prepaid_credits", nullable = false, precision = 24, scale = 12)
    public BigDecimal prepaidCredits;

    @Column(name = "custom_terms")
    public String customTerms;

    @Column(name = "document_ref")
    public String documentRef;

    public String reason;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "created_by", nullable = false)
    public String createdBy;

    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "contract_rates", joinColumns = @JoinColumn(name = "version_id"))
    @OrderColumn(name = "position")
    public List<NegotiatedRate> rates = new ArrayList<>();

    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "contract_minimums", joinColumns = @JoinColumn(name = "version_id"))
    @OrderColumn(name = "position")
    public List<Minimum> minimums = new ArrayList<>();
}
