package io.accrue.subscription.contact;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

/** Someone who receives invoices or payment-failure notices; not a platform user. */
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

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Version
    public long version;
}
