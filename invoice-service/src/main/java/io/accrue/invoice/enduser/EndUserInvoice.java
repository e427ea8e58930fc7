package io.accrue.invoice.enduser;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.accrue.invoice.invoices.InvoiceStatus;

/**
 * An invoice an organisation bills to one of its end users for a period. Its amounts never change; a
 * {@code stripe_connect} invoice only records how its delivery to the connected account went.
 */
@Entity
@Table(name = "end_user_invoices")
public class EndUserInvoice {

    @Id
    public UUID id;

    @Column(name = "org_id", nullable = false)
    public String orgId;

    @Column(name = "end_user_id", nullable = false)
    public String endUserId;

    @Column(name = "period_start", nullable = false)
    public Instant periodStart;

    @Column(name = "period_end", nullable = false)
    public Instant periodEnd;

    @Column(nullable = false, columnDefinition = "bpchar")
    public String currency;

    @Column(name = "total_tokens", nullable = false)
    public long totalTokens;

    @Column(nullable = false)
    public long requests;

    @Column(name = "revenue_unrounded", nullable = false)
    public BigDecimal revenueUnrounded;

    @Column(nullable = false)
    public BigDecimal amount;

    @Column(name = "application_fee_percent", nullable = false)
    public BigDecimal applicationFeePercent;

    @Column(name = "application_fee", nullable = false)
    public BigDecimal applicationFee;

    @Column(nullable = false)
    public String delivery;

    @Column(name = "connected_account_id")
    public String connectedAccountId;

    @Column(nullable = false)
    public EndUserInvoiceStatus status;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "days_until_due")
    public Integer daysUntilDue;

    @Column(name = "stripe_customer_id")
    public String stripeCustomerId;

    @Column(name = "stripe_invoice_id")
    public String stripeInvoiceId;

    @Column(name = "stripe_invoice_item_id")
    public String stripeInvoiceItemId;

    @Column(name = "hosted_invoice_url")
    public String hostedInvoiceUrl;

    @Column(name = "stripe_key_generation", nullable = false)
    public int stripeKeyGeneration;

    @Column(name = "delivery_attempts", nullable = false)
    public int deliveryAttempts;

    @Column(name = "last_delivery_error")
    public String lastDeliveryError;

    @Column(name = "sent_at")
    public Instant sentAt;

    @Column(name = "settled_at")
    public Instant settledAt;

    /**
     * Whether Stripe's word on the connected account may move this invoice to {@code target}: by the same lifecycle
     * as the organisation's own invoices, reading a delivered invoice as open on Stripe. A delivery still pending or
     * recorded as failed may have reached Stripe all the same (delivery finds its objects again by metadata), so it
     * counts as open too; an invoice never meant for Stripe ({@code open}, delivery by export) moves nowhere.
     */
    public boolean maySettleAs(InvoiceStatus target) {
        return status.mayMoveTo(EndUserInvoiceStatus.settled(target));
    }
}
