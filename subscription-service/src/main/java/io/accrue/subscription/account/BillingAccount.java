package io.accrue.subscription.account;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

/** The billing account of one organisation. */
@Entity
@Table(name = "billing_accounts")
public class BillingAccount {

    @Id
    public UUID id;

    @Column(name = "org_id", nullable = false, unique = true)
    public String orgId;

    @Column(nullable = false)
    public String name;

    /**
     * The ISO-4217 code the organisation was provisioned with (its subscription starts in it). Not what it bills in
     * now: the subscription holds the terms in effect (plan, currency, status), which every change updates.
     */
    @Column(name = "provisioned_currency", nullable = false, columnDefinition = "bpchar")
    public String provisionedCurrency;

    /** Billing periods are half-open [start, end) in this zone. */
    @Column(name = "time_zone", nullable = false)
    public String timeZone;

    @Column(name = "stripe_customer_id")
    public String stripeCustomerId;

    @Column(name = "metered_enabled", nullable = false)
    public boolean meteredEnabled;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Column(name = "legal_name")
    public String legalName;

    @Column(name = "address_line1")
    public String addressLine1;

    @Column(name = "address_line2")
    public String addressLine2;

    public String city;

    @Column(name = "postal_code")
    public String postalCode;

    public String region;

    @Column(columnDefinition = "bpchar")
    public String country;

    @Column(name = "tax_id")
    public String taxId;

    /** The Stripe Connect account end-user invoices go out on (delivery stripe_connect); null until set. */
    @Column(name = "stripe_connect_account_id")
    public String stripeConnectAccountId;

    @Version
    public long version;
}
