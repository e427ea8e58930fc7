package io.accrue.subscription.contact;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

/** Someone who receives the organisation's billing mails (package mail), each kind by its flag; not a platform user. */
@Entity
@Table(name = "billing_contacts")
public class BillingContact {

    @Id
    public UUID id;

    @Column(name = "org_id", nullable = false)
    public String orgId;

    @Column(nullable = false)
    public String name;

    @Column(nullable = false)
    public String email;

    @Column(name = "receives_invoices", nullable = false)
    public boolean receivesInvoices;

    @Column(name = "receives_dunning", nullable = false)
    public boolean receivesDunning;

    @Column(name = "receives_usage_alerts", nullable = false)
    public boolean receivesUsageAlerts;

    @Column(name = "receives_contract_notices", nullable = false)
    public boolean receivesContractNotices;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Version
    public long version;
}
